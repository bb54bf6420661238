"""Read and validate the CCF seed tables and merge the editions into one venue per row.

Pure: files in, a :class:`CcfCatalog` out. The database side lives in ``tracker.ccf.store``.
Venues are identified across editions by DBLP key, abbreviation, full name and the aliases in
``aliases.csv``, newest edition first, so a renamed venue (GM -> GMOD) stays one venue.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

EDITION_FILE = re.compile(r"^ccf-(\d{4})\.csv$")
EDITION_COLUMNS = [
    "edition",
    "domain_id",
    "domain_name_zh",
    "domain_name_en",
    "kind",
    "tier",
    "abbr",
    "full_name",
    "publisher",
    "dblp_url",
]
ALIAS_COLUMNS = ["abbr", "kind", "alias", "alias_type", "full_name", "editions"]
KINDS = ("conference", "journal")
TIERS = ("A", "B", "C")
ALIAS_TYPES = ("abbr", "full_name", "dblp_key")
UNOFFICIAL_EDITIONS = {2026}
_DBLP_RE = re.compile(r"/db/((?:conf|journals)/[^/]+)")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


class CcfSeedError(ValueError):
    """The seed files have bad rows; ``problems`` lists each as ``file:line: reason``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} bad CCF seed row(s):\n{shown}{more}")


def normalize_name(text: str) -> str:
    """Lower-case, accent- and punctuation-free, single-spaced form used to compare names."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_NON_WORD.sub(" ", folded.lower()).split())


def dblp_key_of(url: str) -> str | None:
    """``https://dblp.org/db/conf/cvpr/`` -> ``conf/cvpr``; None for non-DBLP URLs."""
    match = _DBLP_RE.search(url)
    return match.group(1).lower() if match else None


@dataclass(frozen=True)
class CcfListing:
    """One row of one edition's table."""

    edition: int
    domain_id: int
    domain_name_zh: str
    domain_name_en: str
    kind: str
    tier: str
    abbr: str
    full_name: str
    publisher: str
    dblp_url: str
    line: int

    @property
    def dblp_key(self) -> str | None:
        """The DBLP key encoded in the listed URL, if it is a DBLP URL."""
        return dblp_key_of(self.dblp_url)


@dataclass
class CatalogVenue:
    """A venue with its listings in every edition and every alias it is known by."""

    key: str
    kind: str
    abbr: str
    full_name: str
    listings: list[CcfListing] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    """(alias, alias_type) pairs; alias_type is ``abbr``, ``full_name`` or ``dblp_key``."""

    @property
    def dblp_key(self) -> str | None:
        """The DBLP key of the newest listing that has one."""
        for listing in sorted(self.listings, key=lambda x: -x.edition):
            if listing.dblp_key:
                return listing.dblp_key
        return None

    def tier(self, edition: int) -> str | None:
        """The tier in an edition, or None when the edition does not list the venue."""
        for listing in self.listings:
            if listing.edition == edition:
                return listing.tier
        return None

    def listing(self, edition: int) -> CcfListing | None:
        """The first listing in an edition (the official order), if any."""
        found = [x for x in self.listings if x.edition == edition]
        return min(found, key=lambda x: x.line) if found else None

    @property
    def editions(self) -> list[int]:
        """Editions that list this venue, oldest first."""
        return sorted({x.edition for x in self.listings})

    def all_names(self) -> set[str]:
        """Every abbreviation, full name and alias, as written."""
        names = {self.abbr, self.full_name}
        names.update(x.abbr for x in self.listings)
        names.update(x.full_name for x in self.listings)
        names.update(a for a, _ in self.aliases)
        return {n for n in names if n}


@dataclass(frozen=True)
class EditionInfo:
    """Where an edition came from and whether it is the official list."""

    year: int
    source_file: str
    content_hash: str
    official: bool

    @property
    def name(self) -> str:
        """The list's title as CCF prints it."""
        return f"中国计算机学会推荐国际学术会议和期刊目录（{self.year}年）"


@dataclass
class CcfCatalog:
    """Every CCF edition, merged into one venue list."""

    editions: dict[int, EditionInfo]
    venues: list[CatalogVenue]

    def by_key(self) -> dict[str, CatalogVenue]:
        """Venues indexed by their stable key."""
        return {v.key: v for v in self.venues}

    def tier(self, venue_key: str, edition: int) -> str | None:
        """The tier of a venue in an edition (None when not listed)."""
        venue = self.by_key().get(venue_key)
        return venue.tier(edition) if venue else None


