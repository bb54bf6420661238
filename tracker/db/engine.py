"""Engines and sessions. SQLite gets WAL, a busy timeout and foreign keys on every connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from tracker.config import Settings

SQLITE_BUSY_TIMEOUT_MS = 30_000

SQLITE_PAGE_SIZE = 16_384
"""Page size of a new SQLite database (SQLite's default is 4,096; an existing database keeps
its own). A backfill writes gigabytes, and with 16 KiB pages it writes them in a quarter as
many WAL frames. 1M-paper first loads, alternating: 86.8, 81.5 and 84.5 s against 95.7 and
91.6 s, the writer's system time 10-11 instead of 15-16 µs a paper, the end of the load
(indexes, last search-index step) 4.5-5.1 instead of 7.5-7.6 s, a 12% smaller file; query
latencies unchanged (docs/benchmarks.md, round 8)."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Only takes effect while the file is still empty, so before WAL mode writes its header.
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
    # WAL lets dashboard readers work while an ingest writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(database_url: str | Settings, **kwargs: Any) -> Engine:
    """Create an engine for a URL (or settings); SQLite files get their folder created."""
    url_text = database_url.database_url if isinstance(database_url, Settings) else database_url
    url = make_url(url_text)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Open a session, commit when the block succeeds, roll back when it raises."""
    with make_sessionmaker(engine)() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
