"""Paper search: full text over title/abstract/authors plus filters, one page at a time.

On SQLite the text goes through the ``papers_fts`` FTS5 index (migration 0002) when it exists,
on PostgreSQL through the generated ``search_vector`` column and its GIN index (migration
0006), with scans chosen by :mod:`tracker.queries.search_pg`; an SQLite database without
the index falls back to ``LIKE``.

Built for a million papers: matches are counted only up to :data:`COUNT_CAP` (the page says
"1,000+"), a result set of at most that many is sorted newest first, and a larger text result
is listed in storage order (newest stored first, driven by the FTS index, so a page costs the
same whatever the number of matches). The last word is a prefix only when it is not already a
common whole word, because expanding a common prefix (``model*``) merges every matching term's
postings. A common text under narrow filters ("learning" in one venue's few hundred papers)
takes the other way round: the filters pick the papers, and each is checked against the index
(:func:`_probed`), instead of reading the text's hundreds of thousands of matches.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    and_,
    column,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Join

from tracker.db.dialect import dialect_name
from tracker.db.models import Paper, PaperTopic
from tracker.db.postgres import is_postgresql, paper_search_condition
from tracker.queries.common import tier_table

MAX_PAGE_SIZE = 200
COUNT_CAP = 1000
"""Matches are counted up to this many; beyond it the total is shown as "1,000+"."""
PREFIX_MAX_DOCS = 5000
"""The last word stays a whole word when it already occurs in this many papers."""
COMMON_TEXT = 20_000
"""Text that matches at least this many papers is "common": with a filter, the FTS5-driven
join would read every match (2-3 µs each, about a second for "learning" at 1M papers)."""
PROBE_MAX = 1000
"""A common text under filters that leave at most this many papers is checked paper by paper
against the FTS5 index (60-80 µs each) instead."""
_FTS = table("papers_fts", column("rowid"))
_PAPER_ROWID: Any = literal_column("papers.rowid")


class _FtsFirstJoin(Join):
    """``papers_fts CROSS JOIN papers``: SQLite keeps the FTS5 table as the outer loop.

    Left to itself the planner may walk a papers index (venue_status, published) and probe
    the FTS5 table once per row, which re-runs the MATCH every time (a minute at 1M papers).
    """

    inherit_cache = True


@compiles(_FtsFirstJoin, "sqlite")
def _compile_fts_first(element: _FtsFirstJoin, compiler: Any, **kw: Any) -> str:
    return str(compiler.visit_join(element, **kw)).replace(" JOIN ", " CROSS JOIN ", 1)


_WORD_RE = re.compile(r"\w[\w.\-+']*", re.UNICODE)
_TOKEN_RE = re.compile(r"[^\W_]+")
"""What FTS5's ``unicode61`` tokenizer keeps as one token: letters and digits."""


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
    """One page of results and how many match in all (up to :data:`COUNT_CAP`)."""

    total: int
    page: int
    page_size: int
    rows: list[PaperRow] = field(default_factory=list)
    exact: bool = True
    """False when more than ``total`` papers match (counting stopped at the cap)."""

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.page_size))


def fts_tokens(user_text: str) -> list[str]:
    """The words of free text as ``papers_fts`` splits them: runs of letters and digits.

    The index keeps no positions (migration 0008), so "GPT-4" is searched as "GPT" and "4".
    """
    return _TOKEN_RE.findall(user_text)


def fts_query(user_text: str, prefix: bool = True) -> str:
    """Turn free text into a safe FTS5 query: every word must occur; the last may be a prefix."""
    words = fts_tokens(user_text)
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def _prefix_is_cheap(session: Session, user_text: str) -> bool:
    """True unless the last word is a whole word in :data:`PREFIX_MAX_DOCS` papers or more."""
    words = fts_tokens(user_text)
    if not words:
        return False
    return (
        _fts_count(session, fts_query(words[-1], prefix=False), PREFIX_MAX_DOCS) < PREFIX_MAX_DOCS
    )


def _fts_count(session: Session, query: str, cap: int) -> int:
    """Papers matching the FTS5 ``query``, counted on the index up to ``cap``."""
    counted = session.scalar(
        text("SELECT count(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH :q LIMIT :n)"),
        {"q": query, "n": cap},
    )
    return int(counted or 0)


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


def _fts_match(session: Session, flt: PaperFilter) -> tuple[Any, str] | None:
    """The FTS5 ``MATCH`` condition and its query when the search has text and the SQLite
    index exists (the query is "" when nothing can match)."""
    if not flt.text.strip() or not has_fts(session):
        return None
    query = fts_query(flt.text, prefix=_prefix_is_cheap(session, flt.text))
    if not query:  # only punctuation such as "_": nothing can match it
        return (false(), "") if _WORD_RE.search(flt.text) else None
    return text("papers_fts MATCH :fts_query").bindparams(fts_query=query), query


