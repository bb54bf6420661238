"""Incremental ingest of one day of papers from the fake arXiv server: database work per paper.

A database holding a backfilled corpus (``--base`` records) ingests one day of new papers
(``--day``, real titles/abstracts/comments from the bundled sample, fresh ids) through the real
arXiv client and ``tracker.ingest.runner.ingest_all`` against ``tests/fakearxiv.py``, then
ingests again (the overlap window: everything unchanged). Reported: wall time, time spent
in ``save_records`` (the database work, enrichment included) and SQL statements per paper.

    python bench/bench_ingest.py --base 100000 --day 2500
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event

from bench.common import OUT, ROOT, ensure_corpus, fresh_db, machine
from tests.fakearxiv import SAMPLE, FakeArxiv
from tracker.config import load_settings
from tracker.ingest import runner, upsert
from tracker.ingest.backfill import backfill_file
from tracker.ingest.enrich import load_enricher
from tracker.records import PaperRecord, PaperVersion
from tracker.sources.snapshot import load_snapshot

QUERY = "cat:cs.AI"
DAY = datetime(2026, 7, 1)


def day_of_papers(count: int) -> list[PaperRecord]:
    """``count`` real sample records re-issued as new papers submitted on one day."""
    pool = [r for r in load_snapshot(SAMPLE)]
    records = []
    for i in range(count):
        base = pool[i % len(pool)]
        when = DAY + timedelta(seconds=round(i * 86_000 / max(count, 1)))
        records.append(
            dataclasses.replace(
                base,
                arxiv_id=f"2607.{i + 1:05d}",
                published=when,
                updated=when,
                latest_version=1,
                versions=[PaperVersion(1, when)],
                source="api",
            )
        )
    return records


class _Meter:
    """Counts SQL statements and time spent inside ``save_records``."""

    def __init__(self) -> None:
        self.statements = 0
        self.save_seconds = 0.0

    def count(self, *_args: Any) -> None:
        self.statements += 1

    def wrap(self, fn: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.save_seconds += time.perf_counter() - start

        return timed


def bench(base: int, day: int, out: Path, seed: int) -> dict[str, Any]:
    """Backfill ``base`` records, then ingest ``day`` new papers twice; prints per-paper cost."""
    db = out / f"ingest-{base}.db"
    engine = fresh_db(db)
    enricher = load_enricher(ROOT / "seeds")
    if base:
        backfill_file(engine, ensure_corpus(base, seed, out), enricher)
    records = day_of_papers(day)
    fake = FakeArxiv().start()
    fake.serve(QUERY, records)
    settings = dataclasses.replace(
        load_settings(database_url=f"sqlite:///{db}"),
        arxiv_api_url=fake.url,
        arxiv_page_size=100,
        arxiv_delay_seconds=0.0,
        lookback_days=3650,
        queries=(QUERY,),
    )
    results: dict[str, Any] = {"base": base, "day": day}
    original = upsert.save_records
    try:
        for label in ("new day", "re-ingest (unchanged)"):
            meter = _Meter()
            event.listen(engine, "before_cursor_execute", meter.count)
            runner.save_records = meter.wrap(original)
            start = time.perf_counter()
            summaries = runner.ingest_all(engine, settings, enrich=enricher)
            wall = time.perf_counter() - start
            event.remove(engine, "before_cursor_execute", meter.count)
            summary = summaries[0]
            if not summary.ok:
                raise SystemExit(f"ingest failed: {summary.line()}")
            papers = max(summary.fetched, 1)
            results[label] = row = {
                "line": summary.line(),
                "wall_s": wall,
                "db_s": meter.save_seconds,
                "db_ms_per_paper": meter.save_seconds * 1000 / papers,
                "statements_per_paper": meter.statements / papers,
                "pages": summary.pages,
            }
            print(
                f"base {base:>9,}  {label:<22} {summary.fetched:>6} papers, {summary.pages} pages:"
                f" wall {wall:6.2f} s, DB {row['db_s']:6.2f} s = {row['db_ms_per_paper']:.3f}"
                f" ms/paper, {row['statements_per_paper']:.2f} SQL statements/paper",
                flush=True,
            )
    finally:
        runner.save_records = original
        fake.stop()
        engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--base", type=int, default=100_000, help="papers already stored")
    parser.add_argument("--day", type=int, default=2500, help="new papers in the day")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    print("machine:", json.dumps(machine()))
    result = bench(args.base, args.day, args.out, args.seed)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), **result}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
