"""The enrichment seam: topics and venue computed for each record as it is ingested.

Ingest only depends on the small :class:`Enricher` protocol. :func:`load_enricher` wires in the
real venue resolver (``tracker.venues``) and topic tagger (``tracker.topics``) when they are
installed and falls back to :class:`NoopEnricher` otherwise, which leaves topics and venue
columns untouched.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tracker.records import PaperRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VenueInfo:
    """The venue a record's comment / journal_ref / DOI points to, if any."""

    name: str | None = None
    """Display name, e.g. ``CVPR``."""
    year: int | None = None
    kind: str | None = None
    """``conference``, ``journal``, ``workshop``, ``findings`` ..."""
    status: str = "none"
    """``accepted``, ``published``, ``submitted`` or ``none``."""
    evidence: str | None = None
    key: str | None = None
    """``venues.key`` when the venue is in the venue table."""

    def label(self) -> str | None:
        """Readable one-line form stored in venue change events, e.g. ``CVPR 2024 (accepted)``."""
        if self.status == "none" and not self.name:
            return None
        parts = [self.name or "?"]
        if self.year:
            parts.append(str(self.year))
        return f"{' '.join(parts)} ({self.status})"


NO_VENUE = VenueInfo()


class Enricher(Protocol):
    """Computes topics and venue for a record; the flags say which of the two it does."""

    tags_topics: bool
    resolves_venues: bool

    def tag_topics(self, record: PaperRecord) -> list[tuple[str, float]]:
        """Topic slugs with scores for a record."""
        ...

    def tag_topics_many(self, records: Sequence[PaperRecord]) -> list[list[tuple[str, float]]]:
        """:meth:`tag_topics` of each record (a block at once can be much cheaper)."""
        ...

    def resolve_venue(self, record: PaperRecord) -> VenueInfo:
        """The venue a record announces (``NO_VENUE`` when none)."""
        ...


class NoopEnricher:
    """Does nothing: ingest keeps whatever topics and venues papers already have."""

    tags_topics = False
    resolves_venues = False

    def tag_topics(self, record: PaperRecord) -> list[tuple[str, float]]:
        """No topics."""
        return []

    def tag_topics_many(self, records: Sequence[PaperRecord]) -> list[list[tuple[str, float]]]:
        """No topics."""
        return [[] for _ in records]

    def resolve_venue(self, record: PaperRecord) -> VenueInfo:
        """No venue."""
        return NO_VENUE


def _venue_info(result: Any) -> VenueInfo:
    """Adapt whatever the venue resolver returns (object or None) to :class:`VenueInfo`."""
    if result is None:
        return NO_VENUE

    def get(*names: str) -> Any:
        for name in names:
            value = getattr(result, name, None)
            if value is not None:
                return value
        return None

    status = get("status") or "none"
    status = getattr(status, "value", status)
    name = get("venue", "name", "abbr")
    name = getattr(name, "abbr", name)
    key = get("venue_key", "key")
    kind = get("kind")
    return VenueInfo(
        name=str(name) if name else None,
        year=get("year"),
        kind=str(getattr(kind, "value", kind)) if kind else None,
        status=str(status),
        evidence=get("evidence"),
        key=str(key) if key else None,
    )


def _resolution_info(result: Any) -> VenueInfo:
    """:func:`_venue_info` for a ``tracker.venues.Resolution``, read field by field (faster)."""
    name, kind, key = result.venue, result.kind, result.venue_key
    status = result.status or "none"
    quiet = result.evidence is None and result.year is None and not kind and not key
    if status == "none" and not name and quiet:
        return NO_VENUE
    return VenueInfo(
        name=str(name) if name else None,
        year=result.year,
        kind=str(kind) if kind else None,
        status=str(status),
        evidence=result.evidence,
        key=str(key) if key else None,
    )


def _resolution_type() -> type | None:
    try:
        from tracker.venues.resolve import Resolution
    except ImportError:
        return None
    return Resolution


