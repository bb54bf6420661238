"""Save paper records: upsert by arXiv id, keep every version, log metadata changes as events.

One code path for the API ingest, the re-check and snapshot backfills. It works batch by
batch with SQLAlchemy Core: the batch's existing rows are preloaded with a few ``IN`` queries,
then papers, versions, events and topic tags are written with ``executemany``. The caller
owns the session and the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from tracker.db import models
from tracker.db.dialect import chunks, insert_rows
from tracker.ingest.enrich import Enricher, NoopEnricher, VenueInfo
from tracker.queries.common import month_of
from tracker.records import PaperRecord
from tracker.topics.months import mark_stale

PAPERS = cast(Table, models.Paper.__table__)
VERSIONS = cast(Table, models.PaperVersion.__table__)
EVENTS = cast(Table, models.PaperEvent.__table__)
TOPICS = cast(Table, models.PaperTopic.__table__)

TRACKED_FIELDS = ("comment", "journal_ref", "doi")
"""Fields that change on arXiv without a new version; every change becomes an event."""
_CONTENT_FIELDS = ("title", "abstract", "authors", "categories", "primary_category")
_VENUE_COLUMNS = (
    "venue_id",
    "venue_name",
    "venue_year",
    "venue_kind",
    "venue_status",
    "venue_evidence",
)


@dataclass
class SaveCounts:
    """How many records were new, changed something, or changed nothing."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Records seen."""
        return self.new + self.updated + self.unchanged

    def add(self, other: SaveCounts) -> None:
        """Add another batch's counts to these."""
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged

    def __str__(self) -> str:
        return f"new {self.new}, updated {self.updated}, unchanged {self.unchanged}"


def utcnow() -> datetime:
    """Now as a naive UTC datetime (how every date is stored)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _paper_values(record: PaperRecord) -> dict[str, Any]:
    return {
        "title": record.title,
        "abstract": record.abstract,
        "authors": ", ".join(record.authors),
        "categories": " ".join(record.categories),
        "primary_category": record.primary_category,
        "published": record.published,
        "updated": record.updated,
        "latest_version": record.latest_version,
        "comment": record.comment,
        "journal_ref": record.journal_ref,
        "doi": record.doi,
    }


def _newest(records: Iterable[PaperRecord]) -> dict[str, PaperRecord]:
    """One record per id, the newest (highest version, then latest update) winning."""
    best: dict[str, PaperRecord] = {}
    for record in records:
        seen = best.get(record.arxiv_id)
        if seen is None or (record.latest_version, record.updated) >= (
            seen.latest_version,
            seen.updated,
        ):
            if seen is not None:
                record.versions = _merge_versions(seen, record)
            best[record.arxiv_id] = record
        else:
            seen.versions = _merge_versions(record, seen)
    return best


def _merge_versions(a: PaperRecord, b: PaperRecord) -> list[Any]:
    merged = {v.number: v for v in a.versions}
    merged.update({v.number: v for v in b.versions})
    return [merged[n] for n in sorted(merged)]


class _Batch:
    """Everything one batch writes, collected before the ``executemany`` calls."""

    def __init__(self) -> None:
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.rehashed: list[dict[str, Any]] = []
        self.versions: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.tagged: dict[str, list[tuple[str, float]]] = {}
        self.months: set[str] = set()  # months whose topic counts change


def save_records(
    session: Session,
    records: Iterable[PaperRecord],
    enrich: Enricher | None = None,
    run: models.IngestRun | int | None = None,
    now: datetime | None = None,
    hashes: Mapping[str, int] | None = None,
) -> SaveCounts:
    """Upsert a batch of records (keep it to a few thousand); returns new/updated/unchanged.

    ``hashes`` maps an id to the hash of the snapshot line it came from (backfills only); it is
    stored so that a re-run can skip the line (``tracker.ingest.pipeline``).
    """
    enricher = enrich or NoopEnricher()
    hashes = hashes or {}
    run_id = run.id if isinstance(run, models.IngestRun) else run
    now = now or utcnow()
    batch_records = _newest(records)
    ids = list(batch_records)
    existing = _load_papers(session, ids)
    known_versions = _load_versions(session, ids)
    venue_ids = _VenueIds(session)
    topic_slugs = _topic_slugs(session) if enricher.tags_topics else set()
    counts = SaveCounts()
    out = _Batch()
    to_tag: dict[str, PaperRecord] = {}  # tagged together after the loop: one tagger call
    for arxiv_id, record in batch_records.items():
        new_versions = [
            {"arxiv_id": arxiv_id, "version": v.number, "created": v.created}
            for v in record.versions
            if (arxiv_id, v.number) not in known_versions
        ]
        out.versions.extend(new_versions)
        old = existing.get(arxiv_id)
        if old is None:
            row = _paper_values(record)
            row.update(arxiv_id=arxiv_id, source=record.source, first_seen=now, last_changed=now)
            row.update(venue_status="none", source_hash=hashes.get(arxiv_id))
            if enricher.resolves_venues:
                row.update(_venue_columns(enricher.resolve_venue(record), venue_ids))
            if enricher.tags_topics:
                to_tag[arxiv_id] = record
                out.months.add(month_of(record.published))
            out.inserts.append(row)
            counts.new += 1
            continue
        if (record.latest_version, record.updated) < (old["latest_version"], old["updated"]):
            # An older copy (e.g. an old snapshot): only its versions can add anything.
            counts.updated += 1 if new_versions else 0
            counts.unchanged += 0 if new_versions else 1
            continue
        values = _paper_values(record)
        changed = {k: v for k, v in values.items() if old[k] != v}
        occurred = record.updated if record.latest_version > old["latest_version"] else now
        for name in TRACKED_FIELDS:
            if name in changed:
                out.events.append(
                    _event(
                        arxiv_id,
                        name,
                        old[name],
                        changed[name],
                        occurred,
                        record.latest_version,
                        run_id,
                    )
                )
        if enricher.resolves_venues and any(name in changed for name in TRACKED_FIELDS):
            venue = enricher.resolve_venue(record)
            new_cols = _venue_columns(venue, venue_ids)
            old_label = _label_of(old)
            if venue.label() != old_label:
                out.events.append(
                    _event(
                        arxiv_id,
                        "venue",
                        old_label,
                        venue.label(),
                        occurred,
                        record.latest_version,
                        run_id,
                    )
                )
            changed.update({k: v for k, v in new_cols.items() if old[k] != v})
        if enricher.tags_topics and any(name in changed for name in _CONTENT_FIELDS):
            to_tag[arxiv_id] = record
        if arxiv_id in to_tag or "published" in changed:  # its tags change or move month
            out.months.update((month_of(old["published"]), month_of(record.published)))
        source_hash = hashes.get(arxiv_id)
        if changed:
            row = {**{k: old[k] for k in old if k != "arxiv_id"}, **changed}
            row.update(b_id=arxiv_id, source=record.source, last_changed=now)
            row.update(source_hash=source_hash)
            out.updates.append(row)
            counts.updated += 1
            continue
        if source_hash is not None and source_hash != old["source_hash"]:
            # Same content from another line (or the API): remember the line, nothing else.
            out.rehashed.append({"b_id": arxiv_id, "source_hash": source_hash})
        if new_versions:
            counts.updated += 1
        else:
            counts.unchanged += 1
    if to_tag:
        tagged = enricher.tag_topics_many(list(to_tag.values()))
        out.tagged.update(zip(to_tag, tagged, strict=True))
    _write(session, out, topic_slugs)
    return counts


def _event(
    arxiv_id: str,
    name: str,
    old: Any,
    new: Any,
    occurred: datetime,
    version: int,
    run_id: int | None,
) -> dict[str, Any]:
    return {
        "arxiv_id": arxiv_id,
        "field": name,
        "old_value": old,
        "new_value": new,
        "occurred_at": occurred,
        "version": version,
        "run_id": run_id,
    }


def _label_of(row: dict[str, Any]) -> str | None:
    return VenueInfo(
        name=row["venue_name"], year=row["venue_year"], status=row["venue_status"] or "none"
    ).label()


def _venue_columns(venue: VenueInfo, venue_ids: _VenueIds) -> dict[str, Any]:
    return {
        "venue_id": venue_ids.get(venue.key),
        "venue_name": venue.name,
        "venue_year": venue.year,
        "venue_kind": venue.kind,
        "venue_status": venue.status,
        "venue_evidence": venue.evidence,
    }


class _VenueIds:
    """``venues.key`` -> ``venues.id``, all loaded with one query on first use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, int] | None = None

    def get(self, key: str | None) -> int | None:
        if key is None:
            return None
        if self.cache is None:
            rows = self.session.execute(select(models.Venue.key, models.Venue.id))
            self.cache = {row[0]: row[1] for row in rows}
        return self.cache.get(key)


