"""SQLAlchemy 2 models: the whole schema, one class per table.

Every schema change is an Alembic migration in ``migrations/versions``; a test proves the
migrations and these models agree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- papers -----------------------------------------------------------------------------


class Paper(Base):
    """One arXiv paper, keyed by its id without version, as of its latest version."""

    __tablename__ = "papers"
    __table_args__ = (
        # Covers the period scans of reading lists, venue changes and trends (migration 0005).
        Index(
            "ix_papers_published_facts",
            "published",
            "venue_status",
            "venue_id",
            "venue_name",
            "arxiv_id",
        ),
    )

    arxiv_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[str] = mapped_column(Text, default="")
    """Comma-separated author names, as arXiv lists them."""
    categories: Mapped[str] = mapped_column(String(255), default="")
    """Space-separated arXiv categories, primary first."""
    primary_category: Mapped[str] = mapped_column(String(32), default="", index=True)
    published: Mapped[datetime] = mapped_column(DateTime)
    """Submission date of v1 (UTC); indexed first in ``ix_papers_published_facts``."""
    updated: Mapped[datetime] = mapped_column(DateTime)
    """Date of the latest version (UTC)."""
    latest_version: Mapped[int] = mapped_column(Integer, default=1)
    comment: Mapped[str | None] = mapped_column(Text)
    journal_ref: Mapped[str | None] = mapped_column(Text)
    doi: Mapped[str | None] = mapped_column(String(255))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    """The resolved venue when it is in the venue table (CCF or well-known)."""
    venue_name: Mapped[str | None] = mapped_column(String(128))
    venue_year: Mapped[int | None] = mapped_column(Integer)
    venue_kind: Mapped[str | None] = mapped_column(String(16))
    venue_status: Mapped[str] = mapped_column(String(16), default="none", index=True)
    """``accepted``, ``published``, ``submitted`` or ``none``."""
    venue_evidence: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="api")
    source_hash: Mapped[int | None] = mapped_column(BigInteger)
    """Hash of the snapshot line this row was last stored from; lets a re-run skip the line."""
    first_seen: Mapped[datetime] = mapped_column(DateTime)
    last_changed: Mapped[datetime] = mapped_column(DateTime)


class PaperVersion(Base):
    """Every arXiv version of a paper with its submission date."""

    __tablename__ = "paper_versions"

    arxiv_id: Mapped[str] = mapped_column(
        ForeignKey("papers.arxiv_id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime)


class PaperEvent(Base):
    """A change to a paper's comment, journal_ref, DOI or resolved venue, and when it was seen."""

    __tablename__ = "paper_events"
    __table_args__ = (Index("ix_paper_events_field_occurred", "field", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    arxiv_id: Mapped[str] = mapped_column(
        ForeignKey("papers.arxiv_id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(16))
    """``comment``, ``journal_ref``, ``doi`` or ``venue``."""
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    """When the change happened (the version date) or, failing that, when it was seen."""
    version: Mapped[int | None] = mapped_column(Integer)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id", ondelete="SET NULL"))


# --- venues and CCF ---------------------------------------------------------------------


class Venue(Base):
    """A conference or journal, one row across CCF editions even when renamed."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    """Stable identity across editions and reloads (e.g. ``conference:conf/cvpr``)."""
    abbr: Mapped[str] = mapped_column(String(64), default="", index=True)
    """The newest abbreviation (empty for the few CCF venues that have none)."""
    full_name: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    """``conference`` or ``journal``."""
    dblp_key: Mapped[str | None] = mapped_column(String(128))
    is_ccf: Mapped[bool] = mapped_column(Boolean, default=True)
    """False for well-known venues that no CCF edition lists (e.g. TMLR, CoRL)."""


class VenueAlias(Base):
    """Another way a venue is written: old abbreviation, full name, DBLP key, curated alias."""

    __tablename__ = "venue_aliases"
    __table_args__ = (UniqueConstraint("venue_id", "alias_norm", "alias_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(Text)
    alias_norm: Mapped[str] = mapped_column(String(255), index=True)
    """Lower-case, punctuation-free form used for lookups."""
    alias_type: Mapped[str] = mapped_column(String(16))
    """``abbr``, ``full_name``, ``dblp_key`` or ``curated``."""


class CcfEdition(Base):
    """One edition of the CCF list (2019, 2022, 2026)."""

    __tablename__ = "ccf_editions"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(128))
    official: Mapped[bool] = mapped_column(Boolean, default=True)
    source_file: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))


class CcfRating(Base):
    """A venue's listing in one edition: domain, kind and tier as that edition printed them.

    Four journals are listed in two domains, hence the domain in the key.
    """

    __tablename__ = "ccf_ratings"
    __table_args__ = (Index("ix_ccf_ratings_edition_tier", "edition", "tier"),)

    edition: Mapped[int] = mapped_column(ForeignKey("ccf_editions.year"), primary_key=True)
    venue_id: Mapped[int] = mapped_column(
        ForeignKey("venues.id", ondelete="CASCADE"), primary_key=True
    )
    domain_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    domain_name_zh: Mapped[str] = mapped_column(String(128))
    domain_name_en: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(1))
    abbr: Mapped[str] = mapped_column(String(64), default="")
    full_name: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str] = mapped_column(String(128), default="")
    dblp_url: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(Integer)
    """Line number in the edition's seed file (the official order)."""


# --- topics -----------------------------------------------------------------------------


class TopicArea(Base):
    """A group of topics shown together on the dashboard."""

    __tablename__ = "topic_areas"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(128))
    name_zh: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Topic(Base):
    """A topic of the taxonomy (``seeds/topics.yaml``)."""

    __tablename__ = "topics"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    area: Mapped[str] = mapped_column(ForeignKey("topic_areas.slug"))
    name_en: Mapped[str] = mapped_column(String(128))
    name_zh: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class PaperTopic(Base):
    """A topic tag on a paper with the tagger's score."""

    __tablename__ = "paper_topics"
    __table_args__ = (
        Index("ix_paper_topics_topic_score", "topic", "score"),
        # A paper's best topic score without reading the table (migration 0005).
        Index("ix_paper_topics_arxiv_topic_score", "arxiv_id", "topic", "score"),
    )

    arxiv_id: Mapped[str] = mapped_column(
        ForeignKey("papers.arxiv_id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(
        ForeignKey("topics.slug", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float] = mapped_column(Float)


class TopicMonthCount(Base):
    """How many papers of a month (first-version date) carry a topic: the trends page's counts.

    Derived from ``paper_topics`` and kept current by :mod:`tracker.topics.months`; a month
    listed in ``topic_month_stale`` is counted live instead until it is recounted.
    """

    __tablename__ = "topic_month_counts"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    papers: Mapped[int] = mapped_column(Integer)


class StaleTopicMonth(Base):
    """A month whose topic counts no longer hold: its papers' tags changed since the count."""

    __tablename__ = "topic_month_stale"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)


# --- ingestion --------------------------------------------------------------------------


class IngestRun(Base):
    """One run of ingest, re-check or backfill, with its counts and outcome."""

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    """``ingest``, ``recheck`` or ``backfill``."""
    query: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="running")
    """``running``, ``ok`` or ``failed``."""
    message: Mapped[str | None] = mapped_column(Text)


class IngestCursor(Base):
    """Per query: every paper updated after ``cursor`` has been stored."""

    __tablename__ = "ingest_cursors"

    query: Mapped[str] = mapped_column(String(255), primary_key=True)
    cursor: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SnapshotBlock(Base):
    """A block of snapshot lines stored completely, by digest: a re-run skips it unread."""

    __tablename__ = "snapshot_blocks"

    digest: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    """63 bits of the SHA-256 of the block's bytes."""
    lines: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[str] = mapped_column(String(32))
    """arXiv id of the block's last line: checked to be stored before the block is skipped."""
    stored_at: Mapped[datetime] = mapped_column(DateTime)


class Lock(Base):
    """A named database-level lock (e.g. one ingest at a time) and who holds it."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class Meta(Base):
    """Small key/value facts about the database (e.g. the taxonomy's content hash)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --- reading lists ----------------------------------------------------------------------


class ReadingList(Base):
    """A saved reading-list definition: topics, filters and size."""

    __tablename__ = "reading_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Topic or area slugs; empty means every topic."""
    min_tier: Mapped[str | None] = mapped_column(String(1))
    accepted_only: Mapped[bool] = mapped_column(Boolean, default=False)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=10)
    edition: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ReadingListItem(Base):
    """A paper on a list for one period (``2026-03`` or ``2026-W11``), with its curation."""

    __tablename__ = "reading_list_items"
    __table_args__ = (Index("ix_reading_list_items_list_period", "list_id", "period", "rank"),)

    list_id: Mapped[int] = mapped_column(
        ForeignKey("reading_lists.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    arxiv_id: Mapped[str] = mapped_column(
        ForeignKey("papers.arxiv_id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int | None] = mapped_column(Integer)
    """1-based place on the list; None for removed items."""
    score: Mapped[float] = mapped_column(Float, default=0.0)
    components: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    added: Mapped[bool] = mapped_column(Boolean, default=False)
    """Added by hand rather than chosen by the ranking."""
    note: Mapped[str | None] = mapped_column(Text)
    """The curator's recommendation (推荐语)."""
    updated_at: Mapped[datetime] = mapped_column(DateTime)
