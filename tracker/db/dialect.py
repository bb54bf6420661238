"""The few SQL statements whose syntax differs between SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SQLITE_MAX_VARIABLES = 900
"""Keep ``IN (...)`` lists below SQLite's bound-parameter limit on old builds."""


def dialect_name(session: Session) -> str:
    """``sqlite`` or ``postgresql`` for the session's connection."""
    return session.get_bind().dialect.name


def insert_ignore(session: Session, table: Table) -> Any:
    """An INSERT that silently skips rows whose primary key already exists."""
    if dialect_name(session) == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def upsert(session: Session, table: Table, keys: Sequence[str], update: Sequence[str]) -> Any:
    """An INSERT that updates ``update`` columns when a row with the same ``keys`` exists."""
    module: Any = postgresql if dialect_name(session) == "postgresql" else sqlite
    stmt = module.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=list(keys), set_={name: stmt.excluded[name] for name in update}
    )


def chunks(items: Sequence[Any], size: int = SQLITE_MAX_VARIABLES) -> list[Sequence[Any]]:
    """Split a sequence into slices short enough for an ``IN (...)`` list."""
    return [items[i : i + size] for i in range(0, len(items), size)]


BULK_LOAD_PRAGMAS = {
    "synchronous": "OFF",
    "cache_size": "-65536",
    "wal_autocheckpoint": "10000",
}
"""SQLite settings for a backfill's writer connection: no fsync per commit, a 64 MB page cache
(inside the RSS budget), bigger WAL between checkpoints. A crash can lose the last batches,
which a re-run restores; they are put back when the backfill ends. Temporary files stay files:
with ``temp_store=MEMORY`` the sort of a first load's ``CREATE INDEX`` holds the whole index in
the writer's memory (100 vs 72 MB more for the largest index at 1M, and 4.2 vs 2.5 s)."""


FTS_BULK_CONFIG = {"automerge": 16, "hashsize": 16 << 20}
"""FTS5 settings of ``papers_fts`` during a bulk load, put back at the end:

- ``automerge`` 16: merge segments 16 at a time instead of 4, which cuts the index's share of a
  backfill by about a quarter;
- ``hashsize`` 16 MiB: FTS5 writes its pending terms out as a new segment whenever they pass
  this size (1 MiB by default), so a first load's step of 10,000 papers made about four
  segments, each later merged again; now it makes one. Indexing 300k papers in such steps:
  18.5-21.8 instead of 24.9-25.9 µs of CPU a paper (three runs each, interleaved;
  docs/benchmarks.md, round 8), for about 8 MB more memory.
"""
FTS_DEFAULT_CONFIG = {"automerge": 4, "hashsize": 1 << 20}
"""FTS5's own values of :data:`FTS_BULK_CONFIG`'s settings (when none is stored)."""


def sqlite_has(conn: Connection, kind: str, name: str) -> bool:
    """True when the SQLite schema has an object of that kind (``table``, ``index`` ...)."""
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?", (kind, name)
    ).first()
    return found is not None


def begin_now(conn: Connection) -> None:
    """Open the transaction now: the stdlib driver would run DDL in autocommit."""
    raw = conn.connection.driver_connection
    if raw is not None and not raw.in_transaction:
        conn.exec_driver_sql("BEGIN")


def index_papers_fts(conn: Connection, after: int, up_to: int | None = None) -> None:
    """Add the papers with ``after < rowid <= up_to`` (no upper bound: None) to ``papers_fts``."""
    sql = (
        "INSERT INTO papers_fts(rowid, title, abstract, authors) "
        "SELECT rowid, title, abstract, authors FROM papers WHERE rowid > ?"
    )
    if up_to is None:
        conn.exec_driver_sql(sql, (after,))
    else:
        conn.exec_driver_sql(sql + " AND rowid <= ?", (after, up_to))


