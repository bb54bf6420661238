"""First-load mode for SQLite: secondary indexes and the full-text index built once, at the end.

Inserting a million papers into B-tree indexes and the FTS5 index row by row costs more than
building them once from the finished tables (``CREATE INDEX`` sorts; FTS5 ``'rebuild'`` writes
few, large segments). So a backfill into an empty ``papers`` table first drops the non-unique
indexes of the paper tables and the FTS5 triggers, and :func:`finish_first_load` puts them
back when it ends. Meanwhile :class:`SearchCatchUp` indexes the stored papers in FTS5 whenever
the writer would otherwise wait for its workers, so the full-text index is mostly built by
then; what is left (or everything, if a paper was updated after it was indexed) is indexed
at the end.

What was dropped is written to the ``meta`` table in the same transaction as the drop, so a
load that dies half-way (power cut, ``kill -9``) is finished by the next backfill or ingest, or
by ``tracker db upgrade`` / ``tracker db reindex``: no index stays missing. Unique indexes and
primary keys are kept (the load relies on them). Other backends are left alone.
"""

from __future__ import annotations

import json
import logging
import os

from sqlalchemy import Connection, Engine

from tracker.db.dialect import FTS_TRIGGERS, begin_now, index_papers_fts, sqlite_has

log = logging.getLogger(__name__)

PENDING_KEY = "first_load_pending"
"""``meta`` key holding the DDL a first load dropped (JSON list), while the load runs."""
TABLES = ("papers", "paper_versions", "paper_topics")
# All of FTS_TRIGGERS go: an update or delete would otherwise remove a paper's terms from an
# index that never received them (a corrupt index).

FIRST_LOAD_CACHE_KIB = 16384
"""SQLite page cache of a first load's writer (instead of the bulk-load 64 MB). Without
secondary indexes the load mostly appends, and ``CREATE INDEX`` sorts in as much memory as the
cache: at 300k papers the largest index peaked at 48 MB with 16 MB and at 103 MB with 64 MB
(0.5–0.8 s both). At 1M the writer peaked at 269 instead of 320 MB, at the same speed within
this VM's run-to-run spread (docs/benchmarks.md)."""


SORT_HELPER_THREADS = min(3, max(0, (os.cpu_count() or 1) - 1))
"""Helper threads SQLite may use to sort each ``CREATE INDEX`` at the end of a first load (one
on two cores). Measured with two helpers at 1M papers: the seven indexes took 10.2 instead of
11.4 s, for about 32 MB more peak memory in the writer, well inside the 500 MB budget
(docs/benchmarks.md, round 4)."""


def _small_cache(conn: Connection) -> None:
    conn.exec_driver_sql(f"PRAGMA cache_size=-{FIRST_LOAD_CACHE_KIB}")


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


SEARCH_STEP = 10_000
"""Papers added to the full-text index in one statement during a first load. FTS5 writes
each statement's papers as a new segment and merges segments as they pile up, so small steps
cost more: replaying the writer's SQLite work for 200k papers, steps of 10,000 took 6-21% less
CPU than steps of 2,000 in ten paired runs, e.g. 31.8 against 38.9 µs a paper (docs/benchmarks.md,
round 7)."""

MAX_SEARCH_LAG = 2 * SEARCH_STEP
"""Papers a first load may store ahead of its full-text index: the index is built during the
load, while both cores work, not at its end on one. Between one step and this lag the writer
indexes only while it waits for a worker."""


class SearchCatchUp:
    """Indexes a first load's papers in ``papers_fts`` chunk by chunk, in rowid order.

    Only valid while no indexed paper changes: the writer calls :meth:`invalidate` when it
    updates a paper, and the end of the load then rebuilds the whole index instead.
    """

    def __init__(self, conn: Connection, *, resumed: bool = False) -> None:
        self.done_up_to = 0
        """Every paper with a rowid up to this one is indexed."""
        self.started_empty = not resumed
        """The load began with no paper stored (not a resumed first load)."""
        self.valid = not resumed and sqlite_has(conn, "table", "papers_fts")
        conn.rollback()

    def invalidate(self) -> None:
        """An indexed paper may have changed: index everything again at the end."""
        self.valid = False

    def keep_up(self, conn: Connection, lag: int | None = None) -> None:
        """Index stored papers until at most ``lag`` (:data:`MAX_SEARCH_LAG`) wait (commits).

        Indexing only in idle time falls behind when the workers keep the writer busy (at 1M
        papers a third was left for the end, where it ran on one core while the other idled).
        """
        if not self.valid:
            return
        lag = MAX_SEARCH_LAG if lag is None else lag
        while self.step(conn, max(1, min(SEARCH_STEP, lag)), beyond=lag):
            pass

    def step(self, conn: Connection, rows: int = SEARCH_STEP, *, beyond: int = 0) -> bool:
        """Index the next ``rows`` stored papers (commits) if at least ``rows`` and more than
        ``beyond`` wait; False, doing nothing, otherwise.

        A first load appends papers, so their rowids follow one another: the next ``rows``
        papers are those with a rowid up to ``done_up_to + rows``.
        """
        if not self.valid:
            return False
        begin_now(conn)
        newest = conn.exec_driver_sql("SELECT max(rowid) FROM papers").scalar()
        waiting = 0 if newest is None else int(newest) - self.done_up_to
        if waiting < rows or waiting <= beyond:
            conn.rollback()
            return False
        up_to = self.done_up_to + rows
        index_papers_fts(conn, self.done_up_to, up_to)
        conn.commit()
        self.done_up_to = up_to
        return True


