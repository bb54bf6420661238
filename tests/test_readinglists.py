"""Reading lists on real October 2025 papers: periods, ranking order, filters, definitions."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from tests.readinglists_data import BASE_ORDER, insert_papers, prepare
from tracker.config import Settings
from tracker.readinglists import (
    DEFAULT_WEIGHTS,
    ListDefinitionError,
    ListNotFoundError,
    PeriodError,
    build_list,
    get_list,
    get_list_items,
    latest_period,
    list_lists,
    parse_period,
    save_list,
)
from tracker.readinglists.ranking import Facts, rank_facts, resolve_weights, score_facts

OCT = "2025-10"


@pytest.fixture
def lists_session(ccf_session: Session) -> Session:
    """CCF tables, the taxonomy and the base papers of October 2025."""
    prepare(ccf_session)
    return ccf_session


def test_parse_month_and_week() -> None:
    month = parse_period("2026-03")
    assert (month.kind, month.start, month.end) == (
        "month",
        datetime(2026, 3, 1),
        datetime(2026, 4, 1),
    )
    december = parse_period("2025-12")
    assert december.end == datetime(2026, 1, 1)
    week = parse_period("2026-W11")
    assert (week.kind, week.label) == ("week", "2026-W11")
    assert week.start == datetime(2026, 3, 9) and week.end == datetime(2026, 3, 16)
    assert week.start.weekday() == 0
    # ISO week 1 of 2026 starts in December 2025.
    assert parse_period("2026-W01").start == datetime(2025, 12, 29)
    for bad in ("2026-13", "2026-W54", "March", "2026/03", ""):
        with pytest.raises(PeriodError):
            parse_period(bad)


def test_latest_period(session: Session, lists_session: Session) -> None:
    assert latest_period(lists_session) == parse_period(OCT)
    assert latest_period(lists_session, "week") == parse_period("2025-W41")


def _expected_score(item_venue: tuple[str | None, str, bool], fit: float, frac: float) -> float:
    """The documented formula written out independently of the implementation."""
    tier, status, has_venue = item_venue
    w = DEFAULT_WEIGHTS
    accepted = status in ("accepted", "published")
    venue = w["preprint"]
    if accepted and tier:
        venue = w[f"tier_{tier.lower()}"]
    elif accepted and has_venue:
        venue = w["venue_other"]
    return venue + (w[status] if accepted else 0) + w["topic"] * fit + w["recency"] * frac


def test_build_ranks_by_documented_score(lists_session: Session, settings: Settings) -> None:
    items = build_list(lists_session, "all", OCT, settings)
    assert len(items) == 10
    assert [i.rank for i in items] == list(range(1, 11))
    assert [i.arxiv_id for i in items[:5]] == BASE_ORDER
    assert [i.score for i in items] == sorted((i.score for i in items), reverse=True)
    period = parse_period(OCT)
    for item in items:
        assert set(item.components) == {"venue", "status", "topic", "author", "keyword", "recency"}
        assert item.score == pytest.approx(sum(item.components.values()), abs=1e-3)
        frac = (item.published - period.start) / (period.end - period.start)
        fit = item.components["topic"] / DEFAULT_WEIGHTS["topic"]
        venue = (item.ccf_tier, item.venue_status, item.venue_name is not None)
        assert item.score == pytest.approx(_expected_score(venue, fit, frac), abs=1e-3)
    top = items[0]
    assert (top.ccf_tier, top.venue_name, top.ccf_edition) == ("A", "ASE", 2026)
    assert top.components["venue"] == 3.0 and top.components["status"] == 0.5
    assert top.topics == ["code", "reasoning"]
    assert top.abs_url == "https://arxiv.org/abs/2510.05480"
    # "Submitted to ICASSP 2026; under review" earns no tier and sits at the bottom.
    ids = [i.arxiv_id for i in items]
    assert "2510.00831" not in ids


def test_submitted_venue_gets_no_tier() -> None:
    weights = resolve_weights()
    start, end = datetime(2025, 10, 1), datetime(2025, 11, 1)
    submitted = Facts("x", start, "submitted", True, "B", None)
    accepted = Facts("x", start, "accepted", True, "B", None)
    assert score_facts(submitted, weights, start, end).components["venue"] == 0.0
    assert score_facts(accepted, weights, start, end).components["venue"] == 2.0
    other = Facts("x", start, "published", True, None, 0.5)
    parts = score_facts(other, weights, start, end).components
    assert parts["venue"] == 0.5 and parts["topic"] == 1.0


def test_weights_from_settings_change_the_order(lists_session: Session, settings: Settings) -> None:
    heavy_topic = Settings(**{**settings.__dict__, "rank_weights": {"topic": 30.0, "bogus": 1}})
    items = build_list(lists_session, "all", OCT, heavy_topic)
    # ASE paper has the best topic fit (0.95); the 3D-vision preprint (0.9) now beats the
    # EMNLP paper (CCF B, fit 0.8): 27 + recency against 2 + 0.5 + 24.
    ids = [i.arxiv_id for i in items]
    assert ids[0] == "2510.05480"
    assert ids.index("2510.04759") < ids.index("2510.00808")
    assert items[0].components["topic"] == pytest.approx(28.5)


def test_follow_and_mute(lists_session: Session, settings: Settings) -> None:
    tuned = Settings(
        **{
            **settings.__dict__,
            "follow_authors": ("Mike Zheng Shou",),
            "follow_keywords": ("pronunciation",),
            "mute_keywords": ("vulnerability",),
        }
    )
    items = {i.arxiv_id: i for i in build_list(lists_session, "all", OCT, tuned)}
    assert "2510.05480" not in items  # Vul-R2 mentions vulnerability repair: muted
    assert items["2510.05096"].components["author"] == DEFAULT_WEIGHTS["author"]
    assert items["2510.04956"].components["keyword"] == DEFAULT_WEIGHTS["keyword"]
    assert items["2510.04398"].components["keyword"] == 0.0
    assert next(iter(items.values())).arxiv_id == "2510.04956"


def test_filters_and_area_lists(lists_session: Session, settings: Settings) -> None:
    save_list(lists_session, "top-a", min_tier="A", size=5)
    assert [i.arxiv_id for i in build_list(lists_session, "top-a", OCT, settings)] == BASE_ORDER[:2]
    save_list(lists_session, "accepted", accepted_only=True, size=20)
    accepted = build_list(lists_session, "accepted", OCT, settings)
    assert len(accepted) == 6 and all(i.is_accepted for i in accepted)
    assert accepted[-1].arxiv_id == "2510.03998" and accepted[-1].components["venue"] == 0.5
    save_list(lists_session, "cv", categories=["cs.CV"], size=20)
    assert all("cs.CV" in i.categories for i in build_list(lists_session, "cv", OCT, settings))
    language = build_list(lists_session, "language", OCT, settings)  # a default area list
    assert {i.arxiv_id for i in language} == {
        "2510.04398", "2510.05480", "2510.01179", "2510.03847", "2510.04146", "2510.03441",
        "2510.05096",
    }  # fmt: skip
    agents = save_list(lists_session, "agents", topics=["agents"], size=3)
    items = build_list(lists_session, agents, OCT, settings)
    # Topic fit only counts the list's topics: 2510.05096 fits agents with 0.6, not video's 0.7.
    assert [i.arxiv_id for i in items] == ["2510.01179", "2510.03847", "2510.05096"]
    assert items[2].components["topic"] == pytest.approx(1.2)


def test_edition_changes_tiers(lists_session: Session, settings: Settings) -> None:
    build_list(lists_session, "all", OCT, settings)
    now = {i.arxiv_id: i for i in get_list_items(lists_session, "all", OCT, settings=settings)}
    assert now["2510.02100"].ccf_tier == "B"
    old = {i.arxiv_id: i for i in get_list_items(lists_session, "all", OCT, 2019, settings)}
    assert old["2510.02100"].ccf_tier is None  # MICCAI is not in the 2019 list
    assert old["2510.02100"].components["venue"] == DEFAULT_WEIGHTS["venue_other"]
    assert old["2510.02100"].ccf_edition == 2019


def test_preview_before_build_and_empty_month(lists_session: Session, settings: Settings) -> None:
    preview = get_list_items(lists_session, "all", OCT, settings=settings)
    assert [i.arxiv_id for i in preview[:5]] == BASE_ORDER
    assert build_list(lists_session, "all", "2026-03", settings) == []
    assert get_list_items(lists_session, "all", "2026-03", settings=settings) == []
    assert build_list(lists_session, "all", "2025-W40", settings)  # 29 Sep - 5 Oct


def test_definitions(lists_session: Session) -> None:
    names = [r.name for r in list_lists(lists_session)]
    assert names[0] == "all" and {"language", "vision", "applied"} <= set(names)
    assert get_list(lists_session, "vision").topics == ["vision"]
    with pytest.raises(ListNotFoundError):
        get_list(lists_session, "nope")
    with pytest.raises(ListDefinitionError):
        save_list(lists_session, "bad", topics=["not-a-topic"])
    with pytest.raises(ListDefinitionError):
        save_list(lists_session, "bad", min_tier="D")
    row = save_list(lists_session, "mine", topics=["vision", "llm"], min_tier="b", edition=2022)
    assert (row.min_tier, row.edition, row.size) == ("B", 2022, 10)


def test_new_ingest_changes_ranking(lists_session: Session, settings: Settings) -> None:
    build_list(lists_session, "all", OCT, settings)
    insert_papers(lists_session, "records_new.jsonl")
    ids = [i.arxiv_id for i in build_list(lists_session, "all", OCT, settings)]
    assert ids[:3] == ["2510.17697", "2510.05480", "2510.21060"]  # NeurIPS 2025 papers arrive
    insert_papers(lists_session, "records_november.jsonl")
    assert latest_period(lists_session) == parse_period("2025-11")
    assert "2511.00828" not in [i.arxiv_id for i in build_list(lists_session, "all", OCT, settings)]


def test_pruned_candidates_give_the_same_top(
    lists_session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading only what can reach the top n (SQL-ordered preprints) changes nothing."""
    import tracker.readinglists.candidates as candidates
    from tracker.readinglists.build import selection_for

    monkeypatch.setattr(candidates, "PLAIN_MARGIN", 0)
    insert_papers(lists_session, "records_new.jsonl")
    tuned = Settings(**{**settings.__dict__, "follow_keywords": ("diffusion",)})
    period = parse_period(OCT)
    weights = resolve_weights()
    for name, n in itertools.product(("all", "language", "vision"), (0, 1, 3, 8)):
        sel = selection_for(lists_session, get_list(lists_session, name), tuned)
        full = candidates.load_candidates(lists_session, sel, period)
        pruned = candidates.load_candidates(lists_session, sel, period, best=(n, weights))
        assert len(pruned) <= len(full)
        top = [s.arxiv_id for s in rank_facts(full, weights, period.start, period.end)][:n]
        got = [s.arxiv_id for s in rank_facts(pruned, weights, period.start, period.end)][:n]
        assert got == top, (name, n)
