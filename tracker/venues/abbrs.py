"""Abbreviation lookups: which venues a token (or a few) may stand for, and the year next to it."""

from __future__ import annotations

from tracker.venues.index import AbbrEntry, VenueIndex
from tracker.venues.patterns import (
    ABBR_YEAR_RE,
    ACCEPT,
    FILLER,
    MONTHS,
    NUMBER_RE,
    ORDINAL_RE,
    PUBLISHED,
    SUBMIT,
    TRACK_WORDS,
    Token,
    parse_year,
    two_digit_year,
)  # fmt: skip

STRONG_CUE = ACCEPT | SUBMIT | PUBLISHED


def prev_char(text: str, tok: Token) -> str:
    return text[tok.start - 1] if tok.start > 0 else ""


def entry_ok(entry: AbbrEntry, raw: str) -> bool:
    return entry.any_case or raw in entry.forms


_CUE_GLUE = frozenset(
    """
to in at by for the a journal publication ieee acm elsevier springer wiley of as an
""".split()  # noqa: SIM905
)  # fmt: skip


def cue_before(tokens: list[Token], first: int, clause: list[int], window: int = 4) -> bool:
    """True when "accepted/published/submitted [to|in|by the ...]" is right before ``first``."""
    cid = clause[first]
    for j in range(first - 1, max(-1, first - 1 - window), -1):
        if clause[j] != cid:
            return False
        low = tokens[j].low
        if low in STRONG_CUE and low not in ("proceedings", "proceeding", "poster", "oral"):
            return True
        if low not in _CUE_GLUE:
            return False
    return False


def adjacent_year(tokens: list[Token], text: str, last: int,
                   clause: list[int]) -> tuple[int, int] | None:  # fmt: skip
    """(year, token index) right after the mention, allowing a couple of track words between."""
    cid = clause[last]
    for j in range(last + 1, min(len(tokens), last + 6)):
        if clause[j] != cid:
            return None
        tok = tokens[j]
        year = parse_year(tok.low, prev_char(text, tok))
        if year is not None:
            return year, j
        if j == last + 1 and _spaced_short_year(tokens, text, j):
            return 2000 + int(tok.low), j  # "USENIX Security 25", "ICLR 26"
        if tok.low not in TRACK_WORDS:
            return None
    return None


# Words after a number that make it a count or a date, not a year ("CVPR 25 pages").
_NOT_YEAR_AFTER = MONTHS | frozenset(
    """
pages page pp figures figure figs fig tables table min minutes th to and
""".split()  # noqa: SIM905
)


def _spaced_short_year(tokens: list[Token], text: str, j: int) -> bool:
    """A bare two-digit year 10-29 written after a space, not followed by a unit or a number."""
    low = tokens[j].low
    if len(low) != 2 or not low.isdigit() or not 10 <= int(low) <= 29:
        return False
    if prev_char(text, tokens[j]) != " ":
        return False
    after = text[tokens[j].end : tokens[j].end + 1]
    if after in ("-", "/", ".", ":") and text[tokens[j].end + 1 : tokens[j].end + 2].isdigit():
        return False  # "25-28", "25.5", "25/10"
    nxt = tokens[j + 1].low if j + 1 < len(tokens) else ""
    return not nxt.isdigit() and nxt not in _NOT_YEAR_AFTER


def year_before(tokens: list[Token], first: int, clause: list[int]) -> int | None:
    """A year among the filler words just before a name ("the 2024 IEEE/CVF Conference")."""
    for j in range(first - 1, max(-1, first - 6), -1):
        if clause[j] != clause[first]:
            return None
        tok = tokens[j]
        if NUMBER_RE.match(tok.low) and len(tok.low) == 4:
            return two_digit_year(tok.low)
        if tok.low not in FILLER and not ORDINAL_RE.match(tok.low):
            return None
    return None


def find_abbr(
    index: VenueIndex, tokens: list[Token], i: int
) -> tuple[list[AbbrEntry], int, int | None, str]:
    """Abbreviation entries starting at token ``i``: (entries, last index, glued year, via)."""
    low = tokens[i].low
    for n in range(
        min(index.max_abbr_len, len(tokens) - i) if low in index.multi_first else 1, 1, -1
    ):
        key = tuple(t.low for t in tokens[i : i + n])
        entries = index.abbrs.get(key)
        if entries:
            raw = " ".join(t.text for t in tokens[i : i + n])
            ok = [e for e in entries if entry_ok(e, raw)]
            if ok:
                return ok, i + n - 1, None, "abbr"
        glued = ABBR_YEAR_RE.match(key[-1]) if n > 1 else None
        if glued:  # "ACM MM25", "ACM MM'25"
            entries = index.abbrs.get((*key[:-1], glued.group(1)))
            year = two_digit_year(glued.group(2))
            raw = " ".join(t.text for t in tokens[i : i + n])[: -len(glued.group(2))].rstrip("'-")
            ok = [e for e in entries or [] if entry_ok(e, raw)]
            if ok and year:
                return ok, i + n - 1, year, "abbr+year"
    raw = tokens[i].text
    entries = index.abbrs.get((low,))
    if entries:
        ok = [e for e in entries if entry_ok(e, raw)]
        if ok:
            return ok, i, None, "abbr"
    if low.isalpha() and not low.endswith("w"):
        return [], i, None, ""
    if "-" in low:  # ACL-IJCNLP, AAAI-26, EMNLP-IJCNLP (but not WI-IAT)
        head, _, tail = low.partition("-")
        year = two_digit_year(tail) if tail.isdigit() else None
        known_tail = year is not None or (tail,) in index.abbrs
        entries = index.abbrs.get((head,)) if known_tail else None
        raw_head = raw.partition("-")[0]
        if entries:
            ok = [e for e in entries if entry_ok(e, raw_head)]
            if ok:
                return ok, i, year, "abbr+year" if year else "abbr"
    m = ABBR_YEAR_RE.match(low)
    if m:  # cvpr2025, ECCV24, CVPR'25, cvprw2026
        entries = index.abbrs.get((m.group(1),))
        year = two_digit_year(m.group(2))
        raw_head = raw[: len(m.group(1))]
        if entries and (year or len(m.group(2)) == 2):
            ok = [
                e for e in entries if (e.any_case or raw_head in e.forms) and (year or not e.risky)
            ]
            if ok:  # "CADE30" is the 30th CADE: the venue, with the year found elsewhere
                return ok, i, year, "abbr+year" if year else "abbr"
        head = m.group(1)
        if year and len(head) >= 4 and head.endswith("w"):
            entries = index.abbrs.get((head[:-1],))
            ok = [e for e in entries or [] if e.any_case or raw_head[:-1] in e.forms]
            if len(ok) == 1:
                return ok, i, year, "workshop-abbr"
    if len(low) >= 4 and low.endswith("w") and raw[-1] in "Ww":  # CVPRW, ICCVW
        entries = index.abbrs.get((low[:-1],))
        if entries:
            ok = [e for e in entries if e.any_case or raw[:-1] in e.forms]
            if ok and len(ok) == 1:
                return ok, i, None, "workshop-abbr"
    return [], i, None, ""
