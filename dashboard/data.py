"""Data access for the pages: one cached engine per database URL, cached read-only queries.

Every cached function takes the database URL first so two databases never share a cache entry.
Writes (reading-list curation) go through :func:`write_session` and clear the caches they touch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import streamlit as st
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from tracker.config import Settings, load_settings
from tracker.db.engine import make_engine, session_scope
from tracker.db.migrate import current_revision, head_revision
from tracker.db.models import Topic, TopicArea
from tracker.queries import changes, common, directory, health, papers, trends
from tracker.queries import facets as search_facets

TTL = 60
"""Seconds a query result is reused: an ingest shows up within a minute."""


def settings() -> Settings:
    """The settings (``TRACKER_DATABASE_URL`` etc.), read on every run so changes apply."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One engine (connection pool) per database URL for the whole server."""
    return make_engine(url)


@contextmanager
def read_session(url: str) -> Iterator[Session]:
    """A short read-only session."""
    with Session(engine_for(url)) as session:
        yield session


@contextmanager
def write_session(url: str) -> Iterator[Session]:
    """A session committed at the end of the block (for curation)."""
    with session_scope(engine_for(url)) as session:
        yield session


@st.cache_resource(show_spinner=False)
def code_revision() -> str | None:
    """The newest migration of this code (``migrations/versions``), read once per server."""
    return head_revision()


@st.cache_data(ttl=TTL, show_spinner=False)
def schema_revision(url: str) -> tuple[bool, str | None]:
    """Whether the database has the papers table, and the migration it is at."""
    engine = engine_for(url)
    return bool(inspect(engine).has_table("papers")), current_revision(engine)


@st.cache_data(ttl=TTL, show_spinner=False)
def overview(url: str) -> dict[str, Any]:
    """Months with papers (newest first; empty when there are none) and loaded CCF editions.

    No paper count here: counting a million rows costs more than a page may take.
    """
    with read_session(url) as s:
        return {"months": common.paper_months(s), "editions": common.ccf_editions(s)}


@st.cache_data(ttl=TTL * 10, show_spinner=False)
def paper_total(url: str) -> int:
    """How many papers are stored (the ingestion page only)."""
    with read_session(url) as s:
        return health.paper_count(s)


@st.cache_data(ttl=TTL, show_spinner=False)
def topic_names(url: str) -> dict[str, tuple[str, str, str]]:
    """Topic slug -> (area slug, Chinese name, English name), in taxonomy order."""
    with read_session(url) as s:
        rows = s.query(Topic).order_by(Topic.position).all()
        return {t.slug: (t.area, t.name_zh, t.name_en) for t in rows}


@st.cache_data(ttl=TTL, show_spinner=False)
def area_names(url: str) -> dict[str, tuple[str, str]]:
    """Area slug -> (Chinese name, English name)."""
    with read_session(url) as s:
        rows = s.query(TopicArea).order_by(TopicArea.position).all()
        return {a.slug: (a.name_zh, a.name_en) for a in rows}


@st.cache_data(ttl=TTL, show_spinner=False)
def search(url: str, flt: papers.PaperFilter, page: int, size: int) -> papers.PaperPage:
    """One page of paper search results."""
    with read_session(url) as s:
        return papers.search_papers(s, flt, page, size)


@st.cache_data(ttl=TTL * 10, show_spinner=False)
def facets(url: str) -> dict[str, list[str]]:
    """Venue names and primary categories present, for the search filters."""
    with read_session(url) as s:
        return {
            "venues": search_facets.venue_names(s),
            "categories": search_facets.primary_categories(s),
        }


ARRIVALS_SHOWN = 500
"""At most this many "arrived" papers are listed (best tier first); the rest are counted."""


@st.cache_data(ttl=TTL, show_spinner=False)
def venue_changes(url: str, month: str, edition: int | None) -> list[changes.VenueChange]:
    """Papers whose venue changed in a month (arrivals capped at :data:`ARRIVALS_SHOWN`)."""
    with read_session(url) as s:
        return changes.venue_changes(s, month, edition, arrivals_limit=ARRIVALS_SHOWN)


@st.cache_data(ttl=TTL, show_spinner=False)
def accepted_arrivals(url: str, month: str) -> int:
    """Papers first submitted in the month that are already accepted."""
    with read_session(url) as s:
        return changes.accepted_arrivals(s, month)


@st.cache_data(ttl=TTL * 10, show_spinner=False)
def ccf_changes(
    url: str, old: int, new: int, domain: str | None, kind: str | None
) -> list[changes.CcfChangeRow]:
    """CCF changes between two editions with tracked paper counts."""
    with read_session(url) as s:
        return changes.ccf_changes_with_counts(s, old, new, domain, kind)