def _probed(session: Session, candidates: Any, query: str) -> list[str] | None:
    """The arXiv ids of the ``candidates`` (rows of rowid, arxiv_id, published) that match
    ``query``, newest first, checked one by one against the FTS5 index; None when that would
    not pay.

    It pays when the text is common (:data:`COMMON_TEXT`) and the filters alone leave at most
    :data:`PROBE_MAX` papers. A prefix query is never probed: FTS5 expands the prefix again
    for each probe.
    """
    if not query or query.endswith("*"):
        return None
    if _fts_count(session, query, COMMON_TEXT) < COMMON_TEXT:
        return None
    rows = session.execute(candidates.limit(PROBE_MAX + 1)).all()
    if len(rows) > PROBE_MAX:
        return None
    rows = sorted(rows, key=lambda r: (r.published, r.arxiv_id), reverse=True)
    # Straight to the driver: for a few hundred one-row statements SQLAlchemy's own work
    # per statement was a sixth of the time (86 -> 72 ms, "learning" in a 347-paper venue).
    cursor = session.connection().connection.cursor()
    probe = "SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? AND rowid = ?"
    try:
        return [
            r.arxiv_id
            for r in rows
            if cursor.execute(probe, (query, r.rowid)).fetchone() is not None
        ]
    finally:
        cursor.close()


def _conditions(
    session: Session, flt: PaperFilter, tiers: Any, fts: bool, topics_first: bool = False
) -> list[Any]:
    """The filters as WHERE conditions (the text too, unless ``fts``). With ``topics_first``
    the topic filter is an ``IN`` list that SQLite reads from the topic index, for selecting
    the papers of a topic; otherwise a per-paper ``EXISTS``, for checking papers read anyway."""
    conds: list[Any] = []
    if flt.text.strip() and not fts:
        cond = _text_condition(session, flt.text)
        if cond is not None:
            conds.append(cond)
    if flt.topics and topics_first:
        of_topics = select(PaperTopic.arxiv_id).where(PaperTopic.topic.in_(flt.topics))
        conds.append(Paper.arxiv_id.in_(of_topics))
    elif flt.topics:
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
    """Papers matching the filter, newest first; ``page`` counts from 1.

    At most :data:`COUNT_CAP` matches are counted. When more match, the FTS5 path lists them
    newest stored first (``papers.rowid``), which the index yields without sorting.
    """
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    tiers = tier_table(flt.edition)
    if is_postgresql(session) and _WORD_RE.search(flt.text):
        from tracker.queries.search_pg import postgres_text_page  # imports this module

        ids, matched = postgres_text_page(session, flt, tiers, page, page_size)
        return _page_of(session, tiers, ids, matched, page, page_size)
    fts = _fts_match(session, flt)
    match, query = fts if fts is not None else (None, "")
    conds = _conditions(session, flt, tiers, fts=match is not None)
    filters = bool(conds)
    if match is not None:
        conds.append(match)

    def base(*columns: Any) -> Any:
        stmt = select(*columns)
        if match is not None:  # FTS5 drives the join: matches come out incrementally
            stmt = stmt.select_from(
                _FtsFirstJoin(_FTS, Paper.__table__, _FTS.c.rowid == _PAPER_ROWID)
            )
        return _with_tiers(stmt, flt, tiers).where(*conds)

    if match is not None and filters:  # perhaps a common text under narrow filters
        candidates = _with_tiers(
            select(_PAPER_ROWID.label("rowid"), Paper.arxiv_id, Paper.published), flt, tiers
        ).where(*_conditions(session, flt, tiers, fts=True, topics_first=True))
        hits = _probed(session, candidates, query)
        if hits is not None:
            start = (page - 1) * page_size
            return _page_of(
                session, tiers, hits[start : start + page_size], len(hits), page, page_size
            )

    # Text alone is counted on the FTS index without reading a single papers row.
    counting = select(_FTS.c.rowid).where(match) if match is not None and not filters else None
    if counting is None:
        counting = base(Paper.arxiv_id)
    counted = session.scalar(
        select(func.count()).select_from(counting.limit(COUNT_CAP + 1).subquery())
    )
    exact = int(counted or 0) <= COUNT_CAP
    order: list[Any] = [Paper.published.desc(), Paper.arxiv_id.desc()]
    if match is not None and not exact:
        order = [_FTS.c.rowid.desc()]
    listed = base(Paper.arxiv_id).order_by(*order)
    ids = list(session.scalars(listed.limit(page_size).offset((page - 1) * page_size)))
    return _page_of(session, tiers, ids, int(counted or 0), page, page_size)


def _with_tiers(stmt: Any, flt: PaperFilter, tiers: Any) -> Any:
    """``stmt`` joined to the tier table when the filter asks for tiers."""
    return stmt.outerjoin(tiers, tiers.c.venue_id == Paper.venue_id) if flt.tiers else stmt


def _page_of(
    session: Session, tiers: Any, ids: list[str], counted: int, page: int, page_size: int
) -> PaperPage:
    """The page for ``ids`` (already sorted) when ``counted`` papers (capped + 1) match."""
    exact = counted <= COUNT_CAP
    total = min(counted, COUNT_CAP)
    # Only the page's ids were sorted; now read their full rows (abstracts included).
    by_id: dict[str, tuple[Paper, str | None]] = {}
    if ids:
        stmt = (
            select(Paper, tiers.c.tier)
            .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
            .where(Paper.arxiv_id.in_(ids))
        )
        by_id = {p.arxiv_id: (p, tier) for p, tier in session.execute(stmt)}
    topics = paper_topics(session, ids)
    rows = [paper_row(by_id[a][0], by_id[a][1], topics.get(a, ())) for a in ids if a in by_id]
    return PaperPage(total=total, page=page, page_size=page_size, rows=rows, exact=exact)


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
