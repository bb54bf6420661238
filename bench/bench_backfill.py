"""Backfill throughput vs a plain-sqlite3 baseline, unchanged re-run cost and peak memory.

For each N: build (once) an N-record corpus with make_corpus.py, then in this same run

1. baseline: parse the file with the stdlib ``json`` and insert the same paper rows with plain
   ``sqlite3`` ``executemany`` (2,000 per transaction, ``synchronous=OFF``) into the same
   ``papers`` table (columns and B-tree indexes of the migrated schema, no FTS trigger);
2. the full pipeline (``tracker.ingest.backfill.backfill_file``: parse, tag topics, resolve
   venue, upsert papers, versions and topic tags, FTS index) on a fresh migrated database with
   the CCF and topic tables loaded, in a child process whose peak RSS is measured (per
   process) and whose writer + workers' PSS is sampled every 0.25 s (their peak sum);
3. the same backfill again (nothing changed), after ``sync`` has written the first run's data
   to the disk (its time is printed too).

The 1-minute load average before and after each N is printed with it: the machine is shared.

    python bench/bench_backfill.py -n 100000 -n 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, ROOT, ensure_corpus, fresh_db, machine

_COLUMNS = (
    "arxiv_id, title, abstract, authors, categories, primary_category, published, updated, "
    "latest_version, comment, journal_ref, doi, venue_status, source, first_seen, last_changed"
)


def _stamp(text: str) -> str:
    # Baseline only: keep the RFC 2822 stamp as text (no date parsing at all).
    return text


def run_baseline(corpus: Path, db: Path, batch: int = 2000) -> dict[str, Any]:
    """Parse with json and insert paper rows with sqlite3 executemany; returns timings."""
    fresh_db(db, seeded=False).dispose()
    conn = sqlite3.connect(db)
    for trigger in ("papers_fts_ai", "papers_fts_ad", "papers_fts_au"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    conn.execute("PRAGMA synchronous=OFF")
    conn.commit()
    sql = f"INSERT INTO papers ({_COLUMNS}) VALUES ({', '.join('?' * 16)})"
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    start = time.perf_counter()
    rows: list[tuple[Any, ...]] = []
    count = 0
    with corpus.open("rb") as fh:
        for line in fh:
            d = json.loads(line)
            versions = d.get("versions") or [{"version": "v1", "created": ""}]
            cats = d.get("categories") or ""
            rows.append((
                d["id"], d["title"], d.get("abstract") or "", d.get("authors") or "", cats,
                cats.split(" ", 1)[0], _stamp(versions[0]["created"]),
                _stamp(versions[-1]["created"]), len(versions), d.get("comments"),
                d.get("journal-ref"), d.get("doi"), "none", "snapshot", now, now,
            ))  # fmt: skip
            if len(rows) >= batch:
                conn.executemany(sql, rows)
                conn.commit()
                count += len(rows)
                rows.clear()
    if rows:
        conn.executemany(sql, rows)
        conn.commit()
        count += len(rows)
    seconds = time.perf_counter() - start
    conn.close()
    return {"records": count, "seconds": seconds, "rate": count / seconds}


def run_child(corpus: Path, db: Path, fresh: bool, workers: int | None, enrich: bool) -> dict:
    """One backfill in a child process; returns its timing, counts and peak RSS."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--corpus", str(corpus)]
    cmd += ["--db", str(db)]
    cmd += ["--fresh"] if fresh else []
    cmd += [] if workers is None else ["--workers", str(workers)]
    cmd += [] if enrich else ["--no-enrich"]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"backfill child failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _tree_pss_kib(pid: int) -> int:
    """Proportional set size of a process and its children, in KiB (shared pages split)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    pids += [int(c) for c in children]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:  # a process ended meanwhile
            continue
    return total


class PssSampler(threading.Thread):
    """Samples the whole backfill's PSS (writer + workers) every ``period`` s; keeps the peak.

    Peak RSS per process counts the pages the forked workers share with the writer once per
    process; PSS splits them, so the sum is what the backfill really holds.
    """

    def __init__(self, period: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.period = period
        self.peak_kib = 0
        self._done = threading.Event()

    def run(self) -> None:
        """Sample until stopped."""
        while not self._done.is_set():
            self.peak_kib = max(self.peak_kib, _tree_pss_kib(os.getpid()))
            self._done.wait(self.period)

    def stop(self) -> int:
        """Stop sampling; the peak in KiB (0 where /proc has no smaps_rollup)."""
        self._done.set()
        self.join()
        return self.peak_kib


def _child(args: argparse.Namespace) -> None:
    from tracker.db.engine import make_engine
    from tracker.ingest.backfill import backfill_file
    from tracker.ingest.enrich import NoopEnricher, load_enricher

    db = Path(args.db)
    engine = fresh_db(db) if args.fresh else make_engine(f"sqlite:///{db}")
    enricher = load_enricher(ROOT / "seeds") if args.enrich else NoopEnricher()
    sampler = PssSampler()
    sampler.start()
    start = time.perf_counter()
    summary = backfill_file(engine, args.corpus, enricher, workers=args.workers)
    seconds = time.perf_counter() - start
    pss_kib = sampler.stop()
    engine.dispose()
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "ok": summary.ok,
        "line": summary.line(),
        "records": summary.fetched,
        "new": summary.counts.new,
        "unchanged": summary.counts.unchanged,
        "seconds": seconds,
        "rate": summary.fetched / seconds if seconds else 0.0,
        "rss_writer_mb": me.ru_maxrss / 1024,
        "rss_worker_mb": kids.ru_maxrss / 1024,
        "pss_total_mb": pss_kib / 1024,
        "cpu_writer_s": me.ru_utime + me.ru_stime,
        "cpu_workers_s": kids.ru_utime + kids.ru_stime,
    }
    print(json.dumps(result))


def io_pressure() -> str:
    """Share of the last minute some task waited for I/O (``/proc/pressure/io``), or "n/a".

    On this VM the host's disk is sometimes busy for minutes, and memory reclaim evicts the
    corpus from the page cache: a re-run then waits for the disk, not for the CPU.
    """
    try:
        first = Path("/proc/pressure/io").read_text().splitlines()[0]
    except (OSError, IndexError):
        return "n/a"
    fields = dict(part.split("=") for part in first.split()[1:])
    return f"{fields.get('avg60', '?')}%"


def cpu_ticks() -> list[int]:
    """The machine's CPU time counters (``/proc/stat``: user ... steal), or [] where absent."""
    try:
        return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return []