def _topic_slugs(session: Session) -> set[str]:
    return set(session.execute(select(models.Topic.slug)).scalars())


def _load_papers(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    columns = [c for c in PAPERS.c if c.name not in ("first_seen", "last_changed")]
    found: dict[str, dict[str, Any]] = {}
    for part in chunks(ids):
        for row in session.execute(select(*columns).where(PAPERS.c.arxiv_id.in_(part))):
            found[row.arxiv_id] = dict(row._mapping)
    return found


def _load_versions(session: Session, ids: list[str]) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for part in chunks(ids):
        stmt = select(VERSIONS.c.arxiv_id, VERSIONS.c.version).where(VERSIONS.c.arxiv_id.in_(part))
        found.update((row.arxiv_id, row.version) for row in session.execute(stmt))
    return found


def _write(session: Session, out: _Batch, topic_slugs: set[str]) -> None:
    insert_rows(session, PAPERS, out.inserts)
    if out.updates:
        stmt = update(PAPERS).where(PAPERS.c.arxiv_id == bindparam("b_id"))
        session.execute(stmt, out.updates)
    if out.rehashed:
        stmt = update(PAPERS).where(PAPERS.c.arxiv_id == bindparam("b_id"))
        session.execute(stmt.values(source_hash=bindparam("source_hash")), out.rehashed)
    insert_rows(session, VERSIONS, out.versions, ignore=True)
    if out.events:
        session.execute(insert(EVENTS), out.events)
    if out.tagged:
        tagged_ids = list(out.tagged)
        for part in chunks(tagged_ids):
            session.execute(delete(TOPICS).where(TOPICS.c.arxiv_id.in_(part)))
        rows = [
            {"arxiv_id": arxiv_id, "topic": slug, "score": score}
            for arxiv_id, tags in out.tagged.items()
            for slug, score in dict(tags).items()
            if slug in topic_slugs
        ]
        insert_rows(session, TOPICS, rows)
    mark_stale(session, out.months)
