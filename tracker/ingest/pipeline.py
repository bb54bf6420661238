"""The fast JSON-lines backfill: hash check, parse + enrich in worker processes, one writer.

A block whose bytes were stored completely before (its digest is in ``snapshot_blocks`` and
its last line's paper still carries that line's hash) is skipped unread: an unchanged re-run
only reads and hashes the file. For every other block the writer (this process) computes
every line's id and hash and drops the lines whose hash equals the one stored with that
paper: they were stored from this very line, so they are neither parsed nor enriched. The
remaining lines go to worker processes (:mod:`tracker.ingest.blocks`), which parse them and
compute topics and venue; the writer stores the results in order, one transaction per block.
At most ``workers + QUEUED_BLOCKS`` blocks are in flight, so memory does not grow with the
file. Into an empty database a worker gets only where its block lies in the file, and keys it
itself.

On SQLite, a paper that is certainly new (its id is neither stored nor in another block in
flight, nor twice in its block) comes back from the worker as ready-made insert rows
(:mod:`tracker.ingest.rows`), so the writer only executes them. Every other record goes
through the same ``save_records`` as every other ingest. Should a "new" paper collide anyway,
the block is rolled back and stored again through ``save_records``. A backfill into an empty
database builds the secondary indexes and the full-text index once, at the end
(:mod:`tracker.db.bulkload`).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import cast

from sqlalchemy import Connection, Engine, Table, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.db import models
from tracker.db.bulkload import begin_first_load, finish_first_load
from tracker.db.dialect import bulk_load_pragmas, chunks, deferred_fts, insert_ignore
from tracker.ingest.blocks import Parsed, init_worker, parse_block, work, work_span
from tracker.ingest.enrich import Enricher, PrecomputedEnricher
from tracker.ingest.lines import Block, block_digest, line_key, read_block_spans
from tracker.ingest.lock import DatabaseLock
from tracker.ingest.rows import RowContext, load_row_context, save_new_rows
from tracker.ingest.runner import Interrupted, RunSummary, StopCheck, _save_summary
from tracker.ingest.upsert import SaveCounts, save_records, utcnow
from tracker.sources.snapshot import ErrorHandler

log = logging.getLogger(__name__)

PAPERS = cast(Table, models.Paper.__table__)
BLOCKS = cast(Table, models.SnapshotBlock.__table__)

QUEUED_BLOCKS = 3
"""Blocks handed to the pool beyond one per worker. The writer's work comes in bursts (a
full-text index step of :data:`~tracker.db.bulkload.SEARCH_STEP` papers, a WAL checkpoint):
meanwhile the workers go on with the queued blocks instead of waiting. Each block in flight
holds its lines and, once parsed, its rows: a few MB."""


_STORED_HASHES = select(PAPERS.c.arxiv_id, PAPERS.c.source_hash).where(
    PAPERS.c.arxiv_id.in_(bindparam("ids", expanding=True))
)


def _stored_hashes(conn: Connection, ids: list[str]) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    sqlite = conn.dialect.name == "sqlite"
    for part in chunks(ids):
        if sqlite:  # plain SQL: SQLAlchemy would render a bind parameter per id (3 µs each)
            marks = ",".join("?" * len(part))
            sql = f"SELECT arxiv_id, source_hash FROM papers WHERE arxiv_id IN ({marks})"
            found.update(conn.exec_driver_sql(sql, tuple(part)).all())
        else:
            found.update(conn.execute(_STORED_HASHES, {"ids": part}).all())
    return found


@dataclass
class _Todo:
    """The lines of a block that need work, with what the writer knows about them."""

    lines: Block
    hashes: dict[int, int]
    fresh: dict[int, str]
    """Line number -> id, for ids neither stored, nor in flight, nor twice in the block."""
    ids: list[str]
    """Every id found in ``lines`` (counted as in flight until the block is stored)."""
    skipped: int
    digest: int = 0
    """:func:`block_digest` of the whole block."""
    last_id: str | None = None
    """The id of the block's last line."""
    keyed_by_worker: bool = False
    """A first-load block: the worker computed the ids and hashes (``hashes`` is empty)."""

    def line_hashes(self) -> dict[int, int]:
        """The hash of every line to parse (computed here for a block keyed by its worker)."""
        if self.keyed_by_worker:
            return {number: line_key(line)[1] for number, line in self.lines}
        return self.hashes


