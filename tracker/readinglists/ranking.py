"""The transparent reading-list score: a sum of named, weighted components.

``score = venue + status + topic + author + keyword + recency`` where

* ``venue``: the venue's CCF tier under the chosen edition when the paper is accepted or
  published there (``tier_a`` > ``tier_b`` > ``tier_c``), ``venue_other`` for an accepted or
  published venue that edition does not list, ``preprint`` otherwise (also for "submitted
  to" / "under review", which never earn a tier);
* ``status``: ``accepted`` or ``published`` when the paper's venue status says so;
* ``topic``: ``topic`` x the best tagger score (0.5-1) among the list's topics;
* ``author``: ``author`` when any followed author is among the paper's authors;
* ``keyword``: ``keyword`` when any followed keyword is in the title or abstract;
* ``recency``: ``recency`` x how far into the period the paper was published (0 at the
  first instant, nearly 1 at the last), so later papers win ties.

Papers whose title or abstract contains a muted keyword are dropped before ranking. Ties
are broken by newer publication, then by arXiv id. ``Settings.rank_weights`` overrides any
weight by its key below.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)

DEFAULT_WEIGHTS: dict[str, float] = {
    "tier_a": 3.0,
    "tier_b": 2.0,
    "tier_c": 1.0,
    "venue_other": 0.5,
    "preprint": 0.0,
    "accepted": 0.5,
    "published": 0.5,
    "topic": 2.0,
    "author": 1.5,
    "keyword": 1.0,
    "recency": 0.5,
}
"""Default weights; keep docs/readinglists.md in step when changing them."""

COMPONENTS = ("venue", "status", "topic", "author", "keyword", "recency")
"""The score components, in the order they are shown."""

ACCEPTED_STATUSES = ("accepted", "published")


def resolve_weights(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """The default weights with ``overrides`` (``Settings.rank_weights``) applied."""
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in (overrides or {}).items():
        if key not in DEFAULT_WEIGHTS:
            log.warning("ignoring unknown rank weight %r (known: %s)", key, ", ".join(weights))
            continue
        weights[key] = float(value)
    return weights


@dataclass(frozen=True, slots=True)
class Facts:
    """What the score is computed from, for one paper (read by ``candidates``)."""

    arxiv_id: str
    published: datetime
    venue_status: str
    has_venue: bool
    tier: str | None
    """Best CCF tier of the paper's venue under the chosen edition; None when unlisted."""
    topic_fit: float | None
    author_hit: bool = False
    keyword_hit: bool = False


@dataclass(frozen=True, slots=True)
class Scored:
    """A paper's score and its components (each already weighted)."""

    arxiv_id: str
    published: datetime
    score: float
    components: dict[str, float]

    @property
    def sort_key(self) -> tuple[float, float, str]:
        """Best first: higher score, then newer, then smaller arXiv id."""
        return (-self.score, -self.published.timestamp(), self.arxiv_id)


def is_accepted(status: str | None) -> bool:
    """True for a paper accepted at or published in a venue."""
    return status in ACCEPTED_STATUSES


def venue_component(facts: Facts, weights: Mapping[str, float]) -> float:
    """CCF tier > other accepted venue > preprint."""
    if not is_accepted(facts.venue_status):
        return weights["preprint"]
    if facts.tier in ("A", "B", "C"):
        return weights[f"tier_{facts.tier.lower()}"]
    return weights["venue_other"] if facts.has_venue else weights["preprint"]


def recency_fraction(published: datetime, start: datetime, end: datetime) -> float:
    """How far into [start, end) ``published`` lies, clamped to [0, 1]."""
    span = (end - start).total_seconds()
    if span <= 0:
        return 0.0
    return min(1.0, max(0.0, (published - start).total_seconds() / span))


def score_facts(
    facts: Facts, weights: Mapping[str, float], start: datetime, end: datetime
) -> Scored:
    """Score one paper for the period [start, end)."""
    status = weights[facts.venue_status] if is_accepted(facts.venue_status) else 0.0
    parts = {
        "venue": venue_component(facts, weights),
        "status": status,
        "topic": weights["topic"] * (facts.topic_fit or 0.0),
        "author": weights["author"] if facts.author_hit else 0.0,
        "keyword": weights["keyword"] if facts.keyword_hit else 0.0,
        "recency": weights["recency"] * recency_fraction(facts.published, start, end),
    }
    parts = {k: round(v, 4) for k, v in parts.items()}
    return Scored(facts.arxiv_id, facts.published, round(sum(parts.values()), 4), parts)


def rank_facts(
    facts: list[Facts], weights: Mapping[str, float], start: datetime, end: datetime
) -> list[Scored]:
    """Score every paper and sort best first."""
    scored = [score_facts(f, weights, start, end) for f in facts]
    scored.sort(key=lambda s: s.sort_key)
    return scored
