"""Build a reading list for a period and keep its curation across rebuilds.

Curation lives in the ``reading_list_items`` rows: pinned rows keep their rank, removed
rows never come back, added rows stay, notes stay (a noted paper that drops off the list
keeps its row with no rank and gets its note back if it returns). Everything else is
recomputed from the current papers on every build.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.config import Settings, load_settings
from tracker.db.models import ReadingList, ReadingListItem
from tracker.readinglists.candidates import Selection, load_candidates, load_facts
from tracker.readinglists.definitions import get_list, resolve_topics
from tracker.readinglists.items import ListItem, Placed, hydrate
from tracker.readinglists.periods import Period, parse_period
from tracker.readinglists.ranking import Scored, rank_facts, resolve_weights, score_facts

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def effective_edition(reading_list: ReadingList, settings: Settings) -> int:
    """The CCF edition a list ranks with: its own, else the settings' edition."""
    return reading_list.edition or settings.ccf_edition


def selection_for(
    session: Session, reading_list: ReadingList, settings: Settings, edition: int | None = None
) -> Selection:
    """The candidate filters and boosts of a list definition under the given settings."""
    topics = resolve_topics(session, reading_list.topics or [], strict=False)
    return Selection(
        edition=edition or effective_edition(reading_list, settings),
        topics=tuple(topics),
        any_topic=bool(topics) or not reading_list.topics,
        min_tier=reading_list.min_tier,
        accepted_only=bool(reading_list.accepted_only),
        categories=tuple(reading_list.categories or ()),
        follow_authors=tuple(settings.follow_authors),
        follow_keywords=tuple(settings.follow_keywords),
        mute_keywords=tuple(settings.mute_keywords),
    )


def layout(pinned: Sequence[tuple[str, int]], floating: Sequence[str]) -> list[tuple[str, int]]:
    """Put pinned ids at their ranks (a taken rank goes to the next free one), fill the rest."""
    total = len(pinned) + len(floating)
    slots: dict[int, str] = {}
    for arxiv_id, wanted in pinned:
        rank = min(max(wanted, 1), total)
        while rank in slots:
            rank += 1
        if rank > total:
            rank = next(r for r in range(1, total + 1) if r not in slots)
        slots[rank] = arxiv_id
    free = iter(r for r in range(1, total + 1) if r not in slots)
    for arxiv_id in floating:
        slots[next(free)] = arxiv_id
    return sorted(((a, r) for r, a in slots.items()), key=lambda p: p[1])


def stored_rows(session: Session, list_id: int, period: str) -> list[ReadingListItem]:
    """Every stored row of a list and period, ranked ones first in rank order."""
    rows = session.scalars(
        select(ReadingListItem).where(
            ReadingListItem.list_id == list_id, ReadingListItem.period == period
        )
    ).all()
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.arxiv_id))


@dataclass
class Plan:
    """The outcome of ranking plus curation, before it is saved or shown."""

    placed: list[Placed]
    candidates: int
    """How many of the period's papers that pass the filters were read and scored."""


def compose(
    session: Session,
    reading_list: ReadingList,
    period: Period,
    settings: Settings,
    edition: int | None = None,
) -> Plan:
    """Rank the period's papers for a list and apply its stored curation (no writes)."""
    rows = stored_rows(session, reading_list.id, period.label) if reading_list.id else []
    removed = {r.arxiv_id for r in rows if r.removed}
    pinned = [(r.arxiv_id, r.rank or 1) for r in rows if r.pinned and not r.removed]
    pinned_ids = {a for a, _ in pinned}
    added_ids = {r.arxiv_id for r in rows if r.added and not r.removed}
    added = sorted(a for a in added_ids if a not in pinned_ids)
    notes = {r.arxiv_id: r.note for r in rows if r.note}
    selection = selection_for(session, reading_list, settings, edition)
    weights = resolve_weights(settings.rank_weights)
    exclude = removed | pinned_ids | set(added)
    curated = {
        a: score_facts(f, weights, period.start, period.end)
        for a, f in load_facts(session, selection, [*pinned_ids, *added]).items()
    }
    pinned = [(a, r) for a, r in pinned if a in curated]
    added = [a for a in added if a in curated]
    free = max(0, reading_list.size - len(pinned) - len(added))
    facts = load_candidates(session, selection, period, exclude, best=(free, weights))
    ranked = rank_facts(facts, weights, period.start, period.end)
    floating: list[Scored] = [curated[a] for a in added] + ranked[:free]
    floating.sort(key=lambda s: s.sort_key)
    scores = {s.arxiv_id: s for s in floating} | curated
    placed = [
        Placed(
            arxiv_id=a,
            rank=rank,
            score=scores[a].score,
            components=scores[a].components,
            pinned=a in pinned_ids,
            added=a in added_ids,
            note=notes.get(a),
        )
        for a, rank in layout(pinned, [s.arxiv_id for s in floating])
    ]
    return Plan(placed, len(ranked))


