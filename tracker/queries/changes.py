"""What changed: papers whose venue changed in a month, and CCF tier changes between editions."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.ccf.query import CcfChange, ccf_changes
from tracker.db.dialect import chunks
from tracker.db.models import Paper, PaperEvent, Venue
from tracker.queries.common import month_bounds, tier_table

_LABEL_RE = re.compile(r"^(?P<name>.*?)(?: (?P<year>\d{4}))? \((?P<status>[a-z]+)\)$")
_KIND_ORDER = {"accepted": 0, "published": 1, "moved": 2, "arrived": 3, "changed": 4}


@dataclass(frozen=True)
class VenueChange:
    """One paper whose venue changed (or that arrived already accepted) in the month."""

    arxiv_id: str
    title: str
    kind: str
    """``accepted``, ``published`` (journal_ref/DOI appeared), ``moved`` (another venue),
    ``arrived`` (first version this month, already accepted) or ``changed``."""
    before: str
    after: str
    occurred_at: datetime
    venue_name: str | None
    tier: str | None
    """The paper's current venue tier in the chosen edition."""


def parse_venue_label(label: str | None) -> tuple[str | None, str]:
    """``"CVPR 2024 (accepted)"`` -> (``"CVPR"``, ``"accepted"``); None -> (None, ``"none"``)."""
    if not label:
        return None, "none"
    match = _LABEL_RE.match(label.strip())
    if match is None:
        return label.strip(), "none"
    name = match.group("name")
    return (None if name in ("", "?") else name), match.group("status")


def classify_venue_event(old: str | None, new: str | None) -> str:
    """Name the kind of a venue change event from its before and after labels."""
    old_name, old_status = parse_venue_label(old)
    new_name, new_status = parse_venue_label(new)
    if new_status == "published" and old_status != "published":
        return "published"
    if new_status == "accepted" and old_status not in ("accepted", "published"):
        return "accepted"
    if old_name and new_name and old_name != new_name:
        return "moved"
    return "changed"


def _arrival_conditions(start: datetime, end: datetime) -> list[Any]:
    return [
        Paper.published >= start,
        Paper.published < end,
        # coalesce: SQLite would otherwise walk ix_papers_venue_status (every accepted paper
        # ever); this way it scans the month on ix_papers_published_facts, index only.
        func.coalesce(Paper.venue_status, "none").in_(("accepted", "published")),
    ]


def accepted_arrivals(session: Session, month: str) -> int:
    """How many papers first submitted in ``month`` are already accepted (index only)."""
    start, end = month_bounds(month)
    stmt = select(func.count()).select_from(Paper).where(*_arrival_conditions(start, end))
    return session.scalar(stmt) or 0


def venue_changes(
    session: Session, month: str, edition: int | None = None, arrivals_limit: int | None = None
) -> list[VenueChange]:
    """Papers newly accepted, newly published or moved to another venue during ``month``.

    ``arrivals_limit`` keeps only that many "arrived" papers (best CCF tier first): a month
    of a million-paper database has thousands, and only the kept ones' rows are read.
    """
    start, end = month_bounds(month)
    tiers = tier_table(edition)
    in_month = (PaperEvent.occurred_at >= start) & (PaperEvent.occurred_at < end)
    stmt = (
        select(
            PaperEvent.arxiv_id,
            PaperEvent.field,
            PaperEvent.old_value,
            PaperEvent.new_value,
            PaperEvent.occurred_at,
            Paper.title,
            Paper.venue_name,
            tiers.c.tier,
        )
        .join(Paper, Paper.arxiv_id == PaperEvent.arxiv_id)
        .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        .where(in_month, PaperEvent.field.in_(("venue", "journal_ref", "doi")))
        .order_by(PaperEvent.occurred_at, PaperEvent.id)
    )
    # One row per paper, the latest event; a venue event wins over a journal_ref/DOI one.
    # Winners are picked from the raw rows first, so only they are classified and built.
    winners: dict[str, Any] = {}
    for row in session.execute(stmt):
        if row.field != "venue" and (row.old_value or not row.new_value):
            continue  # a journal_ref/DOI that changed rather than appeared
        if (
            row.field == "venue"
            or winners.get(row.arxiv_id) is None
            or (winners[row.arxiv_id].field != "venue")
        ):
            winners[row.arxiv_id] = row
    best: dict[str, VenueChange] = {}
    for arxiv_id, row in winners.items():
        if row.field == "venue":
            kind = classify_venue_event(row.old_value, row.new_value)
            before, after = row.old_value or "", row.new_value or ""
        else:
            kind, before, after = "published", "", f"{row.field}: {row.new_value}"
        best[arxiv_id] = VenueChange(
            arxiv_id, row.title, kind, before, after, row.occurred_at, row.venue_name, row.tier
        )
    ranked = (
        select(Paper.arxiv_id)
        .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        .where(*_arrival_conditions(start, end))
        .order_by(func.coalesce(tiers.c.tier, "Z"), Paper.arxiv_id)
    )
    if arrivals_limit is not None:
        ranked = ranked.limit(arrivals_limit + len(best))
    wanted = [a for a in session.scalars(ranked) if a not in best][:arrivals_limit]
    details = select(
        Paper.arxiv_id,
        Paper.title,
        Paper.venue_name,
        Paper.venue_year,
        Paper.venue_status,
        Paper.published,
        tiers.c.tier,
    ).outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
    for part in chunks(wanted):
        rows = session.execute(details.where(Paper.arxiv_id.in_(part)))
        for arxiv_id, title, name, year, status, published, tier in rows:
            label = f"{name or '?'}{f' {year}' if year else ''} ({status})"
            best[arxiv_id] = VenueChange(
                arxiv_id, title, "arrived", "", label, published, name, tier
            )
    return sorted(
        best.values(), key=lambda c: (_KIND_ORDER.get(c.kind, 9), c.tier or "Z", c.arxiv_id)
    )


@dataclass(frozen=True)
class CcfChangeRow:
    """A CCF change between two editions and how many tracked papers it touches."""

    change: CcfChange
    papers: int


def ccf_changes_with_counts(
    session: Session,
    from_edition: int,
    to_edition: int,
    domain: str | None = None,
    kind: str | None = None,
) -> list[CcfChangeRow]:
    """CCF changes (optionally one English domain name / venue kind) with tracked paper counts."""
    changes = [
        c
        for c in ccf_changes(session, from_edition, to_edition)
        if (not domain or c.domain == domain) and (not kind or c.kind == kind)
    ]
    keys = sorted({c.venue_key for c in changes})
    counts: Counter[str] = Counter()
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        stmt = (
            select(Venue.key, func.count())
            .join(Paper, Paper.venue_id == Venue.id)
            .where(Venue.key.in_(part))
            .group_by(Venue.key)
        )
        counts.update(dict(session.execute(stmt).all()))
    return [CcfChangeRow(c, counts.get(c.venue_key, 0)) for c in changes]
