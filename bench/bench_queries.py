"""Query latency (p50/p95) at N papers: reading list, search, venue changes, CCF directory.

The database is the one ``bench_backfill.py`` left for N (``bench/out/backfill-N.db``), the
one ``--db`` names, or a fresh backfill of the N-record corpus; it is migrated to the newest
revision first (so an older file gets the query indexes of migration 0005). A small "update"
snapshot then gives 1% of the papers (at most 5,000) a journal-ref or comment, so the
venue-changes query has events to read.

``--postgres`` runs the same queries on PostgreSQL: a throwaway server is started (as the
tests do, ``tests/pgserver.py``, with ``shared_buffers`` raised to 1 GB), the SQLite database
is copied into it with ``tracker db copy``'s code, then ``VACUUM ANALYZE``d. At 1M the copy
takes about ten minutes; ``--postgres-url`` instead uses a database of your own, copying into
it only when it has no papers yet, so a second run starts at once.

    python bench/bench_queries.py -n 1000000 --repeat 30
    python bench/bench_queries.py -n 1000000 --postgres --json bench/out/queries-pg-1m.json
    python bench/bench_queries.py -n 1000000 --postgres-url postgresql+psycopg://u@host/bench
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from bench.common import OUT, ROOT, ensure_corpus, fresh_db, machine, percentiles, timed
from tracker.config import load_settings
from tracker.db.copy import copy_database
from tracker.db.engine import make_engine, session_scope
from tracker.db.migrate import upgrade_db
from tracker.ingest.backfill import backfill_file
from tracker.ingest.enrich import load_enricher

COMMON_WORDS = ("learning", "model")
"""Words in a third of all papers: with a narrow filter, the search checks the filter's papers
against the index instead of reading every match."""
SEARCHES = ("diffusion", "graph neural network", "quantum error correction", "language model")
THROWAWAY = "throwaway"
"""``postgres`` value of :func:`bench` for a server started (and removed) by the benchmark."""
PG_SHARED_BUFFERS = "1GB"
"""The throwaway server's cache; the tests' server makes do with 64 MB."""


def prepare(n: int, out: Path, seed: int, db: Path | None = None) -> str:
    """A database URL with N backfilled papers and some venue-change events."""
    db = db or out / f"backfill-{n}.db"
    corpus = ensure_corpus(n, seed, out)
    enricher = load_enricher(ROOT / "seeds")
    if not db.exists():
        engine = fresh_db(db)
        backfill_file(engine, corpus, enricher)
    else:
        engine = make_engine(f"sqlite:///{db}")
        upgrade_db(engine)
    with engine.connect() as conn:
        events = conn.exec_driver_sql("SELECT count(*) FROM paper_events").scalar()
    if not events:
        updates = _update_file(corpus, out / f"updates-{n}.jsonl", min(5000, max(10, n // 100)))
        backfill_file(engine, updates, enricher)
    engine.dispose()
    return f"sqlite:///{db}"


def _update_file(corpus: Path, path: Path, count: int) -> Path:
    """Re-publish ``count`` corpus records with a venue added to their journal-ref or comment."""
    venues = ("CVPR 2026", "NeurIPS 2025", "ICML 2026", "ACL 2026", "AAAI 2026", "TPAMI")
    rng = random.Random(7)
    picked: list[str] = []
    with corpus.open("rb") as fh:
        for i, line in enumerate(fh):
            if i % max(1, rng.randrange(50, 150)) == 0:
                picked.append(line.decode("utf-8"))
            if len(picked) >= count:
                break
    with path.open("w", encoding="utf-8") as fh_out:
        for text_line in picked:
            rec = json.loads(text_line)
            venue = rng.choice(venues)
            if rng.random() < 0.5:
                rec["comments"] = f"Accepted to {venue}"
            else:
                rec["journal-ref"] = f"{venue}, pp. 1-10"
            fh_out.write(json.dumps(rec) + "\n")
    return path


def queries(url: str, extra: bool = False) -> dict[str, Callable[[], Any]]:
    """The timed queries, each a no-argument callable with its own session.

    The issue's four (reading list build and read, search, venue changes, CCF directory);
    ``extra`` adds what the dashboard pages also run (preview, filtered searches, browsing,
    arrivals, facets, trends).
    """
    from tracker.queries.changes import venue_changes
    from tracker.queries.common import latest_paper_month, month_of, paper_months, pick_edition
    from tracker.queries.directory import browse_ccf
    from tracker.queries.facets import primary_categories, venue_names
    from tracker.queries.papers import PaperFilter, search_papers
    from tracker.queries.trends import tier_mix, top_venues, topic_month_counts
    from tracker.readinglists.build import build_list, get_list_items
    from tracker.readinglists.definitions import DEFAULT_LIST, ensure_default_lists

    settings = load_settings(database_url=url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        ensure_default_lists(session)
        month = latest_paper_month(session) or "2026-01"
        first = (paper_months(session, 12) or [month])[-1]
        edition = pick_edition(session, None) or 2026
        change_month = session.execute(text("SELECT max(occurred_at) FROM paper_events")).scalar()
        ranked = session.scalars(
            text(
                "SELECT venue_name FROM papers WHERE venue_name IS NOT NULL"
                " GROUP BY venue_name ORDER BY count(*), venue_name"
            )
        ).all()
        venue = ranked[len(ranked) // 2] if ranked else "CVPR"  # the median venue by papers
    change_month = month_of(_as_datetime(change_month)) if change_month else month
    searches = iter(range(10**9))

    def with_session(fn: Callable[[Any], Any], commit: bool = False) -> Callable[[], Any]:
        def run() -> Any:
            with session_scope(engine) as session:
                result = fn(session)
                if not commit:
                    session.rollback()
                return result

        return run

    def build(session: Any) -> Any:
        return build_list(session, DEFAULT_LIST, month, settings)

    def preview(session: Any) -> Any:  # a list never built for the month: ranked on the fly
        return get_list_items(session, "vision", month, settings=settings)

    def trends(session: Any) -> Any:
        return (
            topic_month_counts(session, first, month),
            tier_mix(session, first, month, edition),
            top_venues(session, first, month, edition),
        )

    with session_scope(engine) as session:
        build(session)  # the built list, read back by the dashboard
    core = {
        f"reading list: build {month}": with_session(build),
        f"reading list: read {month}": with_session(
            lambda s: get_list_items(s, DEFAULT_LIST, month, settings=settings)
        ),
        "full-text search (page 1)": with_session(
            lambda s: search_papers(s, PaperFilter(text=SEARCHES[next(searches) % 4]))
        ),
        f"venue changes {change_month}": with_session(lambda s: venue_changes(s, change_month)),
        f"CCF directory {edition} with paper counts": with_session(
            lambda s: browse_ccf(s, edition)
        ),
    }
    if not extra:
        return core
    return {
        **core,
        f"reading list: unbuilt preview {month}": with_session(preview),
        "full-text search + status filter (page 1)": with_session(
            lambda s: search_papers(
                s, PaperFilter(text=SEARCHES[next(searches) % 4], statuses=("accepted",))
            )
        ),
        f"common word + venue {venue} (page 1)": with_session(
            lambda s: search_papers(
                s, PaperFilter(text=COMMON_WORDS[next(searches) % 2], venue=venue)
            )
        ),
        "browse all papers (page 3)": with_session(lambda s: search_papers(s, PaperFilter(), 3)),
        f"venue changes {month} (arrivals)": with_session(lambda s: venue_changes(s, month)),
        "search facets (venues, categories)": with_session(
            lambda s: (venue_names(s), primary_categories(s))
        ),
        f"trends {first}..{month}": with_session(trends),
    }


def _as_datetime(value: Any) -> Any:
    from datetime import datetime

    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """URL of a new database on a PostgreSQL server that is stopped and deleted afterwards."""
    from tests import pgserver

    # Durability off as in the tests (the data is a copy); a cache big enough for the papers.
    pgserver.SERVER_SETTINGS["shared_buffers"] = PG_SHARED_BUFFERS
    server = pgserver.start_postgres_server()
    name = server.new_database_name("tracker_bench")
    try:
        yield server.create_database(name)
    finally:
        if server.process is None:  # a server of TRACKER_TEST_POSTGRES_URL: leave it clean
            server.drop_database(name)
        server.stop()


def copy_to_postgres(sqlite_url: str, pg_url: str) -> dict[str, Any]:
    """Copy the benchmark database into ``pg_url`` unless it already holds papers; describe it.

    After a copy the database is ``VACUUM ANALYZE``d, as autovacuum would do in a while.
    """
    source, target = make_engine(sqlite_url), make_engine(pg_url)
    try:
        upgrade_db(target)
        with target.connect() as conn:
            existing = int(conn.scalar(text("SELECT count(*) FROM papers")) or 0)
        info: dict[str, Any] = {"reused_papers": existing}
        if not existing:
            start = time.perf_counter()
            report = copy_database(source, target)
            copied = time.perf_counter() - start
            with target.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
            info.update(copied_rows=report.total_rows, copy_s=round(copied, 1))
            info["analyze_s"] = round(time.perf_counter() - start - copied, 1)
            print(f"copied {report.total_rows:,} rows to PostgreSQL in {copied:.0f} s", flush=True)
        else:
            print(f"PostgreSQL database already holds {existing:,} papers: used as it is")
        with target.connect() as conn:
            info["version"] = conn.scalar(text("SHOW server_version"))
            info["shared_buffers"] = conn.scalar(text("SHOW shared_buffers"))
        return info
    finally:
        source.dispose()
        target.dispose()


def bench(
    n: int,
    repeat: int,
    out: Path,
    seed: int,
    db: Path | None = None,
    extra: bool = False,
    postgres: str | None = None,
) -> dict[str, Any]:
    """Time every query ``repeat`` times at N papers; prints and returns p50/p95.

    ``postgres`` runs them on PostgreSQL instead of the SQLite file: :data:`THROWAWAY` for a
    server of our own, or the URL of a database to copy into (when empty) and use.
    """
    url = prepare(n, out, seed, db)
    if postgres is None:
        return _time_queries(url, n, repeat, extra, "sqlite")
    server = throwaway_postgres() if postgres == THROWAWAY else nullcontext(postgres)
    with server as pg_url:
        info = copy_to_postgres(url, pg_url)
        results = _time_queries(pg_url, n, repeat, extra, "postgresql")
    results["postgres"] = info
    return results


def _time_queries(url: str, n: int, repeat: int, extra: bool, backend: str) -> dict[str, Any]:
    results: dict[str, Any] = {"n": n, "backend": backend, "queries": {}}
    label = "" if backend == "sqlite" else " PG"
    for name, fn in queries(url, extra).items():
        fn()  # warm the page cache and the statement caches
        p50, p95 = percentiles(timed(fn, repeat))
        results["queries"][name] = {"p50_ms": p50, "p95_ms": p95}
        print(f"N={n:>9,}{label}  {name:<48} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-n", type=int, default=100_000, help="papers (default 100000)")
    parser.add_argument("--repeat", type=int, default=20, help="runs per query (default 20)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--db", type=Path, help="use this SQLite file (default: out/backfill-N.db)")
    parser.add_argument(
        "--core", action="store_true", help="only the issue's queries, not the dashboard extras"
    )
    pg = parser.add_mutually_exclusive_group()
    pg.add_argument(
        "--postgres",
        action="store_const",
        const=THROWAWAY,
        help="run on a throwaway PostgreSQL server (the database copied into it first)",
    )
    pg.add_argument(
        "--postgres-url",
        dest="postgres",
        metavar="URL",
        help="run on this PostgreSQL database; the SQLite one is copied in when it is empty",
    )
    args = parser.parse_args(argv)
    print("machine:", json.dumps(machine()))
    result = bench(args.n, args.repeat, args.out, args.seed, args.db, not args.core, args.postgres)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), **result}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
