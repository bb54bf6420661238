"""Cheap checks and status words read without a venue: "Under review", "Accepted at PROPOR"."""

from __future__ import annotations

from tracker.venues.cues import earlier_version_before
from tracker.venues.index import VenueIndex
from tracker.venues.patterns import REJECT, Text, as_text

_GATE_CUES = frozenset(
    """
accepted accept published publication appear submitted review proceedings in to at by
""".split()  # noqa: SIM905
)  # fmt: skip


def may_name_venue(index: VenueIndex, text: str | Text) -> bool:
    """Cheap test: does any letter run of the text start a known venue name or abbreviation?"""
    words = as_text(text).words
    if not index.gate.isdisjoint(words):
        return True
    return not index.risky_gate.isdisjoint(words) and not _GATE_CUES.isdisjoint(words)


_STATUS_GATE = frozenset(
    """
accepted accept appear published appeared proceedings submitted resubmitted review
submission camera
""".split()  # noqa: SIM905
)  # fmt: skip


_AFTER_ACCEPT = frozenset(
    """
to at in by for as and
""".split()  # noqa: SIM905
)


def read_status_only(text: str | Text) -> tuple[str, int, int] | None:
    """Status stated without a venue we know: (status, start, end) or None.

    "Under review", "Accepted at PROPOR 2026", "Published in Structural Optimization".
    """
    read = as_text(text)
    if _STATUS_GATE.isdisjoint(read.words):
        return None
    folded, tokens = read.folded, read.tokens
    found: dict[str, tuple[int, int]] = {}
    for j, tok in enumerate(tokens):
        low = tok.low
        nxt = tokens[j + 1].low if j + 1 < len(tokens) else ""
        prev = tokens[j - 1].low if j else ""
        status = None
        if low in REJECT:
            return None
        if (
            (low == "review" and prev in ("under", "in"))
            or (low == "submission" and prev in ("under", "in"))
            or (low in ("submitted", "resubmitted") and nxt != "version")
        ):
            status = "submitted"
        elif (
            (low in ("accepted", "accept") and (nxt in _AFTER_ACCEPT or not nxt))
            or (low == "appear" and prev == "to")
            or low in ("camera-ready",)
        ):
            status = "accepted"
        elif (low in ("published", "appeared") and nxt in ("in", "at", "by", "on", "as")) or (
            low in ("proceedings",) and prev == "in"
        ):
            status = "published"
        if status in ("accepted", "published") and earlier_version_before(tokens, j):
            status = None  # "A preliminary version appeared in ...": not this record
        if status and status not in found:
            start = tokens[j - 1].start if prev in ("under", "in", "to") and j else tok.start
            k = j
            while (
                k + 1 < len(tokens)
                and k < j + 12
                and not any(ch in ".;|" for ch in folded[tokens[k].end : tokens[k + 1].start])
            ):
                k += 1
            found[status] = (start, tokens[k].end)
    for status in ("accepted", "published", "submitted"):
        if status in found:
            return status, *found[status]
    return None
