"""Resolve a paper's comment, journal-ref and DOI to a venue, status, track kind and CCF tier.

Pure and fast: :class:`VenueResolver` is built once from the seeds, then ``resolve`` only
tokenizes and looks tokens up in dicts. Precedence: journal-ref, then DOI, then comment.
A workshop, Findings, demo/student track, submission or rejection never gets a tier.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from tracker.ccf.catalog import CcfCatalog, load_ccf_catalog
from tracker.venues.doi import DoiRules, DoiVenue
from tracker.venues.index import VenueIndex, build_index
from tracker.venues.patterns import Text
from tracker.venues.reading import Claim, best_claim, read_text
from tracker.venues.seeds import VenueSeedError, VenueSeeds, load_venue_seeds
from tracker.venues.status import read_status_only

log = logging.getLogger(__name__)

KINDS = ("conference", "journal", "workshop", "findings", "other")
STATUSES = ("accepted", "published", "submitted", "none")
MAIN_KINDS = ("conference", "journal")


@dataclass(frozen=True)
class Resolution:
    """Where a paper was accepted or published, and the venue's CCF tier in one edition."""

    venue: str | None
    venue_key: str | None
    """``venues.key`` of the venue, set only for an accepted/published main-track paper."""
    year: int | None
    kind: str | None
    status: str
    ccf_tier: str | None
    ccf_edition: int
    evidence: str | None
    source: str | None = None
    """``journal_ref``, ``doi`` or ``comments``: which field decided."""
    tiers: tuple[tuple[int, str | None], ...] = ()
    """The tier under every CCF edition (None where that edition does not list the venue)."""

    def tier_in(self, edition: int) -> str | None:
        """The tier this paper gets under another CCF edition."""
        return dict(self.tiers).get(edition)

    def tiers_by_edition(self) -> dict[int, str | None]:
        """{edition: tier} for every CCF edition."""
        return dict(self.tiers)

    def as_dict(self) -> dict[str, object]:
        """The fields of the ``tracker venues resolve`` output line (without ``id``)."""
        return {"venue": self.venue, "year": self.year, "kind": self.kind, "status": self.status,
                "ccf_tier": self.ccf_tier, "ccf_edition": self.ccf_edition,
                "evidence": self.evidence}  # fmt: skip