def _read_edition(path: Path, year: int, problems: list[str]) -> list[CcfListing]:
    rows: list[CcfListing] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header != EDITION_COLUMNS:
            problems.append(f"{path}:1: header must be {','.join(EDITION_COLUMNS)}")
            return rows
        for row in reader:
            line = reader.line_num
            where = f"{path}:{line}"
            if len(row) != len(EDITION_COLUMNS):
                problems.append(f"{where}: expected {len(EDITION_COLUMNS)} fields, got {len(row)}")
                continue
            rec = dict(zip(EDITION_COLUMNS, (c.strip() for c in row), strict=True))
            reason = _row_problem(rec, year)
            if reason:
                problems.append(f"{where}: {reason}")
                continue
            rows.append(
                CcfListing(
                    edition=year,
                    domain_id=int(rec["domain_id"]),
                    domain_name_zh=rec["domain_name_zh"],
                    domain_name_en=rec["domain_name_en"],
                    kind=rec["kind"],
                    tier=rec["tier"],
                    abbr=rec["abbr"],
                    full_name=rec["full_name"],
                    publisher=rec["publisher"],
                    dblp_url=rec["dblp_url"],
                    line=line,
                )
            )
    return rows


def _row_problem(rec: dict[str, str], year: int) -> str | None:
    if rec["edition"] != str(year):
        return f"edition {rec['edition']!r} does not match the file's edition {year}"
    if not rec["domain_id"].isdigit() or not 1 <= int(rec["domain_id"]) <= 10:
        return f"domain_id {rec['domain_id']!r} is not a number from 1 to 10"
    if rec["kind"] not in KINDS:
        return f"kind {rec['kind']!r} is not conference or journal"
    if rec["tier"] not in TIERS:
        return f"tier {rec['tier']!r} is not A, B or C"
    if not rec["abbr"] and not rec["full_name"]:
        return "a venue needs an abbreviation or a full name"
    if not rec["domain_name_zh"] or not rec["domain_name_en"]:
        return "domain names must not be empty"
    url = rec["dblp_url"]
    if url and not url.startswith(("http://", "https://")):
        return f"dblp_url {url!r} is not an http(s) URL"
    return None


def _read_aliases(path: Path, problems: list[str]) -> list[tuple[int, dict[str, str]]]:
    out: list[tuple[int, dict[str, str]]] = []
    if not path.exists():
        return out
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        if next(reader, None) != ALIAS_COLUMNS:
            problems.append(f"{path}:1: header must be {','.join(ALIAS_COLUMNS)}")
            return out
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if len(row) != len(ALIAS_COLUMNS):
                problems.append(f"{where}: expected {len(ALIAS_COLUMNS)} fields, got {len(row)}")
                continue
            rec = dict(zip(ALIAS_COLUMNS, (c.strip() for c in row), strict=True))
            if rec["kind"] not in KINDS:
                problems.append(f"{where}: kind {rec['kind']!r} is not conference or journal")
            elif rec["alias_type"] not in ALIAS_TYPES:
                problems.append(
                    f"{where}: alias_type {rec['alias_type']!r} is not one of "
                    f"{', '.join(ALIAS_TYPES)}"
                )
            elif not rec["alias"]:
                problems.append(f"{where}: empty alias")
            else:
                out.append((reader.line_num, rec))
    return out


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_ccf_catalog(seeds_dir: Path | str) -> CcfCatalog:
    """Read ``seeds_dir/ccf/ccf-YYYY.csv`` and ``aliases.csv``; raise CcfSeedError on bad rows."""
    from tracker.ccf.merge import merge_editions

    ccf_dir = Path(seeds_dir) / "ccf"
    problems: list[str] = []
    editions: dict[int, EditionInfo] = {}
    listings: dict[int, list[CcfListing]] = {}
    files = sorted(p for p in ccf_dir.glob("ccf-*.csv") if EDITION_FILE.match(p.name))
    if not files:
        raise CcfSeedError([f"{ccf_dir}: no ccf-YYYY.csv edition files found"])
    for path in files:
        match = EDITION_FILE.match(path.name)
        assert match is not None
        year = int(match.group(1))
        listings[year] = _read_edition(path, year, problems)
        editions[year] = EditionInfo(
            year=year,
            source_file=f"ccf/{path.name}",
            content_hash=_file_hash(path),
            official=year not in UNOFFICIAL_EDITIONS,
        )
    aliases = _read_aliases(ccf_dir / "aliases.csv", problems)
    if problems:
        raise CcfSeedError(problems)
    venues = merge_editions(listings, aliases, problems, alias_file=str(ccf_dir / "aliases.csv"))
    if problems:
        raise CcfSeedError(problems)
    return CcfCatalog(editions=editions, venues=venues)


def group_by(items: list[CcfListing], key: str) -> dict[object, list[CcfListing]]:
    """Group listings by one attribute."""
    out: dict[object, list[CcfListing]] = defaultdict(list)
    for item in items:
        out[getattr(item, key)].append(item)
    return out
