"""Find venue mentions in a tokenized text: abbreviations (with glued or nearby years) and names."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from tracker.venues.abbrs import adjacent_year, cue_before, find_abbr, year_before
from tracker.venues.index import AbbrEntry, VenueIndex
from tracker.venues.patterns import (
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
    singular,
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
        if not cue_before(tokens, first, clause, 5):
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


# "ACL Anthology", "NeurIPS style": the abbreviation names a publisher or a template.
_NOT_VENUE_NEXT = frozenset(
    """
anthology style template format formatting checklist latex
""".split()  # noqa: SIM905
)
_PUBLISHER_BEFORE = frozenset({"springer"})  # "Springer Nature" is the publisher
_SPONSOR_EVENT = frozenset({"conference", "symposium"})
_NAME_GLUE = frozenset({"for", "of", "on", "from"})


def _names_something_else(tokens: list[Token], text: str, last: int, clause: list[int]) -> bool:
    """The abbreviation starts a longer name: 'SIGIR Conference on Human Information ...'
    (a sponsor), 'AI for Accelerated Materials Design', 'Big Data from Space', 'ACL Anthology'."""
    if last + 2 >= len(tokens) or clause[last + 1] != clause[last]:
        return last + 1 < len(tokens) and tokens[last + 1].low in _NOT_VENUE_NEXT
    nxt, after = tokens[last + 1], tokens[last + 2]
    if text[tokens[last].end : nxt.start].strip():
        return False
    if nxt.low in _NOT_VENUE_NEXT:
        return True
    if nxt.low in _SPONSOR_EVENT and after.low == "on" and nxt.text[:1].isupper():
        return True
    return (nxt.low in _NAME_GLUE and after.text[:1].isupper() and after.low not in MONTHS
            and not text[nxt.end : after.start].strip())  # fmt: skip


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
                    adj = adjacent_year(tokens, text, last, clause)
                    year = adj[0] if adj else year_before(tokens, first, clause)
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
            adj = adjacent_year(tokens, text, last, clause)
            if adj:
                year, year_last = adj
        adjacent = year is not None
        risky = all(e.risky for e in entries)
        if risky and not cue_before(tokens, i, clause):
            i = last + 1
            continue
        if index.retired:
            entries = _not_retired(index, entries, text, tokens, i, last, year)
            if not entries:
                i = last + 1
                continue
        keys = tuple(sorted({e.key for e in entries}))
        if index.venues[keys[0]].kind == "journal" and _event_follows(tokens, last, clause):
            i = last + 1
            continue
        if (year is None and _names_something_else(tokens, text, last, clause)) or (
            i > 0 and tokens[i - 1].low in _PUBLISHER_BEFORE
        ):
            i = last + 1
            continue
        mentions.append(Mention(keys[0], i, last, via, year, adjacent,
                                keys if len(keys) > 1 else (), year_last))  # fmt: skip
        i = last + 1
    mentions.sort(key=lambda m: m.first)
    return mentions


def _not_retired(index: VenueIndex, entries: list[AbbrEntry], text: str, tokens: list[Token],
                 i: int, last: int, year: int | None) -> list[AbbrEntry]:  # fmt: skip
    """Drop venues for which this is a former abbreviation and the year is later than the last
    CCF edition that used it ("ITS 2025" is not the renamed ISS)."""
    raw = "".join(c for c in text[tokens[i].start : tokens[last].end].lower() if c.isalpha())
    out = []
    for e in entries:
        old = index.retired.get(e.key)
        if old and raw in old[0] and (year is None or year > old[1]):
            continue
        out.append(e)
    return out
