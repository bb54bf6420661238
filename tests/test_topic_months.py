"""Topic counts per month (``topic_month_counts``) agree with a live count after every write."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakearxiv import SAMPLE
from tracker.config import PROJECT_ROOT
from tracker.db.migrate import downgrade_db, upgrade_db
from tracker.db.models import Paper, PaperTopic, StaleTopicMonth, TopicMonthCount
from tracker.ingest.backfill import backfill_file
from tracker.ingest.enrich import load_enricher
from tracker.queries.common import month_of
from tracker.queries.trends import topic_month_counts
from tracker.topics import months
from tracker.topics.store import retag_all, save_paper_topics, save_taxonomy
from tracker.topics.tagger import Tagger
from tracker.topics.taxonomy import parse_taxonomy

SEEDS = PROJECT_ROOT / "seeds"
EVER = ("1990-01", "2099-12")


def stored(session: Session) -> list[tuple[str, str, int]]:
    """The kept counts, ordered like a live count."""
    rows = session.execute(
        select(TopicMonthCount.month, TopicMonthCount.topic, TopicMonthCount.papers).order_by(
            TopicMonthCount.month, TopicMonthCount.topic
        )
    )
    return [(m, t, n) for m, t, n in rows]


def stale(session: Session) -> set[str]:
    return set(session.scalars(select(StaleTopicMonth.month)))


def test_saved_papers_mark_their_months_and_refresh_counts_them(seeded: Session) -> None:
    live = months.live_counts(seeded, *EVER)
    assert {m for m, _, _ in live} == {"2026-04", "2026-05", "2026-06"}
    # save_records marked every month it tagged papers in; nothing is counted yet.
    assert stale(seeded) == {"2026-04", "2026-05", "2026-06"} and stored(seeded) == []
    assert months.counts(seeded, *EVER) == live  # stale months are counted live
    assert months.refresh(seeded) == 3
    assert stale(seeded) == set() and stored(seeded) == live
    assert months.counts(seeded, "2026-05", "2026-06") == [r for r in live if r[0] >= "2026-05"]
    assert [(r.month, r.group, r.count) for r in topic_month_counts(seeded, *EVER)] == live
    assert months.refresh(seeded) == 0


def test_retagged_paper_makes_its_month_stale_until_recounted(seeded: Session) -> None:
    months.refresh(seeded)
    arxiv_id, topic = seeded.execute(select(PaperTopic.arxiv_id, PaperTopic.topic)).first()  # type: ignore[misc]
    published = seeded.scalar(select(Paper.published).where(Paper.arxiv_id == arxiv_id))
    assert published is not None
    other = "robotics" if topic != "robotics" else "medical"
    save_paper_topics(seeded, {arxiv_id: [(other, 0.9)]})
    assert stale(seeded) == {month_of(published)}
    live = months.live_counts(seeded, *EVER)
    assert stored(seeded) != live  # the kept rows alone are now wrong for that month
    assert months.counts(seeded, *EVER) == live
    months.refresh(seeded)
    assert stored(seeded) == live and stale(seeded) == set()


def test_removed_topic_loses_its_counts(seeded: Session) -> None:
    months.refresh(seeded)
    assert any(t == "medical" for _, t, _ in stored(seeded))
    text = (SEEDS / "topics.yaml").read_text(encoding="utf-8")
    save_taxonomy(seeded, parse_taxonomy(text.replace("  - slug: medical", "  - slug: health")))
    assert not any(t == "medical" for _, t, _ in stored(seeded))
    assert stored(seeded) == months.live_counts(seeded, *EVER)


def test_retag_all_leaves_counts_current(seeded: Session) -> None:
    months.refresh(seeded)
    seeded.execute(PaperTopic.__table__.delete())  # tags lost behind the counts' back
    retag_all(seeded, Tagger.from_seeds(SEEDS), batch_size=7)
    assert stale(seeded) == set()
    assert stored(seeded) == months.live_counts(seeded, *EVER) != []


def test_migration_counts_the_papers_already_stored(seeded: Session) -> None:
    months.refresh(seeded)
    counted = stored(seeded)
    engine = seeded.get_bind()
    seeded.commit()
    seeded.close()
    downgrade_db(engine, "0009")  # type: ignore[arg-type]
    upgrade_db(engine)  # type: ignore[arg-type]
    with Session(engine) as session:
        assert stored(session) == counted and stale(session) == set()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("workers", [0, 2])
def test_backfill_fast_path_leaves_counts_current(tmp_path: Path, workers: int) -> None:
    from bench.common import fresh_db

    with gzip.open(SAMPLE, "rb") as fh:
        lines = fh.read().splitlines()[:1200]
    path = tmp_path / "part.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    engine = fresh_db(tmp_path / "b.db")
    summary = backfill_file(engine, path, load_enricher(SEEDS), batch_size=300, workers=workers)
    assert summary.ok and summary.counts.new == 1200
    with Session(engine) as session:
        live = months.live_counts(session, *EVER)
        assert len({m for m, _, _ in live}) > 3
        assert stale(session) == set() and stored(session) == live
    engine.dispose()
