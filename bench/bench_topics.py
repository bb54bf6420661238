"""Benchmark the default topic tagger: papers per second on one core.

Usage: python bench/bench_topics.py [--repeat N]
Tags the labeled fixture papers (real arXiv titles and abstracts) N times over.
"""

from __future__ import annotations

import argparse
import time

from tracker.config import PROJECT_ROOT
from tracker.topics.evaluate import load_labeled
from tracker.topics.tagger import Tagger


def bench(repeat: int = 20) -> float:
    """Return papers per second for tagging the labeled set ``repeat`` times (warm tagger)."""
    tagger = Tagger.from_seeds(PROJECT_ROOT / "seeds")
    papers = [(r["title"], r["abstract"], r["categories"]) for r in load_labeled()]
    tagger.tag_many(papers)  # warm the token cache as a long-running ingest would
    start = time.perf_counter()
    for _ in range(repeat):
        tagger.tag_many(papers)
    elapsed = time.perf_counter() - start
    return len(papers) * repeat / elapsed


def main() -> None:
    """Print papers/s."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rate = bench(args.repeat)
    print(f"topic tagger: {rate:,.0f} papers/s (target >= 5,000)")


if __name__ == "__main__":
    main()
