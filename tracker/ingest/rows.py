"""Ready-to-insert SQLite rows for papers that are certainly new (the backfill's fast path).

A backfill's writer process is its bottleneck, so for a paper that is neither in the database
nor elsewhere in flight, the worker process that parsed and enriched it also builds the exact
``papers``, ``paper_versions`` and ``paper_topics`` rows that ``save_records`` would insert
(same columns, same values, dates in SQLAlchemy's SQLite text format). The writer then only
runs three ``executemany`` calls. Everything else still goes through ``save_records``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tracker.db import models
from tracker.ingest.enrich import Enricher
from tracker.records import PaperRecord
from tracker.topics.months import mark_stale

PAPER_COLUMNS = (
    "arxiv_id", "title", "abstract", "authors", "categories", "primary_category", "published",
    "updated", "latest_version", "comment", "journal_ref", "doi", "venue_id", "venue_name",
    "venue_year", "venue_kind", "venue_status", "venue_evidence", "source", "source_hash",
    "first_seen", "last_changed",
)  # fmt: skip
"""The ``papers`` columns a new row sets (every other column keeps its default)."""

_MARKS = ", ".join("?" * len(PAPER_COLUMNS))
INSERT_PAPERS = f"INSERT INTO papers ({', '.join(PAPER_COLUMNS)}) VALUES ({_MARKS})"
INSERT_VERSIONS = (
    "INSERT OR IGNORE INTO paper_versions (arxiv_id, version, created) VALUES (?, ?, ?)"
)
INSERT_TOPICS = "INSERT INTO paper_topics (arxiv_id, topic, score) VALUES (?, ?, ?)"


_TWO_DIGITS = tuple(f"{i:02d}" for i in range(100))


def sqlite_stamp(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite, so Core reads it back unchanged.

    ``value.isoformat(" ", "microseconds")``, assembled from a table of two-digit strings for
    the usual whole-second, naive dates (``isoformat`` goes through C ``printf``: a third more
    instructions, a backfill formats one or two dates a paper).
    """
    if value.microsecond or value.year < 1000 or value.tzinfo is not None:
        return value.isoformat(" ", "microseconds")
    two = _TWO_DIGITS
    return (
        f"{value.year}-{two[value.month]}-{two[value.day]} "
        f"{two[value.hour]}:{two[value.minute]}:{two[value.second]}.000000"
    )


@dataclass(frozen=True)
class RowContext:
    """What a worker needs to build rows: venue ids by key and the known topic slugs."""

    venue_ids: Mapping[str, int] = field(default_factory=dict)
    topic_slugs: frozenset[str] = frozenset()


@dataclass
class NewRows:
    """Insert rows for the new papers of one block."""

    papers: list[tuple[Any, ...]] = field(default_factory=list)
    versions: list[tuple[Any, ...]] = field(default_factory=list)
    topics: list[tuple[Any, ...]] = field(default_factory=list)
    months: set[str] = field(default_factory=set)  # of papers with topics (tracker.topics.months)

    def __len__(self) -> int:
        return len(self.papers)


def add_new_paper(
    out: NewRows,
    record: PaperRecord,
    tags: list[tuple[str, float]],
    enrich: Enricher,
    context: RowContext,
    source_hash: int | None,
    now: str,
) -> None:
    """Append the rows ``save_records`` would insert for ``record`` (a paper not yet stored).

    ``tags`` are the record's topics (``enrich.tag_topics_many``, called once per block).
    """
    arxiv_id = record.arxiv_id
    venue: tuple[Any, ...] = (None, None, None, None, "none", None)
    if enrich.resolves_venues:
        v = enrich.resolve_venue(record)
        key = v.key
        venue_id = None if key is None else context.venue_ids.get(key)
        venue = (venue_id, v.name, v.year, v.kind, v.status, v.evidence)
    categories = record.categories
    # Published and updated are the first and last version's dates: format each date once.
    stamps = {v.created: sqlite_stamp(v.created) for v in record.versions}
    published = stamps.get(record.published) or sqlite_stamp(record.published)
    updated = stamps.get(record.updated) or sqlite_stamp(record.updated)
    out.papers.append((
        arxiv_id, record.title, record.abstract, ", ".join(record.authors), " ".join(categories),
        categories[0] if categories else "", published, updated, record.latest_version,
        record.comment, record.journal_ref, record.doi, *venue, record.source, source_hash, now,
        now,
    ))  # fmt: skip
    out.versions.extend((arxiv_id, v.number, stamps[v.created]) for v in record.versions)
    if enrich.tags_topics:
        slugs = context.topic_slugs
        out.topics.extend(
            (arxiv_id, slug, score) for slug, score in dict(tags).items() if slug in slugs
        )
        out.months.add(published[:7])  # the stamp starts with YYYY-MM


def load_row_context(engine: Engine) -> RowContext:
    """Venue ids by key and topic slugs, read once before the workers start."""
    with Session(bind=engine) as session:
        rows = session.execute(select(models.Venue.key, models.Venue.id))
        venue_ids = {row[0]: row[1] for row in rows}
        slugs = frozenset(session.execute(select(models.Topic.slug)).scalars())
    return RowContext(venue_ids, slugs)


def save_new_rows(session: Session, new: NewRows) -> int:
    """Insert the rows (SQLite, no commit); returns how many papers."""
    if not new.papers:
        return 0
    conn = session.connection()
    conn.exec_driver_sql(INSERT_PAPERS, new.papers)
    if new.versions:
        conn.exec_driver_sql(INSERT_VERSIONS, new.versions)
    if new.topics:
        conn.exec_driver_sql(INSERT_TOPICS, new.topics)
    mark_stale(session, new.months)
    return len(new.papers)
