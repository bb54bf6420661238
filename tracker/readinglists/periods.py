"""Reading-list periods: a month ``YYYY-MM`` or an ISO week ``YYYY-Www`` as a [start, end) range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.db.models import Paper

_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period label that is neither ``YYYY-MM`` nor ``YYYY-Www``."""


@dataclass(frozen=True)
class Period:
    """A month or ISO week; ``start`` inclusive and ``end`` exclusive, naive UTC like the DB."""

    label: str
    kind: str
    """``month`` or ``week``."""
    start: datetime
    end: datetime

    def __str__(self) -> str:
        return self.label

    def contains(self, moment: datetime) -> bool:
        """True when ``moment`` falls inside the period."""
        return self.start <= moment < self.end


def month_period(year: int, month: int) -> Period:
    """The calendar month ``year-month``."""
    if not 1 <= month <= 12 or not 1 <= year <= 9998:
        raise PeriodError(f"no such month: {year}-{month:02d}")
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return Period(f"{year:04d}-{month:02d}", "month", start, end)


def week_period(year: int, week: int) -> Period:
    """The ISO week ``year-Www`` (Monday to Sunday)."""
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise PeriodError(f"no such ISO week: {year}-W{week:02d}") from exc
    start = datetime(monday.year, monday.month, monday.day)
    return Period(f"{year:04d}-W{week:02d}", "week", start, start + timedelta(days=7))


def parse_period(text: str) -> Period:
    """Parse ``2026-03`` (a month) or ``2026-W11`` (an ISO week)."""
    value = text.strip()
    if match := _MONTH_RE.match(value):
        return month_period(int(match.group(1)), int(match.group(2)))
    if match := _WEEK_RE.match(value):
        return week_period(int(match.group(1)), int(match.group(2)))
    raise PeriodError(f"{text!r} is not a period; use a month like 2026-03 or a week like 2026-W11")


def period_of(moment: datetime | date, kind: str = "month") -> Period:
    """The month (or ISO week) that contains ``moment``."""
    if kind == "week":
        year, week, _ = moment.isocalendar()
        return week_period(year, week)
    if kind != "month":
        raise PeriodError(f"unknown period kind {kind!r}; use month or week")
    return month_period(moment.year, moment.month)


def latest_period(session: Session, kind: str = "month") -> Period | None:
    """The period of the newest paper in the database, or None when there are no papers."""
    newest = session.scalar(select(func.max(Paper.published)))
    return None if newest is None else period_of(newest, kind)
