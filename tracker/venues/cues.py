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
        if earlier_version_before(tokens, j):
            return "prior"  # "A preliminary version appeared at NeurIPS 2024"
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


_FORUM_OF = frozenset({"d", "phd", "doctoral", "student", "students", "industry", "industrial"})


# "<word> version (of this paper) was accepted/appeared": the record is a longer or later paper.
_EARLIER = frozenset(
    """
preliminary earlier previous prior shorter short conference abridged
""".split()  # noqa: SIM905
)
_VERSION_GLUE = frozenset(
    """
of this the our work paper article manuscript has have been was is will be
""".split()  # noqa: SIM905
)


def earlier_version_before(tokens: list[Token], j: int) -> bool:
    """'A preliminary / conference / shorter version (of this paper) was ...' before token j."""
    for k in range(j - 1, max(0, j - 8), -1):
        low = tokens[k].low
        if low in ("version", "versions"):
            return tokens[k - 1].low in _EARLIER
        if low not in _VERSION_GLUE:
            return False
    return False


def _next(tokens: list[Token], j: int) -> str:
    return tokens[j + 1].low if j + 1 < len(tokens) else ""


def _accept_after(tokens: list[Token], j: int) -> bool:
    return any(t.low in ACCEPT for t in tokens[j + 1 : j + 6])


def track_of(low: str, tokens: list[Token], j: int) -> str | None:
    if low in WORKSHOP:
        return "workshop"
    if low in FINDINGS or (low == "finding" and _next(tokens, j) == "of"):
        return "findings"  # "Finding of ACL 2026"
    if low in ("poster", "posters"):
        return "poster"  # a side track except where posters are main-track papers
    if low == "breaking" and j > 0 and tokens[j - 1].low == "late":
        return "other"  # "Late Breaking Work / Results"
    if low == "forum" and j > 0 and tokens[j - 1].low in _FORUM_OF:
        return "other"  # "Ph.D. Forum", "Doctoral Forum", "Industry Forum"
    if low == "non" and _next(tokens, j) in ("proceedings", "archival", "archived"):
        return "other"  # "Non proceedings track"
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
