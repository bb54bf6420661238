"""The SQL that reads a period's candidate papers and the facts their score is made of.

The period's published range comes first so the query walks ``ix_papers_published`` and
only touches that period's rows; topic fit is a per-paper lookup on the ``paper_topics``
primary key, the CCF tier a join on the edition's ratings.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session

from tracker.db.dialect import chunks, dialect_name
from tracker.db.models import CcfRating, Paper, PaperTopic
from tracker.readinglists.periods import Period
from tracker.readinglists.ranking import ACCEPTED_STATUSES, Facts

PLAIN_MARGIN = 10
"""Extra plain preprints read beyond the top n, against rounding differences at the edge."""


@dataclass(frozen=True)
class Selection:
    """Which papers a list considers, and what boosts or drops them."""

    edition: int
    topics: tuple[str, ...] = ()
    """Resolved topic slugs; empty means every paper, whatever its topics."""
    any_topic: bool = True
    """False when the list names topics that resolved to nothing: then nothing qualifies."""
    min_tier: str | None = None
    accepted_only: bool = False
    categories: tuple[str, ...] = ()
    follow_authors: tuple[str, ...] = field(default_factory=tuple)
    follow_keywords: tuple[str, ...] = field(default_factory=tuple)
    mute_keywords: tuple[str, ...] = field(default_factory=tuple)


def tier_subquery(edition: int) -> Any:
    """Best tier per venue in one edition (a venue listed in two domains counts once)."""
    return (
        select(CcfRating.venue_id, func.min(CcfRating.tier).label("tier"))
        .where(CcfRating.edition == edition)
        .group_by(CcfRating.venue_id)
    )


def _contains_any(columns: Sequence[Any], needles: Sequence[str]) -> Any:
    """Case-insensitive substring match of any needle in any column."""
    terms = [
        func.lower(func.coalesce(col, "")).contains(n.lower(), autoescape=True)
        for n in needles
        if n.strip()
        for col in columns
    ]
    return or_(*terms) if terms else false()


def _flag(condition: Any) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _facts_query(selection: Selection) -> Any:
    tiers = tier_subquery(selection.edition).subquery("tiers")
    fit_filter = [PaperTopic.arxiv_id == Paper.arxiv_id]
    if selection.topics:
        fit_filter.append(PaperTopic.topic.in_(selection.topics))
    fit = select(func.max(PaperTopic.score)).where(*fit_filter).scalar_subquery().label("fit")
    text_cols = [Paper.title, Paper.abstract]
    return select(
        Paper.arxiv_id,
        Paper.published,
        Paper.venue_status,
        _flag(Paper.venue_status.in_(ACCEPTED_STATUSES)).label("status_ok"),
        _flag(or_(Paper.venue_id.is_not(None), Paper.venue_name.is_not(None))).label("has_venue"),
        tiers.c.tier,
        fit,
        _flag(_contains_any([Paper.authors], selection.follow_authors)).label("author_hit"),
        _flag(_contains_any(text_cols, selection.follow_keywords)).label("keyword_hit"),
    ).outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)


def _to_facts(row: Any) -> Facts:
    return Facts(
        arxiv_id=row.arxiv_id,
        published=row.published,
        venue_status=row.venue_status or "none",
        has_venue=bool(row.has_venue),
        tier=row.tier,
        topic_fit=None if row.fit is None else float(row.fit),
        author_hit=bool(row.author_hit),
        keyword_hit=bool(row.keyword_hit),
    )


def _plain_order(
    session: Session, fit_column: Any, weights: Mapping[str, float], span: timedelta
) -> Any:
    """SQL order of plain preprints: their score up to a constant (topic fit plus recency)."""
    fit = func.coalesce(fit_column, 0.0) * weights["topic"]
    if dialect_name(session) == "postgresql":
        moment = func.extract("epoch", Paper.published) / span.total_seconds()
    else:
        moment = func.julianday(Paper.published) / (span.total_seconds() / 86400)
    return (fit + moment * weights["recency"]).desc()


def load_candidates(
    session: Session,
    selection: Selection,
    period: Period,
    exclude: Collection[str] = (),
    best: tuple[int, Mapping[str, float]] | None = None,
) -> list[Facts]:
    """Facts of the papers published in ``period`` that pass the selection's filters.

    With ``best=(n, weights)`` only what can reach the top ``n`` is read: every accepted or
    boosted paper, and the ``n`` (plus a margin) best plain preprints ordered in SQL by the
    same formula, so a month of a million-paper database stays fast.
    """
    query = _filtered(selection, period, exclude)
    if query is None:
        return []
    if best is None:
        return [_to_facts(row) for row in session.execute(query)]
    n, weights = best
    cols = query.selected_columns
    # Flags, not bare column tests: SQLite would otherwise prefer the venue_status index
    # (every accepted paper ever) to the period's published range.
    rich = or_(cols.status_ok == 1, cols.author_hit == 1, cols.keyword_hit == 1)
    rows = list(session.execute(query.where(rich)))
    plain = (
        query.where(~rich)
        .order_by(_plain_order(session, cols.fit, weights, period.end - period.start))
        .order_by(Paper.published.desc(), Paper.arxiv_id)
        .limit(n + PLAIN_MARGIN)
    )
    rows += session.execute(plain)
    return [_to_facts(row) for row in rows]


def _filtered(selection: Selection, period: Period, exclude: Collection[str]) -> Any | None:
    if not selection.any_topic:
        return None
    query = _facts_query(selection).where(
        Paper.published >= period.start, Paper.published < period.end
    )
    if selection.topics:
        query = query.where(
            select(PaperTopic.arxiv_id)
            .where(PaperTopic.arxiv_id == Paper.arxiv_id, PaperTopic.topic.in_(selection.topics))
            .exists()
        )
    if selection.accepted_only or selection.min_tier:
        query = query.where(Paper.venue_status.in_(ACCEPTED_STATUSES))
    if selection.min_tier:
        tiers = [t for t in ("A", "B", "C") if t <= selection.min_tier.upper()]
        query = query.where(query.selected_columns.tier.in_(tiers))
    if selection.categories:
        padded = literal(" ") + func.coalesce(Paper.categories, "") + literal(" ")
        query = query.where(or_(*(padded.contains(f" {c} ") for c in selection.categories)))
    if selection.mute_keywords:
        query = query.where(~_contains_any([Paper.title, Paper.abstract], selection.mute_keywords))
    if exclude:
        query = query.where(and_(*(Paper.arxiv_id.not_in(part) for part in chunks(list(exclude)))))
    return query


def load_facts(session: Session, selection: Selection, ids: Collection[str]) -> dict[str, Facts]:
    """Facts of the given papers whatever their period or filters (pinned and added items)."""
    out: dict[str, Facts] = {}
    for part in chunks(list(ids)):
        query = _facts_query(selection).where(Paper.arxiv_id.in_(part))
        out.update((row.arxiv_id, _to_facts(row)) for row in session.execute(query))
    return out
