"""A database-level lock so two ingests (two schedulers, cron plus a manual run) never overlap.

The lock is a row in ``locks``. It carries its holder (``host:pid label``) and an expiry that
the holder pushes forward while it works; a lock whose expiry passed, or whose holder process
on this host is gone (e.g. killed with SIGKILL), is stale and may be taken over.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Engine, Table, delete, select, update
from sqlalchemy.exc import OperationalError

from tracker.db import models
from tracker.db.dialect import insert_ignore
from tracker.db.engine import session_scope
from tracker.ingest.upsert import utcnow

log = logging.getLogger(__name__)

INGEST_LOCK = "ingest"
DEFAULT_TTL = timedelta(minutes=30)
"""How long a lock lives without a refresh; runs refresh it after every batch."""


class LockHeldError(RuntimeError):
    """Another process holds the lock."""

    def __init__(self, name: str, holder: str, acquired_at: datetime, expires_at: datetime):
        self.name = name
        self.holder = holder
        self.acquired_at = acquired_at
        self.expires_at = expires_at
        super().__init__(
            f"lock {name!r} is held by {holder} since {acquired_at:%Y-%m-%d %H:%M:%S} UTC "
            f"(expires {expires_at:%Y-%m-%d %H:%M:%S} UTC unless refreshed)"
        )


def this_holder(label: str = "") -> str:
    """Identify this process: ``host:pid`` plus an optional label such as the command."""
    ident = f"{socket.gethostname()}:{os.getpid()}"
    return f"{ident} {label}".strip()


def _holder_is_dead(holder: str) -> bool:
    """True when the holder ran on this host and its process no longer exists."""
    ident = holder.split(" ", 1)[0]
    host, _, pid_text = ident.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class DatabaseLock:
    """A held lock; ``refresh()`` extends it, ``release()`` gives it up."""

    def __init__(self, engine: Engine, name: str, holder: str, ttl: timedelta) -> None:
        self.engine = engine
        self.name = name
        self.holder = holder
        self.ttl = ttl

    def refresh(self) -> None:
        """Push the expiry forward (call while working)."""
        with session_scope(self.engine) as session:
            session.execute(
                update(models.Lock)
                .where(models.Lock.name == self.name, models.Lock.holder == self.holder)
                .values(expires_at=utcnow() + self.ttl)
            )

    def release(self) -> None:
        """Give the lock up (only if we still hold it)."""
        with session_scope(self.engine) as session:
            session.execute(
                delete(models.Lock).where(
                    models.Lock.name == self.name, models.Lock.holder == self.holder
                )
            )


def acquire_lock(
    engine: Engine, name: str = INGEST_LOCK, holder: str | None = None, ttl: timedelta = DEFAULT_TTL
) -> DatabaseLock:
    """Take the named lock or raise :class:`LockHeldError` naming the current holder."""
    holder = holder or this_holder()
    for attempt in range(3):
        try:
            return _try_acquire(engine, name, holder, ttl)
        except OperationalError:
            # SQLite: another process wrote between our read and our write; look again.
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def _try_acquire(engine: Engine, name: str, holder: str, ttl: timedelta) -> DatabaseLock:
    table = cast(Table, models.Lock.__table__)
    with session_scope(engine) as session:
        now = utcnow()
        row = session.execute(select(models.Lock).where(models.Lock.name == name)).scalar()
        if row is not None and (row.expires_at < now or _holder_is_dead(row.holder)):
            log.warning("taking over stale lock %r from %s", name, row.holder)
            session.execute(
                delete(models.Lock).where(
                    models.Lock.name == name, models.Lock.holder == row.holder
                )
            )
        session.execute(
            insert_ignore(session, table),
            [{"name": name, "holder": holder, "acquired_at": now, "expires_at": now + ttl}],
        )
        session.expire_all()
        current = session.execute(select(models.Lock).where(models.Lock.name == name)).scalar_one()
        if current.holder != holder:
            raise LockHeldError(name, current.holder, current.acquired_at, current.expires_at)
    return DatabaseLock(engine, name, holder, ttl)


@contextmanager
def hold_lock(
    engine: Engine, name: str = INGEST_LOCK, label: str = "", ttl: timedelta = DEFAULT_TTL
) -> Iterator[DatabaseLock]:
    """Hold the named lock for the block; raises :class:`LockHeldError` if it is taken."""
    lock = acquire_lock(engine, name, this_holder(label), ttl)
    try:
        yield lock
    finally:
        lock.release()
