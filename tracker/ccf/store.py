"""Save the CCF catalog into the database idempotently: a second load changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tracker.ccf.catalog import CatalogVenue, CcfCatalog, normalize_name
from tracker.db.models import CcfEdition, CcfRating, Venue, VenueAlias


@dataclass
class LoadCounts:
    """What a load inserted, updated and deleted."""

    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        """True when the load touched any row."""
        return bool(self.inserted or self.updated or self.deleted)

    def __str__(self) -> str:
        return f"inserted {self.inserted}, updated {self.updated}, deleted {self.deleted}"


def _alias_rows(venue: CatalogVenue) -> set[tuple[str, str, str]]:
    """(alias, alias_norm, alias_type) for every name the venue is known by."""
    rows: set[tuple[str, str, str]] = set()
    names: list[tuple[str, str]] = list(venue.aliases)
    for listing in venue.listings:
        names += [(listing.abbr, "abbr"), (listing.full_name, "full_name")]
        if listing.dblp_key:
            names.append((listing.dblp_key, "dblp_key"))
    for alias, alias_type in names:
        if alias:
            norm = alias.lower() if alias_type == "dblp_key" else normalize_name(alias)
            rows.add((alias, norm[:255], alias_type))
    # Two spellings with one normal form (e.g. "Graphical Models" twice) keep the first.
    seen: set[tuple[str, str]] = set()
    unique: set[tuple[str, str, str]] = set()
    for alias, norm, alias_type in sorted(rows):
        if (norm, alias_type) not in seen:
            seen.add((norm, alias_type))
            unique.add((alias, norm, alias_type))
    return unique


def _set_attrs(obj: object, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def save_ccf(session: Session, catalog: CcfCatalog) -> LoadCounts:
    """Upsert editions, venues, aliases and ratings; remove rows the seeds no longer have."""
    counts = LoadCounts()
    existing_editions = {e.year: e for e in session.scalars(select(CcfEdition))}
    for info in catalog.editions.values():
        values = {
            "name": info.name,
            "official": info.official,
            "source_file": info.source_file,
            "content_hash": info.content_hash,
        }
        edition = existing_editions.get(info.year)
        if edition is None:
            session.add(CcfEdition(year=info.year, **values))
            counts.inserted += 1
        elif _set_attrs(edition, values):
            counts.updated += 1
    session.flush()

    existing_venues = {v.key: v for v in session.scalars(select(Venue))}
    venue_ids: dict[str, int] = {}
    for cv in catalog.venues:
        values = {
            "abbr": cv.abbr,
            "full_name": cv.full_name,
            "kind": cv.kind,
            "dblp_key": cv.dblp_key,
            "is_ccf": True,
        }
        venue = existing_venues.get(cv.key)
        if venue is None:
            venue = Venue(key=cv.key, **values)
            session.add(venue)
            counts.inserted += 1
        elif _set_attrs(venue, values):
            counts.updated += 1
    session.flush()
    for venue in session.scalars(select(Venue)):
        venue_ids[venue.key] = venue.id

    _sync_aliases(session, catalog, venue_ids, counts)
    _sync_ratings(session, catalog, venue_ids, counts)
    stale = [v.id for k, v in existing_venues.items() if v.is_ccf and k not in venue_ids]
    if stale:
        counts.deleted += len(stale)
        session.execute(delete(Venue).where(Venue.id.in_(stale)))
    session.flush()
    return counts


def _sync_aliases(
    session: Session, catalog: CcfCatalog, venue_ids: dict[str, int], counts: LoadCounts
) -> None:
    ccf_types = ("abbr", "full_name", "dblp_key")
    have: dict[tuple[int, str, str], VenueAlias] = {
        (a.venue_id, a.alias_norm, a.alias_type): a
        for a in session.scalars(select(VenueAlias).where(VenueAlias.alias_type.in_(ccf_types)))
    }
    want: set[tuple[int, str, str]] = set()
    for cv in catalog.venues:
        vid = venue_ids[cv.key]
        for alias, norm, alias_type in _alias_rows(cv):
            ident = (vid, norm, alias_type)
            want.add(ident)
            row = have.get(ident)
            if row is None:
                session.add(
                    VenueAlias(venue_id=vid, alias=alias, alias_norm=norm, alias_type=alias_type)
                )
                counts.inserted += 1
            elif row.alias != alias:
                row.alias = alias
                counts.updated += 1
    for ident, row in have.items():
        if ident not in want and ident[0] in set(venue_ids.values()):
            session.delete(row)
            counts.deleted += 1


def _sync_ratings(
    session: Session, catalog: CcfCatalog, venue_ids: dict[str, int], counts: LoadCounts
) -> None:
    have = {(r.edition, r.venue_id, r.domain_id): r for r in session.scalars(select(CcfRating))}
    want: set[tuple[int, int, int]] = set()
    for cv in catalog.venues:
        vid = venue_ids[cv.key]
        for x in cv.listings:
            ident = (x.edition, vid, x.domain_id)
            want.add(ident)
            values = {
                "domain_name_zh": x.domain_name_zh,
                "domain_name_en": x.domain_name_en,
                "kind": x.kind,
                "tier": x.tier,
                "abbr": x.abbr,
                "full_name": x.full_name,
                "publisher": x.publisher,
                "dblp_url": x.dblp_url,
                "position": x.line,
            }
            row = have.get(ident)
            if row is None:
                session.add(
                    CcfRating(edition=x.edition, venue_id=vid, domain_id=x.domain_id, **values)
                )
                counts.inserted += 1
            elif _set_attrs(row, values):
                counts.updated += 1
    for ident, row in have.items():
        if ident not in want:
            session.delete(row)
            counts.deleted += 1