def _fts_config(conn: Connection, values: dict[str, int]) -> dict[str, int]:
    """Set ``papers_fts``'s FTS5 settings; returns the previous values of those it could set
    ({} without FTS5). A setting this SQLite's FTS5 does not know is skipped (logged)."""
    if not sqlite_has(conn, "table", "papers_fts_config"):
        return {}
    before = {}
    for key, value in values.items():
        old = conn.exec_driver_sql("SELECT v FROM papers_fts_config WHERE k = ?", (key,)).scalar()
        try:
            conn.exec_driver_sql(
                "INSERT INTO papers_fts(papers_fts, rank) VALUES (?, ?)", (key, value)
            )
        except DBAPIError as exc:  # an FTS5 without that setting: load without it
            log.info("FTS5 setting %r left as it is: %s", key, exc.orig)
            continue
        before[key] = FTS_DEFAULT_CONFIG[key] if old is None else int(old)
    return before


@contextmanager
def bulk_load_pragmas(conn: Connection) -> Iterator[Connection]:
    """Apply :data:`BULK_LOAD_PRAGMAS` and :data:`FTS_BULK_CONFIG` for the block, then restore."""
    if conn.dialect.name != "sqlite":
        yield conn
        return
    before = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in BULK_LOAD_PRAGMAS}
    fts_before = _fts_config(conn, FTS_BULK_CONFIG)
    conn.commit()
    for name, value in BULK_LOAD_PRAGMAS.items():
        conn.exec_driver_sql(f"PRAGMA {name}={value}")
    try:
        yield conn
    finally:
        conn.rollback()
        for name, old in before.items():
            conn.exec_driver_sql(f"PRAGMA {name}={old}")
        _fts_config(conn, fts_before)
        conn.commit()


FTS_INSERT_TRIGGER = "papers_fts_ai"
"""The trigger of migration 0002 that indexes each new paper in ``papers_fts``, row by row."""
FTS_TRIGGERS = (FTS_INSERT_TRIGGER, "papers_fts_ad", "papers_fts_au")
"""All of migration 0002's triggers keeping ``papers_fts`` in step with ``papers``."""


@contextmanager
def deferred_fts(session: Session) -> Iterator[None]:
    """Index the papers inserted in the block in ``papers_fts`` with one statement at its end.

    SQLite's per-row FTS5 trigger costs about three times one ``INSERT ... SELECT``, so the
    trigger is dropped and re-created inside the same transaction (DDL is transactional in
    SQLite: other connections never see it missing). Elsewhere this does nothing.
    """
    if dialect_name(session) != "sqlite":
        yield
        return
    conn = session.connection()
    begin_now(conn)  # the DROP below must be part of the block's transaction
    trigger_sql: str | None = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (FTS_INSERT_TRIGGER,)
    ).scalar()
    if trigger_sql is None:
        yield
        return
    last = int(conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM papers").scalar() or 0)
    conn.exec_driver_sql(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
    yield
    index_papers_fts(conn, last)
    conn.exec_driver_sql(trigger_sql)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # SQLAlchemy's SQLite DateTime storage format, so Core reads the rows back unchanged.
        return value.isoformat(" ", "microseconds")
    return value


def insert_rows(
    session: Session, table: Table, rows: list[dict[str, Any]], ignore: bool = False
) -> None:
    """``executemany`` an INSERT of same-keyed dicts; ``ignore`` skips duplicate keys.

    On SQLite the values go straight to the driver (SQLAlchemy's per-row parameter processing
    costs more than the insert itself); other databases get the Core statement.
    """
    if not rows:
        return
    if dialect_name(session) != "sqlite":
        stmt = insert_ignore(session, table) if ignore else table.insert()
        session.execute(stmt, rows)
        return
    names = list(rows[0])
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    sql = f"{verb} INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    params = [tuple(_sqlite_value(row[name]) for name in names) for row in rows]
    session.connection().exec_driver_sql(sql, params)


def rebuild_search_index(session: Session) -> str:
    """Rebuild the full-text index from the papers table; returns what was rebuilt.

    SQLite's ``papers_fts`` follows ``papers`` by rowid, which ``VACUUM`` may renumber; a
    rebuild re-reads every paper. PostgreSQL's GIN index is rebuilt with ``REINDEX``.
    """
    if dialect_name(session) == "sqlite":
        if not sqlite_has(session.connection(), "table", "papers_fts"):
            return "no full-text index (run `tracker db upgrade`)"
        session.execute(text("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')"))
        return "papers_fts rebuilt"
    if dialect_name(session) == "postgresql":
        session.execute(text("REINDEX INDEX ix_papers_search"))
        return "ix_papers_search rebuilt"
    return "nothing to rebuild on this backend"