def steal_share(before: list[int], after: list[int]) -> str:
    """The share of the machine's CPU time the hypervisor gave to others ("steal") in between.

    On this VM identical work has taken up to 40% more CPU time from one run to the next; a
    high steal share marks a run on which the host was busy.
    """
    if len(before) < 8 or len(after) < 8:
        return "n/a"
    total = sum(after) - sum(before)
    return f"{(after[7] - before[7]) / total:.1%}" if total > 0 else "n/a"


def bench(n: int, workers: int | None, enrich: bool, out: Path, seed: int) -> dict[str, Any]:
    """Baseline, first backfill and unchanged re-run at N records; prints and returns figures."""
    corpus = ensure_corpus(n, seed, out)
    load_before = os.getloadavg()[0]
    base = run_baseline(corpus, out / f"baseline-{n}.db")
    db = out / f"backfill-{n}.db"
    ticks = cpu_ticks()
    first = run_child(corpus, db, True, workers, enrich)
    steal = steal_share(ticks, cpu_ticks())
    # The first run writes with synchronous=OFF: gigabytes may still be on their way to the
    # disk. Wait for them, so the re-run's reads do not queue behind that writeback.
    synced = time.perf_counter()
    os.sync()
    sync_s = time.perf_counter() - synced
    again = run_child(corpus, db, False, workers, enrich)
    result = {
        "n": n,
        "baseline_rate": base["rate"],
        "baseline_s": base["seconds"],
        "first_s": first["seconds"],
        "first_rate": first["rate"],
        "ratio_to_baseline": first["rate"] / base["rate"],
        "sync_s": sync_s,
        "rerun_s": again["seconds"],
        "rerun_fraction": again["seconds"] / first["seconds"],
        "rerun_cpu_s": again["cpu_writer_s"] + again["cpu_workers_s"],
        "io_pressure_after": io_pressure(),
        "rss_writer_mb": max(first["rss_writer_mb"], again["rss_writer_mb"]),
        "rss_worker_mb": max(first["rss_worker_mb"], again["rss_worker_mb"]),
        "pss_total_mb": max(first["pss_total_mb"], again["pss_total_mb"]),
        "cpu_writer_s": first["cpu_writer_s"],
        "cpu_workers_s": first["cpu_workers_s"],
        "cpu_steal_first": steal,
        "first": first["line"],
        "rerun": again["line"],
        "db": str(db),
        "load_1min_before": load_before,
        "load_1min_after": os.getloadavg()[0],
    }
    if not (first["ok"] and again["ok"] and again["unchanged"] == again["records"]):
        raise SystemExit(f"backfill did not finish cleanly: {first['line']} / {again['line']}")
    print(
        f"N={n:>9,}  baseline {base['rate']:>8,.0f} rec/s ({base['seconds']:.1f} s)  "
        f"pipeline {first['rate']:>7,.0f} rec/s ({first['seconds']:.1f} s; CPU µs/record "
        f"writer {first['cpu_writer_s'] / n * 1e6:.0f}, "
        f"workers {first['cpu_workers_s'] / n * 1e6:.0f}, "
        f"steal {steal})  "
        f"ratio {result['ratio_to_baseline']:.2f}  "
        f"re-run {again['seconds']:.1f} s = {result['rerun_fraction']:.1%} of first "
        f"(CPU {result['rerun_cpu_s']:.1f} s; after a {sync_s:.1f} s sync)  "
        f"peak RSS writer {result['rss_writer_mb']:.0f} MB, "
        f"worker {result['rss_worker_mb']:.0f} MB, "
        f"all processes PSS {result['pss_total_mb']:.0f} MB  "
        f"load {load_before:.1f} -> {result['load_1min_after']:.1f}, "
        f"I/O pressure {result['io_pressure_after']}"
    )
    print(f"    first:  {first['line']}\n    re-run: {again['line']}", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-n", type=int, action="append", help="records (repeatable)")
    parser.add_argument("--workers", type=int, help="worker processes (default: one per CPU)")
    parser.add_argument("--no-enrich", dest="enrich", action="store_false")
    parser.add_argument("--out", type=Path, default=OUT, help="corpora and databases go here")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fresh", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args)
        return 0
    print("machine:", json.dumps(machine()))
    results = [
        bench(n, args.workers, args.enrich, args.out, args.seed) for n in args.n or [100_000]
    ]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
