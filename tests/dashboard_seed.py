"""A small real database for the dashboard tests: CCF, topics, 48 real papers, events, runs.

Papers come from ``tests/fixtures/dashboard_records.jsonl`` through the real ingest path
(``save_records``). Three accepted papers are first stored without their comment, then again
with it on 2026-06-10, as a later arXiv update would: that yields real venue change events.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from tracker.ccf.catalog import load_ccf_catalog
from tracker.ccf.query import lookup_venues
from tracker.ccf.store import save_ccf
from tracker.config import PROJECT_ROOT
from tracker.db.engine import make_engine, session_scope
from tracker.db.migrate import upgrade_db
from tracker.db.models import IngestCursor, IngestRun
from tracker.ingest.enrich import VenueInfo
from tracker.ingest.upsert import save_records
from tracker.records import PaperRecord
from tracker.sources.snapshot import load_snapshot
from tracker.topics.store import save_taxonomy
from tracker.topics.taxonomy import load_taxonomy

SEEDS = PROJECT_ROOT / "seeds"
RECORDS = Path(__file__).parent / "fixtures" / "dashboard_records.jsonl"
LATE_IDS = ("2604.00267", "2604.05756", "2605.01402")
"""Papers whose acceptance comment arrives in a later update (events in 2026-06)."""
UPDATE_TIME = datetime(2026, 6, 10, 8, 0)
_NOT_MAIN_RE = re.compile(r"workshop|findings|\bSRW\b", re.IGNORECASE)
_VENUE_RE = re.compile(
    r"\b(CVPR|ICCV|ECCV|ACL|EMNLP|NeurIPS|ICLR|ICML|AAAI|IJCAI|KDD|SIGIR|MICCAI)\b"
    r"(?:\s*'?(?:20)?(\d{2})\b)?"
)


class FixtureEnricher:
    """The real topic tagger plus a tiny venue reader for the fixture comments."""

    tags_topics = True
    resolves_venues = True

    def __init__(self, session: Session) -> None:
        from tracker.topics.tagger import Tagger

        self.tagger = Tagger.from_seeds(SEEDS)
        self.keys: dict[str, str | None] = {}
        self.session = session

    def tag_topics(self, record: PaperRecord) -> list[tuple[str, float]]:
        """Real tags from the seed taxonomy and rules."""
        return self.tag_topics_many([record])[0]

    def tag_topics_many(self, records: Sequence[PaperRecord]) -> list[list[tuple[str, float]]]:
        """Real tags from the seed taxonomy and rules, a block at once."""
        tagged = self.tagger.tag_many([(r.title, r.abstract, r.categories) for r in records])
        return [[(str(slug), float(score)) for slug, score in tags] for tags in tagged]

    def resolve_venue(self, record: PaperRecord) -> VenueInfo:
        """``Accepted ... CVPR 2026`` -> CVPR 2026 (accepted) with its venue key."""
        comment = record.comment or ""
        match = _VENUE_RE.search(comment)
        if match is None or "ccept" not in comment or _NOT_MAIN_RE.search(comment):
            return VenueInfo()
        abbr = match.group(1)
        if abbr not in self.keys:
            found = lookup_venues(self.session, abbr)
            self.keys[abbr] = found[0].key if found else None
        year = 2000 + int(match.group(2)) if match.group(2) else record.published.year
        return VenueInfo(abbr, year, "conference", "accepted", comment, self.keys[abbr])


def _runs(session: Session) -> list[IngestRun]:
    runs = [
        IngestRun(
            kind="backfill",
            query="tests/fixtures/dashboard_records.jsonl",
            started_at=datetime(2026, 6, 1, 6, 0),
            finished_at=datetime(2026, 6, 1, 6, 1),
            fetched=48,
            new=48,
            status="ok",
        ),
        IngestRun(
            kind="ingest",
            query="cat:cs.CV",
            started_at=UPDATE_TIME,
            finished_at=datetime(2026, 6, 10, 8, 2),
            pages=1,
            fetched=3,
            updated=3,
            status="ok",
        ),
        IngestRun(
            kind="ingest",
            query="cat:cs.CL",
            started_at=datetime(2026, 6, 11, 6, 0),
            finished_at=datetime(2026, 6, 11, 6, 5),
            errors=1,
            status="failed",
            message="arXiv answered HTTP 503 five times; cursor kept",
        ),
    ]
    session.add_all(runs)
    session.flush()
    return runs


def seed_records(session: Session) -> None:
    """Papers, topics, venues, change events, runs and cursors (CCF and taxonomy loaded)."""
    records = list(load_snapshot(RECORDS))
    enricher: Any = FixtureEnricher(session)
    backfill, update, _failed = _runs(session)
    first = [dataclasses.replace(r, comment=None) if r.arxiv_id in LATE_IDS else r for r in records]
    save_records(session, first, enricher, run=backfill.id, now=datetime(2026, 6, 1, 6, 0))
    late = [r for r in records if r.arxiv_id in LATE_IDS]
    save_records(session, late, enricher, run=update.id, now=UPDATE_TIME)
    for query, cursor in (
        ("cat:cs.CV", datetime(2026, 6, 10, 7, 0)),
        ("cat:cs.CL", datetime(2026, 6, 9, 23, 0)),
    ):
        session.add(IngestCursor(query=query, cursor=cursor, updated_at=UPDATE_TIME))
    session.flush()


def seed_database(database_url: str) -> None:
    """Migrate a fresh database and fill it; the WAL is folded in so the file can be copied."""
    engine = make_engine(database_url)
    upgrade_db(engine)
    with session_scope(engine) as session:
        save_ccf(session, load_ccf_catalog(SEEDS))
        save_taxonomy(session, load_taxonomy(SEEDS / "topics.yaml"))
        session.flush()
        seed_records(session)
    if engine.dialect.name == "sqlite":  # hand the browser test a self-contained file
        with engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
