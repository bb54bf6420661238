"""The read-only queries behind the dashboard (tracker.queries) and the FTS5 search index."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, delete, inspect, select, text, update
from sqlalchemy.orm import Session

from tracker.db.models import Paper
from tracker.queries.changes import classify_venue_event, parse_venue_label, venue_changes
from tracker.queries.common import BadMonthError, ccf_editions, month_bounds, paper_months
from tracker.queries.directory import browse_ccf, venue_detail
from tracker.queries.health import next_run, recent_runs
from tracker.queries.papers import PaperFilter, fts_query, has_fts, search_papers
from tracker.queries.trends import tier_mix, top_venues, topic_month_counts


def test_month_helpers() -> None:
    assert month_bounds("2026-12") == (datetime(2026, 12, 1), datetime(2027, 1, 1))
    with pytest.raises(BadMonthError):
        month_bounds("2026-13")


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('diffusion "OR" NEAR(x') == '"diffusion" "OR" "NEAR" "x"*'
    assert fts_query("  ;; ") == ""
    # papers_fts keeps no positions, so a word FTS5 would split is split here (no phrase)
    assert fts_query("GPT-4 text-to-ima") == '"GPT" "4" "text" "to" "ima"*'
    assert fts_query("naïve snake_case") == '"naïve" "snake" "case"*'


def test_venue_labels() -> None:
    assert parse_venue_label("CVPR 2024 (accepted)") == ("CVPR", "accepted")
    assert classify_venue_event(None, "CVPR 2024 (accepted)") == "accepted"
    assert classify_venue_event("CVPR 2024 (accepted)", "TPAMI (published)") == "published"
    assert classify_venue_event("ICCV 2023 (accepted)", "CVPR 2024 (accepted)") == "moved"


@pytest.mark.sqlite_only
def test_search_uses_fts_and_follows_triggers(seeded: Session) -> None:
    assert has_fts(seeded)
    found = search_papers(seeded, PaperFilter(text="diffusion"))
    assert 0 < found.total < 48
    assert all("diffusion" in (r.title + r.abstract).lower() for r in found.rows)
    # Prefix match on the last word, author search.
    assert search_papers(seeded, PaperFilter(text="diffus")).total == found.total
    author = seeded.scalar(select(Paper.authors).where(Paper.arxiv_id == "2606.03610"))
    assert author
    surname = author.split(",")[0].split()[-1]
    assert "2606.03610" in [
        r.arxiv_id for r in search_papers(seeded, PaperFilter(text=surname)).rows
    ]
    # Update and delete keep the index in step.
    seeded.execute(update(Paper).where(Paper.arxiv_id == "2606.03610").values(title="Zyxwvu"))
    assert [r.arxiv_id for r in search_papers(seeded, PaperFilter(text="zyxwvu")).rows] == [
        "2606.03610"
    ]
    seeded.execute(delete(Paper).where(Paper.arxiv_id == "2606.03610"))
    assert search_papers(seeded, PaperFilter(text="zyxwvu")).total == 0
    seeded.rollback()


@pytest.mark.sqlite_only
def test_search_falls_back_to_like_without_index(seeded: Session) -> None:
    fts_total = search_papers(seeded, PaperFilter(text="diffusion model")).total
    for name in ("papers_fts_ai", "papers_fts_ad", "papers_fts_au"):
        seeded.execute(text(f"DROP TRIGGER {name}"))
    seeded.execute(text("DROP TABLE papers_fts"))
    assert not has_fts(seeded)
    assert search_papers(seeded, PaperFilter(text="diffusion model")).total >= fts_total > 0
    seeded.rollback()


def test_search_filters_and_pages(seeded: Session) -> None:
    cvpr = search_papers(seeded, PaperFilter(venue="CVPR", tiers=("A",), edition=2026))
    assert cvpr.total == 7 and {r.tier for r in cvpr.rows} == {"A"}
    dated = search_papers(seeded, PaperFilter(date_from=date(2026, 6, 1), date_to=date(2026, 6, 2)))
    assert dated.total and all(r.published.date() <= date(2026, 6, 2) for r in dated.rows)
    page2 = search_papers(seeded, PaperFilter(), page=2, page_size=20)
    assert page2.total == 48 and len(page2.rows) == 20 and page2.pages == 3
    assert search_papers(seeded, PaperFilter(category="cs.CL")).total > 0


@pytest.mark.sqlite_only
def test_common_text_under_narrow_filters_is_probed_paper_by_paper(
    seeded: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The probe path (a common word, few papers left by the filters) finds what the FTS-driven
    join finds, in the same order, on every page."""
    from tracker.queries import papers

    taken: list[bool] = []
    probed = papers._probed

    def spy(*args: object) -> list[str] | None:
        found = probed(*args)  # type: ignore[arg-type]
        taken.append(found is not None)
        return found

    monkeypatch.setattr(papers, "_probed", spy)
    monkeypatch.setattr(papers, "PREFIX_MAX_DOCS", 10)  # a last word in 10 papers is whole
    cases = [
        (PaperFilter(text="model", venue="CVPR"), True),
        (PaperFilter(text="the", topics=("reasoning", "llm")), True),
        (PaperFilter(text="language model", tiers=("A",), edition=2026, venue="ICML"), True),
        (PaperFilter(text="the", category="cs.CL", date_from=date(2026, 6, 1)), True),
        (PaperFilter(text="the of", statuses=("none",)), False),  # 31 papers: too many
        (PaperFilter(text="diffus", venue="CVPR"), False),  # a prefix is never probed
    ]
    for flt, probe in cases:
        pages = []
        for common in (10, 10**9):  # "model" is in 20 papers, "the" in all 48
            monkeypatch.setattr(papers, "COMMON_TEXT", common)
            monkeypatch.setattr(papers, "PROBE_MAX", 10)
            taken.clear()
            pages.append([search_papers(seeded, flt, page, 2) for page in (1, 2, 3)])
            assert taken == ([probe] * 3 if common == 10 else [False] * 3), flt
        assert pages[0][0].total > 0, flt
        for got, want in zip(*pages, strict=True):
            assert (got.total, got.exact) == (want.total, want.exact), flt
            assert [r.arxiv_id for r in got.rows] == [r.arxiv_id for r in want.rows], flt


