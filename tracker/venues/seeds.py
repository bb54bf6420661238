"""Load the curated venue data in ``seeds/venues/``: aliases, non-CCF venues and DOI rules."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

ALIAS_TYPES = ("abbr", "full_name")
OTHER_KINDS = ("conference", "journal", "workshop", "other")


class VenueSeedError(ValueError):
    """A curated venue file has bad rows; ``problems`` lists each as ``file:line: reason``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} bad venue seed row(s):\n" + "\n".join(problems[:20]))


@dataclass(frozen=True)
class CuratedAlias:
    """Another way a venue is written, keyed by the venue's stable key."""

    venue_key: str
    alias: str
    alias_type: str
    """``abbr`` (matched as a token, with a year) or ``full_name`` (matched as a phrase)."""


@dataclass(frozen=True)
class OtherVenue:
    """A well-known venue that no CCF edition lists (TMLR, CoRL, ...), key ``other:<abbr>``."""

    key: str
    abbr: str
    kind: str
    full_name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DoiRule:
    """How a DOI names its venue: a literal prefix, an ACL Anthology code or an IEEE code."""

    scheme: str
    """``prefix``, ``acl``, ``acl-old`` or ``ieee``."""
    code: str
    venue_key: str | None
    kind: str | None


@dataclass
class VenueSeeds:
    """Everything in ``seeds/venues/``."""

    aliases: list[CuratedAlias] = field(default_factory=list)
    others: list[OtherVenue] = field(default_factory=list)
    doi_rules: list[DoiRule] = field(default_factory=list)
    poster_main: set[str] = field(default_factory=set)
    """Venues whose main-track papers are presented as posters ("NeurIPS 2025 poster")."""

    def known_keys(self) -> set[str]:
        """Keys of the non-CCF venues defined here."""
        return {o.key for o in self.others}

    def check_keys(self, ccf_keys: set[str]) -> list[str]:
        """Every venue key referenced here that is neither a CCF key nor a non-CCF venue."""
        known = ccf_keys | self.known_keys()
        refs = [a.venue_key for a in self.aliases] + [r.venue_key for r in self.doi_rules]
        refs += sorted(self.poster_main)
        return sorted({k for k in refs if k and k not in known})


def _rows(path: Path, columns: list[str], problems: list[str]) -> list[tuple[str, dict[str, str]]]:
    if not path.exists():
        return []
    out: list[tuple[str, dict[str, str]]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != columns:
            problems.append(f"{path}:1: header must be {','.join(columns)}")
            return out
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row or any(v is None for v in row.values()):
                problems.append(f"{where}: wrong number of fields")
                continue
            out.append((where, {k: (v or "").strip() for k, v in row.items()}))
    return out


def load_venue_seeds(seeds_dir: Path | str) -> VenueSeeds:
    """Read ``seeds_dir/venues/*.csv``; raise VenueSeedError on bad rows."""
    base = Path(seeds_dir) / "venues"
    problems: list[str] = []
    seeds = VenueSeeds()
    for where, rec in _rows(base / "aliases.csv", ["venue_key", "alias", "alias_type", "note"],
                            problems):  # fmt: skip
        if rec["alias_type"] not in ALIAS_TYPES or not rec["alias"] or not rec["venue_key"]:
            problems.append(f"{where}: needs venue_key, alias and alias_type abbr|full_name")
            continue
        seeds.aliases.append(CuratedAlias(rec["venue_key"], rec["alias"], rec["alias_type"]))
    cols = ["key", "abbr", "kind", "full_name", "aliases", "note"]
    for where, rec in _rows(base / "other_venues.csv", cols, problems):
        if not rec["key"].startswith("other:") or rec["kind"] not in OTHER_KINDS:
            problems.append(f"{where}: key must start with other: and kind be one of {OTHER_KINDS}")
            continue
        aliases = tuple(a.strip() for a in rec["aliases"].split("|") if a.strip())
        seeds.others.append(OtherVenue(rec["key"], rec["abbr"], rec["kind"], rec["full_name"],
                                       aliases))  # fmt: skip
    for where, rec in _rows(base / "doi_prefixes.csv", ["prefix", "venue_key", "kind", "note"],
                            problems):  # fmt: skip
        if not rec["prefix"].startswith("10."):
            problems.append(f"{where}: prefix must start with 10.")
            continue
        seeds.doi_rules.append(DoiRule("prefix", rec["prefix"].lower(), rec["venue_key"] or None,
                                       rec["kind"] or None))  # fmt: skip
    cols = ["scheme", "code", "venue_key", "kind", "note"]
    for where, rec in _rows(base / "doi_codes.csv", cols, problems):
        if rec["scheme"] not in ("acl", "acl-old", "ieee") or not rec["code"]:
            problems.append(f"{where}: scheme must be acl, acl-old or ieee, with a code")
            continue
        seeds.doi_rules.append(DoiRule(rec["scheme"], rec["code"], rec["venue_key"] or None,
                                       rec["kind"] or None))  # fmt: skip
    for where, rec in _rows(base / "poster_main.csv", ["venue_key", "note"], problems):
        if not rec["venue_key"]:
            problems.append(f"{where}: needs venue_key")
            continue
        seeds.poster_main.add(rec["venue_key"])
    if problems:
        raise VenueSeedError(problems)
    return seeds