def _changed_lines(conn: Connection, block: Block, inflight: Counter[str] | None) -> _Todo:
    """The lines whose hash differs from the stored one; ``inflight`` None: no fast path."""
    keys = {number: line_key(line) for number, line in block}
    block_ids = Counter(k for k, _ in keys.values() if k is not None)
    stored = _stored_hashes(conn, sorted(block_ids))
    todo = _Todo([], {}, {}, [], 0)
    for number, line in block:
        arxiv_id, value = keys[number]
        if arxiv_id is not None and stored.get(arxiv_id) == value:
            continue
        todo.lines.append((number, line))
        todo.hashes[number] = value
        if arxiv_id is None:
            continue
        todo.ids.append(arxiv_id)
        if (
            inflight is not None
            and arxiv_id not in stored
            and block_ids[arxiv_id] == 1
            and not inflight[arxiv_id]
        ):
            todo.fresh[number] = arxiv_id
    todo.skipped = len(block) - len(todo.lines)
    todo.last_id = keys[block[-1][0]][0] if block else None
    return todo


def _stored_blocks(conn: Connection) -> set[int]:
    """Digests of the blocks stored completely by earlier backfills."""
    return set(conn.execute(select(BLOCKS.c.digest)).scalars())


def _block_is_stored(conn: Connection, known: set[int], digest: int, block: Block) -> bool:
    """True when this very block was stored completely and its last paper still comes from it."""
    if digest not in known or not block:
        return False
    arxiv_id, value = line_key(block[-1][1])
    if arxiv_id is None:
        return False
    stored = conn.execute(
        select(PAPERS.c.source_hash).where(PAPERS.c.arxiv_id == arxiv_id)
    ).scalar_one_or_none()
    return stored == value


def _remember_block(session: Session, todo: _Todo, lines: int) -> None:
    """Record a block whose every line is now stored (same transaction as its papers)."""
    if todo.last_id is None:
        return
    row = {"digest": todo.digest, "lines": lines, "last_id": todo.last_id, "stored_at": utcnow()}
    session.execute(insert_ignore(session, BLOCKS), [row])


def _store_block(
    session: Session, parsed: Parsed, enrich: Enricher, run_id: int | None
) -> SaveCounts:
    """Write one block (no commit); raises ``IntegrityError`` if a "new" paper exists."""
    counts = SaveCounts()
    with deferred_fts(session):
        if parsed.records:
            records, venues = parsed.unpack()
            counts = save_records(
                session,
                records,
                PrecomputedEnricher(enrich, records, parsed.tags, venues),
                run_id,
                hashes=parsed.hashes,
            )
        counts.new += save_new_rows(session, parsed.new)
    return counts


