"""Shared pieces of the read-only queries: months, editions, a venue's tier in one edition."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from tracker.db.models import CcfEdition, CcfRating, Paper

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
TIERS = ("A", "B", "C")


class BadMonthError(ValueError):
    """A month that is not written ``YYYY-MM``."""


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """``"2026-03"`` -> (2026-03-01 00:00, 2026-04-01 00:00), the half-open range of the month."""
    match = MONTH_RE.match(month.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise BadMonthError(f"not a month (YYYY-MM): {month!r}")
    year, mon = int(match.group(1)), int(match.group(2))
    start = datetime(year, mon, 1)
    end = datetime(year + 1, 1, 1) if mon == 12 else datetime(year, mon + 1, 1)
    return start, end


def month_of(moment: datetime) -> str:
    """The ``YYYY-MM`` month a date falls in."""
    return f"{moment.year:04d}-{moment.month:02d}"


def latest_paper_month(session: Session) -> str | None:
    """The month of the newest paper's first version (None for an empty database)."""
    newest = session.scalar(select(func.max(Paper.published)))
    return month_of(newest) if newest is not None else None


def paper_months(session: Session, limit: int = 120) -> list[str]:
    """Months that have papers, newest first (at most ``limit``), without scanning every row.

    Walks backwards from the newest month using the ``published`` index, one probe per month.
    """
    months: list[str] = []
    upper = session.scalar(select(func.max(Paper.published)))
    while upper is not None and len(months) < limit:
        month = month_of(upper)
        months.append(month)
        start, _ = month_bounds(month)
        upper = session.scalar(select(func.max(Paper.published)).where(Paper.published < start))
    return months


def ccf_editions(session: Session) -> list[int]:
    """Loaded CCF editions, newest first."""
    return list(session.scalars(select(CcfEdition.year).order_by(CcfEdition.year.desc())))


def pick_edition(session: Session, wanted: int | None) -> int | None:
    """``wanted`` when that edition is loaded, else the newest loaded one (None if none)."""
    editions = ccf_editions(session)
    if wanted in editions:
        return wanted
    return editions[0] if editions else None


def tier_table(edition: int | None) -> Subquery:
    """``(venue_id, tier)`` for one edition; a venue listed in two domains keeps its best tier.

    ``edition`` None means the newest loaded edition, as in :func:`pick_edition`.
    """
    wanted = edition if edition is not None else select(func.max(CcfEdition.year)).scalar_subquery()
    return (
        select(CcfRating.venue_id.label("venue_id"), func.min(CcfRating.tier).label("tier"))
        .where(CcfRating.edition == wanted)
        .group_by(CcfRating.venue_id)
        .subquery("tiers")
    )


def split_authors(text: str) -> list[str]:
    """The stored comma-separated author string as a list."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]