class LibraryEnricher:
    """Calls the project's venue resolver and topic tagger (either may be absent)."""

    def __init__(self, resolver: Any | None = None, tagger: Any | None = None) -> None:
        self.resolver = resolver
        self.tagger = tagger
        self.tags_topics = tagger is not None
        self.resolves_venues = resolver is not None
        self._resolution = _resolution_type() if resolver is not None else None

    def tag_topics(self, record: PaperRecord) -> list[tuple[str, float]]:
        """Tag with the topic tagger."""
        return self.tag_topics_many([record])[0]

    def tag_topics_many(self, records: Sequence[PaperRecord]) -> list[list[tuple[str, float]]]:
        """Tag a block of records in one call of the topic tagger."""
        if self.tagger is None:
            return [[] for _ in records]
        tagged = self.tagger.tag_many([(r.title, r.abstract, r.categories) for r in records])
        return [[_as_pair(tag) for tag in tags] for tags in tagged]

    def resolve_venue(self, record: PaperRecord) -> VenueInfo:
        """Resolve with the venue resolver."""
        if self.resolver is None:
            return NO_VENUE
        result = self.resolver.resolve(record.comment, record.journal_ref, record.doi)
        if self._resolution is not None and type(result) is self._resolution:
            return _resolution_info(result)
        return _venue_info(result)


def _as_pair(tag: Any) -> tuple[str, float]:
    if isinstance(tag, tuple):
        return str(tag[0]), float(tag[1])
    return str(getattr(tag, "slug", tag)), float(getattr(tag, "score", 1.0))


def load_enricher(seeds_dir: Path) -> Enricher:
    """The real enricher when ``tracker.venues`` / ``tracker.topics`` provide one, else no-op."""
    resolver = _build("tracker.venues", "VenueResolver", seeds_dir)
    tagger = _build("tracker.topics.tagger", "Tagger", seeds_dir)
    if resolver is None and tagger is None:
        return NoopEnricher()
    return LibraryEnricher(resolver, tagger)


def _build(module_name: str, class_name: str, seeds_dir: Path) -> Any | None:
    """``module.Class.from_seeds(seeds_dir)``, or None when that part is not installed."""
    try:
        cls = getattr(importlib.import_module(module_name), class_name)
        return cls.from_seeds(seeds_dir)
    except (ImportError, AttributeError) as exc:
        log.info("%s.%s not available (%s); left unchanged", module_name, class_name, exc)
        return None
    except Exception as exc:  # broken seeds must not stop the intake of papers
        log.warning("%s.%s could not be built (%s); left unchanged", module_name, class_name, exc)
        return None


class PrecomputedEnricher:
    """Answers with topics and venues computed elsewhere (a worker process), else asks ``base``.

    ``tags[i]`` and ``venues[i]`` belong to ``records[i]`` (matched by object, so two copies of
    one paper in a batch keep their own answers); empty lists mean "not computed".
    """

    def __init__(
        self,
        base: Enricher,
        records: list[PaperRecord],
        tags: list[list[tuple[str, float]]],
        venues: list[VenueInfo],
    ) -> None:
        self.base = base
        self.tags = {id(r): t for r, t in zip(records, tags, strict=False)}
        self.venues = {id(r): v for r, v in zip(records, venues, strict=False)}
        self.tags_topics = base.tags_topics
        self.resolves_venues = base.resolves_venues

    def tag_topics(self, record: PaperRecord) -> list[tuple[str, float]]:
        """The precomputed topics of the record."""
        found = self.tags.get(id(record))
        return self.base.tag_topics(record) if found is None else found

    def tag_topics_many(self, records: Sequence[PaperRecord]) -> list[list[tuple[str, float]]]:
        """The precomputed topics of each record (the base enricher tags the others at once)."""
        missing = [r for r in records if id(r) not in self.tags]
        computed = dict(zip(map(id, missing), self.base.tag_topics_many(missing), strict=True))
        return [self.tags[id(r)] if id(r) in self.tags else computed[id(r)] for r in records]

    def resolve_venue(self, record: PaperRecord) -> VenueInfo:
        """The precomputed venue of the record."""
        found = self.venues.get(id(record))
        return self.base.resolve_venue(record) if found is None else found
