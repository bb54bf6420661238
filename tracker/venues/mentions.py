"""Find venue mentions in a tokenized text: abbreviations (with glued or nearby years) and names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tracker.venues.index import AbbrEntry, VenueIndex
from tracker.venues.patterns import (
    ABBR_YEAR_RE,
    ACCEPT,
    CONTINUATION,
    EVENT_WORDS,
    EXPAND,
    FILLER,
    MONTHS,
    NUMBER_RE,
    ORDINAL_RE,
    PUBLISHED,
    SUBMIT,
    TRACK_WORDS,
    Token,
    parse_year,
    singular,
    two_digit_year,
)  # fmt: skip

_CUE = ACCEPT | SUBMIT | PUBLISHED | frozenset({"in", "at", "to", "by"})
_STRONG_CUE = ACCEPT | SUBMIT | PUBLISHED


@dataclass
class Mention:
    """One place where a venue is named."""

    key: str
    first: int
    """Index of the first token."""
    last: int
    """Index of the last token (inclusive)."""
    via: str
    """``abbr``, ``abbr+year`` (glued year), ``name`` (full name) or ``workshop-abbr`` (CVPRW)."""
    year: int | None = None
    year_adjacent: bool = False
    ambiguous: tuple[str, ...] = ()
    year_last: int | None = None
    """Index of the year token when the year is written right after the venue."""


def _prev_char(text: str, tok: Token) -> str:
    return text[tok.start - 1] if tok.start > 0 else ""


def _entry_ok(entry: AbbrEntry, raw: str) -> bool:
    return entry.any_case or raw in entry.forms


_CUE_GLUE = frozenset(
    """
