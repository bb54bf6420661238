"""Run every benchmark: ``--small`` (default, N=100,000, under 10 minutes) or ``--full`` (N=1M).

Each script prints its own figures; this writes them all to ``bench/out/results-<size>.json``
as well. ``--n`` overrides N (the smoke test uses a tiny one).

    python bench/run_all.py --small
    python bench/run_all.py --full
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bench_backfill, bench_dashboard, bench_ingest, bench_queries
from bench.common import OUT, machine

SMALL = 100_000
FULL = 1_000_000


def run(n: int, out: Path, repeat: int, day: int, dashboard: bool) -> dict[str, Any]:
    """All benchmarks at N; returns their figures."""
    started = time.perf_counter()
    results: dict[str, Any] = {"machine": machine(), "n": n}
    print(f"== backfill (N={n:,})", flush=True)
    results["backfill"] = bench_backfill.bench(n, None, True, out, 42)
    print(f"== incremental ingest of one day (base N={n:,})", flush=True)
    results["ingest"] = bench_ingest.bench(n, day, out, 42)
    print(f"== queries (N={n:,})", flush=True)
    results["queries"] = bench_queries.bench(n, repeat, out, 42)
    if dashboard:
        print(f"== dashboard (N={n:,})", flush=True)
        results["dashboard"] = bench_dashboard.bench(n, 3, out, 42)
    results["total_s"] = time.perf_counter() - started
    print(f"== all done in {results['total_s']:.0f} s", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--small", action="store_true", help=f"N={SMALL:,} (default)")
    size.add_argument("--full", action="store_true", help=f"N={FULL:,}")
    size.add_argument("--n", type=int, help="any other N")
    parser.add_argument("--repeat", type=int, default=20, help="runs per query")
    parser.add_argument("--day", type=int, default=2500, help="papers in the ingested day")
    parser.add_argument("--no-dashboard", dest="dashboard", action="store_false")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    n = args.n or (FULL if args.full else SMALL)
    results = run(n, args.out, args.repeat, args.day, args.dashboard)
    label = "full" if args.full else "small" if n == SMALL else str(n)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"results-{label}.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
