"""Save the curated non-CCF venues and aliases from ``seeds/venues`` into venues/venue_aliases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.ccf.catalog import normalize_name
from tracker.db.models import Venue, VenueAlias
from tracker.venues.seeds import VenueSeeds, load_venue_seeds

__all__ = ["load_venue_seeds", "save_extra_venues"]

CURATED = "curated"


def save_extra_venues(session: Session, seeds: VenueSeeds) -> int:
    """Upsert non-CCF venues (is_ccf False) and curated aliases; return rows inserted/updated.

    Idempotent: a second call with the same seeds changes nothing. Aliases of CCF venues are
    attached only when that CCF venue is already saved (``tracker ccf load`` runs first).
    """
    changed = 0
    venues = {v.key: v for v in session.scalars(select(Venue))}
    for other in seeds.others:
        values = {"abbr": other.abbr, "full_name": other.full_name, "kind": other.kind,
                  "dblp_key": None, "is_ccf": False}  # fmt: skip
        venue = venues.get(other.key)
        if venue is None:
            venue = Venue(key=other.key, **values)
            session.add(venue)
            venues[other.key] = venue
            changed += 1
        elif any(getattr(venue, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(venue, k, v)
            changed += 1
    session.flush()
    wanted: dict[tuple[int, str], str] = {}
    for other in seeds.others:
        for name in other.aliases:
            wanted.setdefault((venues[other.key].id, normalize_name(name)[:255]), name)
    for alias in seeds.aliases:
        venue = venues.get(alias.venue_key)
        norm = normalize_name(alias.alias)[:255]
        if venue is not None and norm:
            wanted.setdefault((venue.id, norm), alias.alias)
    curated = select(VenueAlias).where(VenueAlias.alias_type == CURATED)
    have = {(a.venue_id, a.alias_norm): a for a in session.scalars(curated)}
    for (venue_id, norm), text in wanted.items():
        row = have.get((venue_id, norm))
        if row is None:
            session.add(VenueAlias(venue_id=venue_id, alias=text, alias_norm=norm,
                                   alias_type=CURATED))  # fmt: skip
            changed += 1
        elif row.alias != text:
            row.alias = text
            changed += 1
    for ident, row in have.items():
        if ident not in wanted:
            session.delete(row)
            changed += 1
    session.flush()
    return changed
