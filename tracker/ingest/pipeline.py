"""The fast JSON-lines backfill: hash check, parse + enrich in worker processes, one writer.

For each block of lines the writer (this process) computes every line's id and hash and
drops the lines whose hash equals the one stored with that paper: they were stored from this
very line, so an unchanged re-run neither parses nor enriches them. The remaining lines go to
worker processes, which parse them and compute topics and venue; the writer stores the results
in order, one transaction per block, through the same ``save_records`` as every other ingest.
At most ``2 * workers`` blocks are in flight, so memory does not grow with the file.
"""

from __future__ import annotations

import gzip
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Engine, Table, select
from sqlalchemy.orm import Session

from tracker.db import models
from tracker.db.dialect import bulk_load_pragmas, chunks, deferred_fts
from tracker.ingest.enrich import Enricher, PrecomputedEnricher, VenueInfo
from tracker.ingest.lines import line_key, record_from_line
from tracker.ingest.lock import DatabaseLock
from tracker.ingest.runner import Interrupted, RunSummary, StopCheck, _save_summary
from tracker.ingest.upsert import save_records
from tracker.records import PaperRecord, PaperVersion
from tracker.sources.snapshot import ErrorHandler, SnapshotError

log = logging.getLogger(__name__)

PAPERS = cast(Table, models.Paper.__table__)
Block = list[tuple[int, bytes]]
"""(line number, line) pairs."""


@dataclass
class Parsed:
    """A worker's answer for one block: records, their enrichment and the bad lines.

    Records and venues travel as plain tuples: pickling dataclasses costs about four times more.
    """

    records: list[tuple[Any, ...]] = field(default_factory=list)
    hashes: dict[str, int] = field(default_factory=dict)
    tags: list[list[tuple[str, float]]] = field(default_factory=list)
    venues: list[tuple[Any, ...]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def unpack(self) -> tuple[list[PaperRecord], list[VenueInfo]]:
        """The records and venues as objects again."""
        records = [
            PaperRecord(*r[:11], [PaperVersion(n, c) for n, c in r[11]], r[12])  # type: ignore[call-arg]
            for r in self.records
        ]
        return records, [VenueInfo(*v) for v in self.venues]


def _pack(r: PaperRecord) -> tuple[Any, ...]:
    versions = [(v.number, v.created) for v in r.versions]
    return (r.arxiv_id, r.title, r.abstract, r.authors, r.categories, r.published, r.updated,
            r.latest_version, r.comment, r.journal_ref, r.doi, versions, r.source)  # fmt: skip


def read_blocks(path: Path, size: int) -> Iterator[Block]:
    """Non-blank lines of a JSON-lines file (``.gz`` too) in blocks of ``size``."""
    opener: Callable[..., Any] = gzip.open if path.suffix == ".gz" else open
    block: Block = []
    with opener(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.isspace() or not line:
                continue
            block.append((number, line))
            if len(block) >= size:
                yield block
                block = []
    if block:
        yield block


def parse_block(block: Block, hashes: dict[int, int], enrich: Enricher) -> Parsed:
    """Parse and enrich a block (pure: runs in a worker process)."""
    out = Parsed()
    for number, line in block:
        try:
            record = record_from_line(line)
        except orjson.JSONDecodeError as exc:
            out.errors.append((number, f"invalid JSON: {exc.msg}"))
            continue
        except SnapshotError as exc:
            out.errors.append((number, str(exc)))
            continue
        out.records.append(_pack(record))
        out.hashes[record.arxiv_id] = hashes[number]
        if enrich.tags_topics:
            out.tags.append(enrich.tag_topics(record))
        if enrich.resolves_venues:
            v = enrich.resolve_venue(record)
            out.venues.append((v.name, v.year, v.kind, v.status, v.evidence, v.key))
    return out


class _Worker:
    """The enricher a worker process inherited when it was forked."""

    enrich: Enricher | None = None


def _init_worker(enrich: Enricher) -> None:
    _Worker.enrich = enrich


def _work(block: Block, hashes: dict[int, int]) -> Parsed:
    assert _Worker.enrich is not None
    return parse_block(block, hashes, _Worker.enrich)


def _stored_hashes(conn: Connection, ids: list[str]) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    for part in chunks(ids):
        stmt = select(PAPERS.c.arxiv_id, PAPERS.c.source_hash).where(PAPERS.c.arxiv_id.in_(part))
        found.update((row[0], row[1]) for row in conn.execute(stmt))
    return found


def _changed_lines(conn: Connection, block: Block) -> tuple[Block, dict[int, int], int]:
    """The lines whose hash differs from the stored one, their hashes, and how many were skipped."""
    keys = {number: line_key(line) for number, line in block}
    stored = _stored_hashes(conn, sorted({k for k, _ in keys.values() if k is not None}))
    todo: Block = []
    hashes: dict[int, int] = {}
    for number, line in block:
        arxiv_id, value = keys[number]
        if arxiv_id is not None and stored.get(arxiv_id) == value:
            continue
        todo.append((number, line))
        hashes[number] = value
    return todo, hashes, len(block) - len(todo)


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
    pool = None
    if workers > 0:
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_init_worker, initargs=(enrich,)
        )
    pending: deque[tuple[int, int, AsyncResult[Parsed] | Parsed]] = deque()
    try:
        with engine.connect() as conn, bulk_load_pragmas(conn):

            def store(size: int, skipped: int, parsed: Parsed) -> None:
                for number, reason in parsed.errors:
                    summary.errors += 1
                    if on_error is not None:
                        on_error(number, reason)
                records, venues = parsed.unpack()
                with Session(bind=conn) as session:
                    with deferred_fts(session):
                        counts = save_records(
                            session,
                            records,
                            PrecomputedEnricher(enrich, records, parsed.tags, venues),
                            summary.run_id,
                            hashes=parsed.hashes,
                        )
                    counts.unchanged += skipped
                    summary.counts.add(counts)
                    _save_summary(session, summary)
                    session.commit()
                if lock is not None:
                    lock.refresh()
                if on_batch is not None:
                    on_batch(size)

            def drain(keep: int) -> None:
                while len(pending) > keep:
                    size, skipped, result = pending.popleft()
                    parsed = result if isinstance(result, Parsed) else result.get()
                    store(size, skipped, parsed)

            for block in read_blocks(path, batch_size):
                if should_stop is not None and should_stop():
                    raise Interrupted("stop requested")
                summary.fetched += len(block)
                todo, hashes, skipped = _changed_lines(conn, block)
                conn.commit()  # end the read transaction so the writer's commits stay cheap
                if pool is None:
                    pending.append((len(block), skipped, parse_block(todo, hashes, enrich)))
                else:
                    pending.append((len(block), skipped, pool.apply_async(_work, (todo, hashes))))
                drain(2 * workers)
            drain(0)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
