"""Shared helpers for the benchmark scripts: fresh databases, timing, memory, corpora."""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tracker.db.engine import make_engine, session_scope  # noqa: E402
from tracker.db.migrate import upgrade_db  # noqa: E402

SEEDS = ROOT / "seeds"
OUT = ROOT / "bench" / "out"
"""Where corpora and benchmark databases go (git-ignored scratch space)."""


def fresh_db(path: Path, seeded: bool = True) -> Engine:
    """A new, migrated SQLite database at ``path`` with CCF venues and topics loaded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    engine = make_engine(f"sqlite:///{path}")
    upgrade_db(engine)
    if seeded:
        save_seed_tables(engine)
    return engine


def save_seed_tables(engine: Engine) -> None:
    """Load the CCF catalog, curated venues and the topic taxonomy (what ``tracker demo`` does)."""
    from tracker.ccf.catalog import load_ccf_catalog
    from tracker.ccf.store import save_ccf
    from tracker.topics.store import save_taxonomy
    from tracker.topics.tagger import TAXONOMY_FILE
    from tracker.topics.taxonomy import load_taxonomy

    with session_scope(engine) as session:
        save_ccf(session, load_ccf_catalog(SEEDS))
        try:
            from tracker.venues.store import load_venue_seeds, save_extra_venues
        except ImportError:
            pass
        else:
            save_extra_venues(session, load_venue_seeds(SEEDS))
        save_taxonomy(session, load_taxonomy(SEEDS / TAXONOMY_FILE))


def ensure_corpus(n: int, seed: int = 42, out_dir: Path = OUT) -> Path:
    """The N-record corpus file, built once by ``make_corpus.py`` and reused afterwards."""
    path = out_dir / f"corpus-{n}-s{seed}.jsonl"
    if not path.exists():
        from bench.make_corpus import write_corpus

        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        write_corpus(tmp, n, seed)
        tmp.rename(path)
    return path


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Peak resident memory of the largest waited-for child process, in MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentiles(times_ms: list[float]) -> tuple[float, float]:
    """(p50, p95) of a list of timings."""
    ordered = sorted(times_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def machine() -> dict[str, str]:
    """nproc, CPU model, RAM, Python and SQLite versions of this machine."""
    import sqlite3

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        ram = f"{mem_kb / 1024 / 1024:.1f} GB"
    except (OSError, StopIteration):
        ram = "?"
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "git": _git_rev(),
    }


def _git_rev() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return "?"