@st.cache_data(ttl=TTL * 10, show_spinner=False)
def domains(url: str, edition: int) -> list[directory.Domain]:
    """CCF domains of an edition."""
    with read_session(url) as s:
        return directory.ccf_domains(s, edition)


@st.cache_data(ttl=TTL, show_spinner=False)
def browse(
    url: str,
    edition: int,
    domain_id: int | None,
    kind: str | None,
    tiers: tuple[str, ...],
    text: str,
) -> list[directory.DirectoryEntry]:
    """CCF directory listings."""
    with read_session(url) as s:
        return directory.browse_ccf(s, edition, domain_id, kind, tiers, text)


@st.cache_data(ttl=TTL, show_spinner=False)
def venue(url: str, key: str, edition: int | None) -> directory.VenueDetail | None:
    """A venue page."""
    with read_session(url) as s:
        return directory.venue_detail(s, key, edition)


TREND_WORKERS = 2
"""Connections counting trends at once: the tier mix and the top venues each read the period's
accepted papers (about 0.1 s for a year of a million papers); both cores can do that."""


@st.cache_data(ttl=TTL * 10, show_spinner=False)
def trend_data(url: str, first: str, last: str, edition: int | None) -> dict[str, list[Any]]:
    """Topic counts per month, tier mix and top venues between two months.

    The three queries run on :data:`TREND_WORKERS` connections at once. Kept ten minutes: a new
    day of papers barely moves a monthly chart.
    """
    engine = engine_for(url)

    def run(job: tuple[Callable[..., list[Any]], tuple[Any, ...]]) -> list[Any]:
        query, args = job
        with Session(engine) as s:
            return query(s, *args)

    jobs: list[tuple[Callable[..., list[Any]], tuple[Any, ...]]] = [
        (trends.tier_mix, (first, last, edition)),
        (trends.top_venues, (first, last, edition)),
        (trends.topic_month_counts, (first, last)),
    ]
    with ThreadPoolExecutor(max_workers=TREND_WORKERS) as pool:
        tiers, venues, topics = pool.map(run, jobs)
    return {"topics": topics, "tiers": tiers, "venues": venues}


@st.cache_data(ttl=TTL, show_spinner=False)
def ingest_health(url: str, taxonomy_file: str) -> dict[str, Any]:
    """Recent runs, cursors and the taxonomy state."""
    from pathlib import Path

    with read_session(url) as s:
        return {
            "runs": health.recent_runs(s),
            "cursors": health.ingest_cursors(s),
            "taxonomy": health.taxonomy_state(s, Path(taxonomy_file)),
        }


def next_run(cron: str, tz: str) -> datetime | None:
    """When the scheduled ingest fires next."""
    return health.next_run(cron, tz)


def clear_caches() -> None:
    """Forget every cached query result (after a write)."""
    st.cache_data.clear()


# --- reading lists ------------------------------------------------------------------------


@st.cache_data(ttl=TTL, show_spinner=False)
def reading_lists(url: str) -> list[dict[str, Any]]:
    """Saved reading lists (the defaults are created on first use)."""
    from tracker.readinglists import list_lists

    with write_session(url) as s:
        return [
            {"name": r.name, "title": r.title, "edition": r.edition, "size": r.size}
            for r in list_lists(s)
        ]


@st.cache_data(ttl=TTL, show_spinner=False)
def list_items(url: str, name: str, period: str, edition: int | None) -> dict[str, Any]:
    """A list's items for a period (the stored list, or a preview) and whether it is built."""
    from tracker.readinglists import get_list, get_list_items, read_list
    from tracker.readinglists.build import effective_edition

    config = settings()
    with read_session(url) as s:
        rl = get_list(s, name)
        own = effective_edition(rl, config)
        built = bool(read_list(s, rl, period, own))
        items = get_list_items(s, name, period, edition, config)
        s.rollback()  # get_list may create the default lists; this view writes nothing
    return {"items": items, "built": built, "edition": edition or own}


def weeks_back(url: str, count: int = 12) -> list[str]:
    """ISO weeks (``2026-W11``) from the newest paper's week backwards."""
    from datetime import timedelta

    from tracker.readinglists.periods import latest_period, period_of

    with read_session(url) as s:
        newest = latest_period(s, "week")
    if newest is None:
        return []
    return [period_of(newest.start - timedelta(days=7 * i), "week").label for i in range(count)]
