"""Run ingests: incremental per query with a saved cursor, and the re-check of venue-less papers.

A query's cursor says "every paper updated after this moment is stored". A run walks the
query newest-update-first back to ``cursor - overlap``, stores each batch in its own
transaction, and moves the cursor only after the whole window is stored. A crash, Ctrl-C or
failed page therefore leaves the cursor where it was and the next run redoes the window;
re-storing a paper is a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update
from tqdm import tqdm

from tracker.config import Settings
from tracker.db import models
from tracker.db.bulkload import finish_pending_load
from tracker.db.engine import session_scope
from tracker.ingest.enrich import Enricher, NoopEnricher
from tracker.ingest.lock import DatabaseLock
from tracker.ingest.upsert import SaveCounts, save_records, utcnow
from tracker.records import PaperRecord
from tracker.sources.arxiv_api import PoliteClient, fetch_by_ids, fetch_updates, make_client
from tracker.topics import months as topic_months

log = logging.getLogger(__name__)

StopCheck = Callable[[], bool]


class Interrupted(Exception):
    """The run was asked to stop (signal or Ctrl-C) before it finished."""


@dataclass
class RunSummary:
    """What one ingest, re-check or backfill run did (mirrors its ``ingest_runs`` row)."""

    kind: str
    query: str = ""
    run_id: int | None = None
    pages: int = 0
    fetched: int = 0
    counts: SaveCounts = field(default_factory=SaveCounts)
    errors: int = 0
    status: str = "running"
    message: str | None = None

    @property
    def ok(self) -> bool:
        """True when the run finished without giving up."""
        return self.status == "ok"

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        text = f"{self.kind} {self.query}: {self.counts} (fetched {self.fetched}"
        text += f", pages {self.pages}, errors {self.errors}) {self.status}"
        return text + (f": {self.message}" if self.message else "")


def start_run(engine: Engine, kind: str, query: str = "") -> RunSummary:
    """Insert a ``running`` ingest-run row and return its summary object."""
    with session_scope(engine) as session:
        row = models.IngestRun(kind=kind, query=query, started_at=utcnow(), status="running")
        session.add(row)
        session.flush()
        run_id = row.id
    return RunSummary(kind=kind, query=query, run_id=run_id)


def finish_run(engine: Engine, summary: RunSummary) -> None:
    """Write the final counts and status of a run."""
    with session_scope(engine) as session:
        _save_summary(session, summary, finished=True)


def _save_summary(session: Any, summary: RunSummary, finished: bool = False) -> None:
    values: dict[str, Any] = {
        "pages": summary.pages,
        "fetched": summary.fetched,
        "new": summary.counts.new,
        "updated": summary.counts.updated,
        "unchanged": summary.counts.unchanged,
        "errors": summary.errors,
        "status": summary.status,
        "message": summary.message,
    }
    if finished:
        values["finished_at"] = utcnow()
    session.execute(
        update(models.IngestRun).where(models.IngestRun.id == summary.run_id).values(**values)
    )


def close_orphaned_runs(engine: Engine) -> int:
    """Mark runs left ``running`` by a killed process as failed (call while holding the lock)."""
    with session_scope(engine) as session:
        result = session.execute(
            update(models.IngestRun)
            .where(models.IngestRun.status == "running")
            .values(
                status="failed",
                finished_at=utcnow(),
                message="interrupted: the process ended before the run finished",
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)


def save_in_batches(
    engine: Engine,
    records: Iterable[PaperRecord],
    summary: RunSummary,
    enrich: Enricher,
    batch_size: int,
    *,
    lock: DatabaseLock | None = None,
    should_stop: StopCheck | None = None,
    on_batch: Callable[[int], object] | None = None,
) -> None:
    """Store records batch by batch, one transaction each, keeping the run row's counts current."""
    finish_pending_load(engine)  # a first load killed half-way: its indexes first
    batch: list[PaperRecord] = []

    def flush() -> None:
        with session_scope(engine) as session:
            counts = save_records(session, batch, enrich, summary.run_id)
            summary.counts.add(counts)
            _save_summary(session, summary)
        if lock is not None:
            lock.refresh()
        if on_batch is not None:
            on_batch(len(batch))
        batch.clear()

    for record in records:
        if should_stop is not None and should_stop():
            raise Interrupted("stop requested")
        summary.fetched += 1
        batch.append(record)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()


def recount_topic_months(engine: Engine) -> None:
    """Recount the topic counts of the months a run changed (:mod:`tracker.topics.months`).

    A failure here is logged, not raised: the run's papers are stored, and the trends page
    counts a stale month live until a later run recounts it.
    """
    try:
        with session_scope(engine) as session:
            recounted = topic_months.refresh(session)
    except Exception as exc:  # the data is safe; only the kept counts wait
        log.warning("topic counts not recounted (they are counted live meanwhile): %s", exc)
        return
    if recounted:
        log.info("topic counts recounted for %d month(s)", recounted)


