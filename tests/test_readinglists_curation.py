"""Curation survives a rebuild after new papers arrive: pins, removals, notes, added papers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.readinglists_data import insert_papers, prepare
from tracker.config import Settings
from tracker.db.models import ReadingListItem
from tracker.readinglists import (
    ItemNotFoundError,
    PaperNotFoundError,
    add_item,
    build_list,
    get_list,
    get_list_items,
    move_item,
    note_item,
    pin_item,
    remove_item,
    unpin_item,
)
from tracker.readinglists.build import layout

OCT = "2025-10"
NOTE = "推荐：把漏洞修复当作推理问题来做，值得一读。"


@pytest.fixture
def lists_session(ccf_session: Session) -> Session:
    """CCF tables, the taxonomy and the base papers of October 2025."""
    prepare(ccf_session)
    return ccf_session


def _ids(items: list) -> list[str]:  # type: ignore[type-arg]
    return [i.arxiv_id for i in items]


def test_layout_keeps_pins_in_place() -> None:
    assert layout([("p", 2)], ["a", "b", "c"]) == [("a", 1), ("p", 2), ("b", 3), ("c", 4)]
    # Two pins asking for one rank: the second takes the next free one.
    assert layout([("p", 1), ("q", 1)], ["a"]) == [("p", 1), ("q", 2), ("a", 3)]
    # A pin beyond the end of a shorter list goes to the last place.
    assert layout([("p", 9)], ["a", "b"]) == [("a", 1), ("b", 2), ("p", 3)]
    assert layout([], []) == []


def test_curation_survives_rebuild_after_new_ingest(
    lists_session: Session, settings: Settings
) -> None:
    s = lists_session
    insert_papers(s, "records_november.jsonl")
    first = build_list(s, "all", OCT, settings)
    assert _ids(first)[:2] == ["2510.05480", "2510.04398"]
    sixth, tenth = first[5].arxiv_id, first[9].arxiv_id
    pin_item(s, "all", OCT, sixth)
    move_item(s, "all", OCT, "2510.00808", 1)  # moving pins it at its new place
    remove_item(s, "all", OCT, "2510.04398")
    note_item(s, "all", OCT, "2510.05480v2", NOTE)  # a version suffix is ignored
    note_item(s, "all", OCT, tenth, "Will drop off, note must stay")
    add_item(s, "all", OCT, "2511.00828", settings)  # a November paper, added by hand
    s.commit()

    edited = get_list_items(s, "all", OCT, settings=settings)
    assert edited[0].arxiv_id == "2510.00808" and edited[0].pinned
    assert edited[5].arxiv_id == sixth and edited[5].pinned
    assert "2510.04398" not in _ids(edited)
    assert [i.rank for i in edited] == list(range(1, len(edited) + 1))
    assert edited[-1].arxiv_id == "2511.00828" and edited[-1].added
    assert edited[-1].components["venue"] == 0.5  # INISTA: accepted, not a CCF venue

    insert_papers(s, "records_new.jsonl")  # a later ingest brings three NeurIPS papers
    s.commit()
    rebuilt = build_list(s, "all", OCT, settings)
    s.commit()
    ids = _ids(rebuilt)
    assert len(rebuilt) == 10
    assert rebuilt[0].arxiv_id == "2510.00808" and rebuilt[0].pinned
    assert rebuilt[5].arxiv_id == sixth and rebuilt[5].pinned
    assert "2510.04398" not in ids  # removed never returns, though it still ranks high
    assert {"2510.17697", "2510.21060", "2510.19654"} <= set(ids)
    by_id = {i.arxiv_id: i for i in rebuilt}
    assert by_id["2510.05480"].note == NOTE
    assert by_id["2511.00828"].added
    # Unpinned, unnoted items are ordered by score around the pins.
    free = [i for i in rebuilt if not i.pinned]
    assert [i.score for i in free] == sorted((i.score for i in free), reverse=True)

    # The noted paper fell off the list: its row (and note) is kept without a rank.
    assert tenth not in ids
    parked = s.get(ReadingListItem, (get_list(s, "all").id, OCT, tenth))
    assert parked is not None and parked.rank is None and parked.note
    get_list(s, "all").size = 20
    back = {i.arxiv_id: i for i in build_list(s, "all", OCT, settings)}
    assert back[tenth].note == "Will drop off, note must stay"
    assert "2510.04398" not in back


def test_unpin_add_back_and_clear_note(lists_session: Session, settings: Settings) -> None:
    s = lists_session
    build_list(s, "all", OCT, settings)
    pin_item(s, "all", OCT, "2510.02100", rank=2)
    assert _ids(get_list_items(s, "all", OCT, settings=settings))[1] == "2510.02100"
    unpin_item(s, "all", OCT, "2510.02100")
    items = build_list(s, "all", OCT, settings)
    assert _ids(items)[3] == "2510.02100" and not items[3].pinned  # back to its score's place
    remove_item(s, "all", OCT, "2510.02100")
    assert "2510.02100" not in _ids(build_list(s, "all", OCT, settings))
    add_item(s, "all", OCT, "2510.02100", rank=1)  # adding undoes the removal
    items = build_list(s, "all", OCT, settings)
    assert items[0].arxiv_id == "2510.02100" and items[0].added and items[0].pinned
    note_item(s, "all", OCT, "2510.02100", "先读这篇")
    note_item(s, "all", OCT, "2510.02100", "  ")
    assert get_list_items(s, "all", OCT, settings=settings)[0].note is None
    rows = s.scalars(select(ReadingListItem).where(ReadingListItem.removed)).all()
    assert rows == []


def test_curation_errors(lists_session: Session, settings: Settings) -> None:
    s = lists_session
    build_list(s, "all", OCT, settings)
    with pytest.raises(ItemNotFoundError, match="not on list"):
        pin_item(s, "all", OCT, "2510.00831")  # exists, but ranks too low
    with pytest.raises(ItemNotFoundError):
        note_item(s, "all", OCT, "2510.00831", "x")
    with pytest.raises(PaperNotFoundError):
        add_item(s, "all", OCT, "9999.99999")
    # Removing a paper that is not (yet) on the list keeps it off for good.
    remove_item(s, "all", OCT, "2510.00831")
    save = get_list(s, "all")
    save.size = 50
    assert "2510.00831" not in _ids(build_list(s, "all", OCT, settings))
