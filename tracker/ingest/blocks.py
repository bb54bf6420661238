"""What a backfill worker does with a block of snapshot lines: parse, enrich, build rows.

Pure functions of the lines (no database), run in worker processes forked by the writer
(:mod:`tracker.ingest.pipeline`); their answer is a :class:`Parsed`. In a first load the
writer sends only where a block lies in the file (:func:`work_span`): the worker reads the
lines itself and computes their ids and hashes, which keeps the writer - the one process
every paper passes through - free of that work.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tracker.ingest.enrich import Enricher, VenueInfo
from tracker.ingest.lines import Block, block_digest, line_key, read_span, record_from_line
from tracker.ingest.rows import NewRows, RowContext, add_new_paper, sqlite_stamp
from tracker.ingest.upsert import utcnow
from tracker.records import PaperRecord, PaperVersion
from tracker.sources.snapshot import SnapshotError


@dataclass
class Parsed:
    """A worker's answer for one block: new-paper rows, other records, enrichment, bad lines.

    Records and venues travel as plain tuples: pickling dataclasses costs about four times more.
    """

    new: NewRows = field(default_factory=NewRows)
    records: list[tuple[Any, ...]] = field(default_factory=list)
    hashes: dict[str, int] = field(default_factory=dict)
    tags: list[list[tuple[str, float]]] = field(default_factory=list)
    venues: list[tuple[Any, ...]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    digest: int | None = None
    """:func:`block_digest` of the lines the worker read itself (:func:`work_span`)."""

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


def parse_block(
    block: Block,
    hashes: Mapping[int, int],
    enrich: Enricher,
    fresh: Mapping[int, str] | None = None,
    context: RowContext | None = None,
) -> Parsed:
    """Parse and enrich a block (pure: runs in a worker process).

    ``fresh`` maps line numbers to the id the writer found neither stored nor in flight; a
    record with that very id becomes insert rows (``context`` gives venue ids and topic slugs).
    """
    out = Parsed()
    now = sqlite_stamp(utcnow())
    context = context or RowContext()
    parsed: list[tuple[int, PaperRecord]] = []
    for number, line in block:
        try:
            parsed.append((number, record_from_line(line)))
        except orjson.JSONDecodeError as exc:
            out.errors.append((number, f"invalid JSON: {exc.msg}"))
        except SnapshotError as exc:
            out.errors.append((number, str(exc)))
    records = [record for _number, record in parsed]
    no_tags: list[tuple[str, float]] = []
    tagged = enrich.tag_topics_many(records) if enrich.tags_topics else [no_tags] * len(records)
    for (number, record), tags in zip(parsed, tagged, strict=True):
        if fresh and fresh.get(number) == record.arxiv_id:
            add_new_paper(out.new, record, tags, enrich, context, hashes[number], now)
            continue
        out.records.append(_pack(record))
        out.hashes[record.arxiv_id] = hashes[number]
        if enrich.tags_topics:
            out.tags.append(tags)
        if enrich.resolves_venues:
            v = enrich.resolve_venue(record)
            out.venues.append((v.name, v.year, v.kind, v.status, v.evidence, v.key))
    return out


class _Worker:
    """The enricher and row context a worker process inherited when it was forked."""

    enrich: Enricher | None = None
    context: RowContext | None = None


WORKER_NICENESS = 5
"""How much lower the workers' scheduling priority is than the writer's. Writer and workers are
more processes than cores, and every paper passes through the one writer: when it has work it
should not wait for a core behind a worker, and the workers use whatever time it leaves. At
300k papers, interleaved runs took 25.3-31.3 s with it and 28.8-34.7 s without."""


def init_worker(enrich: Enricher, context: RowContext) -> None:
    # Ctrl-C reaches the whole process group: the writer decides when to stop, workers must
    # not die mid-block with a traceback of their own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):  # lowering one's own priority is always allowed
        os.nice(WORKER_NICENESS)
    _Worker.enrich = enrich
    _Worker.context = context
    # Everything inherited (tagger trie, venue index) lives for the whole run: keep the
    # cyclic garbage collector from scanning it again and again.
    gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector off for the block, and on again after it (a context
    manager, or a decorator of the worker's entry points).

    Parsing a block allocates tens of thousands of dicts, lists and records that live until
    the block is done, so the collector would scan them again and again; they hold no cycles
    and are freed by reference counting. Worker time per block: 3-4% less (parse_block on 40
    blocks, alternating with and without the collector).
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@collector_paused()
def work(block: Block, hashes: dict[int, int], fresh: dict[int, str]) -> Parsed:
    assert _Worker.enrich is not None
    return parse_block(block, hashes, _Worker.enrich, fresh, _Worker.context)


@collector_paused()
def work_span(path: str, start: int, end: int, first_number: int, digest: int) -> Parsed:
    """:func:`work` for a block of a first load, read from ``path`` (bytes ``start:end``).

    Every line counts as a new paper unless its id occurs twice in the block; a paper stored
    meanwhile makes the writer's insert fail, and the writer then stores the block the slow way.
    If the file no longer holds the block the writer read (its ``digest``), nothing is parsed
    and the answer only carries the new digest.
    """
    assert _Worker.enrich is not None
    block = read_span(Path(path), start, end, first_number)
    found = block_digest(block)
    if found != digest:
        return Parsed(digest=found)
    keys = {number: line_key(line) for number, line in block}
    ids = Counter(arxiv_id for arxiv_id, _ in keys.values() if arxiv_id is not None)
    hashes = {number: value for number, (_, value) in keys.items()}
    fresh = {n: i for n, (i, _) in keys.items() if i is not None and ids[i] == 1}
    parsed = parse_block(block, hashes, _Worker.enrich, fresh, _Worker.context)
    parsed.digest = found
    return parsed
