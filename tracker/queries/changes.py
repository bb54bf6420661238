"""What changed: papers whose venue changed in a month, and CCF tier changes between editions."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.ccf.query import CcfChange, ccf_changes
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


def venue_changes(session: Session, month: str, edition: int | None = None) -> list[VenueChange]:
    """Papers newly accepted, newly published or moved to another venue during ``month``."""
    start, end = month_bounds(month)
    tiers = tier_table(edition)
    in_month = (PaperEvent.occurred_at >= start) & (PaperEvent.occurred_at < end)
    stmt = (
        select(PaperEvent, Paper.title, Paper.venue_name, tiers.c.tier)
        .join(Paper, Paper.arxiv_id == PaperEvent.arxiv_id)
        .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        .where(in_month, PaperEvent.field.in_(("venue", "journal_ref", "doi")))
        .order_by(PaperEvent.occurred_at, PaperEvent.id)
    )
    best: dict[str, VenueChange] = {}
    from_venue_event: dict[str, bool] = {}
    for event, title, venue_name, tier in session.execute(stmt):
        if event.field == "venue":
            kind = classify_venue_event(event.old_value, event.new_value)
            before, after = event.old_value or "", event.new_value or ""
        elif not event.old_value and event.new_value:
            kind = "published"
            before, after = "", f"{event.field}: {event.new_value}"
        else:
            continue
        change = VenueChange(
            event.arxiv_id, title, kind, before, after, event.occurred_at, venue_name, tier
        )
        # One row per paper, the latest event; a venue event wins over a journal_ref/DOI one.
        if event.field == "venue" or not from_venue_event.get(event.arxiv_id, False):
            best[event.arxiv_id] = change
            from_venue_event[event.arxiv_id] = event.field == "venue"
    arrived = (
        select(
            Paper.arxiv_id,
            Paper.title,
            Paper.venue_name,
            Paper.venue_year,
            Paper.venue_status,
            Paper.published,
            tiers.c.tier,
        )
        .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        .where(
            Paper.published >= start,
            Paper.published < end,
            Paper.venue_status.in_(("accepted", "published")),
        )
    )
    for arxiv_id, title, name, year, status, published, tier in session.execute(arrived):
        if arxiv_id in best:
            continue
        label = f"{name or '?'}{f' {year}' if year else ''} ({status})"
        best[arxiv_id] = VenueChange(arxiv_id, title, "arrived", "", label, published, name, tier)
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
            select(Venue.key, func.count(Paper.arxiv_id))
            .join(Paper, Paper.venue_id == Venue.id)
            .where(Venue.key.in_(part))
            .group_by(Venue.key)
        )
        counts.update(dict(session.execute(stmt).all()))
    return [CcfChangeRow(c, counts.get(c.venue_key, 0)) for c in changes]
