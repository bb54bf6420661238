"""The lookup tables the resolver uses, built once from the CCF catalog and the curated seeds."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from tracker.ccf.catalog import CcfCatalog
from tracker.venues.patterns import TOKEN_RE, fold, phrase_words
from tracker.venues.seeds import VenueSeeds

_LETTERS = re.compile(r"[a-z]+")
# Words too common to gate on, and words that ISO abbreviations expand to ("Trans." -> transaction).
_GENERIC = frozenset(
    """
the ieee acm conference transaction symposium journal workshop international annual image code
system computer letter
""".split()  # noqa: SIM905
)

# Abbreviations that are also ordinary words or generic acronyms: they only count right after
# an explicit cue ("accepted by IS", "published in Science").
RISKY = frozenset(
    """
AI AIM ALT ASAP ASSETS BIT CAD CASES CLUSTER CP DATE DIS ER FAST FM GI GM GROUP HCI HEALTH
IMAGE IM IOT IR IS ISS IST ITS MASS MS NAS PAM PETS PR RE RV SAC SAT SC SPIN TOOLS TR VI VR
WISE EG CN DC TC TG TAP TAC PG CF CL FC CC SEC IDA ICS SPL SPM GPC HCC DAI DAM SCN ISC CSL
NPL MTA PUC TEC TFS CCC ATS MSN NCA TOS ACTA APAL ICC SLT CEC VIS ATC LoG Oakland Science
Nature BigData IJIS JCC GMP TSC SCA NOCS PKC ICB KR MSR ASE ESE FSE SSE CAV ESA RTS ISPA
MoDELS Expert MedIA
""".split()  # noqa: SIM905
)


@dataclass
class VenueInfo:
    """What the resolver needs to know about one venue."""

    key: str
    name: str
    """Canonical short name: the CCF abbreviation, else the full name."""
    kind: str
    is_ccf: bool
    tiers: dict[int, str] = field(default_factory=dict)
    poster_main: bool = False
    """A "poster" here is a main-track paper (NeurIPS, CVPR), not a poster abstract (SIGGRAPH)."""


@dataclass(frozen=True)
class AbbrEntry:
    """One venue an abbreviation (a tuple of lower-case tokens) may stand for."""

    key: str
    forms: frozenset[str]
    """Exact spellings accepted when the abbreviation is case-sensitive."""
    any_case: bool
    risky: bool
    curated: bool


@dataclass
class VenueIndex:
    """Venue facts, abbreviations by token tuple and names by first word."""

    venues: dict[str, VenueInfo]
    abbrs: dict[tuple[str, ...], list[AbbrEntry]]
    phrases: dict[str, list[tuple[tuple[str, ...], str]]]
    editions: list[int]
    max_abbr_len: int = 1
    multi_first: frozenset[str] = frozenset()
    """First tokens of abbreviations longer than one token ("acm" of "ACM MM")."""
    abbr_heads: frozenset[str] = frozenset()
    """First token of every abbreviation: tokens outside this set skip the abbreviation lookup."""
    gate: frozenset[str] = frozenset()
    """Letter runs that can start a venue mention; a text with none of them names no venue."""
    risky_gate: frozenset[str] = frozenset()
    """The same for risky abbreviations, which also need a cue word."""
    phrase_pairs: dict[tuple[str, str], list[tuple[list[str], str]]] = field(default_factory=dict)
    """Names by their first two words, longest first: (words, venue key)."""
    retired: dict[str, tuple[frozenset[str], int]] = field(default_factory=dict)
    """Conference abbreviations CCF replaced by a new name (ITS -> ISS): venue key ->
    (letters of the old abbreviations, last edition listing them). Read only for years up to
    that edition: "ITS 2025" is another conference."""


def _letters(abbr: str) -> str:
    return "".join(c for c in abbr.lower() if c.isalnum())


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _retired(catalog: CcfCatalog, seeds: VenueSeeds) -> dict[str, tuple[frozenset[str], int]]:
    """Renamed conference abbreviations; a spelling variant (INTERSPEECH, HotI, EG) is not one."""
    curated = {(a.venue_key, _letters(a.alias)) for a in seeds.aliases if a.alias_type == "abbr"}
    out: dict[str, tuple[frozenset[str], int]] = {}
    for cv in catalog.venues:
        if cv.kind != "conference" or not cv.listings:
            continue
        newest = max(cv.listings, key=lambda x: x.edition)
        new = _letters(newest.abbr or "")
        gone: dict[str, int] = {}
        for x in cv.listings:
            a = _letters(x.abbr or "")
            if (a and new and not _subsequence(a, new) and not _subsequence(new, a)
                    and (cv.key, a) not in curated):  # fmt: skip
                gone[a] = max(gone.get(a, 0), x.edition)
        if gone:
            out[cv.key] = (frozenset(gone), max(gone.values()))
    return out


def _is_wordlike(abbr: str) -> bool:
    return abbr.isalpha() and abbr[0].isupper() and abbr[1:].islower() and len(abbr) > 1


def _abbr_tokens(abbr: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in TOKEN_RE.findall(fold(abbr).replace("’", "'")))


class _Builder:
    def __init__(self) -> None:
        self.abbrs: dict[tuple[str, ...], dict[str, AbbrEntry]] = defaultdict(dict)
        self.phrases: dict[tuple[str, ...], set[str]] = defaultdict(set)

    def add_abbr(self, key: str, abbr: str, curated: bool) -> None:
        toks = _abbr_tokens(abbr)
        if not toks or len(toks) > 4:
            return
        letters = sum(c.isalpha() for c in abbr)
        wordlike = _is_wordlike(abbr.replace(" ", ""))
        risky = abbr in RISKY or (wordlike and len(toks) == 1 and curated is False)
        any_case = letters >= 4 and not wordlike and not risky
        old = self.abbrs[toks].get(key)
        forms = {abbr.replace(" ", " "), abbr.upper()}
        if old is not None:
            forms |= old.forms
            any_case = any_case and old.any_case
            risky = risky and old.risky
            curated = curated or old.curated
        self.abbrs[toks][key] = AbbrEntry(key, frozenset(forms), any_case, risky, curated)

    def add_phrase(self, key: str, name: str) -> None:
        words = tuple(phrase_words(name))
        if len(words) >= 2:
            self.phrases[words].add(key)
        elif len(words) == 1 and name.strip():
            # A one-word name (Neurocomputing, Automatica) behaves like a risky abbreviation.
            toks = _abbr_tokens(name.strip())
            if len(toks) == 1:
                self.abbrs[toks].setdefault(
                    key, AbbrEntry(key, frozenset({name.strip(), name.strip().upper()}),
                                   False, True, False))  # fmt: skip


def build_index(catalog: CcfCatalog, seeds: VenueSeeds) -> VenueIndex:
    """Merge CCF venues, curated aliases and non-CCF venues into lookup tables."""
    b = _Builder()
    venues: dict[str, VenueInfo] = {}
    editions = sorted(catalog.editions)
    for cv in catalog.venues:
        venues[cv.key] = VenueInfo(
            cv.key, cv.abbr or cv.full_name, cv.kind, True,
            {e: t for e in editions if (t := cv.tier(e))},
        )  # fmt: skip
        names = {(cv.abbr, "abbr"), (cv.full_name, "full_name"), *cv.aliases}
        for listing in cv.listings:
            names |= {(listing.abbr, "abbr"), (listing.full_name, "full_name")}
        for name, kind in names:
            if not name:
                continue
            if kind == "abbr":
                b.add_abbr(cv.key, name, curated=False)
            elif kind == "full_name":
                b.add_phrase(cv.key, name)
    for other in seeds.others:
        venues[other.key] = VenueInfo(other.key, other.abbr, other.kind, False)
        b.add_abbr(other.key, other.abbr, curated=True)
        b.add_phrase(other.key, other.full_name)
        for name in other.aliases:
            if "." in name or len(name.split()) > 3:
                b.add_phrase(other.key, name)
            else:
                b.add_abbr(other.key, name, curated=True)
    for alias in seeds.aliases:
        if alias.alias_type == "abbr":
            b.add_abbr(alias.venue_key, alias.alias, curated=True)
        else:
            b.add_phrase(alias.venue_key, alias.alias)

    for key in seeds.poster_main:
        if key in venues:
            venues[key].poster_main = True
    abbrs: dict[tuple[str, ...], list[AbbrEntry]] = {}
    for toks, by_key in b.abbrs.items():
        entries = list(by_key.values())
        curated = [e for e in entries if e.curated]
        abbrs[toks] = curated if len(entries) > 1 and len(curated) == 1 else entries
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for words, keys in b.phrases.items():
        if len(keys) == 1:  # a name shared by two venues decides nothing
            phrases[words[0]].append((words, next(iter(keys))))
    for cands in phrases.values():
        cands.sort(key=lambda c: -len(c[0]))
    gate: set[str] = set()
    risky_gate: set[str] = set()
    for toks, entries in abbrs.items():
        # Any one token of a multi-token abbreviation must be in the text: gate on a rare one.
        tok = next((t for t in reversed(toks) if t not in _GENERIC), toks[0]) if len(toks) > 1 \
            else toks[0]  # fmt: skip
        parts = [x for x in _LETTERS.findall(tok)] or [tok]
        target = risky_gate if all(e.risky for e in entries) else gate
        target.update(parts)
        target.update(x + "w" for x in parts)
    for cands in phrases.values():
        for words, _key in cands:
            # every word of a name is in the text (singular, or plural with an s): gate on the
            # longest word that no abbreviation expands to
            word = max((w for w in words if w not in _GENERIC), key=len, default=words[0])
            gate.update(_LETTERS.findall(word))
            gate.update(x + "s" for x in _LETTERS.findall(word))
    return VenueIndex(
        venues,
        abbrs,
        dict(phrases),
        editions,
        max(len(t) for t in abbrs) if abbrs else 1,
        frozenset(t[0] for t in abbrs if len(t) > 1),
        frozenset(t[0] for t in abbrs),
        frozenset(gate),
        frozenset(risky_gate - gate),
        _by_pair(phrases),
        _retired(catalog, seeds),
    )


def _by_pair(phrases: dict[str, list[tuple[tuple[str, ...], str]]],
             ) -> dict[tuple[str, str], list[tuple[list[str], str]]]:  # fmt: skip
    out: dict[tuple[str, str], list[tuple[list[str], str]]] = defaultdict(list)
    for cands in phrases.values():
        for words, key in cands:  # already longest first
            out[(words[0], words[1])].append((list(words), key))
    return dict(out)
