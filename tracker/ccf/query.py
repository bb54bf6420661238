"""Questions asked of the loaded CCF tables: look a venue up, compare two editions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tracker.ccf.catalog import dblp_key_of, normalize_name
from tracker.db.models import CcfEdition, CcfRating, Venue, VenueAlias

TIER_ORDER = {"A": 3, "B": 2, "C": 1}
MAX_CANDIDATES = 25


@dataclass
class VenueInfo:
    """A venue with its tier in every loaded edition."""

    key: str
    abbr: str
    full_name: str
    kind: str
    domains: list[str]
    tiers: dict[int, str | None] = field(default_factory=dict)
    """Edition year -> tier, None where the edition does not list the venue."""
    matched_alias: str = ""


def _editions(session: Session) -> list[int]:
    return list(session.scalars(select(CcfEdition.year).order_by(CcfEdition.year)))


def venue_info(session: Session, venues: list[Venue]) -> list[VenueInfo]:
    """Tiers and domains for the given venues, in the given order."""
    years = _editions(session)
    ids = [v.id for v in venues]
    ratings: dict[int, list[CcfRating]] = defaultdict(list)
    for r in session.scalars(select(CcfRating).where(CcfRating.venue_id.in_(ids))):
        ratings[r.venue_id].append(r)
    out = []
    for v in venues:
        rs = sorted(ratings[v.id], key=lambda r: (-r.edition, r.domain_id))
        domains = list(dict.fromkeys(r.domain_name_en for r in rs))
        tiers: dict[int, str | None] = {y: None for y in years}
        for r in rs:
            tiers[r.edition] = r.tier
        out.append(VenueInfo(v.key, v.abbr, v.full_name, v.kind, domains, tiers))
    return out


def lookup_venues(session: Session, name: str) -> list[VenueInfo]:
    """Find venues by abbreviation, alias, DBLP key or full name; exact matches first.

    Matching ignores case and punctuation. When nothing matches exactly, venues whose names
    contain every word of the query are returned (at most 25).
    """
    text = name.strip()
    norm = normalize_name(text)
    if not norm:
        return []
    keys = {norm, text.lower().strip("/")}
    if text.lower().startswith(("conf/", "journals/")) is False:
        keys |= {f"conf/{norm}", f"journals/{norm}"} if " " not in norm else set()
    exact = session.scalars(
        select(Venue)
        .join(VenueAlias, VenueAlias.venue_id == Venue.id)
        .where(VenueAlias.alias_norm.in_(keys))
        .distinct()
        .order_by(Venue.kind, Venue.abbr)
    ).all()
    by_abbr = [v for v in exact if normalize_name(v.abbr) == norm]
    venues = list(exact)
    if by_abbr:
        venues = by_abbr + [v for v in exact if v not in by_abbr]
    if not venues:
        words = norm.split()
        conds = [VenueAlias.alias_norm.contains(w) for w in words]
        venues = list(
            session.scalars(
                select(Venue)
                .join(VenueAlias, VenueAlias.venue_id == Venue.id)
                .where(*conds)
                .distinct()
                .order_by(Venue.abbr)
                .limit(MAX_CANDIDATES)
            )
        )
    return venue_info(session, venues)


@dataclass(frozen=True)
class CcfChange:
    """One difference between two editions for one venue."""

    venue: str
    kind: str
    domain: str
    change: str
    """``added``, ``removed``, ``promoted``, ``demoted``, ``renamed`` or ``moved_domain``."""
    from_tier: str
    to_tier: str
    full_name: str
    detail: str
    venue_key: str


def _compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _renamed(old: CcfRating, new: CcfRating) -> bool:
    """A new abbreviation, or the slot passed to a successor venue (new name and DBLP key).

    Case and punctuation edits (HotI -> HOTI) and an abbreviation merely added or dropped
    are not renames.
    """
    if old.abbr and new.abbr:
        return _compact(old.abbr) != _compact(new.abbr)
    if old.abbr == new.abbr:
        return False
    return normalize_name(old.full_name) != normalize_name(new.full_name) and (
        dblp_key_of(old.dblp_url) or old.dblp_url
    ) != (dblp_key_of(new.dblp_url) or new.dblp_url)


def ccf_changes(session: Session, from_edition: int, to_edition: int) -> list[CcfChange]:
    """Tier changes, additions, removals, renames and domain moves between two editions."""
    rows = session.execute(
        select(CcfRating, Venue.key)
        .join(Venue, Venue.id == CcfRating.venue_id)
        .where(or_(CcfRating.edition == from_edition, CcfRating.edition == to_edition))
        .order_by(CcfRating.position)
    ).all()
    per_venue: dict[str, dict[int, list[CcfRating]]] = defaultdict(lambda: defaultdict(list))
    for rating, key in rows:
        per_venue[key][rating.edition].append(rating)
    changes: list[CcfChange] = []
    for key, by_ed in per_venue.items():
        old, new = by_ed.get(from_edition, []), by_ed.get(to_edition, [])
        ref = (new or old)[0]
        found: list[tuple[str, str]] = []
        if not old:
            found.append(("added", ""))
        elif not new:
            found.append(("removed", ""))
        else:
            o, n = old[0], new[0]
            if o.tier != n.tier:
                found.append(
                    ("promoted" if TIER_ORDER[n.tier] > TIER_ORDER[o.tier] else "demoted", "")
                )
            if _renamed(o, n):
                found.append(("renamed", f"was {o.abbr or '-'} ({o.full_name})"))
            if {r.domain_id for r in old} != {r.domain_id for r in new}:
                found.append(("moved_domain", f"was {o.domain_name_en}"))
        for change, detail in found:
            changes.append(
                CcfChange(
                    venue=ref.abbr or ref.full_name,
                    kind=ref.kind,
                    domain=ref.domain_name_en,
                    change=change,
                    from_tier=old[0].tier if old else "",
                    to_tier=new[0].tier if new else "",
                    full_name=ref.full_name,
                    detail=detail,
                    venue_key=key,
                )
            )
    order = {"promoted": 0, "demoted": 1, "added": 2, "removed": 3, "renamed": 4}
    changes.sort(key=lambda c: (order.get(c.change, 9), c.domain, c.venue))
    return changes
