"""The SQL that reads a period's candidate papers and the facts their score is made of.

The period's published range comes first so the query walks ``ix_papers_published_facts``
(migration 0005), which holds every column the score needs, and never reads a papers row;
topic fit is a per-paper lookup on ``ix_paper_topics_arxiv_topic_score``, the CCF tier a join
on the edition's ratings. For the top ``n`` the whole score is computed in SQL and only the
best ``n`` (plus a margin) papers' facts are read back, so a month of a million-paper
database costs a few index range scans, not a read of every paper.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Numeric,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from tracker.db.dialect import chunks, dialect_name
from tracker.db.models import CcfRating, Paper, PaperTopic, Topic
from tracker.readinglists.periods import Period
from tracker.readinglists.ranking import ACCEPTED_STATUSES, Facts

_EPOCH = datetime(1970, 1, 1)
_JULIAN_EPOCH = 2440587.5
"""The Julian day number of 1970-01-01 00:00 UTC."""
_SLACK = 0.001
"""Bounds are compared with this much room against rounding in SQL."""
PLAIN_MARGIN = 10
"""Extra papers read beyond the top n, against rounding differences at the edge."""


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


def _rounded(session: Session, value: Any) -> Any:
    """``value`` rounded to 4 decimals, as :func:`score_facts` rounds every component."""
    if dialect_name(session) == "postgresql":
        return func.round(cast(value, Numeric), 4)
    return func.round(value, 4)


def _recency_fraction(session: Session, period: Period) -> Any:
    """SQL for :func:`recency_fraction`: how far into the period a paper was published."""
    span = (period.end - period.start).total_seconds()
    if span <= 0:
        return literal(0.0)
    since_epoch = (period.start - _EPOCH).total_seconds()
    if dialect_name(session) == "postgresql":
        fraction = (func.extract("epoch", Paper.published) - since_epoch) / span
        return func.greatest(0.0, func.least(1.0, fraction))
    start_day = since_epoch / 86400 + _JULIAN_EPOCH
    fraction = (func.julianday(Paper.published) - start_day) * (86400 / span)
    return func.max(0.0, func.min(1.0, fraction))


def _score_sql(
    session: Session,
    selection: Selection,
    cols: Any,
    weights: Mapping[str, float],
    period: Period,
) -> Any:
    """SQL for :func:`score_facts` over the facts query's columns, rounded the same way."""
    w = {k: round(v, 4) for k, v in weights.items()}
    venue = case(
        *((cols.tier == t, w[f"tier_{t.lower()}"]) for t in ("A", "B", "C")),
        (cols.has_venue == 1, w["venue_other"]),
        else_=w["preprint"],
    )
    venue_status = case(
        *((Paper.venue_status == s, w[s] + venue) for s in ACCEPTED_STATUSES),
        else_=w["preprint"],
    )
    total = (
        venue_status
        + _rounded(session, weights["topic"] * func.coalesce(cols.fit, 0.0))
        + _rounded(session, weights["recency"] * _recency_fraction(session, period))
    )
    if selection.follow_authors:
        total = total + case((cols.author_hit == 1, w["author"]), else_=0.0)
    if selection.follow_keywords:
        total = total + case((cols.keyword_hit == 1, w["keyword"]), else_=0.0)
    return _rounded(session, total)


def _fit_bound(session: Session, selection: Selection) -> float:
    """The highest topic score any paper has in the selection's topics (one seek per topic)."""
    topics = selection.topics or tuple(session.scalars(select(Topic.slug)))
    best = 0.0
    for topic in topics:
        top = session.scalar(
            select(PaperTopic.score)
            .where(PaperTopic.topic == topic)
            .order_by(PaperTopic.score.desc())
            .limit(1)
        )
        best = max(best, float(top or 0.0))
    return best


def _venue_classes(selection: Selection, weights: Mapping[str, float]) -> list[tuple[float, Any]]:
    """Groups of papers with one venue + status score: (that score, SQL condition), best first.

    Conditions only read indexed columns, so a group is filtered inside the index scan.
    """
    tiers = tier_subquery(selection.edition).subquery("class_tiers")
    listed = select(tiers.c.venue_id)
    # "+ 0" and coalesce keep SQLite from preferring the venue_id / venue_status indexes
    # (every paper ever) over the period's range on ix_papers_published_facts.
    venue_id = Paper.venue_id + 0
    status_of = func.coalesce(Paper.venue_status, "none")
    unlisted = or_(venue_id.is_(None), venue_id.not_in(listed))
    has_venue = or_(venue_id.is_not(None), Paper.venue_name.is_not(None))
    classes: dict[float, list[Any]] = {}
    for status in ACCEPTED_STATUSES:
        groups: list[tuple[float, Any]] = [
            (weights[f"tier_{t.lower()}"], venue_id.in_(listed.where(tiers.c.tier == t)))
            for t in ("A", "B", "C")
        ]
        groups.append((weights["venue_other"], and_(unlisted, has_venue)))
        groups.append((weights["preprint"], and_(unlisted, ~has_venue)))
        for venue_weight, cond in groups:
            value = round(round(venue_weight, 4) + round(weights[status], 4), 4)
            classes.setdefault(value, []).append(and_(status_of == status, cond))
    plain = status_of.not_in(ACCEPTED_STATUSES)
    classes.setdefault(round(weights["preprint"], 4), []).append(plain)
    return sorted(((v, or_(*c)) for v, c in classes.items()), key=lambda vc: -vc[0])


def load_candidates(
    session: Session,
    selection: Selection,
    period: Period,
    exclude: Collection[str] = (),
    best: tuple[int, Mapping[str, float]] | None = None,
) -> list[Facts]:
    """Facts of the papers published in ``period`` that pass the selection's filters.

    With ``best=(n, weights)`` only what can reach the top ``n`` is read. SQL computes the
    score by the same formula, one venue/status group at a time from the best group down,
    keeps each group's best ``n`` plus a margin, and stops when no paper of the next group
    can beat what it has (a group's topic and recency parts are bounded). Only the winners'
    facts are read back, so a month of a million-paper database stays fast.
    """
    query = _filtered(selection, period, exclude)
    if query is None:
        return []
    if best is None:
        return [_to_facts(row) for row in session.execute(query)]
    n, weights = best
    keep = n + PLAIN_MARGIN
    if n <= 0:
        return []
    cols = query.selected_columns
    score = _score_sql(session, selection, cols, weights, period).label("sql_score")
    # Ordering by the output column's name lets the sorter reuse the computed score
    # instead of evaluating the fit subquery again.
    ranked = query.with_only_columns(
        Paper.arxiv_id, Paper.published, score, maintain_column_froms=True
    ).order_by(literal_column("sql_score").desc(), Paper.published.desc(), Paper.arxiv_id)
    variable = max(0.0, weights["topic"]) * _fit_bound(session, selection)
    variable += max(0.0, weights["recency"])
    variable += max(0.0, weights["author"]) if selection.follow_authors else 0.0
    variable += max(0.0, weights["keyword"]) if selection.follow_keywords else 0.0
    found: list[Any] = []
    for fixed, cond in _venue_classes(selection, weights):
        if len(found) >= keep and fixed + variable < float(found[keep - 1].sql_score) - _SLACK:
            break
        found += session.execute(ranked.where(cond).limit(keep)).all()
        found.sort(key=lambda r: (-r.sql_score, -r.published.timestamp(), r.arxiv_id))
    ids = [r.arxiv_id for r in found[:keep]]
    facts = load_facts(session, selection, ids)
    return [facts[a] for a in ids if a in facts]


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
