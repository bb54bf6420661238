"""Paper search: full text over title/abstract/authors plus filters, one page at a time.

On SQLite the text goes through the ``papers_fts`` FTS5 index (migration 0002) when it exists,
on PostgreSQL through the ``tsvector`` GIN index (migration 0003); an SQLite database without
the index falls back to ``LIKE``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from tracker.db.dialect import dialect_name
from tracker.db.models import Paper, PaperTopic
from tracker.db.postgres import is_postgresql, paper_search_condition
from tracker.queries.common import tier_table

MAX_PAGE_SIZE = 200
_WORD_RE = re.compile(r"\w[\w.\-+']*", re.UNICODE)


@dataclass(frozen=True)
class PaperFilter:
    """What to look for; empty fields do not filter."""

    text: str = ""
    topics: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    """CCF tiers (``A``, ``B``, ``C``) in ``edition``."""
    venue: str = ""
    """Exact resolved venue name, e.g. ``CVPR``."""
    category: str = ""
    """An arXiv category, primary or cross-listed, e.g. ``cs.CV``."""
    date_from: date | None = None
    date_to: date | None = None
    """Inclusive bounds on the first version's submission date."""
    statuses: tuple[str, ...] = ()
    """Venue statuses: ``accepted``, ``published``, ``submitted``, ``none``."""
    edition: int | None = None


@dataclass(frozen=True)
class PaperRow:
    """One paper as the search lists it."""

    arxiv_id: str
    title: str
    authors: str
    published: datetime
    primary_category: str
    venue_name: str | None
    venue_year: int | None
    venue_status: str
    tier: str | None
    comment: str | None
    abstract: str
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaperPage:
    """One page of results and how many match in all."""

    total: int
    page: int
    page_size: int
    rows: list[PaperRow] = field(default_factory=list)

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.page_size))


def fts_query(user_text: str) -> str:
    """Turn free text into a safe FTS5 query: every word must occur; the last may be a prefix."""
    words = _WORD_RE.findall(user_text)
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def has_fts(session: Session) -> bool:
    """True when the database is SQLite and has the ``papers_fts`` index."""
    if dialect_name(session) != "sqlite":
        return False
    found = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'papers_fts'")
    ).first()
    return found is not None


def _text_condition(session: Session, user_text: str) -> Any:
    if is_postgresql(session):
        return paper_search_condition(user_text)
    if has_fts(session):
        query = fts_query(user_text)
        if not query:
            return None
        matches: Any = (
            select(literal_column("rowid"))
            .select_from(text("papers_fts"))
            .where(text("papers_fts MATCH :fts_query").bindparams(fts_query=query))
        )
        return literal_column("papers.rowid").in_(matches)
    words = _WORD_RE.findall(user_text)
    conds = [
        or_(
            Paper.title.ilike(f"%{w}%"),
            Paper.abstract.ilike(f"%{w}%"),
            Paper.authors.ilike(f"%{w}%"),
        )
        for w in words
    ]
    return and_(*conds) if conds else None


def _conditions(session: Session, flt: PaperFilter, tiers: Any) -> list[Any]:
    conds: list[Any] = []
    if flt.text.strip():
        cond = _text_condition(session, flt.text)
        if cond is not None:
            conds.append(cond)
    if flt.topics:
        conds.append(
            exists().where(PaperTopic.arxiv_id == Paper.arxiv_id, PaperTopic.topic.in_(flt.topics))
        )
    if flt.tiers:
        conds.append(tiers.c.tier.in_(flt.tiers))
    if flt.venue:
        conds.append(Paper.venue_name == flt.venue)
    if flt.category:
        padded = " " + Paper.categories + " "
        conds.append(
            or_(Paper.primary_category == flt.category, padded.like(f"% {flt.category} %"))
        )
    if flt.date_from is not None:
        conds.append(Paper.published >= datetime.combine(flt.date_from, datetime.min.time()))
    if flt.date_to is not None:
        end = datetime.combine(flt.date_to + timedelta(days=1), datetime.min.time())
        conds.append(Paper.published < end)
    if flt.statuses:
        conds.append(Paper.venue_status.in_(flt.statuses))
    return conds


def search_papers(
    session: Session, flt: PaperFilter, page: int = 1, page_size: int = 25
) -> PaperPage:
    """Papers matching the filter, newest first; ``page`` counts from 1."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    tiers = tier_table(flt.edition)
    conds = _conditions(session, flt, tiers)
    base = select(Paper.arxiv_id).outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
    total = session.scalar(select(func.count()).select_from(base.where(*conds).subquery())) or 0
    stmt = (
        select(Paper, tiers.c.tier)
        .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        .where(*conds)
        .order_by(Paper.published.desc(), Paper.arxiv_id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    found = session.execute(stmt).all()
    topics = paper_topics(session, [p.arxiv_id for p, _ in found])
    rows = [paper_row(p, tier, topics.get(p.arxiv_id, ())) for p, tier in found]
    return PaperPage(total=total, page=page, page_size=page_size, rows=rows)


def paper_row(p: Paper, tier: str | None, topics: tuple[str, ...] = ()) -> PaperRow:
    """A stored paper with its tier and topics as a :class:`PaperRow`."""
    return PaperRow(
        arxiv_id=p.arxiv_id,
        title=p.title,
        authors=p.authors,
        published=p.published,
        primary_category=p.primary_category,
        venue_name=p.venue_name,
        venue_year=p.venue_year,
        venue_status=p.venue_status,
        tier=tier,
        comment=p.comment,
        abstract=p.abstract,
        topics=topics,
    )


def paper_topics(session: Session, ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Topic slugs of the given papers, best score first."""
    if not ids:
        return {}
    out: dict[str, list[str]] = defaultdict(list)
    stmt = (
        select(PaperTopic.arxiv_id, PaperTopic.topic)
        .where(PaperTopic.arxiv_id.in_(ids))
        .order_by(PaperTopic.arxiv_id, PaperTopic.score.desc())
    )
    for arxiv_id, topic in session.execute(stmt):
        out[arxiv_id].append(topic)
    return {k: tuple(v) for k, v in out.items()}


def venue_names(session: Session, limit: int = 300) -> list[str]:
    """Resolved venue names that papers carry, most papers first."""
    stmt = (
        select(Paper.venue_name)
        .where(Paper.venue_name.is_not(None))
        .group_by(Paper.venue_name)
        .order_by(func.count().desc(), Paper.venue_name)
        .limit(limit)
    )
    return [name for name in session.scalars(stmt) if name]


def primary_categories(session: Session, limit: int = 200) -> list[str]:
    """Primary arXiv categories present, most papers first."""
    stmt = (
        select(Paper.primary_category)
        .where(Paper.primary_category != "")
        .group_by(Paper.primary_category)
        .order_by(func.count().desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
