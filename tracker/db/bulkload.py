"""First-load mode for SQLite: secondary indexes and the full-text index built once, at the end.

Inserting a million papers into B-tree indexes and the FTS5 index row by row costs more than
building them once from the finished tables (``CREATE INDEX`` sorts; FTS5 ``'rebuild'`` writes
few, large segments). So a backfill into an empty ``papers`` table first drops the non-unique
indexes of the paper tables and the FTS5 triggers, and :func:`finish_first_load` puts them
back and indexes every paper when it ends.

What was dropped is written to the ``meta`` table in the same transaction as the drop, so a
load that dies half-way (power cut, ``kill -9``) is finished by the next backfill or ingest, or
by ``tracker db upgrade`` / ``tracker db reindex``: no index stays missing. Unique indexes and
primary keys are kept (the load relies on them). Other backends are left alone.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

PENDING_KEY = "first_load_pending"
"""``meta`` key holding the DDL a first load dropped (JSON list), while the load runs."""
TABLES = ("papers", "paper_versions", "paper_topics")
FTS_TRIGGERS = ("papers_fts_ai", "papers_fts_ad", "papers_fts_au")
"""Migration 0002's triggers keeping ``papers_fts`` in step. All go: an update or delete would
otherwise remove a paper's terms from an index that never received them (a corrupt index)."""


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _begin(conn: Connection) -> None:
    """Open the transaction now: the stdlib driver would run DDL in autocommit."""
    raw = conn.connection.driver_connection
    if raw is not None and not raw.in_transaction:
        conn.exec_driver_sql("BEGIN")


def begin_first_load(conn: Connection) -> bool:
    """Enter first-load mode when ``papers`` is empty (SQLite); True when in it. Commits.

    A first load an earlier process left unfinished is resumed (True, nothing more dropped).
    """
    if not _is_sqlite(conn):
        return False
    _begin(conn)
    if _pending(conn) is not None:
        conn.rollback()
        return True
    if conn.exec_driver_sql("SELECT 1 FROM papers LIMIT 1").first() is not None:
        conn.rollback()
        return False
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
    return True


def finish_first_load(conn: Connection) -> bool:
    """Recreate what :func:`begin_first_load` dropped and index every paper; True if it did.

    One transaction: the indexes, the FTS5 ``'rebuild'`` and the removal of the ``meta`` note.
    """
    if not _is_sqlite(conn):
        return False
    _begin(conn)
    dropped = _pending(conn)
    if dropped is None:
        conn.rollback()
        return False
    for kind, name, sql in dropped:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?", (kind, name)
        ).first()
        if exists is None:
            conn.exec_driver_sql(sql)
    has_fts = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'papers_fts'"
    ).first()
    if has_fts is not None:
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
    has_meta = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).first()
    if has_meta is None:
        return None
    value = conn.exec_driver_sql("SELECT value FROM meta WHERE key = ?", (PENDING_KEY,)).scalar()
    if value is None:
        return None
    return [(str(k), str(n), str(s)) for k, n, s in json.loads(value)]
