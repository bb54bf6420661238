"""Backfill from a metadata snapshot file through the same upsert path as the API ingest.

Re-running a backfill is a no-op (everything comes back ``unchanged``); a newer snapshot only
adds what changed. Batches of ``batch_size`` records share one transaction. JSON-lines files
take the fast path of :mod:`tracker.ingest.pipeline` (hash check, worker processes, bulk-load
pragmas); OAI-PMH pages go through the generic loader.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import Engine
from tqdm import tqdm

from tracker.ingest.enrich import Enricher, NoopEnricher
from tracker.ingest.lock import DatabaseLock
from tracker.ingest.pipeline import save_json_lines
from tracker.ingest.runner import RunSummary, StopCheck, run_guarded, save_in_batches, start_run
from tracker.sources.snapshot import LoadReport, load_file

log = logging.getLogger(__name__)

BACKFILL_BATCH = 5000
"""Records per transaction: large enough for speed, small enough to keep readers responsive."""


def default_workers(engine: Engine) -> int:
    """Worker processes for parsing and enrichment: one per CPU (at most 4), none for in-memory
    SQLite. The writer needs less than half a core per worker, so on 2 cores 2 workers + the
    writer beat 1 worker + the writer (docs/benchmarks.md)."""
    if engine.url.get_backend_name() == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return 0
    return max(1, min(os.cpu_count() or 1, 4))


def _is_json_lines(path: Path) -> bool:
    return not str(path).lower().endswith((".xml", ".xml.gz"))


def backfill_file(
    engine: Engine,
    path: str | Path,
    enrich: Enricher | None = None,
    *,
    batch_size: int = BACKFILL_BATCH,
    lock: DatabaseLock | None = None,
    should_stop: StopCheck | None = None,
    progress: bool = False,
    report: LoadReport | None = None,
    workers: int | None = None,
) -> RunSummary:
    """Load a Kaggle JSON-lines (``.jsonl[.gz]``) or OAI-PMH (``.xml``) file into the database.

    ``workers`` processes parse and enrich JSON lines (default :func:`default_workers`; 0
    does everything in this process).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such snapshot file: {path}")
    bad = report if report is not None else LoadReport()
    summary = start_run(engine, "backfill", os.fspath(path))

    def work() -> None:
        with tqdm(desc=path.name, unit=" records", disable=not progress) as bar:
            if _is_json_lines(path):
                save_json_lines(
                    engine,
                    path,
                    summary,
                    enrich or NoopEnricher(),
                    batch_size,
                    workers=default_workers(engine) if workers is None else workers,
                    lock=lock,
                    should_stop=should_stop,
                    on_batch=bar.update,
                    on_error=bad,
                )
            else:
                save_in_batches(
                    engine,
                    load_file(path, bad),
                    summary,
                    enrich or NoopEnricher(),
                    batch_size,
                    lock=lock,
                    should_stop=should_stop,
                    on_batch=bar.update,
                )
        summary.errors = bad.bad
        if bad.bad:
            lines = ", ".join(str(line) for line, _ in bad.examples)
            more = (
                "" if bad.bad <= len(bad.examples) else f" and {bad.bad - len(bad.examples)} more"
            )
            summary.message = f"skipped {bad.bad} bad lines: {lines}{more}"

    return run_guarded(engine, summary, work)
