"""Benchmark the default topic tagger: papers per second on one core.

Usage: python bench/bench_topics.py [--repeat N]
Tags the labeled fixture papers (real arXiv titles and abstracts) N times over, timing each
round; prints the median and the best round (the best is the least disturbed by other load
on the machine).
"""

from __future__ import annotations

import argparse
import statistics
import time

from tracker.config import PROJECT_ROOT
from tracker.topics.evaluate import load_labeled
from tracker.topics.tagger import Tagger


def bench(repeat: int = 20) -> tuple[float, float]:
    """Return (median, best) papers per second over ``repeat`` rounds (warm tagger)."""
    tagger = Tagger.from_seeds(PROJECT_ROOT / "seeds")
    papers = [(r["title"], r["abstract"], r["categories"]) for r in load_labeled()]
    tagger.tag_many(papers)  # warm the token cache as a long-running ingest would
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        tagger.tag_many(papers)
        rates.append(len(papers) / (time.perf_counter() - start))
    return statistics.median(rates), max(rates)


def main() -> None:
    """Print papers/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    median, best = bench(args.repeat)
    print(f"topic tagger: median {median:,.0f} papers/s, best {best:,.0f} (target >= 5,000)")


if __name__ == "__main__":
    main()
