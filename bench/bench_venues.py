"""Records per second of the venue resolver on one core (target: >= 20,000).

Usage: python bench/bench_venues.py [N]  — resolves N records cycled from
``tests/fixtures/venues_bench.jsonl`` (3,000 real records as they come: 2,000 random comments
and 1,000 random full records, many without a comment) and, separately, from the dev set
(venue-heavy on purpose, so slower).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.venues import VenueResolver  # noqa: E402


def main() -> None:
    """Time the resolver and print records/s."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", nargs="?", type=int, default=100_000, help="records (100,000)")
    n = parser.parse_args().n
    t0 = time.perf_counter()
    resolver = VenueResolver.from_seeds(ROOT / "seeds")
    print(f"build {time.perf_counter() - t0:.2f}s")
    for name in ("venues_bench.jsonl", "venues_dev.jsonl"):
        text = (ROOT / "tests/fixtures" / name).read_text(encoding="utf-8")
        recs = [json.loads(line) for line in text.splitlines()]
        inputs = [(r.get("comments"), r.get("journal_ref"), r.get("doi")) for r in recs]
        resolve = resolver.resolve
        t0 = time.process_time()
        for i in range(n):
            c, j, d = inputs[i % len(inputs)]
            resolve(c, j, d)
        elapsed = time.process_time() - t0
        print(f"{name}: {n} records in {elapsed:.2f}s CPU = {n / elapsed:,.0f} records/s")


if __name__ == "__main__":
    main()
