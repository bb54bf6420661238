"""``tracker ingest | recheck | backfill FILE | schedule``: glue over ``tracker.ingest``."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from tracker.cli.context import AppContext, pass_app
from tracker.db.vacuum import page_size_hint
from tracker.ingest.backfill import BACKFILL_BATCH, backfill_file
from tracker.ingest.enrich import load_enricher
from tracker.ingest.lock import LockHeldError, hold_lock
from tracker.ingest.runner import Interrupted, RunSummary, close_orphaned_runs, ingest_all
from tracker.ingest.runner import recheck as run_recheck
from tracker.ingest.upsert import SaveCounts
from tracker.sources.snapshot import LoadReport


def _progress_default() -> bool:
    return sys.stderr.isatty()


def _finish(kind: str, results: list[RunSummary]) -> None:
    """Print one summary line; exit non-zero when any run failed."""
    total = SaveCounts()
    for summary in results:
        total.add(summary.counts)
        if not summary.ok:
            click.echo(f"error: {summary.line()}", err=True)
    failed = sum(not s.ok for s in results)
    fetched = sum(s.fetched for s in results)
    extra = f"; {failed} of {len(results)} failed" if failed else ""
    click.echo(f"{kind}: {total} (fetched {fetched}{extra})")
    if failed:
        raise SystemExit(1)


def _locked_failure(exc: LockHeldError) -> None:
    click.echo(f"error: another ingest is running: {exc}", err=True)
    click.echo(
        "Wait for it to finish, or stop that process; a killed holder's lock expires by itself.",
        err=True,
    )
    raise SystemExit(2)


progress_option = click.option(
    "--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal)."
)


@click.command()
@click.option(
    "-q",
    "--query",
    "queries",
    multiple=True,
    help="arXiv search query (repeatable); default: the configured queries.",
)
@progress_option
@pass_app
def ingest(app: AppContext, queries: tuple[str, ...], progress: bool | None) -> None:
    """Fetch new and updated papers from the arXiv API for each query, from its saved cursor."""
    try:
        with hold_lock(app.engine, label="tracker ingest") as lock:
            close_orphaned_runs(app.engine)
            results = ingest_all(
                app.engine,
                app.settings,
                enrich=load_enricher(app.settings.seeds_dir),
                queries=queries or None,
                lock=lock,
                progress=_progress_default() if progress is None else progress,
            )
    except LockHeldError as exc:
        _locked_failure(exc)
    except (Interrupted, KeyboardInterrupt):
        click.echo("interrupted: cursors unchanged; the next run resumes.", err=True)
        raise SystemExit(130) from None
    _finish("ingest", results)


@click.command()
@click.option(
    "--months",
    type=int,
    default=None,
    help="Re-check papers published in this many recent months (default: setting).",
)
@progress_option
@pass_app
def recheck(app: AppContext, months: int | None, progress: bool | None) -> None:
    """Re-fetch recent papers without a venue by id, to catch journal_refs added later."""
    try:
        with hold_lock(app.engine, label="tracker recheck") as lock:
            close_orphaned_runs(app.engine)
            summary = run_recheck(
                app.engine,
                app.settings,
                months=months,
                lock=lock,
                enrich=load_enricher(app.settings.seeds_dir),
                progress=_progress_default() if progress is None else progress,
            )
    except LockHeldError as exc:
        _locked_failure(exc)
    except (Interrupted, KeyboardInterrupt):
        click.echo("interrupted: re-run to finish the re-check.", err=True)
        raise SystemExit(130) from None
    _finish("recheck", [summary])


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--batch-size",
    type=int,
    default=BACKFILL_BATCH,
    show_default=True,
    help="Records per transaction.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Processes that parse and enrich JSON lines [default: one per CPU, at most 4; 0: none].",
)
@progress_option
@pass_app
def backfill(
    app: AppContext, file: Path, batch_size: int, workers: int | None, progress: bool | None
) -> None:
    """Load a snapshot FILE: Kaggle JSON lines (.jsonl, .jsonl.gz) or an OAI-PMH arXivRaw .xml.

    Re-running with the same file changes nothing (blocks stored before are skipped unread);
    bad lines are reported and skipped. Into an empty database, the indexes and the full-text
    index are finished at the end.
    """
    report = LoadReport()
    stop = threading.Event()
    # The first Ctrl-C asks for a clean stop after the batch in hand (a KeyboardInterrupt
    # raised while worker processes are forked can be lost); a second one stops at once.
    previous = signal.getsignal(signal.SIGINT)

    def request_stop(signum: int, frame: Any) -> None:
        if stop.is_set():
            signal.default_int_handler(signum, frame)
        stop.set()
        click.echo("stopping after the current batch (Ctrl-C again to stop now)...", err=True)

    hint = page_size_hint(app.engine)
    if hint:
        click.echo(hint, err=True)
    signal.signal(signal.SIGINT, request_stop)
    try:
        with hold_lock(app.engine, label="tracker backfill") as lock:
            close_orphaned_runs(app.engine)
            summary = backfill_file(
                app.engine,
                file,
                load_enricher(app.settings.seeds_dir),
                batch_size=batch_size,
                lock=lock,
                should_stop=stop.is_set,
                report=report,
                workers=workers,
                progress=_progress_default() if progress is None else progress,
            )
    except LockHeldError as exc:
        _locked_failure(exc)
    except (Interrupted, KeyboardInterrupt):
        click.echo("interrupted: re-run the same backfill to finish it.", err=True)
        raise SystemExit(130) from None
    finally:
        signal.signal(signal.SIGINT, previous)
    if report.bad:
        click.echo(f"skipped {report.bad} bad lines:", err=True)
        for line, reason in report.examples:
            click.echo(f"  line {line}: {reason}", err=True)
        if report.bad > len(report.examples):
            click.echo(f"  ... and {report.bad - len(report.examples)} more", err=True)
    _finish("backfill", [summary])


@click.command()
@pass_app
def schedule(app: AppContext) -> None:
    """Run ingest and re-check on their cron schedules (settings) until SIGTERM or Ctrl-C."""
    from tracker.ingest.scheduler import run_scheduler

    run_scheduler(app.engine, app.settings)
