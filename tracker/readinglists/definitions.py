"""Saved reading-list definitions: topics, filters and size, kept by name.

``all`` (every topic) and one list per taxonomy area exist out of the box; they are created
on demand the first time they are asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db.models import ReadingList, Topic, TopicArea

log = logging.getLogger(__name__)

DEFAULT_LIST = "all"
"""The list used whenever ``--name`` / ``--list`` is omitted."""
DEFAULT_SIZE = 10
TIERS = ("A", "B", "C")


class ReadingListError(Exception):
    """Base class of the reading-list errors the CLI turns into messages."""


class ListNotFoundError(ReadingListError, LookupError):
    """No saved list has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"No reading list named {name!r}. See `tracker lists list`, or define it with "
            f"`tracker lists create {name} --topics ...`."
        )
        self.name = name


class ListDefinitionError(ReadingListError, ValueError):
    """A list definition with an unknown topic, a bad tier or a bad size."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def ensure_default_lists(session: Session) -> list[ReadingList]:
    """Create ``all`` and one list per taxonomy area when missing; returns the ones created."""
    existing = set(session.scalars(select(ReadingList.name)))
    created = []
    if DEFAULT_LIST not in existing:
        created.append(
            ReadingList(name=DEFAULT_LIST, title="All topics / 全部主题", topics=[], categories=[])
        )
    for area in session.scalars(select(TopicArea).order_by(TopicArea.position)):
        if area.slug not in existing:
            created.append(
                ReadingList(
                    name=area.slug,
                    title=f"{area.name_en} / {area.name_zh}",
                    topics=[area.slug],
                    categories=[],
                )
            )
    for row in created:
        row.size, row.accepted_only, row.created_at = DEFAULT_SIZE, False, _now()
        session.add(row)
    if created:
        session.flush()
        log.info("created default reading lists: %s", ", ".join(r.name for r in created))
    return created


def get_list(session: Session, name: str = DEFAULT_LIST) -> ReadingList:
    """The saved list called ``name`` (default lists are created on demand)."""
    row = session.scalar(select(ReadingList).where(ReadingList.name == name))
    if row is None:
        ensure_default_lists(session)
        row = session.scalar(select(ReadingList).where(ReadingList.name == name))
    if row is None:
        raise ListNotFoundError(name)
    return row


def list_lists(session: Session) -> list[ReadingList]:
    """Every saved list (defaults included), ``all`` first, then by name."""
    ensure_default_lists(session)
    rows = session.scalars(select(ReadingList)).all()
    return sorted(rows, key=lambda r: (r.name != DEFAULT_LIST, r.name))


def resolve_topics(session: Session, slugs: Iterable[str], strict: bool = True) -> list[str]:
    """Expand topic and area slugs into topic slugs; empty when ``slugs`` is empty (all topics).

    Unknown slugs raise :class:`ListDefinitionError`, or are skipped with a warning when not
    ``strict`` (a saved list whose topic was later dropped from the taxonomy still builds).
    """
    wanted = [s for s in slugs if s]
    if not wanted:
        return []
    topics: dict[str, str] = {s: a for s, a in session.execute(select(Topic.slug, Topic.area))}
    areas = set(session.scalars(select(TopicArea.slug)))
    out: list[str] = []
    unknown = []
    for slug in wanted:
        if slug in topics:
            out.append(slug)
        elif slug in areas:
            out.extend(sorted(t for t, area in topics.items() if area == slug))
        else:
            unknown.append(slug)
    if unknown and not strict:
        log.warning("skipping unknown topics: %s", ", ".join(unknown))
    elif unknown:
        raise ListDefinitionError(
            f"unknown topic or area: {', '.join(unknown)} (see `tracker topics list`; "
            "load the taxonomy with `tracker topics load`)"
        )
    return list(dict.fromkeys(out))


def save_list(
    session: Session,
    name: str,
    *,
    topics: Sequence[str] = (),
    title: str = "",
    min_tier: str | None = None,
    accepted_only: bool = False,
    categories: Sequence[str] = (),
    size: int = DEFAULT_SIZE,
    edition: int | None = None,
) -> ReadingList:
    """Create or replace the definition of the list called ``name``."""
    if not name or len(name) > 64:
        raise ListDefinitionError("a list name needs 1 to 64 characters")
    resolve_topics(session, topics)  # validates
    tier = min_tier.upper() if min_tier else None
    if tier is not None and tier not in TIERS:
        raise ListDefinitionError(f"minimum tier must be A, B or C, not {min_tier!r}")
    if size < 1:
        raise ListDefinitionError("a list needs a size of at least 1")
    row = session.scalar(select(ReadingList).where(ReadingList.name == name))
    if row is None:
        row = ReadingList(name=name, created_at=_now())
        session.add(row)
    row.title = title or name
    row.topics = list(topics)
    row.min_tier = tier
    row.accepted_only = accepted_only
    row.categories = list(categories)
    row.size = size
    row.edition = edition
    session.flush()
    return row


def describe_list(row: ReadingList) -> str:
    """One line summing up a list definition."""
    parts = [f"topics: {', '.join(row.topics) or 'all'}", f"size {row.size}"]
    if row.min_tier:
        parts.append(f"CCF >= {row.min_tier}")
    if row.accepted_only:
        parts.append("accepted only")
    if row.categories:
        parts.append(f"categories: {' '.join(row.categories)}")
    if row.edition:
        parts.append(f"edition {row.edition}")
    return "; ".join(parts)
