"""Read one text (a comment or a journal-ref): which venue it claims, with what status and track."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.venues.context import (
    acronym_at,
    alone,
    clause_year,
    host_cue_between,
    hosted,
    side_event_nearby,
    unknown_acronym_then_year,
)
from tracker.venues.cues import status_of, track_of
from tracker.venues.index import VenueIndex
from tracker.venues.mentions import Mention, find_mentions
from tracker.venues.patterns import (
    ACCEPT,
    SUBMIT,
    Text,
    Token,
    as_text,
    clause_ids,
)  # fmt: skip
from tracker.venues.status import may_name_venue

_MAIN_KINDS = ("conference", "journal")
_WEAK = frozenset(
    """
proceedings proceeding oral spotlight highlight poster selected camera
""".split()  # noqa: SIM905
)


@dataclass
class Claim:
    """A venue mention after reading its context."""

    mention: Mention
    status: str
    """``accepted``, ``published``, ``submitted``, ``rejected``, ``prior`` or ``none``."""
    kind: str
    year: int | None
    start: int
    end: int
    why: list[str] = field(default_factory=list)

    @property
    def explicit(self) -> bool:
        """The status comes from a cue word, not from a bare mention."""
        return any(w.startswith("cue") or w.startswith("journal-ref") for w in self.why)

    @property
    def rank(self) -> tuple[int, int, int]:
        """Sort key: accepted main track first, then other accepted, submitted, rejected."""
        s = {"published": 0, "accepted": 0, "submitted": 1, "rejected": 2}.get(self.status, 3)
        return (s, 0 if self.kind in _MAIN_KINDS else 1, self.mention.first)


def best_claim(claims: list[Claim]) -> Claim | None:
    """The claim that decides; an explicit status beats a bare mention of the same venue."""
    explicit = {c.mention.key for c in claims if c.explicit}
    kept = [c for c in claims if c.explicit or c.mention.key not in explicit]
    return min(kept, key=lambda c: c.rank) if kept else None


def read_text(index: VenueIndex, text: str | Text, source: str,
              trace: list[str] | None = None) -> list[Claim]:  # fmt: skip
    """Every venue claim in ``text`` with status and kind decided from its clause."""
    read = as_text(text)
    folded, text = read.folded, read.raw
    if not may_name_venue(index, read):
        if trace is not None:
            trace.append(f"{source}: no word that could start a venue name")
        return []
    tokens = read.tokens
    if not tokens:
        return []
    clause = clause_ids(folded, tokens)
    mentions = find_mentions(index, tokens, folded, clause)
    if trace is not None:
        trace.append(f"{source}: {len(tokens)} tokens, {max(clause) + 1} clause(s), "
                     f"{len(mentions)} venue mention(s)")  # fmt: skip
    if not mentions:
        return []
    spans = {k for m in mentions for k in range(m.first, m.last + 1)}
    mentions = _merge(mentions, tokens, folded, clause)
    cues: list[tuple[int, str, str]] = []  # (token index, 'status'|'track', value)
    for j, tok in enumerate(tokens):
        if j in spans and tok.low not in ACCEPT | SUBMIT:
            continue
        st = status_of(tok.low, tokens, j)
        if st:
            cues.append((j, "status", st))
        tr = track_of(tok.low, tokens, j)
        if tr:
            cues.append((j, "track", tr))
    claims = [_read_mention(index, m, mentions, cues, tokens, folded, clause, source)
              for m in mentions]  # fmt: skip
    if trace is not None:
        for c in claims:
            name = index.venues[c.mention.key].name
            trace.append(
                f"  {name!r} via {c.mention.via} at {text[c.start : c.end]!r}: "
                f"status={c.status} kind={c.kind} year={c.year} ({'; '.join(c.why)})"
            )
    return claims


def _merge(mentions: list[Mention], tokens: list[Token], text: str,
           clause: list[int]) -> list[Mention]:  # fmt: skip
    """One mention per venue per clause; 'Findings of ACL: EMNLP' keeps the one after the colon."""
    out: list[Mention] = []
    for m in mentions:
        if out and clause[out[-1].first] == clause[m.first]:
            prev = out[-1]
            if prev.key == m.key or (prev.ambiguous and m.key in prev.ambiguous
                                     and m.via == "name"):  # fmt: skip
                if prev.key != m.key or not m.ambiguous:
                    prev.key, prev.ambiguous = m.key, ()  # "SEC 2025: ... Edge Computing"
                prev.last = max(prev.last, m.last)
                if m.via == "workshop-abbr":
                    prev.via = m.via
                if prev.year is None:
                    prev.year, prev.year_adjacent = m.year, m.year_adjacent
                    prev.year_last = m.year_last
                continue
            gap = text[tokens[prev.last].end : tokens[m.first].start]
            if gap.strip() in (":", "-") and not prev.year_adjacent:
                out[-1] = m
                continue
            if gap.strip() in ("", "(") and prev.last + 1 == m.first and prev.year is None:
                out[-1] = m  # "AAAI AIES 2025", "AAAI (AIES 2025)": the society, then the venue
                continue
        out.append(m)
    return out


def _nearest_mention(j: int, mentions: list[Mention], clause: list[int]) -> Mention | None:
    best: tuple[int, int] | None = None
    pick = None
    for m in mentions:
        if clause[m.first] != clause[j]:
            continue
        dist = m.first - j if j < m.first else (j - m.last if j > m.last else 0)
        # a track word after a venue ("CVPR 2024 Workshop") binds before one far ahead
        cand = (dist, 0 if j > m.last else 1)
        if best is None or cand < best:
            best, pick = cand, m
    return pick


def _at_suffix(text: str, end: int) -> bool:
    """'RE@Next!': a track or event named right after the venue with an @."""
    return text[end : end + 1] == "@" and text[end + 1 : end + 2].isalpha()


def _held_at_later(j: int, m: Mention, mentions: list[Mention], tokens: list[Token],
                   text: str) -> bool:  # fmt: skip
    """'NAACL 2025 (Main) & Workshop on ... @ ICML 2024': the track word after this mention
    names an event held at a later venue, so it is that venue's."""
    end = m.year_last if m.year_last is not None else m.last
    if j <= end + 1:
        return False  # "(ML4H) Workshop at NeurIPS": the word right after a venue is its own
    for x in mentions:
        if x.first > j:
            between = {t.low for t in tokens[j + 1 : x.first]}
            return (
                ("@" in text[tokens[x.first - 1].end : tokens[x.first].start]
                 or tokens[x.first - 1].low in ("at", "with", "conjunction"))
                and between.isdisjoint(ACCEPT) and between.isdisjoint(SUBMIT)
            )  # fmt: skip
    return False