def run_guarded(engine: Engine, summary: RunSummary, work: Callable[[], None]) -> RunSummary:
    """Run ``work``; whatever happens, the run row ends ``ok`` or ``failed`` with a message."""
    try:
        work()
        summary.status = "ok"
        recount_topic_months(engine)
    except (Interrupted, KeyboardInterrupt) as exc:
        summary.status, summary.message = "failed", f"interrupted: {exc or 'Ctrl-C'}"
        summary.errors += 1
        finish_run(engine, summary)
        log.error("%s", summary.line())
        raise
    except Exception as exc:
        summary.status, summary.message = "failed", f"{type(exc).__name__}: {exc}"
        summary.errors += 1
        log.error("%s %s failed: %s", summary.kind, summary.query, summary.message)
    finish_run(engine, summary)
    log.info("%s", summary.line())
    return summary


def ingest_query(
    engine: Engine,
    settings: Settings,
    client: PoliteClient,
    query: str,
    enrich: Enricher | None = None,
    *,
    lock: DatabaseLock | None = None,
    should_stop: StopCheck | None = None,
    progress: bool = False,
) -> RunSummary:
    """Ingest one query incrementally from its cursor; the cursor moves only on success."""
    enricher = enrich or NoopEnricher()
    summary = start_run(engine, "ingest", query)
    pages_before = client.pages

    def work() -> None:
        with session_scope(engine) as session:
            row = session.get(models.IngestCursor, query)
            cursor = row.cursor if row else utcnow() - timedelta(days=settings.lookback_days)
        since = cursor - timedelta(minutes=settings.cursor_overlap_minutes)
        newest: list[datetime] = []

        def tracked(records: Iterator[PaperRecord]) -> Iterator[PaperRecord]:
            for record in records:
                summary.pages = client.pages - pages_before
                if not newest or record.updated > newest[0]:
                    newest[:] = [record.updated]
                yield record
            summary.pages = client.pages - pages_before

        log.info("ingest %s: papers updated since %s", query, since)
        with tqdm(desc=query, unit=" papers", disable=not progress, leave=False) as bar:
            save_in_batches(
                engine,
                tracked(fetch_updates(client, query, since)),
                summary,
                enricher,
                settings.arxiv_page_size,
                lock=lock,
                should_stop=should_stop,
                on_batch=bar.update,
            )
        new_cursor = max(cursor, newest[0]) if newest else cursor
        with session_scope(engine) as session:
            row = session.get(models.IngestCursor, query)
            if row is None:
                session.add(
                    models.IngestCursor(query=query, cursor=new_cursor, updated_at=utcnow())
                )
            else:
                row.cursor, row.updated_at = new_cursor, utcnow()
            summary.status = "ok"
            _save_summary(session, summary, finished=True)

    return run_guarded(engine, summary, work)


def ingest_all(
    engine: Engine,
    settings: Settings,
    *,
    client: PoliteClient | None = None,
    enrich: Enricher | None = None,
    queries: Iterable[str] | None = None,
    lock: DatabaseLock | None = None,
    should_stop: StopCheck | None = None,
    progress: bool = False,
) -> list[RunSummary]:
    """Ingest every configured query in turn (one polite client for all of them)."""
    client = client or make_client(settings)
    return [
        ingest_query(
            engine,
            settings,
            client,
            query,
            enrich,
            lock=lock,
            should_stop=should_stop,
            progress=progress,
        )
        for query in (queries or settings.queries)
    ]


def recheck_ids(engine: Engine, months: int, now: datetime | None = None) -> list[str]:
    """Ids of papers published in the last ``months`` months that have no accepted venue yet."""
    since = (now or utcnow()) - timedelta(days=round(months * 30.44))
    stmt = (
        select(models.Paper.arxiv_id)
        .where(models.Paper.venue_status.in_(("none", "submitted")))
        .where(models.Paper.published >= since)
        .order_by(models.Paper.published.desc())
    )
    with session_scope(engine) as session:
        return list(session.execute(stmt).scalars())


def recheck(
    engine: Engine,
    settings: Settings,
    *,
    client: PoliteClient | None = None,
    enrich: Enricher | None = None,
    months: int | None = None,
    lock: DatabaseLock | None = None,
    should_stop: StopCheck | None = None,
    progress: bool = False,
) -> RunSummary:
    """Re-fetch venue-less recent papers by id so a journal_ref or comment added later is seen."""
    client = client or make_client(settings)
    months = settings.recheck_months if months is None else months
    ids = recheck_ids(engine, months)
    summary = start_run(engine, "recheck", f"{len(ids)} papers of the last {months} months")
    pages_before = client.pages

    def work() -> None:
        def counted(records: Iterator[PaperRecord]) -> Iterator[PaperRecord]:
            for record in records:
                summary.pages = client.pages - pages_before
                yield record
            summary.pages = client.pages - pages_before

        records = counted(fetch_by_ids(client, ids, settings.recheck_batch_size))
        with tqdm(total=len(ids), desc="recheck", unit=" papers", disable=not progress) as bar:
            save_in_batches(
                engine,
                records,
                summary,
                enrich or NoopEnricher(),
                settings.recheck_batch_size,
                lock=lock,
                should_stop=should_stop,
                on_batch=bar.update,
            )

    return run_guarded(engine, summary, work)
