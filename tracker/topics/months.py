"""Papers per topic per month, counted ahead for the trends page.

Counting a year of a million papers by topic reads every tag of every paper in it: about half a
second (docs/benchmarks.md, round 11). The counts only change when tags change, so they are
kept in ``topic_month_counts``:

- every write that adds, removes or moves a paper's tags marks the paper's month stale
  (``topic_month_stale``), in the same transaction (:func:`mark_stale`,
  :func:`mark_papers_stale`);
- :func:`refresh` recounts the stale months; ingest runs, backfills and re-tagging call it when
  they finish;
- :func:`counts` reads the stored counts of the other months and counts stale months live, so
  its answer is the live count's whenever the refresh ran.

Functions take the caller's session and never commit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from tracker.db.dialect import chunks, dialect_name, insert_ignore
from tracker.db.models import Paper, PaperTopic, StaleTopicMonth, TopicMonthCount
from tracker.queries.common import month_bounds

COUNTS = cast(Table, TopicMonthCount.__table__)
STALE = cast(Table, StaleTopicMonth.__table__)

Count = tuple[str, str, int]
"""(month ``YYYY-MM``, topic slug, papers)."""


def month_expr(session: Session, column: Any) -> Any:
    """SQL for the ``YYYY-MM`` month of a datetime column (``common.month_of`` in Python)."""
    if dialect_name(session) == "postgresql":
        return func.to_char(column, "YYYY-MM")
    # SQLAlchemy stores SQLite datetimes as "YYYY-MM-DD HH:MM:SS.ffffff" text; cutting the
    # first 7 characters is cheaper than strftime's parse on 400k rows.
    return func.substr(column, 1, 7)


def mark_stale(session: Session, months: Iterable[str]) -> None:
    """Note that the topic counts of ``months`` must be recounted."""
    rows = [{"month": month} for month in sorted(set(months))]
    if rows:
        session.execute(insert_ignore(session, STALE), rows)


def mark_papers_stale(session: Session, arxiv_ids: Sequence[str]) -> None:
    """Mark the months of these stored papers stale (before their tags are rewritten)."""
    month = month_expr(session, Paper.published)
    found: set[str] = set()
    for part in chunks(arxiv_ids):
        found.update(session.scalars(select(month).distinct().where(Paper.arxiv_id.in_(part))))
    mark_stale(session, found)


def forget_topics(session: Session, slugs: Collection[str]) -> None:
    """Drop the counts of topics that no longer exist (their tags are deleted with them)."""
    if slugs:
        session.execute(delete(COUNTS).where(COUNTS.c.topic.in_(sorted(slugs))))


def live_counts(
    session: Session, first: str, last: str, only: Collection[str] | None = None
) -> list[Count]:
    """Count from the tags: papers per topic per month, ``first`` .. ``last`` inclusive.

    ``only`` keeps just those months. Ordered by month, then topic.
    """
    start, end = month_bounds(first)[0], month_bounds(last)[1]
    month = month_expr(session, Paper.published)
    stmt = (
        select(month, PaperTopic.topic, func.count())
        .join(PaperTopic, PaperTopic.arxiv_id == Paper.arxiv_id)
        .where(Paper.published >= start, Paper.published < end)
    )
    if only is not None:
        stmt = stmt.where(month.in_(sorted(only)))
    stmt = stmt.group_by(month, PaperTopic.topic).order_by(month, PaperTopic.topic)
    return [(m, t, n) for m, t, n in session.execute(stmt)]


def refresh(session: Session) -> int:
    """Recount every stale month; returns how many months were recounted."""
    stale = sorted(session.scalars(select(STALE.c.month)))
    if not stale:
        return 0
    for part in chunks(stale):
        session.execute(delete(COUNTS).where(COUNTS.c.month.in_(part)))
    rows = live_counts(session, stale[0], stale[-1], only=stale)
    if rows:
        session.execute(insert(COUNTS), [{"month": m, "topic": t, "papers": n} for m, t, n in rows])
    for part in chunks(stale):
        session.execute(delete(STALE).where(STALE.c.month.in_(part)))
    return len(stale)


def counts(session: Session, first: str, last: str) -> list[Count]:
    """Papers per topic per month, ``first`` .. ``last`` inclusive, ordered by month and topic.

    Stored counts for months that are current; a live count for stale ones.
    """
    for month in (first, last):
        month_bounds(month)  # a malformed month raises BadMonthError, as in the live count
    in_period = (STALE.c.month >= first) & (STALE.c.month <= last)
    stale = set(session.scalars(select(STALE.c.month).where(in_period)))
    stmt = select(COUNTS.c.month, COUNTS.c.topic, COUNTS.c.papers).where(
        COUNTS.c.month >= first, COUNTS.c.month <= last
    )
    stored = [(m, t, n) for m, t, n in session.execute(stmt) if m not in stale]
    live = live_counts(session, min(stale), max(stale), only=stale) if stale else []
    return sorted(stored + live)