to in at by for the a journal publication ieee acm elsevier springer wiley of as an
""".split()  # noqa: SIM905
)  # fmt: skip


def _cue_before(tokens: list[Token], first: int, clause: list[int], window: int = 4) -> bool:
    """True when "accepted/published/submitted [to|in|by the ...]" is right before ``first``."""
    cid = clause[first]
    for j in range(first - 1, max(-1, first - 1 - window), -1):
        if clause[j] != cid:
            return False
        low = tokens[j].low
        if low in _STRONG_CUE and low not in ("proceedings", "proceeding", "poster", "oral"):
            return True
        if low not in _CUE_GLUE:
            return False
    return False


def _adjacent_year(tokens: list[Token], text: str, last: int,
                   clause: list[int]) -> tuple[int, int] | None:  # fmt: skip
    """(year, token index) right after the mention, allowing a couple of track words between."""
    cid = clause[last]
    for j in range(last + 1, min(len(tokens), last + 6)):
        if clause[j] != cid:
            return None
        tok = tokens[j]
        year = parse_year(tok.low, _prev_char(text, tok))
        if year is not None:
            return year, j
        if tok.low not in TRACK_WORDS:
            return None
    return None


def _year_before(tokens: list[Token], first: int, clause: list[int]) -> int | None:
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
            ok = [e for e in entries if _entry_ok(e, raw)]
            if ok:
                return ok, i + n - 1, None, "abbr"
    raw = tokens[i].text
    entries = index.abbrs.get((low,))
    if entries:
        ok = [e for e in entries if _entry_ok(e, raw)]
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
            ok = [e for e in entries if _entry_ok(e, raw_head)]
            if ok:
                return ok, i, year, "abbr+year" if year else "abbr"
    m = ABBR_YEAR_RE.match(low)
    if m:  # cvpr2025, ECCV24, CVPR'25, cvprw2026
        entries = index.abbrs.get((m.group(1),))
        year = two_digit_year(m.group(2))
        raw_head = raw[: len(m.group(1))]
        if entries and year:
            ok = [e for e in entries if e.any_case or raw_head in e.forms]
            if ok:
                return ok, i, year, "abbr+year"
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


def _phrase_stream(tokens: list[Token]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for idx, tok in enumerate(tokens):
        low = tok.low
        if low.isalpha():
            if low not in FILLER:
                out.append((_word(low), idx))
            continue
        for part in low.replace("'", " ").replace("&", " ").replace("-", " ").split():
            if part in FILLER or ORDINAL_RE.match(part) or NUMBER_RE.match(part):
                continue
            out.append((_word(part), idx))
    return out


@lru_cache(maxsize=65536)
def _word(part: str) -> str:
    part = EXPAND.get(part, part)
    return "" if part in FILLER else singular(part)


def _phrase_boundaries_ok(tokens: list[Token], text: str, first: int, last: int,
                          short: bool, clause: list[int]) -> bool:  # fmt: skip
    # The name must not continue into a longer, unknown name ("... Computer Vision Theory and").
    if last + 1 < len(tokens):
        nxt = tokens[last + 1]
        gap = text[tokens[last].end : nxt.start]
        if gap.strip() == "." and nxt.text[:1].isupper() and text[nxt.end : nxt.end + 1] == ".":
            return False  # ISO abbreviation continues: "ACM Trans. Comput. Logic."
        if gap.strip() == "":
            if nxt.low in CONTINUATION:
                after = tokens[last + 2] if last + 2 < len(tokens) else None
                if after is not None and after.text[:1].isupper():
                    return False
            elif (nxt.text[:1].isupper() and not nxt.text.isupper()
                  and nxt.low not in TRACK_WORDS and nxt.low not in MONTHS):  # fmt: skip
                return False
    # ... nor start in the middle of one ("Indian Conference on Computer Vision").
    j = first - 1
    while j >= 0 and (tokens[j].low in FILLER or NUMBER_RE.match(tokens[j].low)
                      or ORDINAL_RE.match(tokens[j].low)):  # fmt: skip
        if tokens[j].text.islower():  # "at the", "of": the name starts after a connector
            j = -1
            break
        j -= 1
    k = first - 1
    while k >= 0 and tokens[k].low in FILLER:
        k -= 1
    if k >= 0 and tokens[k].low in EVENT_WORDS and clause[k] == clause[first]:
        return False  # "Conference on Artificial Intelligence in Medicine" is not the journal
    if j >= 0 and clause[j] == clause[first]:
        prev = tokens[j]
        gap = text[prev.end : tokens[j + 1].start]
        if (
            gap.strip() in ("", "-")
            and prev.text[:1].isupper()
            and not prev.text.isupper()
            and prev.low not in _CUE
            and prev.low not in TRACK_WORDS
        ):
            return False
    if short:  # two-word journal names (Pattern Recognition) need "accepted by"/"published in"
        if not _cue_before(tokens, first, clause, 5):
            return False
        if not all(t.text[:1].isupper() for t in tokens[first : last + 1] if t.low not in FILLER):
            return False
    return True


def _inside_event(tokens: list[Token], first: int, clause: list[int]) -> bool:
    """A journal name inside an event title ("Workshop on ... Medical Image Analysis")."""
    for j in range(first - 1, max(-1, first - 10), -1):
        if clause[j] != clause[first] or tokens[j].low in _STRONG_CUE:
            return False
        if tokens[j].low in EVENT_WORDS:
            return True
    return False


def _event_follows(tokens: list[Token], last: int, clause: list[int]) -> bool:
    """'EAAI-24: The 14th Symposium on ...': a journal abbreviation naming an event."""
    for j in range(last + 1, min(len(tokens), last + 6)):
        if clause[j] != clause[last]:
            return False
        if tokens[j].low in EVENT_WORDS:
            return True
    return False


def find_mentions(index: VenueIndex, tokens: list[Token], text: str,
                  clause: list[int]) -> list[Mention]:  # fmt: skip
    """Every venue mention, left to right; names first, then abbreviations outside names."""
    mentions: list[Mention] = []
    covered: set[int] = set()
    stream = _phrase_stream(tokens)
    p = 0
    pairs = index.phrase_pairs
    words_only = [w for w, _ in stream]
    last_p = len(stream) - 1
    while p < last_p:
        cands = pairs.get((words_only[p], words_only[p + 1]))
        matched = False
        if cands:
            for words, key in cands:
                n = len(words)
                if words_only[p : p + n] == words:
                    first, last = stream[p][1], stream[p + n - 1][1]
                    if clause[first] != clause[last]:
                        continue
                    if not _phrase_boundaries_ok(tokens, text, first, last, n <= 2, clause):
                        continue
                    if index.venues[key].kind == "journal" and _inside_event(tokens, first, clause):
                        continue
                    adj = _adjacent_year(tokens, text, last, clause)
                    year = adj[0] if adj else _year_before(tokens, first, clause)
                    mentions.append(
                        Mention(
                            key,
                            first,
                            last,
                            "name",
                            year,
                            year is not None,
                            year_last=adj[1] if adj else None,
                        )
                    )
                    covered.update(range(first, last + 1))
                    p += n
                    matched = True
                    break
        if not matched:
            p += 1
    i = 0
    heads = index.abbr_heads
    n_tokens = len(tokens)
    while i < n_tokens:
        low = tokens[i].low
        if low not in heads and ((low.isalpha() and low[-1] != "w") or low.isdigit()):
            i += 1
            continue
        if i in covered or not low[:1].isalnum():
            i += 1
            continue
        entries, last, year, via = find_abbr(index, tokens, i)
        if not entries or any(k in covered for k in range(i, last + 1)):
            i += 1
            continue
        year_last = None
        if year is None:
            adj = _adjacent_year(tokens, text, last, clause)
            if adj:
                year, year_last = adj
        adjacent = year is not None
        risky = all(e.risky for e in entries)
        if risky and not _cue_before(tokens, i, clause):
            i = last + 1
            continue
        keys = tuple(sorted({e.key for e in entries}))
        if index.venues[keys[0]].kind == "journal" and _event_follows(tokens, last, clause):
            i = last + 1
            continue
        mentions.append(Mention(keys[0], i, last, via, year, adjacent,
                                keys if len(keys) > 1 else (), year_last))  # fmt: skip
        i = last + 1
    mentions.sort(key=lambda m: m.first)
    return mentions
