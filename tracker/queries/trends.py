"""Trends: papers per topic per month, the tier mix of accepted papers, the top venues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.db.models import Paper
from tracker.queries.common import month_bounds, tier_table
from tracker.topics import months
from tracker.topics.months import month_expr

ACCEPTED = ("accepted", "published")


def _accepted(column: Any) -> Any:
    """``column IN ACCEPTED`` written so SQLite scans the period on ix_papers_published_facts
    (index only) rather than walking ix_papers_venue_status over every accepted paper ever."""
    return func.coalesce(column, "none").in_(ACCEPTED)


@dataclass(frozen=True)
class MonthCount:
    """How many papers one group (a topic, a tier) has in one month."""

    month: str
    group: str
    count: int


@dataclass(frozen=True)
class VenueCount:
    """A venue and how many accepted or published papers it has in the period."""

    venue: str
    tier: str | None
    count: int


def month_range(first: str, last: str) -> tuple[datetime, datetime]:
    """Half-open datetime range covering the months ``first`` .. ``last``."""
    return month_bounds(first)[0], month_bounds(last)[1]


def topic_month_counts(session: Session, first: str, last: str) -> list[MonthCount]:
    """Papers per topic per month (by first-version date) between two months inclusive.

    Read from the counts kept by :mod:`tracker.topics.months` (stale months counted live).
    """
    return [MonthCount(m, t, n) for m, t, n in months.counts(session, first, last)]


def tier_mix(session: Session, first: str, last: str, edition: int | None) -> list[MonthCount]:
    """Accepted or published papers per month by CCF tier (``none`` for unranked venues)."""
    start, end = month_range(first, last)
    tiers = tier_table(edition)
    month = month_expr(session, Paper.published)
    tier = func.coalesce(tiers.c.tier, "none")
    stmt = (
        select(month, tier, func.count())
        .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        .where(Paper.published >= start, Paper.published < end, _accepted(Paper.venue_status))
        .group_by(month, tier)
        .order_by(month, tier)
    )
    return [MonthCount(m, t, n) for m, t, n in session.execute(stmt)]


def top_venues(
    session: Session, first: str, last: str, edition: int | None, limit: int = 15
) -> list[VenueCount]:
    """Venues with the most accepted or published papers between two months inclusive."""
    start, end = month_range(first, last)
    tiers = tier_table(edition)
    stmt = (
        select(Paper.venue_name, func.min(tiers.c.tier), func.count())
        .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        .where(
            Paper.published >= start,
            Paper.published < end,
            _accepted(Paper.venue_status),
            Paper.venue_name.is_not(None),
        )
        .group_by(Paper.venue_name)
        .order_by(func.count().desc(), Paper.venue_name)
        .limit(limit)
    )
    return [VenueCount(v, t, n) for v, t, n in session.execute(stmt)]
