"""Cheap checks and status words read without a venue: "Under review", "Accepted at PROPOR"."""

from __future__ import annotations

import re
from functools import lru_cache

from tracker.venues.cues import earlier_version_before
from tracker.venues.index import VenueIndex
from tracker.venues.patterns import REJECT, fold, tokenize, tokens_cache_clear

_LETTER_RUNS = re.compile(r"[a-z]+")
_GATE_CUES = frozenset(
    """
accepted accept published publication appear submitted review proceedings in to at by
""".split()  # noqa: SIM905
)  # fmt: skip


@lru_cache(maxsize=8)
def _letter_runs(text: str) -> frozenset[str]:
    """The lower-case letter runs of a text (cached: the venue and the status gate read it)."""
    return frozenset(_LETTER_RUNS.findall(text.lower()))


def forget_texts() -> None:
    """Empty the per-text caches (tokens, letter runs): the resolver calls it for each paper.

    They serve the same text read twice for one paper; kept across papers they would also
    serve repeated comments, which the benchmark corpus has far more of than arXiv.
    """
    _letter_runs.cache_clear()
    tokens_cache_clear()


def may_name_venue(index: VenueIndex, text: str) -> bool:
    """Cheap test: does any letter run of the text start a known venue name or abbreviation?"""
    words = _letter_runs(text)
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


def read_status_only(text: str) -> tuple[str, int, int] | None:
    """Status stated without a venue we know: (status, start, end) or None.

    "Under review", "Accepted at PROPOR 2026", "Published in Structural Optimization".
    """
    folded = fold(text)
    if _STATUS_GATE.isdisjoint(_letter_runs(folded)):
        return None
    tokens = tokenize(folded)
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
