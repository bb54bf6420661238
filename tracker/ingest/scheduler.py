"""``tracker schedule``: an APScheduler 3.x BlockingScheduler running ingest and re-check.

Jobs never overlap: ``max_instances=1`` within one scheduler, and the database lock across
schedulers and cron. SIGTERM / Ctrl-C ask the running job to stop at the next record (its
cursor stays put, so nothing is lost) and shut the scheduler down.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine

from tracker.config import Settings
from tracker.ingest.enrich import load_enricher
from tracker.ingest.lock import LockHeldError, hold_lock
from tracker.ingest.runner import Interrupted, close_orphaned_runs, ingest_all, recheck

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 3600
"""A run missed by up to an hour (machine asleep, scheduler busy) still happens, once."""


def run_locked_job(engine: Engine, settings: Settings, kind: str, stop: threading.Event) -> bool:
    """Run one ingest or re-check under the database lock; False if it failed or was skipped."""
    try:
        with hold_lock(engine, label=f"tracker schedule ({kind})") as lock:
            close_orphaned_runs(engine)
            enrich = load_enricher(settings.seeds_dir)
            if kind == "ingest":
                results = ingest_all(
                    engine, settings, enrich=enrich, lock=lock, should_stop=stop.is_set
                )
            else:
                results = [
                    recheck(engine, settings, enrich=enrich, lock=lock, should_stop=stop.is_set)
                ]
    except LockHeldError as exc:
        log.warning("%s skipped: %s", kind, exc)
        return False
    except Interrupted:
        log.warning("%s interrupted; its cursor is unchanged and the next run resumes", kind)
        return False
    for summary in results:
        log.info("%s", summary.line())
    _refresh_lists(engine, settings)
    return all(summary.ok for summary in results)


def _refresh_lists(engine: Engine, settings: Settings) -> None:
    """Rebuild saved reading lists for recent periods so the dashboard shows new papers."""
    from tracker.db.engine import session_scope
    from tracker.readinglists.build import build_saved_lists

    try:
        with session_scope(engine) as session:
            built = build_saved_lists(session, settings, recent=1)
    except Exception:  # a list problem must not fail the ingest job that already landed
        log.exception("rebuilding reading lists failed")
        return
    log.info("rebuilt %d reading lists", len(built))


def build_scheduler(
    engine: Engine,
    settings: Settings,
    stop: threading.Event,
    job: Callable[[Engine, Settings, str, threading.Event], Any] = run_locked_job,
) -> BlockingScheduler:
    """A scheduler with the ingest job (``schedule_cron``) and re-check job (``recheck_cron``)."""
    scheduler = BlockingScheduler(timezone=settings.timezone)
    options: dict[str, Any] = {
        "max_instances": 1,
        "coalesce": True,
        "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        "replace_existing": True,
    }
    for kind, cron in (("ingest", settings.schedule_cron), ("recheck", settings.recheck_cron)):
        trigger = CronTrigger.from_crontab(cron, timezone=settings.timezone)
        scheduler.add_job(
            job,
            trigger,
            args=(engine, settings, kind, stop),
            id=kind,
            name=f"tracker {kind}",
            **options,
        )
    return scheduler


def run_scheduler(engine: Engine, settings: Settings) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl-C."""
    stop = threading.Event()
    scheduler = build_scheduler(engine, settings, stop)

    def on_signal(signum: int, _frame: Any) -> None:
        log.warning("received %s; stopping after the current record", signal.Signals(signum).name)
        stop.set()
        if scheduler.running:
            # wait=False: a running job sees ``stop`` and ends at its next record.
            scheduler.shutdown(wait=False)

    def on_started(_event: Any) -> None:
        for job in scheduler.get_jobs():
            log.info("scheduled %s: next run %s", job.name, job.next_run_time)
        log.warning(
            "scheduler started (time zone %s); Ctrl-C or SIGTERM to stop", settings.timezone
        )

    scheduler.add_listener(on_started, EVENT_SCHEDULER_STARTED)
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if not stop.is_set():
            scheduler.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.warning("scheduler stopped")
