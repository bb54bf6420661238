"""Context around a venue mention: side events held at the venue, lone clauses, nearby years."""

from __future__ import annotations

import re

from tracker.venues.index import VenueIndex
from tracker.venues.mentions import Mention
from tracker.venues.patterns import (
    ABBR_YEAR_RE,
    ACCEPT,
    FILLER,
    FINDINGS,
    HOST,
    MONTHS,
    ORDINAL_RE,
    OTHER_TRACK,
    PRIOR,
    REJECT,
    SUBMIT,
    TRACK_WORDS,
    URL_RE,
    WORKSHOP,
    YEAR4_RE,
    Token,
    parse_year,
)  # fmt: skip

_HOST_GLUE = FILLER | frozenset(
    """
at with in the
""".split()  # noqa: SIM905
)


def hosted(tokens: list[Token], m: Mention, clause: list[int]) -> bool:
    """'co-located with / held at VENUE', 'Workshop at VENUE': the paper is at a side event."""
    glue_only = True
    for j in range(m.first - 1, max(-1, m.first - 12), -1):
        if clause[j] != clause[m.first]:
            return False
        low = tokens[j].low
        if low in HOST:
            return True
        if glue_only and low in WORKSHOP and j < m.first - 1:
            return True
        if not (low in _HOST_GLUE or low.isdigit() or ORDINAL_RE.match(low)):
            glue_only = False
    return False


# Acronyms that are common in comments but never name an event.
_NOT_EVENT = frozenset(
    """
ieee acm pmlr lncs ccf usa uk doi url api llm llms pdf arxiv ai ml nlp cv sota github
""".split()  # noqa: SIM905
)
_NOT_EVENT_CUES = ACCEPT | SUBMIT | REJECT | PRIOR
# Words in a later sentence that make its workshop about another paper or an earlier version.
_ELSEWHERE = PRIOR | frozenset(
    """
earlier previous prior short shorter version also preliminary award best winner prize place
""".split()  # noqa: SIM905
)
_SIDE_WORDS = frozenset({"workshop", "workshops", "wksp", "wkshp", "srw"})


def acronym_like(index: VenueIndex, tok: Token) -> bool:
    """An unknown acronym such as 'UncertaiNLP', 'MTI-LLM' or 'NTIRE' (two or more capitals)."""
    text = tok.text
    caps = sum(c.isupper() for c in text)
    if caps < 2 or caps < 0.25 * len(text) or not text[:1].isalpha():
        return False  # "MainConference" is two words run together, not an acronym
    low = tok.low
    glued = ABBR_YEAR_RE.match(low)
    if glued and (glued.group(1),) in index.abbrs:
        return False  # "ICWSM'26": a known venue with its year
    return (low not in TRACK_WORDS and low not in _NOT_EVENT and low not in _NOT_EVENT_CUES
            and (low,) not in index.abbrs and low not in MONTHS)  # fmt: skip


def unknown_acronym_then_year(index: VenueIndex, tokens: list[Token], text: str,
                              m: Mention) -> bool:  # fmt: skip
    """'NeurIPS MTI-LLM 2025' or 'CVPR 2024 GCV': an unknown acronym next to the venue's year."""
    k = m.last + 1
    if m.year_last is None:
        if k + 1 >= len(tokens) or not YEAR4_RE.match(tokens[k + 1].low):
            return False
        return acronym_like(index, tokens[k])
    k = m.year_last + 1
    if k >= len(tokens) or not acronym_like(index, tokens[k]):
        return False
    if m.via == "name" and "(" in text[tokens[m.year_last].end : tokens[k].start]:
        return False  # "Conference on X 2026 (ICX)": the name's own acronym
    return k + 1 >= len(tokens) or tokens[k + 1].low not in ("track", "paper", "papers")


def acronym_at(index: VenueIndex, tokens: list[Token], text: str, m: Mention,
               clause: list[int]) -> bool:  # fmt: skip
    """'UncertaiNLP at EMNLP 2025', 'Foundations of Reasoning (FoRLM) at NeurIPS', 'GenSign
    (https://...) at CVPR', 'Socially Responsible Foundation Models at NeurIPS': an unknown
    event held at the venue."""
    j = m.first - 1
    if j < 1 or tokens[j].low not in ("at", "in", "with"):
        return False
    k = j - 1
    if parse_year(tokens[k].low, text[tokens[k].start - 1] if tokens[k].start else "") and k:
        k -= 1
    if not _GAP_RE.match(URL_RE.sub("", text[tokens[k].end : tokens[j].start])):
        return False
    return acronym_like(index, tokens[k]) or (
        tokens[j].low == "at" and _title_before(tokens, k, clause) >= 3
    )


