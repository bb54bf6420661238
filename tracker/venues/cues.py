"""Cue words read around a venue mention: status (accepted, submitted, ...) and track kind."""

from __future__ import annotations

from tracker.venues.patterns import (
    ACCEPT,
    FINDINGS,
    OTHER_TRACK,
    PRIOR,
    REJECT,
    SUBMIT,
    WORKSHOP,
    Token,
)  # fmt: skip


def status_of(low: str, tokens: list[Token], j: int) -> str | None:
    if low in REJECT:
        return "rejected"
    if low in SUBMIT:
        if low == "review" and j > 0 and tokens[j - 1].low in ("peer", "after"):
            return None
        return "submitted"
    if low in PRIOR or (
        low == "extended"
        and j + 1 < len(tokens)
        and tokens[j + 1].low == "version"
        and not _accept_after(tokens, j)
    ):
        return "prior"
    if low == "based" and j + 1 < len(tokens) and tokens[j + 1].low == "on":
        return "prior"
    if low in ACCEPT:
        if (
            low in ("published", "appeared")
            and j >= 2
            and tokens[j - 1].low == "be"
            and tokens[j - 2].low in ("to", "will")
        ):
            return "accepted"  # "to be published in"
        if low in ("proceedings", "proceeding") and j > 0 and tokens[j - 1].low == "in":
            return "published"  # "In Proceedings of ..."
        return "published" if low in ("published", "appeared") else "accepted"
    if low == "to" and j + 1 < len(tokens) and tokens[j + 1].low == "appear":
        return "accepted"
    return None


def _accept_after(tokens: list[Token], j: int) -> bool:
    return any(t.low in ACCEPT for t in tokens[j + 1 : j + 6])


def track_of(low: str, tokens: list[Token], j: int) -> str | None:
    if low in WORKSHOP:
        return "workshop"
    if low in FINDINGS:
        return "findings"
    if low in ("poster", "posters"):
        return "poster"  # a side track except where posters are main-track papers
    if low == "breaking" and j > 0 and tokens[j - 1].low == "late":
        return "other"  # "Late Breaking Work / Results"
    if low in OTHER_TRACK:
        if low == "student" and j + 1 < len(tokens) and tokens[j + 1].low in ("research",):
            return "workshop"
        if (
            low == "abstract"
            and j > 0
            and tokens[j - 1].low not in ("extended", "student", "an", "short", "as")
        ):
            return None
        if low == "phd" and (
            j + 1 >= len(tokens)
            or tokens[j + 1].low not in ("forum", "symposium", "track", "consortium")
        ):
            return None
        return "other"
    return None
