"""Compact an SQLite database and give it another page size (``tracker db vacuum``).

A database made before :data:`~tracker.db.engine.SQLITE_PAGE_SIZE` changed keeps its 4 KiB
pages; ``VACUUM`` rewrites it with the new size. That needs the rollback journal for a moment
(SQLite cannot change the page size of a WAL database) and therefore no other connection: the
dashboard and the scheduler must be stopped. ``VACUUM`` may renumber the rowids of ``papers``,
which the full-text index follows, so the index is rebuilt afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from tracker.db.bulkload import finish_pending_load
from tracker.db.dialect import rebuild_search_index
from tracker.db.engine import SQLITE_PAGE_SIZE, session_scope

PAGE_SIZES = tuple(1 << n for n in range(9, 17))
"""The page sizes SQLite accepts: 512 to 65,536 bytes."""


class VacuumError(Exception):
    """The database cannot be vacuumed now (another backend, or another connection open)."""


@dataclass(frozen=True)
class VacuumReport:
    """What ``tracker db vacuum`` did."""

    page_size_before: int
    page_size_after: int
    bytes_before: int
    bytes_after: int
    search: str
    """What was rebuilt (:func:`~tracker.db.dialect.rebuild_search_index`)."""


def _page_size(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA page_size").scalar() or 0)


def _size(conn: Connection) -> tuple[int, int]:
    page_size = _page_size(conn)
    pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0)
    return page_size, page_size * pages


def vacuum_sqlite(engine: Engine, page_size: int = SQLITE_PAGE_SIZE) -> VacuumReport:
    """``VACUUM`` the SQLite database into ``page_size`` pages, then rebuild the search index.

    Raises :class:`VacuumError` for another backend or while another connection has the
    database open (the WAL journal cannot be left then).
    """
    if engine.dialect.name != "sqlite":
        raise VacuumError(
            f"vacuum is for SQLite databases; {engine.dialect.name} compacts itself (autovacuum)"
        )
    if page_size not in PAGE_SIZES:
        raise VacuumError(f"page size must be a power of two from 512 to 65536, not {page_size}")
    finish_pending_load(engine)  # its indexes first: VACUUM would carry the missing ones over
    engine.dispose()  # this process's own pooled connections would keep WAL mode busy
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        page_before, bytes_before = _size(conn)
        try:
            mode = conn.exec_driver_sql("PRAGMA journal_mode=DELETE").scalar()
        except OperationalError:  # "database is locked"
            mode = None
        if str(mode).lower() != "delete":
            raise VacuumError(
                "another process has the database open (the dashboard, the scheduler or an "
                "ingest): stop it and run `tracker db vacuum` again"
            )
        try:
            conn.exec_driver_sql(f"PRAGMA page_size={page_size}")
            conn.exec_driver_sql("VACUUM")
        finally:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        page_after, bytes_after = _size(conn)
    with session_scope(engine) as session:
        search = rebuild_search_index(session)
    return VacuumReport(page_before, page_after, bytes_before, bytes_after, search)


def page_size_hint(engine: Engine) -> str | None:
    """A hint to run ``tracker db vacuum`` when an SQLite database has smaller pages than new
    ones get (a database made by an earlier version); None otherwise."""
    if engine.dialect.name != "sqlite":
        return None
    with engine.connect() as conn:
        page_size = _page_size(conn)
    if page_size >= SQLITE_PAGE_SIZE:
        return None
    return (
        f"hint: this database has {page_size}-byte pages; `tracker db vacuum` (with the "
        f"dashboard and scheduler stopped) rewrites it with {SQLITE_PAGE_SIZE}-byte pages, "
        "which makes a large backfill about 10% faster"
    )