def _save(session: Session, list_id: int, period: str, placed: Sequence[Placed]) -> None:
    """Write the plan: update or insert ranked rows, park or drop the rest."""
    rows = {r.arxiv_id: r for r in stored_rows(session, list_id, period)}
    now = _now()
    on_list = {p.arxiv_id for p in placed}
    for arxiv_id, row in rows.items():
        if arxiv_id in on_list:
            continue
        if row.removed or row.note or row.added or row.pinned:
            row.rank = None  # curation is kept even while the paper is off the list
        else:
            session.delete(row)
    for p in placed:
        found = rows.get(p.arxiv_id)
        row = found or ReadingListItem(list_id=list_id, period=period, arxiv_id=p.arxiv_id)
        if found is None:
            row.pinned, row.removed, row.added, row.note = False, False, False, None
            session.add(row)
        row.rank, row.score, row.components = p.rank, p.score, dict(p.components)
        row.updated_at = now
    session.flush()


def build_list(
    session: Session,
    reading_list: ReadingList | str,
    period: Period | str,
    settings: Settings,
) -> list[ListItem]:
    """Rank a period's papers for a list, keep its curation, save it; returns the items."""
    rl = get_list(session, reading_list) if isinstance(reading_list, str) else reading_list
    when = parse_period(period) if isinstance(period, str) else period
    edition = effective_edition(rl, settings)
    plan = compose(session, rl, when, settings, edition)
    _save(session, rl.id, when.label, plan.placed)
    log.info(
        "list %s %s: %d items from %d candidates", rl.name, when.label, len(plan.placed),
        plan.candidates,
    )  # fmt: skip
    return hydrate(session, plan.placed, edition)


def read_list(
    session: Session, reading_list: ReadingList, period: str, edition: int
) -> list[ListItem]:
    """The stored (built) items of a list and period, in rank order."""
    placed = [
        Placed(r.arxiv_id, r.rank, r.score, dict(r.components or {}), r.pinned, r.added, r.note)
        for r in stored_rows(session, reading_list.id, period)
        if r.rank is not None and not r.removed
    ]
    return hydrate(session, placed, edition)


def get_list_items(
    session: Session,
    list_name: str,
    period: Period | str,
    edition: int | None = None,
    settings: Settings | None = None,
) -> list[ListItem]:
    """The items a UI shows: the built list, or a preview ranked now when not built yet.

    A different ``edition`` than the list's own re-ranks in memory with the stored curation;
    nothing is written either way.
    """
    config = settings or load_settings()
    rl = get_list(session, list_name)
    when = parse_period(period) if isinstance(period, str) else period
    own = effective_edition(rl, config)
    if edition is None or edition == own:
        items = read_list(session, rl, when.label, own)
        if items:
            return items
    chosen = edition or own
    return hydrate(session, compose(session, rl, when, config, chosen).placed, chosen)


def build_saved_lists(
    session: Session,
    settings: Settings,
    kinds: Sequence[str] = ("month", "week"),
    recent: int = 3,
) -> list[tuple[str, str, int]]:
    """Build every saved list (defaults included) for the newest ``recent`` months and weeks.

    Periods count back from the newest one that has papers. Returns (list name, period label,
    items) per build; the caller commits.
    """
    from tracker.readinglists.definitions import ensure_default_lists, list_lists
    from tracker.readinglists.periods import latest_period, period_of

    ensure_default_lists(session)
    built: list[tuple[str, str, int]] = []
    for kind in kinds:
        period = latest_period(session, kind)
        for _ in range(recent if period else 0):
            assert period is not None
            for reading_list in list_lists(session):
                items = build_list(session, reading_list, period, settings)
                built.append((reading_list.name, period.label, len(items)))
            period = period_of(period.start - timedelta(days=1), kind)
    return built
