"""The choices the paper search offers: venue names and arXiv categories present.

Both are read from indexes only (a million papers are never scanned): venues through
``ix_papers_venue_id``, categories by a skip-scan of ``ix_papers_primary_category``.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tracker.db.models import Paper, Venue


def venue_names(session: Session, limit: int = 300) -> list[str]:
    """Names of the known venues (venue table) that papers carry, most papers first.

    Counted on ``ix_papers_venue_id`` (only the papers with a venue), never a table scan.
    """
    counts = (
        select(Paper.venue_id.label("venue_id"), func.count().label("n"))
        .where(Paper.venue_id.is_not(None))
        .group_by(Paper.venue_id)
        .subquery("counts")
    )
    name = func.coalesce(func.nullif(Venue.abbr, ""), Venue.full_name)
    stmt = (
        select(name)
        .join(counts, counts.c.venue_id == Venue.id)
        .order_by(counts.c.n.desc(), name)
        .limit(limit)
    )
    return [n for n in dict.fromkeys(session.scalars(stmt)) if n]


def primary_categories(session: Session, limit: int = 200) -> list[str]:
    """Primary arXiv categories present, alphabetically: one index seek per category."""
    stmt = text(
        "WITH RECURSIVE cats(c) AS ("
        " SELECT min(primary_category) FROM papers WHERE primary_category > ''"
        " UNION ALL SELECT (SELECT min(primary_category) FROM papers"
        " WHERE primary_category > cats.c) FROM cats WHERE cats.c IS NOT NULL)"
        " SELECT c FROM cats WHERE c IS NOT NULL LIMIT :limit"
    )
    return [c for c in session.scalars(stmt, {"limit": limit}) if c]