def _read_mention(index: VenueIndex, m: Mention, mentions: list[Mention],
                  cues: list[tuple[int, str, str]], tokens: list[Token], text: str,
                  clause: list[int], source: str) -> Claim:  # fmt: skip
    venue = index.venues[m.key]
    cid = clause[m.first]
    why: list[str] = []
    start, end = tokens[m.first].start, tokens[m.last].end
    if m.year_last is not None:
        end = tokens[m.year_last].end
    status: str | None = None
    before = [c for c in cues if c[1] == "status" and c[0] < m.first and clause[c[0]] == cid]
    strong = [c for c in before if tokens[c[0]].low not in _WEAK]
    if strong and tokens[before[-1][0]].low in _WEAK:
        before = strong  # "Published at Proceedings of ...": the verb decides, not the noun
    if before:
        j, _, status = before[-1]
        # a cue that belongs to an earlier mention in the clause does not carry over
        between = [x for x in mentions if j < x.first < m.first]
        if between and status in ("prior",):
            status = None
        else:
            start = min(start, tokens[j].start)
            why.append(f"cue {tokens[j].text!r}")
    if status is None:
        after = [c for c in cues if c[1] == "status" and c[0] > m.last and clause[c[0]] == cid
                 and not any(m.last < x.first < c[0] for x in mentions)]  # fmt: skip
        later = [x for x in mentions if x.first > m.last and clause[x.first] == cid]
        if after and not later and after[0][2] != "prior":
            j, _, status = after[0]
            end = max(end, tokens[j].end)
            why.append(f"cue after {tokens[j].text!r}")
    if (
        source == "journal_ref"
        and status == "accepted"
        and not any(tokens[c[0]].low in ("accepted", "appear", "accept") for c in before)
    ):
        status = "published"
    if status is None:
        if source == "journal_ref":
            status = "published"
            why.append("journal-ref names it")
        elif m.year is not None or m.via in ("name", "abbr+year") or alone(m, tokens, clause):
            status = "accepted"
            why.append("named with a year or in full, no cue: taken as accepted")
        else:
            status = "none"
            why.append("named without year or cue: ignored")
    kind = venue.kind
    if m.via == "workshop-abbr":
        kind = "workshop"
        why.append("W suffix")
    elif (
        text[: tokens[m.first].start].rstrip().endswith("@")
        or hosted(tokens, m, clause)
        or _at_suffix(text, tokens[m.first].end)
        or _at_suffix(text, tokens[m.last].end)
    ):
        kind = "workshop"
        why.append("an event held at / co-located with the venue")
    elif (unknown_acronym_then_year(index, tokens, text, m)
          or acronym_at(index, tokens, text, m, clause)):  # fmt: skip
        kind = "workshop"
        why.append("an unknown event (acronym) at the venue")
    elif kind in _MAIN_KINDS and (side := side_event_nearby(index, tokens, text, clause, m,
                                                            mentions)):  # fmt: skip
        kind = side
        why.append(f"a neighbouring clause names a {side} track")
    for j, typ, value in cues:
        if (
            typ == "track"
            and _nearest_mention(j, mentions, clause) is m
            and not host_cue_between(tokens, m, j)
            and not _held_at_later(j, m, mentions, tokens, text)
        ):
            if kind == "workshop" and value != "workshop":
                continue
            if value == "poster":
                if venue.poster_main:
                    continue
                value = "other"
            kind = value
            start, end = min(start, tokens[j].start), max(end, tokens[j].end)
            why.append(f"track word {tokens[j].text!r}")
            if value == "workshop":
                break
    if m.ambiguous:
        status = "none"
        why.append(f"abbreviation is ambiguous ({', '.join(m.ambiguous)})")
    year = m.year if m.year is not None else clause_year(tokens, text, clause, m, mentions)
    if year is not None and m.year is None:
        why.append("year from the clause")
    return Claim(m, status, kind, year, start, end, why)
