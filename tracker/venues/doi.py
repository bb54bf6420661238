"""Venues encoded in DOIs: ACL Anthology ids, IEEE codes, AAAI, IJCAI and known prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.venues.index import VenueIndex
from tracker.venues.seeds import DoiRule

_DOI_RE = re.compile(r"10\.\d{4,9}/[^\s\"<>]+", re.I)
_ACL_NEW = re.compile(r"^10\.18653/v1/(\d{4})\.([a-z0-9\-]+)\.\d+", re.I)
_ACL_OLD = re.compile(r"^10\.18653/v1/([A-Z])(\d{2})-(\d)\d{3}", re.I)
_IEEE = re.compile(r"^10\.1109/([A-Za-z][A-Za-z\-]*?)(\d*)\.(\d{4})\.", re.I)
_AAAI = re.compile(r"^10\.1609/aaai\.v(\d+)i\d+", re.I)
_AAAI_OTHER = re.compile(r"^10\.1609/(icwsm|icaps|aies|hcomp)\.v(\d+)i", re.I)
_IJCAI = re.compile(r"^10\.24963/ijcai\.(\d{4})/", re.I)
_MAIN_PARTS = {"long", "short", "main", "1", "papers"}
_OTHER_PARTS = {"demo", "demos", "industry", "tutorials", "tutorial", "tutorial-abstracts"}


@dataclass(frozen=True)
class DoiVenue:
    """What a DOI says: the venue key (None for an unnamed workshop), year and track kind."""

    key: str | None
    year: int | None
    kind: str | None
    """None means the venue's own kind; else ``workshop``, ``findings`` or ``other``."""
    rule: str


class DoiRules:
    """DOI rules from ``seeds/venues``, plus the IEEE-code fallback through the abbreviations."""

    def __init__(self, rules: list[DoiRule], index: VenueIndex) -> None:
        self.prefixes = sorted(((r.code, r) for r in rules if r.scheme == "prefix"),
                               key=lambda x: -len(x[0]))  # fmt: skip
        self.acl = {r.code.lower(): r for r in rules if r.scheme == "acl"}
        self.acl_old = {r.code.upper(): r for r in rules if r.scheme == "acl-old"}
        self.ieee = {r.code.upper(): r for r in rules if r.scheme == "ieee"}
        self.index = index

    def _ieee_key(self, code: str) -> str | None:
        rule = self.ieee.get(code.upper())
        if rule is not None:
            return rule.venue_key
        entries = self.index.abbrs.get((code.lower(),))
        if entries and len({e.key for e in entries}) == 1 and len(code) >= 3:
            return entries[0].key
        return None

    def resolve(self, doi: str | None) -> DoiVenue | None:
        """The venue a DOI encodes, or None when it names none we know."""
        if not doi:
            return None
        m = _DOI_RE.search(doi)
        if not m:
            return None
        d = m.group(0).rstrip(".,;)")
        low = d.lower()
        if low.startswith("10.48550/"):
            return None
        if (a := _ACL_NEW.match(d)) is not None:
            parts = a.group(2).lower().split("-")
            if parts[0] == "findings" and len(parts) > 1:
                return self._acl_new(int(a.group(1)), "findings-" + parts[1], "-".join(parts[2:]))
            return self._acl_new(int(a.group(1)), parts[0], "-".join(parts[1:]))
        if (a := _ACL_OLD.match(d)) is not None:
            old = self.acl_old.get(a.group(1).upper())
            if old is None:
                return None
            year = 2000 + int(a.group(2))
            volume = int(a.group(3))
            kind = old.kind or (None if volume == 1 or (volume == 2 and year <= 2018) else "other")
            return DoiVenue(old.venue_key, year, kind, "acl-anthology-old")
        if (a := _IEEE.match(d)) is not None:
            return self._ieee(a.group(1), int(a.group(3)))
        if (a := _AAAI.match(d)) is not None:
            return DoiVenue("conference:aaai", 1986 + int(a.group(1)), None, "aaai")
        if (a := _AAAI_OTHER.match(d)) is not None:
            key = {"icwsm": "conference:icwsm", "icaps": "conference:icaps",
                   "aies": "other:aies"}.get(a.group(1).lower())  # fmt: skip
            return DoiVenue(key, None, None, "aaai-press") if key else None
        if (a := _IJCAI.match(d)) is not None:
            return DoiVenue("conference:ijcai", int(a.group(1)), None, "ijcai")
        for prefix, rule in self.prefixes:
            if low.startswith(prefix):
                return DoiVenue(rule.venue_key, None, rule.kind, "prefix")
        return None

    def _acl_new(self, year: int, code: str, part: str) -> DoiVenue | None:
        kind: str | None = None
        if code.startswith("findings-") or code == "findings":
            code = code.partition("-")[2] or "acl"
            kind = "findings"
        rule = self.acl.get(code)
        if rule is None:
            return DoiVenue(None, year, "workshop", "acl-anthology")
        if kind is None:
            if rule.kind:
                kind = rule.kind
            elif part == "srw":
                kind = "workshop"
            elif part in _OTHER_PARTS or part not in _MAIN_PARTS:
                kind = "other"
        return DoiVenue(rule.venue_key, year, kind, "acl-anthology")

    def _ieee(self, code: str, year: int) -> DoiVenue | None:
        key = self._ieee_key(code)
        if key is not None:
            return DoiVenue(key, year, None, "ieee")
        if len(code) >= 4 and code[-1] in "Ww":
            key = self._ieee_key(code[:-1])
            if key is not None:
                return DoiVenue(key, year, "workshop", "ieee")
        return None
