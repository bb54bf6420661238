"""``ListItem``: everything a reading-list entry shows, read from the database in one go."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db.dialect import chunks
from tracker.db.models import Paper, PaperTopic, Venue
from tracker.readinglists.candidates import tier_subquery

ABS_URL = "https://arxiv.org/abs/{}"
PDF_URL = "https://arxiv.org/pdf/{}"


@dataclass
class ListItem:
    """One paper on a reading list, with its venue, tier, score components and curation."""

    rank: int
    arxiv_id: str
    title: str
    authors: list[str]
    abstract: str
    published: datetime
    primary_category: str
    categories: list[str]
    topics: list[str]
    """Topic slugs, best tagger score first."""
    venue_name: str | None
    venue_full_name: str | None
    venue_year: int | None
    venue_kind: str | None
    venue_status: str
    ccf_tier: str | None
    """Tier under ``ccf_edition``; only set when the paper is accepted or published there."""
    ccf_edition: int
    score: float
    components: dict[str, float] = field(default_factory=dict)
    pinned: bool = False
    added: bool = False
    note: str | None = None
    doi: str | None = None
    journal_ref: str | None = None
    latest_version: int = 1

    @property
    def abs_url(self) -> str:
        """The paper's arXiv abstract page."""
        return ABS_URL.format(self.arxiv_id)

    @property
    def pdf_url(self) -> str:
        """The paper's PDF (latest version)."""
        return PDF_URL.format(self.arxiv_id)

    @property
    def is_accepted(self) -> bool:
        """True when accepted at or published in a venue."""
        return self.venue_status in ("accepted", "published")


@dataclass(frozen=True)
class Placed:
    """A paper's place on a list before its paper fields are read."""

    arxiv_id: str
    rank: int
    score: float
    components: dict[str, float]
    pinned: bool = False
    added: bool = False
    note: str | None = None


def split_authors(text: str | None) -> list[str]:
    """Authors as stored (comma-separated) into a list."""
    return [a.strip() for a in (text or "").split(",") if a.strip()]


def load_topics(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """Topic slugs of each paper, best score first."""
    out: dict[str, list[str]] = defaultdict(list)
    for part in chunks(list(ids)):
        rows = session.execute(
            select(PaperTopic.arxiv_id, PaperTopic.topic)
            .where(PaperTopic.arxiv_id.in_(part))
            .order_by(PaperTopic.arxiv_id, PaperTopic.score.desc(), PaperTopic.topic)
        )
        for arxiv_id, topic in rows:
            out[arxiv_id].append(topic)
    return out


def hydrate(session: Session, placed: Sequence[Placed], edition: int) -> list[ListItem]:
    """Read paper, venue and tier fields for placed papers; returns items in rank order."""
    ids = [p.arxiv_id for p in placed]
    tiers = tier_subquery(edition).subquery("tiers")
    papers: dict[str, tuple[Paper, str | None, str | None]] = {}
    for part in chunks(ids):
        query = (
            select(Paper, tiers.c.tier, Venue.full_name)
            .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
            .outerjoin(Venue, Venue.id == Paper.venue_id)
            .where(Paper.arxiv_id.in_(part))
        )
        for paper, tier, full_name in session.execute(query):
            papers[paper.arxiv_id] = (paper, tier, full_name)
    topics = load_topics(session, ids)
    items = []
    for p in sorted(placed, key=lambda p: p.rank):
        if p.arxiv_id not in papers:
            continue
        paper, tier, full_name = papers[p.arxiv_id]
        accepted = paper.venue_status in ("accepted", "published")
        items.append(
            ListItem(
                rank=p.rank,
                arxiv_id=paper.arxiv_id,
                title=paper.title,
                authors=split_authors(paper.authors),
                abstract=paper.abstract or "",
                published=paper.published,
                primary_category=paper.primary_category or "",
                categories=(paper.categories or "").split(),
                topics=topics.get(paper.arxiv_id, []),
                venue_name=paper.venue_name,
                venue_full_name=full_name,
                venue_year=paper.venue_year,
                venue_kind=paper.venue_kind,
                venue_status=paper.venue_status or "none",
                ccf_tier=tier if accepted else None,
                ccf_edition=edition,
                score=p.score,
                components=dict(p.components),
                pinned=p.pinned,
                added=p.added,
                note=p.note,
                doi=paper.doi,
                journal_ref=paper.journal_ref,
                latest_version=paper.latest_version or 1,
            )
        )
    return items
