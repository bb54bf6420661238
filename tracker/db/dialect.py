"""The few SQL statements whose syntax differs between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

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
    "temp_store": "MEMORY",
    "wal_autocheckpoint": "10000",
}
"""SQLite settings for a backfill's writer connection: no fsync per commit, a 64 MB page cache
(inside the RSS budget), bigger WAL between checkpoints. A crash can lose the last batches,
which a re-run restores; they are put back when the backfill ends."""


@contextmanager
def bulk_load_pragmas(conn: Connection) -> Iterator[Connection]:
    """Apply :data:`BULK_LOAD_PRAGMAS` to a SQLite connection for the block, then restore them."""
    if conn.dialect.name != "sqlite":
        yield conn
        return
    before = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in BULK_LOAD_PRAGMAS}
    conn.commit()
    for name, value in BULK_LOAD_PRAGMAS.items():
        conn.exec_driver_sql(f"PRAGMA {name}={value}")
    try:
        yield conn
    finally:
        conn.rollback()
        for name, value in before.items():
            conn.exec_driver_sql(f"PRAGMA {name}={value}")
        conn.commit()