def test_changes_directory_trends_health(seeded: Session) -> None:
    assert paper_months(seeded) == ["2026-06", "2026-05", "2026-04"]
    june = venue_changes(seeded, "2026-06", 2026)
    kinds = {c.arxiv_id: c.kind for c in june}
    assert kinds["2604.00267"] == "accepted" and kinds["2606.00109"] == "arrived"
    listing = browse_ccf(seeded, 2026, search="CVPR")
    assert listing[0].abbr == "CVPR" and listing[0].papers == 7
    detail = venue_detail(seeded, listing[0].venue_key, 2026)
    assert detail is not None and len(detail.history) == 3 and detail.paper_count == 7
    assert top_venues(seeded, "2026-04", "2026-06", 2026)[0].venue == "CVPR"
    assert sum(m.count for m in tier_mix(seeded, "2026-04", "2026-06", 2026)) == 17
    assert topic_month_counts(seeded, "2026-04", "2026-06")
    assert [r.status for r in recent_runs(seeded)] == ["failed", "ok", "ok"]
    fire = next_run("0 6 * * *", "Asia/Shanghai", datetime(2026, 1, 1, tzinfo=None))
    assert fire is not None and fire.hour == 6
    assert next_run("not a cron", "UTC") is None


def test_fts_migration_is_sqlite_only(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    if engine.dialect.name != "sqlite":
        assert "papers_fts" not in tables
        return
    with engine.connect() as conn:
        names = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'")))
    assert "papers_fts" in tables
    assert {"papers_fts_ai", "papers_fts_ad", "papers_fts_au"} <= names


def test_no_edition_means_the_newest_loaded_one(seeded: Session) -> None:
    newest = ccf_editions(seeded)[0]
    for edition in (None, newest):
        cvpr = search_papers(seeded, PaperFilter(venue="CVPR", tiers=("A",), edition=edition))
        assert cvpr.total == 7 and {r.tier for r in cvpr.rows} == {"A"}
    assert tier_mix(seeded, "2026-04", "2026-06", None) == tier_mix(
        seeded, "2026-04", "2026-06", newest
    )
