"""Ingestion health: recent runs, cursors, the next scheduled run, stale topic tags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.db.models import IngestCursor, IngestRun, Meta, Paper

TAXONOMY_HASH_KEY = "taxonomy_hash"


@dataclass(frozen=True)
class RunRow:
    """One ingest, re-check or backfill run."""

    id: int
    kind: str
    query: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    fetched: int
    new: int
    updated: int
    unchanged: int
    errors: int
    message: str | None


@dataclass(frozen=True)
class CursorRow:
    """How far one query has been ingested."""

    query: str
    cursor: datetime
    updated_at: datetime


@dataclass(frozen=True)
class TaxonomyState:
    """Whether the stored topics match ``seeds/topics.yaml``."""

    stored_hash: str | None
    file_hash: str | None
    papers: int

    @property
    def stale(self) -> bool:
        """True when the file's taxonomy differs from the one the database was tagged with."""
        return self.file_hash is not None and self.stored_hash != self.file_hash


def recent_runs(session: Session, limit: int = 50) -> list[RunRow]:
    """The latest runs, newest first."""
    stmt = select(IngestRun).order_by(IngestRun.started_at.desc(), IngestRun.id.desc())
    return [
        RunRow(
            r.id,
            r.kind,
            r.query,
            r.started_at,
            r.finished_at,
            r.status,
            r.fetched,
            r.new,
            r.updated,
            r.unchanged,
            r.errors,
            r.message,
        )
        for r in session.scalars(stmt.limit(limit))
    ]


def ingest_cursors(session: Session) -> list[CursorRow]:
    """Every query's cursor, by query."""
    stmt = select(IngestCursor).order_by(IngestCursor.query)
    return [CursorRow(c.query, c.cursor, c.updated_at) for c in session.scalars(stmt)]


def paper_count(session: Session) -> int:
    """How many papers are stored."""
    return session.scalar(select(func.count()).select_from(Paper)) or 0


def next_run(cron: str, tz: str, now: datetime | None = None) -> datetime | None:
    """When a cron expression (``minute hour day month day-of-week``) fires next, in ``tz``."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        trigger = CronTrigger.from_crontab(cron, timezone=tz)
    except (ValueError, LookupError):
        return None
    moment = now or datetime.now(timezone.utc)
    fire: datetime | None = trigger.get_next_fire_time(None, moment)
    return fire


def taxonomy_state(session: Session, taxonomy_file: Path) -> TaxonomyState:
    """Compare the taxonomy hash stored in ``meta`` with the hash of the taxonomy file."""
    from tracker.topics.taxonomy import TaxonomyError, load_taxonomy

    try:
        file_hash: str | None = load_taxonomy(taxonomy_file).content_hash
    except TaxonomyError:
        file_hash = None
    stored = session.scalar(select(Meta.value).where(Meta.key == TAXONOMY_HASH_KEY))
    return TaxonomyState(stored, file_hash, paper_count(session))