_GAP_RE = re.compile(r"^[\s()\[\]]*$")
# Capitalised words that describe the paper or its track, not an event's title.
_NOT_TITLE = (
    ACCEPT
    | SUBMIT
    | REJECT
    | PRIOR
    | TRACK_WORDS
    | frozenset(
        """
award awards best nominated nominee finalist honorable mention talk talks session invited
full regular contributed presentation datasets dataset benchmarks benchmark camera-ready ready
version final
""".split()  # noqa: SIM905
    )
)


def _title_before(tokens: list[Token], k: int, clause: list[int]) -> int:
    """How many capitalised words form a title ending at token ``k`` ("Trustworthy
    Foundation Models"), 0 when a word there names the paper's status or track."""
    caps = 0
    cid = clause[k]
    while k >= 0 and clause[k] == cid:
        tok = tokens[k]
        if tok.low in _NOT_TITLE:
            return 0
        if tok.text[:1].isupper() and tok.text.isalpha():
            caps += tok.low not in FILLER
        elif tok.low not in FILLER or tok.low in ("the", "a", "an", "at", "to", "by"):
            break  # "Spotlight at Trustworthy Foundation Models at ...": the title ends
        k -= 1
    return caps


def _clause_tokens(clause: list[int], cid: int) -> range:
    lo = clause.index(cid) if cid in clause else 0
    hi = lo
    while hi < len(clause) and clause[hi] == cid:
        hi += 1
    return range(lo, hi)


def _side_clause(index: VenueIndex, tokens: list[Token], ks: range, dashed: bool) -> str | None:
    """The track a clause names on its own: a workshop, or after a dash a titled event
    ("- New Trends in Image Restoration") or a side track ("- Demonstration Track")."""
    words = [tokens[k] for k in ks]
    lows = {t.low for t in words}
    if not lows or not lows.isdisjoint(_ELSEWHERE) or not lows.isdisjoint(_NOT_EVENT_CUES):
        return None
    if not lows.isdisjoint(_SIDE_WORDS):
        return "workshop"
    if not dashed:
        return None
    if len(words) <= 4 and not lows.isdisjoint(OTHER_TRACK | FINDINGS):
        return "findings" if not lows.isdisjoint(FINDINGS) else "other"
    if not lows.isdisjoint(TRACK_WORDS):
        return None
    caps = [t for t in words if t.text[:1].isupper() and t.low not in FILLER]
    if len(caps) >= 3 and all(t.text[:1].isupper() or t.low in FILLER for t in words[:3]):
        return "workshop"
    return None


def side_event_nearby(index: VenueIndex, tokens: list[Token], text: str, clause: list[int],
                      m: Mention, mentions: list[Mention]) -> str | None:  # fmt: skip
    """'ECCV 2024. Workshop page: ...', 'NeurIPS 2025 - Reliable ML Workshop',
    'TrustAICyberSec workshop - IEEE ISCC 2024': a neighbouring clause with no venue of its own
    names the side event or track the paper was at."""
    cid = clause[m.first]
    with_mention = {clause[x.first] for x in mentions}
    last = clause[-1]
    for other in (cid + 1, cid + 2, cid - 1):
        if other < 0 or other > last or other in with_mention:
            continue
        ks = _clause_tokens(clause, other)
        if not ks:
            continue
        lo, hi = (ks[-1], m.first) if other < cid else (m.last, ks[0])
        gap = text[tokens[min(lo, len(tokens) - 1)].end : tokens[hi].start]
        dashed = " - " in gap or " -- " in gap
        if other == cid - 1 and not dashed:
            continue
        if other == cid + 2 and (cid + 1) in with_mention:
            break
        side = _side_clause(index, tokens, ks, dashed)
        if side:
            return side
    return None


def host_cue_between(tokens: list[Token], m: Mention, j: int) -> bool:
    """A track word after 'co-located with' belongs to the host, not to this mention."""
    lo, hi = (m.last, j) if j > m.last else (j, m.first)
    return any(t.low in HOST for t in tokens[lo:hi])


def alone(m: Mention, tokens: list[Token], clause: list[int]) -> bool:
    """The clause is just the venue plus track words ("TPAMI", "NeurIPS main track")."""
    cid = clause[m.first]
    rest = [t for k, t in enumerate(tokens) if clause[k] == cid and not m.first <= k <= m.last]
    return all(t.low in TRACK_WORDS for t in rest)


def clause_year(tokens: list[Token], text: str, clause: list[int], m: Mention,
                 mentions: list[Mention]) -> int | None:  # fmt: skip
    cid = clause[m.first]
    taken = {x.year_last for x in mentions if x is not m and x.year_last is not None}
    best: tuple[int, int] | None = None
    for k, tok in enumerate(tokens):
        if clause[k] != cid or m.first <= k <= m.last or k in taken:
            continue
        year = parse_year(tok.low, text[tok.start - 1] if tok.start else "")
        if year is not None:
            dist = abs(k - m.last)
            if best is None or dist < best[0]:
                best = (dist, year)
    return best[1] if best else None