def save_json_lines(
    engine: Engine,
    path: Path,
    summary: RunSummary,
    enrich: Enricher,
    batch_size: int,
    *,
    workers: int = 0,
    lock: DatabaseLock | None = None,
    should_stop: StopCheck | None = None,
    on_batch: Callable[[int], object] | None = None,
    on_error: ErrorHandler | None = None,
) -> None:
    """Store a JSON-lines snapshot; ``workers`` > 0 parses and enriches in that many processes."""
    fast = engine.dialect.name == "sqlite"
    context = load_row_context(engine) if fast else RowContext()
    inflight: Counter[str] | None = Counter() if fast else None
    gc.freeze()  # long-lived objects: not scanned by every collection, not copied by the forks
    pool = None
    if workers > 0:
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=init_worker, initargs=(enrich, context)
        )
    pending: deque[tuple[int, _Todo, AsyncResult[Parsed] | Parsed]] = deque()
    ahead = workers + QUEUED_BLOCKS if pool is not None else 1  # blocks in flight
    try:
        with engine.connect() as conn, bulk_load_pragmas(conn):
            first_load = begin_first_load(conn)  # None, or indexes search in idle time
            # Into an empty database, workers read and key their blocks themselves.
            by_span = pool is not None and first_load is not None and first_load.started_empty

            def store(size: int, todo: _Todo, parsed: Parsed) -> None:
                if parsed.digest is not None and parsed.digest != todo.digest:
                    log.warning("lines %d-%d changed while being read: parsed again",
                                todo.lines[0][0], todo.lines[-1][0])  # fmt: skip
                    parsed = parse_block(todo.lines, todo.line_hashes(), enrich)
                with Session(bind=conn) as session:
                    try:
                        counts = _store_block(session, parsed, enrich, summary.run_id)
                    except IntegrityError:
                        log.info("a new paper of the block was stored meanwhile: slow path")
                        session.rollback()
                        parsed = parse_block(todo.lines, todo.line_hashes(), enrich)
                        counts = _store_block(session, parsed, enrich, summary.run_id)
                    counts.unchanged += todo.skipped
                    if counts.updated and first_load is not None:
                        first_load.invalidate()  # triggers are off: rebuild search at the end
                    summary.counts.add(counts)
                    summary.errors += len(parsed.errors)
                    if not parsed.errors:
                        _remember_block(session, todo, size)
                    _save_summary(session, summary)
                    session.commit()
                for number, reason in parsed.errors:
                    if on_error is not None:
                        on_error(number, reason)
                if inflight is not None:
                    for arxiv_id in todo.ids:  # drop the ids at zero: memory stays flat
                        left = inflight[arxiv_id] - 1
                        if left:
                            inflight[arxiv_id] = left
                        else:
                            del inflight[arxiv_id]
                if lock is not None:
                    lock.refresh()
                if on_batch is not None:
                    on_batch(size)

            def drain(keep: int) -> None:
                while len(pending) > keep:
                    size, todo, result = pending.popleft()
                    if not isinstance(result, Parsed):
                        while first_load is not None and not result.ready():
                            if not first_load.step(conn):  # waiting anyway: index for search
                                break
                        result = result.get()
                    store(size, todo, result)
                    if first_load is not None:
                        first_load.keep_up(conn)

            def load() -> None:
                known = _stored_blocks(conn)
                for block, span in read_block_spans(path, batch_size):
                    if should_stop is not None and should_stop():
                        raise Interrupted("stop requested")
                    summary.fetched += len(block)
                    digest = block_digest(block)
                    if _block_is_stored(conn, known, digest, block):
                        conn.commit()
                        summary.counts.unchanged += len(block)
                        if on_batch is not None:
                            on_batch(len(block))
                        continue
                    if pool is not None and by_span and span is not None:
                        conn.commit()
                        last_id = line_key(block[-1][1])[0]
                        todo = _Todo(block, {}, {}, [], 0, digest, last_id, keyed_by_worker=True)
                        where = (str(path), *span, block[0][0], digest)
                        pending.append((len(block), todo, pool.apply_async(work_span, where)))
                        drain(ahead)
                        continue
                    todo = _changed_lines(conn, block, inflight)
                    todo.digest = digest
                    conn.commit()  # end the read transaction so the writer's commits stay cheap
                    if inflight is not None:
                        inflight.update(todo.ids)
                    if pool is None:
                        parsed = parse_block(todo.lines, todo.hashes, enrich, todo.fresh, context)
                        pending.append((len(block), todo, parsed))
                    else:
                        args = (todo.lines, todo.hashes, todo.fresh)
                        pending.append((len(block), todo, pool.apply_async(work, args)))
                    drain(ahead)  # bounded memory
                drain(0)

            try:
                load()
            except Exception:
                # Stopped or failed: what was stored stays, so build its indexes now. (After a
                # second Ctrl-C or a kill, the next backfill resumes the first load instead.)
                if first_load is not None:
                    conn.rollback()
                    finish_first_load(conn, first_load)
                raise
            if first_load is not None:
                finish_first_load(conn, first_load)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        gc.unfreeze()
