"""Curation of a built list: pin, unpin, remove, add by id, move, and notes (推荐语).

Each edit changes the stored rows of one list and period and re-numbers the visible items
at once (pinned items keep their ranks); the next build keeps every edit.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from tracker.config import Settings
from tracker.db.models import Paper, ReadingList, ReadingListItem
from tracker.readinglists.build import effective_edition, layout, selection_for, stored_rows
from tracker.readinglists.candidates import load_facts
from tracker.readinglists.definitions import ReadingListError, get_list
from tracker.readinglists.periods import Period, parse_period
from tracker.readinglists.ranking import resolve_weights, score_facts
from tracker.records import split_arxiv_id


class ItemNotFoundError(ReadingListError, LookupError):
    """The paper is not on this list for this period."""


class PaperNotFoundError(ReadingListError, LookupError):
    """No paper with this arXiv id is in the database."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _resolve(
    session: Session, reading_list: ReadingList | str, period: Period | str, arxiv_id: str
) -> tuple[ReadingList, Period, str, ReadingListItem | None]:
    rl = get_list(session, reading_list) if isinstance(reading_list, str) else reading_list
    when = parse_period(period) if isinstance(period, str) else period
    clean = split_arxiv_id(arxiv_id)[0]
    row = session.get(ReadingListItem, (rl.id, when.label, clean))
    return rl, when, clean, row


def _on_list(row: ReadingListItem | None, rl: ReadingList, when: Period, arxiv_id: str
             ) -> ReadingListItem:  # fmt: skip
    if row is None or row.rank is None or row.removed:
        raise ItemNotFoundError(
            f"{arxiv_id} is not on list {rl.name!r} for {when.label}; "
            f"see `tracker lists show --name {rl.name}`, or add it with `tracker lists add`."
        )
    return row


def relayout(
    session: Session, list_id: int, period: str, first: str | None = None, size: int | None = None
) -> None:
    """Re-number the visible items: pinned ones at their ranks, the rest in current order.

    With ``size``, ranked (uncurated) items beyond it leave the list, as a build would do.
    """
    rows = stored_rows(session, list_id, period)
    rows = [r for r in rows if r.rank is not None and not r.removed]
    if size is not None and len(rows) > size:
        spare = [r for r in rows if not (r.pinned or r.added)][::-1]
        for row in spare[: len(rows) - size]:
            if row.note:
                row.rank = None  # parked: the note waits for the paper's return
            else:
                session.delete(row)
            rows.remove(row)
    pinned = sorted(
        ((r.arxiv_id, r.rank or 1) for r in rows if r.pinned),
        key=lambda p: (p[0] != first, p[1]),
    )
    floating = [r.arxiv_id for r in rows if not r.pinned]
    ranks = dict(layout(pinned, floating))
    for row in rows:
        row.rank = ranks[row.arxiv_id]
        row.updated_at = _now()
    session.flush()


def pin_item(
    session: Session, reading_list: ReadingList | str, period: Period | str, arxiv_id: str,
    rank: int | None = None,
) -> ReadingListItem:  # fmt: skip
    """Pin an item at its current rank (or at ``rank``); pinned items keep their place."""
    rl, when, clean, row = _resolve(session, reading_list, period, arxiv_id)
    item = _on_list(row, rl, when, clean)
    item.pinned = True
    if rank is not None:
        item.rank = rank
    relayout(session, rl.id, when.label, first=clean)
    return item


def unpin_item(
    session: Session, reading_list: ReadingList | str, period: Period | str, arxiv_id: str
) -> ReadingListItem:
    """Unpin an item; it stays where it is until the next build re-ranks it."""
    rl, when, clean, row = _resolve(session, reading_list, period, arxiv_id)
    item = _on_list(row, rl, when, clean)
    item.pinned = False
    item.updated_at = _now()
    session.flush()
    return item


def move_item(
    session: Session, reading_list: ReadingList | str, period: Period | str, arxiv_id: str,
    rank: int,
) -> ReadingListItem:  # fmt: skip
    """Move an item to ``rank``; moving pins it there so rebuilds keep the new order."""
    if rank < 1:
        raise ReadingListError("ranks start at 1")
    return pin_item(session, reading_list, period, arxiv_id, rank)


def remove_item(
    session: Session, reading_list: ReadingList | str, period: Period | str, arxiv_id: str
) -> ReadingListItem:
    """Remove a paper from a list and period for good (rebuilds never bring it back)."""
    rl, when, clean, row = _resolve(session, reading_list, period, arxiv_id)
    if row is None:
        if session.get(Paper, clean) is None:
            raise PaperNotFoundError(f"no paper {clean} in the database")
        row = ReadingListItem(list_id=rl.id, period=when.label, arxiv_id=clean, note=None,
                              score=0.0, components={}, added=False,
                              updated_at=_now())  # fmt: skip
        session.add(row)
    row.removed, row.pinned, row.added, row.rank = True, False, False, None
    row.updated_at = _now()
    session.flush()
    relayout(session, rl.id, when.label)
    return row


def add_item(
    session: Session,
    reading_list: ReadingList | str,
    period: Period | str,
    arxiv_id: str,
    settings: Settings | None = None,
    rank: int | None = None,
) -> ReadingListItem:
    """Add any paper by arXiv id (also undoes a removal); ``rank`` pins it at that place.

    With ``settings`` the item is scored at once; otherwise the next build scores it.
    """
    rl, when, clean, row = _resolve(session, reading_list, period, arxiv_id)
    if session.get(Paper, clean) is None:
        raise PaperNotFoundError(f"no paper {clean} in the database; ingest or backfill it first")
    if row is None:
        row = ReadingListItem(list_id=rl.id, period=when.label, arxiv_id=clean, note=None,
                              score=0.0, components={}, pinned=False,
                              updated_at=_now())  # fmt: skip
        session.add(row)
    row.added, row.removed, row.updated_at = True, False, _now()
    if row.rank is None:
        row.rank = 10**6  # after every visible item; relayout closes the gap
    if rank is not None:
        row.pinned, row.rank = True, rank
    if settings is not None:
        edition = effective_edition(rl, settings)
        facts = load_facts(session, selection_for(session, rl, settings, edition), [clean])
        scored = score_facts(facts[clean], resolve_weights(settings.rank_weights),
                             when.start, when.end)  # fmt: skip
        row.score, row.components = scored.score, scored.components
    session.flush()
    relayout(session, rl.id, when.label, clean if rank is not None else None, rl.size)
    return row


def note_item(
    session: Session, reading_list: ReadingList | str, period: Period | str, arxiv_id: str,
    note: str | None,
) -> ReadingListItem:  # fmt: skip
    """Set (or, with an empty note, clear) the recommendation shown with an item."""
    rl, when, clean, row = _resolve(session, reading_list, period, arxiv_id)
    if row is None or row.removed:
        _on_list(None, rl, when, clean)
    assert row is not None
    row.note = (note or "").strip() or None
    row.updated_at = _now()
    session.flush()
    return row