class VenueResolver:
    """Venue resolution built once from the CCF catalog and ``seeds/venues``."""

    def __init__(self, catalog: CcfCatalog, seeds: VenueSeeds) -> None:
        missing = seeds.check_keys({v.key for v in catalog.venues})
        if missing:
            raise VenueSeedError([f"unknown venue key {k!r}" for k in missing])
        self.index: VenueIndex = build_index(catalog, seeds)
        self.doi_rules = DoiRules(seeds.doi_rules, self.index)
        self.editions = self.index.editions
        self.newest_edition = max(self.editions) if self.editions else 2026

    @classmethod
    def from_seeds(cls, seeds_dir: Path | str) -> VenueResolver:
        """Load ``seeds_dir/ccf`` and ``seeds_dir/venues`` and build the resolver."""
        return cls(load_ccf_catalog(seeds_dir), load_venue_seeds(seeds_dir))

    def resolve(self, comments: str | None = None, journal_ref: str | None = None,
                doi: str | None = None, edition: int | None = None) -> Resolution:  # fmt: skip
        """Resolve one paper; never raises on any text."""
        return self._resolve(comments, journal_ref, doi, edition or self.newest_edition, None)

    def explain(
        self,
        comments: str | None = None,
        journal_ref: str | None = None,
        doi: str | None = None,
        edition: int | None = None,
    ) -> tuple[Resolution, list[str]]:
        """Resolve and return the reading steps, for ``tracker venues explain``."""
        trace: list[str] = []
        res = self._resolve(comments, journal_ref, doi, edition or self.newest_edition, trace)
        return res, trace

    def _resolve(self, comments: str | None, journal_ref: str | None, doi: str | None,
                 edition: int, trace: list[str] | None) -> Resolution:  # fmt: skip
        comments = comments if isinstance(comments, str) else None
        journal_ref = journal_ref if isinstance(journal_ref, str) else None
        doi = doi if isinstance(doi, str) else None
        if journal_ref and journal_ref.strip():
            claim = _best(read_text(self.index, journal_ref, "journal_ref", trace))
            if claim is not None and claim.status in ("accepted", "published"):
                return self._from_claim(claim, journal_ref, "journal_ref", edition, trace)
        doi_venue = self.doi_rules.resolve(doi)
        if trace is not None and doi:
            trace.append(f"doi: {doi!r} -> {doi_venue}")
        if doi_venue is not None:
            return self._from_doi(doi_venue, doi or "", edition)
        if comments and comments.strip():
            comment = Text(comments)  # read for venues, then maybe for a bare status
            claim = _best(read_text(self.index, comment, "comments", trace))
            has_ref = bool(journal_ref and journal_ref.strip())
            accepted = claim is not None and claim.status in ("accepted", "published")
            submitted = claim is not None and claim.status == "submitted" and not has_ref
            if claim is not None and (accepted or submitted):
                return self._from_claim(claim, comments, "comments", edition, trace)
            only = read_status_only(comment)
            if only is not None and not (journal_ref and journal_ref.strip()):
                status, start, end = only
                if trace is not None:
                    trace.append(f"no known venue, but the comment says {status!r}")
                return Resolution(None, None, None, None, status, None, edition,
                                  comments[start:end], "comments")  # fmt: skip
            if claim is not None and not (journal_ref and journal_ref.strip()):
                return self._from_claim(claim, comments, "comments", edition, trace)
        if journal_ref and journal_ref.strip():
            if trace is not None:
                trace.append("journal-ref names no venue we know: published, venue unknown")
            return Resolution(None, None, _year_in(journal_ref), None, "published", None, edition,
                              journal_ref.strip(), "journal_ref")  # fmt: skip
        if trace is not None:
            trace.append("no venue claimed")
        return Resolution(None, None, None, None, "none", None, edition, None, None)

    def _tiers(self, key: str | None) -> tuple[tuple[int, str | None], ...]:
        info = self.index.venues.get(key) if key else None
        return tuple((e, info.tiers.get(e) if info else None) for e in self.editions)

    def _from_claim(self, claim: Claim, text: str, source: str, edition: int,
                    trace: list[str] | None) -> Resolution:  # fmt: skip
        info = self.index.venues[claim.mention.key]
        evidence = text[claim.start : claim.end]
        if claim.status in ("rejected", "prior", "none"):
            if trace is not None:
                trace.append(f"chosen: {info.name} but status {claim.status}: no venue claimed")
            return Resolution(None, None, None, None, "none", None, edition,
                              evidence if claim.status != "none" else None, source)  # fmt: skip
        main = claim.kind in MAIN_KINDS and claim.status in ("accepted", "published")
        key = info.key if main else None
        tier = info.tiers.get(edition) if main else None
        if trace is not None:
            trace.append(
                f"chosen from {source}: {info.name} ({claim.kind}, {claim.status}); "
                f"tier under CCF {edition}: {tier or 'none'}"
                + ("" if main else " (not the main track or not accepted: no tier)")
            )
        return Resolution(info.name, key, claim.year, claim.kind, claim.status, tier, edition,
                          evidence, source, self._tiers(key))  # fmt: skip

    def _from_doi(self, dv: DoiVenue, doi: str, edition: int) -> Resolution:
        info = self.index.venues.get(dv.key) if dv.key else None
        kind = dv.kind or (info.kind if info else "workshop")
        main = kind in MAIN_KINDS and info is not None
        key = info.key if main and info else None
        tier = info.tiers.get(edition) if main and info else None
        return Resolution(info.name if info else None, key, dv.year, kind, "published", tier,
                          edition, doi.strip(), "doi", self._tiers(key))  # fmt: skip


def _best(claims: list[Claim]) -> Claim | None:
    return best_claim(claims)


def _year_in(text: str) -> int | None:
    from tracker.venues.patterns import parse_year, tokenize

    years = [y for t in tokenize(text) if (y := parse_year(t.low)) is not None]
    return years[-1] if years else None
