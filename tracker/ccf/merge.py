"""Merge the rows of every CCF edition into venues that keep their identity across renames."""

from __future__ import annotations

import re
from collections import defaultdict

from tracker.ccf.catalog import CatalogVenue, CcfListing, normalize_name

_SLUG_RE = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _SLUG_RE.sub("-", normalize_name(text)).strip("-")


class _Index:
    """Lookup tables from names and DBLP keys to venues, rebuilt as venues gain listings."""

    def __init__(self) -> None:
        self.venues: list[CatalogVenue] = []
        self.by_dblp: dict[tuple[str, str], list[CatalogVenue]] = defaultdict(list)
        self.by_name: dict[tuple[str, str], list[CatalogVenue]] = defaultdict(list)
        self.by_abbr: dict[tuple[str, str], list[CatalogVenue]] = defaultdict(list)

    def add_names(self, venue: CatalogVenue, listing: CcfListing | None = None) -> None:
        names = [(a, t) for a, t in venue.aliases]
        if listing is not None:
            names += [(listing.abbr, "abbr"), (listing.full_name, "full_name")]
            if listing.dblp_key:
                names.append((listing.dblp_key, "dblp_key"))
        for name, kind_of_name in names:
            if not name:
                continue
            table = {"dblp_key": self.by_dblp, "abbr": self.by_abbr}.get(kind_of_name, self.by_name)
            norm = name.lower() if kind_of_name == "dblp_key" else normalize_name(name)
            bucket = table[(venue.kind, norm)]
            if venue not in bucket:
                bucket.append(venue)


def _unique(candidates: list[CatalogVenue], row: CcfListing) -> CatalogVenue | None:
    """Pick the candidate for a row: free in this edition, unique, same domain preferred."""
    free = [
        v
        for v in candidates
        if not any(x.edition == row.edition and x.domain_id == row.domain_id for x in v.listings)
    ]
    if len(free) == 1:
        return free[0]
    same_domain = [v for v in free if any(x.domain_id == row.domain_id for x in v.listings)]
    return same_domain[0] if len(same_domain) == 1 else None


def _match(index: _Index, row: CcfListing) -> CatalogVenue | None:
    kind = row.kind
    # Within one edition only a DBLP key *and* name agreement joins two rows (a journal listed
    # in two domains); across editions a unique DBLP key, name or abbreviation suffices.
    if row.dblp_key:
        hit = index.by_dblp.get((kind, row.dblp_key), [])
        if len(hit) == 1:
            venue = hit[0]
            same_edition = any(x.edition == row.edition for x in venue.listings)
            if not same_edition or normalize_name(row.full_name) in {
                normalize_name(x.full_name) for x in venue.listings
            }:
                return _unique(hit, row)
    if row.full_name:
        hit = index.by_name.get((kind, normalize_name(row.full_name)), [])
        found = _unique(hit, row)
        if found is not None:
            return found
    if row.abbr:
        hit = index.by_abbr.get((kind, normalize_name(row.abbr)), [])
        hit = [v for v in hit if not any(x.edition == row.edition for x in v.listings)]
        if hit:
            return _unique(hit, row)
    return None


def _assign_keys(venues: list[CatalogVenue]) -> None:
    base: dict[str, list[CatalogVenue]] = defaultdict(list)
    for venue in venues:
        base[f"{venue.kind}:{_slug(venue.abbr or venue.full_name)}"].append(venue)
    for key, group in base.items():
        if len(group) == 1:
            group[0].key = key
            continue
        for venue in group:
            venue.key = f"{key}:{_slug(venue.full_name)[:60]}"


def merge_editions(
    listings: dict[int, list[CcfListing]],
    aliases: list[tuple[int, dict[str, str]]],
    problems: list[str],
    alias_file: str = "aliases.csv",
) -> list[CatalogVenue]:
    """Merge edition rows newest first; attach ``aliases.csv`` rows to the venue they name."""
    index = _Index()
    editions = sorted(listings, reverse=True)
    newest = editions[0]
    alias_owner: dict[tuple[str, str, str], CatalogVenue] = {}
    for year in editions:
        for row in listings[year]:
            venue = _match(index, row) if year != newest else _match_newest(alias_owner, row)
            if venue is None:
                venue = CatalogVenue(key="", kind=row.kind, abbr=row.abbr, full_name=row.full_name)
                index.venues.append(venue)
                if year == newest:
                    alias_owner[(row.kind, row.abbr, normalize_name(row.full_name))] = venue
            venue.listings.append(row)
            index.add_names(venue, row)
        if year == newest:
            _attach_aliases(index, alias_owner, aliases, problems, alias_file)
    _assign_keys(index.venues)
    return index.venues


def _match_newest(
    owners: dict[tuple[str, str, str], CatalogVenue], row: CcfListing
) -> CatalogVenue | None:
    """In the newest edition, rows join only when kind, abbreviation and full name agree."""
    return owners.get((row.kind, row.abbr, normalize_name(row.full_name)))


def _attach_aliases(
    index: _Index,
    owners: dict[tuple[str, str, str], CatalogVenue],
    aliases: list[tuple[int, dict[str, str]]],
    problems: list[str],
    alias_file: str,
) -> None:
    by_abbr: dict[tuple[str, str], list[CatalogVenue]] = defaultdict(list)
    for (kind, abbr, _), owner in owners.items():
        by_abbr[(kind, abbr)].append(owner)
    for _line, rec in aliases:
        venue: CatalogVenue | None = owners.get(
            (rec["kind"], rec["abbr"], normalize_name(rec["full_name"]))
        )
        if venue is None:
            group = by_abbr.get((rec["kind"], rec["abbr"]), [])
            venue = group[0] if len(group) == 1 else None
        if venue is None:
            # The alias names a venue the newest edition no longer lists: kept for older rows.
            venue = CatalogVenue(
                key="", kind=rec["kind"], abbr=rec["abbr"], full_name=rec["full_name"]
            )
            owners[(rec["kind"], rec["abbr"], normalize_name(rec["full_name"]))] = venue
            by_abbr[(rec["kind"], rec["abbr"])].append(venue)
            index.venues.append(venue)
        pair = (rec["alias"], rec["alias_type"])
        if pair not in venue.aliases:
            venue.aliases.append(pair)
    for venue in index.venues:
        index.add_names(venue)
    del problems, alias_file  # alias rows are validated when read
