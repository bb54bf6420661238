"""The CCF directory: browse an edition, search any alias, one venue's history and papers."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.ccf.query import lookup_venues
from tracker.db.dialect import chunks
from tracker.db.models import CcfRating, Paper, Venue, VenueAlias
from tracker.queries.common import tier_table
from tracker.queries.papers import PaperRow, paper_row, paper_topics


@dataclass(frozen=True)
class Domain:
    """A CCF domain (计算机体系结构 ...) as one edition numbers it."""

    domain_id: int
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class DirectoryEntry:
    """One venue listing in an edition, with how many tracked papers it has."""

    venue_key: str
    abbr: str
    full_name: str
    kind: str
    tier: str
    domain_id: int
    domain_zh: str
    domain_en: str
    publisher: str
    dblp_url: str
    papers: int


@dataclass(frozen=True)
class TierEntry:
    """A venue's listing in one edition."""

    edition: int
    tier: str
    domain_zh: str
    domain_en: str
    abbr: str
    full_name: str


@dataclass
class VenueDetail:
    """A venue page: names, tier in every edition, and the tracked papers there."""

    key: str
    abbr: str
    full_name: str
    kind: str
    is_ccf: bool
    aliases: list[str] = field(default_factory=list)
    history: list[TierEntry] = field(default_factory=list)
    paper_count: int = 0
    papers: list[PaperRow] = field(default_factory=list)


def ccf_domains(session: Session, edition: int) -> list[Domain]:
    """The domains of an edition, in their official order."""
    stmt = (
        select(CcfRating.domain_id, CcfRating.domain_name_zh, CcfRating.domain_name_en)
        .where(CcfRating.edition == edition)
        .distinct()
        .order_by(CcfRating.domain_id)
    )
    return [Domain(*row) for row in session.execute(stmt)]


def _paper_counts(session: Session, venue_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for part in chunks(sorted(set(venue_ids))):
        stmt = (
            select(Paper.venue_id, func.count())
            .where(Paper.venue_id.in_(part))
            .group_by(Paper.venue_id)
        )
        counts.update({vid: n for vid, n in session.execute(stmt) if vid is not None})
    return counts


def browse_ccf(
    session: Session,
    edition: int,
    domain_id: int | None = None,
    kind: str | None = None,
    tiers: tuple[str, ...] = (),
    search: str = "",
) -> list[DirectoryEntry]:
    """An edition's listings, filtered by domain, kind, tiers and a name or alias search."""
    stmt = (
        select(CcfRating, Venue.key)
        .join(Venue, Venue.id == CcfRating.venue_id)
        .where(CcfRating.edition == edition)
        .order_by(CcfRating.domain_id, CcfRating.kind, CcfRating.tier, CcfRating.position)
    )
    if domain_id is not None:
        stmt = stmt.where(CcfRating.domain_id == domain_id)
    if kind:
        stmt = stmt.where(CcfRating.kind == kind)
    if tiers:
        stmt = stmt.where(CcfRating.tier.in_(tiers))
    if search.strip():
        keys = [info.key for info in lookup_venues(session, search)]
        if not keys:
            return []
        stmt = stmt.where(Venue.key.in_(keys))
    found = session.execute(stmt).all()
    counts = _paper_counts(session, [r.venue_id for r, _ in found])
    return [
        DirectoryEntry(
            venue_key=key,
            abbr=r.abbr,
            full_name=r.full_name,
            kind=r.kind,
            tier=r.tier,
            domain_id=r.domain_id,
            domain_zh=r.domain_name_zh,
            domain_en=r.domain_name_en,
            publisher=r.publisher,
            dblp_url=r.dblp_url,
            papers=counts.get(r.venue_id, 0),
        )
        for r, key in found
    ]


def venue_detail(
    session: Session, venue_key: str, edition: int | None = None, paper_limit: int = 50
) -> VenueDetail | None:
    """Everything the venue page shows; None when no venue has that key."""
    venue = session.scalar(select(Venue).where(Venue.key == venue_key))
    if venue is None:
        return None
    detail = VenueDetail(venue.key, venue.abbr, venue.full_name, venue.kind, venue.is_ccf)
    detail.aliases = sorted(
        set(session.scalars(select(VenueAlias.alias).where(VenueAlias.venue_id == venue.id)))
    )
    ratings = session.scalars(
        select(CcfRating)
        .where(CcfRating.venue_id == venue.id)
        .order_by(CcfRating.edition.desc(), CcfRating.domain_id)
    )
    detail.history = [
        TierEntry(r.edition, r.tier, r.domain_name_zh, r.domain_name_en, r.abbr, r.full_name)
        for r in ratings
    ]
    detail.paper_count = (
        session.scalar(select(func.count()).select_from(Paper).where(Paper.venue_id == venue.id))
        or 0
    )
    tiers = tier_table(edition)
    rows = session.execute(
        select(Paper, tiers.c.tier)
        .outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        .where(Paper.venue_id == venue.id)
        .order_by(Paper.published.desc())
        .limit(paper_limit)
    ).all()
    topics = paper_topics(session, [p.arxiv_id for p, _ in rows])
    detail.papers = [paper_row(p, tier, topics.get(p.arxiv_id, ())) for p, tier in rows]
    return detail
