"""PostgreSQL text search: one page of matches and their count, with the scans picked here.

The planner misjudges these statements (each row's ``search_vector`` is stored out of line and
its reading is not costed; see :mod:`tracker.db.postgres`), so :func:`postgres_text_page`
chooses between a sequential scan, the GIN index and an ordered walk from the statistics of
the last ANALYZE. Used by :func:`tracker.queries.papers.search_papers`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sqlalchemy import any_, func, literal_column, select
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.orm import Session

from tracker.db.models import Paper
from tracker.db.postgres import (
    BITMAP_ROW_US,
    FILTER_ROW_US,
    GIN_SKIP,
    ORDERED_ROW_US,
    POSTING_US,
    RANGE_ROW_US,
    SEQ_ROW_US,
    PlannerSettings,
    SearchStatistics,
    paper_search_condition,
    planner_rows,
    search_statistics,
)
from tracker.queries.papers import _WORD_RE, COUNT_CAP, PREFIX_MAX_DOCS, PaperFilter, _conditions

_CTID: Any = literal_column("papers.ctid")
_TID_RE = re.compile(r"\((\d+),\s*\d+\)")
_BITMAP_ONLY = {"enable_seqscan": "off", "enable_indexscan": "off", "enable_indexonlyscan": "off"}
"""Planner settings that leave bitmap scans only (the GIN index, ANDed with B-trees)."""
_ORDERED_ONLY = {"enable_seqscan": "off", "enable_bitmapscan": "off"}
"""Planner settings that leave index scans only: walking ``published`` backwards."""
WINDOW_SPARE = 4
"""A windowed listing reads the newest papers expected to hold this many times its rows."""
WINDOW_GROWTH = 16
"""How much a window that fell short of a page grows before the next try."""


def _posting_share(stats: SearchStatistics, words: list[str], prefix: bool) -> float:
    """Postings the GIN index reads for the words, as a share of the papers."""
    whole = [stats.word_share(w) for w in (words[:-1] if prefix else words)]
    rarest = min(whole, default=0.0)
    read = sum(min(share, GIN_SKIP * rarest) for share in whole)
    return read + (stats.prefix_share(words[-1]) if prefix else 0.0)


def _match_share(stats: SearchStatistics, words: list[str], prefix: bool) -> float:
    """Share of papers holding every word, taking the words as independent (as the planner)."""
    share = 1.0
    for word in words[:-1] if prefix else words:
        share *= stats.word_share(word)
    return share * (min(1.0, stats.prefix_share(words[-1])) if prefix else 1.0)


def _seq_counts_faster(
    estimate: float, postings: float, rows: float, filtered: float | None = None
) -> bool:
    """True when a sequential scan finds ``COUNT_CAP + 1`` matches sooner than the GIN index.

    ``estimate`` is the planner's guess of all matches, ``postings`` what the index reads,
    ``rows`` the table's size and ``filtered`` how many papers pass the other filters (which
    the scan tests first, so only those have their ``search_vector`` read). The scan stops at
    the cap's match, after about ``cap * rows / estimate`` rows; the index reads its
    postings, then one row per match.
    """
    needed = COUNT_CAP + 1
    scanned = rows if estimate < needed else needed * rows / estimate
    passing = 1.0 if filtered is None else min(1.0, filtered / rows)
    scan_us = scanned * (FILTER_ROW_US + passing * SEQ_ROW_US)
    index_us = postings * POSTING_US + min(estimate, needed) * BITMAP_ROW_US
    return scan_us < index_us


def _matching_share(last_tid: Any, stats: SearchStatistics) -> float:
    """Share of papers that match, from where the count found its last match.

    The count reads matches in storage order (a sequential or bitmap heap scan) and stops at
    ``COUNT_CAP + 1``; evenly spread matches put that one about ``cap / share`` rows in.
    """
    found = _TID_RE.match(str(last_tid or ""))
    floor = (COUNT_CAP + 1) / max(stats.rows, COUNT_CAP + 1)
    if found is None:
        return floor
    scanned = (int(found.group(1)) + 1) * stats.rows_per_page
    return min(1.0, max(floor, (COUNT_CAP + 1) / scanned))


def postgres_text_page(
    session: Session, flt: PaperFilter, tiers: Any, page: int, page_size: int
) -> tuple[list[str], int]:
    """PostgreSQL: the sorted ids of one page of a text search and the count (up to cap + 1).

    The planner misjudges these statements (see :mod:`tracker.db.postgres`), so the scans
    are picked here from the statistics of the last ANALYZE:

    1. The last word is a prefix only when it is not a common whole word (in
       :data:`PREFIX_MAX_DOCS` papers), as on SQLite: GIN reads a prefix's postings in full,
       while whole words' postings are skipped through.
    2. One statement takes the first ``COUNT_CAP + 1`` matches in storage order, counts them
       and, when that is all of them, sorts them and returns the page. It finds them with a
       sequential scan when matches are common enough to come early, otherwise through the
       GIN index (:func:`_seq_counts_faster`). The other filters come before the text, so
       a scan reads ``search_vector`` only for papers that pass them.
    3. With more matches, their share is estimated from how far the count read, and the page
       is listed either by walking ``published`` backwards until the page is full (common
       matches) or from the GIN index ANDed with the ``published`` range of the newest
       papers, sized to hold the page several times over and widened when it falls short.
    """
    words = _WORD_RE.findall(flt.text)
    stats = search_statistics(session)
    prefix = not stats.known or stats.word_share(words[-1]) * stats.rows < PREFIX_MAX_DOCS
    match = paper_search_condition(flt.text, prefix=prefix)
    filters = _conditions(session, replace(flt, text="", statuses=()), tiers, fts=False)
    if flt.statuses:
        # "= ANY(ARRAY[…])" is costed below the text match even for one status, so a scan
        # tests it first and reads search_vector only for papers with that status ("= 'x'"
        # costs the same as the match, and PostgreSQL then tests the match first).
        filters.append(Paper.venue_status == any_(pg_array(list(flt.statuses))))
    conds = [*filters, match]

    def base(*columns: Any, where: list[Any] = conds) -> Any:
        stmt = select(*columns).select_from(Paper.__table__)
        if flt.tiers:
            stmt = stmt.outerjoin(tiers, tiers.c.venue_id == Paper.venue_id)
        return stmt.where(*where)

    postings = _posting_share(stats, words, prefix) * stats.rows
    offset = (page - 1) * page_size
    capped = base(Paper.arxiv_id, Paper.published, _CTID.label("tid"))
    capped = capped.limit(COUNT_CAP + 1).subquery()
    fused = (
        select(capped.c.arxiv_id, func.count().over(), func.max(capped.c.tid).over())
        .order_by(capped.c.published.desc(), capped.c.arxiv_id.desc())
        .limit(page_size)
        .offset(offset)
    )
    order = [Paper.published.desc(), Paper.arxiv_id.desc()]
    listed = base(Paper.arxiv_id).order_by(*order).limit(page_size).offset(offset)
    with PlannerSettings(session) as planner:
        if stats.known:
            # Text alone: the planner's own guess (words independent), without asking it.
            estimate = stats.rows * _match_share(stats, words, prefix)
            filtered = None
            if filters:
                estimate = planner_rows(session, base(Paper.arxiv_id))
                filtered = planner_rows(session, base(Paper.arxiv_id, where=filters))
            if not _seq_counts_faster(estimate, postings, stats.rows, filtered):
                planner.use(_BITMAP_ONLY)
        rows = session.execute(fused).all()
        if rows or not offset:
            counted, last_tid = (int(rows[0][1]), rows[0][2]) if rows else (0, None)
        else:  # a page past the end: count on its own
            counted, last_tid = session.execute(
                select(func.count(), func.max(capped.c.tid)).select_from(capped)
            ).one()
        if counted <= COUNT_CAP:
            return [row[0] for row in rows], counted
        if not stats.known:
            return list(session.scalars(listed)), counted
        share = _matching_share(last_tid, stats)
        wanted = offset + page_size
        window = WINDOW_SPARE * wanted / share
        ordered_us = wanted / share * ORDERED_ROW_US
        window_us = (
            postings * POSTING_US + window * RANGE_ROW_US + WINDOW_SPARE * wanted * BITMAP_ROW_US
        )
        if ordered_us <= window_us:
            planner.use(_ORDERED_ONLY)
            return list(session.scalars(listed)), counted
        planner.use(_BITMAP_ONLY)
        while True:
            cutoff = stats.published_cutoff(window / stats.rows)
            windowed = listed if cutoff is None else listed.where(Paper.published >= cutoff)
            ids = list(session.scalars(windowed))
            # A full page from the window is the page: every match outside it is older.
            if cutoff is None or len(ids) == page_size:
                return ids, counted
            window *= WINDOW_GROWTH