def begin_first_load(conn: Connection) -> SearchCatchUp | None:
    """Enter first-load mode when ``papers`` is empty (SQLite); None when not. Commits.

    A first load an earlier process left unfinished is resumed (nothing more is dropped, and
    the full-text index is rebuilt at the end). The answer indexes papers as they arrive.
    """
    if not _is_sqlite(conn):
        return None
    begin_now(conn)
    if _pending(conn) is not None:
        conn.rollback()
        _small_cache(conn)
        return SearchCatchUp(conn, resumed=True)
    if conn.exec_driver_sql("SELECT 1 FROM papers LIMIT 1").first() is not None:
        conn.rollback()
        return None
    tables, triggers = ", ".join("?" * len(TABLES)), ", ".join("?" * len(FTS_TRIGGERS))
    rows = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
        f"(type = 'index' AND tbl_name IN ({tables})) OR "
        f"(type = 'trigger' AND name IN ({triggers})))",
        (*TABLES, *FTS_TRIGGERS),
    ).all()
    dropped = [
        (kind, name, sql)
        for kind, name, sql in rows
        if kind == "trigger" or not sql.lstrip().upper().startswith("CREATE UNIQUE")
    ]
    for kind, name, _sql in dropped:
        conn.exec_driver_sql(f'DROP {kind.upper()} "{name}"')
    conn.exec_driver_sql(
        "INSERT INTO meta (key, value) VALUES (?, ?)", (PENDING_KEY, json.dumps(dropped))
    )
    conn.commit()
    log.info("first load: %d indexes and triggers are put back at the end", len(dropped))
    _small_cache(conn)
    return SearchCatchUp(conn)


def finish_first_load(conn: Connection, search: SearchCatchUp | None = None) -> bool:
    """Recreate what :func:`begin_first_load` dropped and index every paper; True if it did.

    One transaction: the indexes, the full-text index (the papers ``search`` has not indexed
    yet, or an FTS5 ``'rebuild'``) and the removal of the ``meta`` note.
    """
    if not _is_sqlite(conn):
        return False
    begin_now(conn)
    dropped = _pending(conn)
    if dropped is None:
        conn.rollback()
        return False
    _small_cache(conn)
    # The workers are done: let SQLite sort each index on the other cores too.
    conn.exec_driver_sql(f"PRAGMA threads={SORT_HELPER_THREADS}")
    for kind, name, sql in dropped:
        if not sqlite_has(conn, kind, name):
            conn.exec_driver_sql(sql)
    conn.exec_driver_sql("PRAGMA threads=0")
    has_fts = sqlite_has(conn, "table", "papers_fts")
    if has_fts and search is not None and search.valid:
        index_papers_fts(conn, search.done_up_to)
    elif has_fts:
        conn.exec_driver_sql("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')")
    conn.exec_driver_sql("DELETE FROM meta WHERE key = ?", (PENDING_KEY,))
    conn.commit()
    return True


def finish_pending_load(engine: Engine) -> bool:
    """Finish a first load an earlier process left unfinished (no-op when none); True if it did."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        if _pending(conn) is None:
            return False
        log.warning("an earlier first load did not finish: building its indexes now")
        return finish_first_load(conn)


def _pending(conn: Connection) -> list[tuple[str, str, str]] | None:
    if not sqlite_has(conn, "table", "meta"):
        return None
    value = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (PENDING_KEY,)).scalar()
    if value is None:
        return None
    return [(str(k), str(n), str(s)) for k, n, s in json.loads(value)]
