"""PostgreSQL-only SQL in one place: the full-text search over papers (``tsvector`` + GIN).

Migration 0006 stores the search document, :data:`SEARCH_DOCUMENT_SQL`, in the generated
column ``papers.search_vector`` and puts the GIN index ``ix_papers_search`` on it (before
that, 0003 indexed the expression itself). Queries build the condition with
:func:`paper_search_condition` rather than writing their own. The column is PostgreSQL-only
and not part of the models: PostgreSQL computes it whenever a paper is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, text
from sqlalchemy.orm import Session

SEARCH_INDEX = "ix_papers_search"
SEARCH_COLUMN = "search_vector"
"""The generated ``tsvector`` column of ``papers`` (migration 0006)."""
SEARCH_CONFIG = "simple"
"""No stemming and no stop words: closest to SQLite FTS5's ``unicode61`` and safe for names."""
SEARCH_DOCUMENT_SQL = (
    f"to_tsvector('{SEARCH_CONFIG}'::regconfig, "
    "papers.title || ' ' || papers.abstract || ' ' || papers.authors)"
)
"""The searched document: title, abstract and authors (all NOT NULL, so no coalesce)."""

_WORD_RE = re.compile(r"\w[\w.\-+']*", re.UNICODE)


def is_postgresql(session: Session) -> bool:
    """True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


def tsquery_text(user_text: str, prefix: bool = True) -> str:
    """Free text as a safe ``to_tsquery`` string: every word must occur, the last as a prefix.

    ``prefix=False`` keeps the last word whole too.
    """
    words = _WORD_RE.findall(user_text)
    if not words:
        return ""
    # Quoted lexemes cannot inject tsquery operators; a quote inside is doubled.
    quoted = ["'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in words]
    if prefix:
        quoted[-1] += ":*"
    return " & ".join(quoted)


def search_tsquery(user_text: str, prefix: bool = True) -> ColumnElement[Any] | None:
    """``to_tsquery('simple', …)`` of the user's text, or None when it has no words."""
    query = tsquery_text(user_text, prefix)
    if not query:
        return None
    return func.to_tsquery(literal_column(f"'{SEARCH_CONFIG}'::regconfig"), query)


def paper_search_condition(user_text: str, prefix: bool = True) -> ColumnElement[bool] | None:
    """``WHERE`` condition matching papers whose title/abstract/authors hold every word."""
    tsquery = search_tsquery(user_text, prefix)
    if tsquery is None:
        return None
    document: Any = literal_column(f"papers.{SEARCH_COLUMN}")
    return document.op("@@")(tsquery)


def has_search_index(session: Session) -> bool:
    """True when the database is PostgreSQL and its search index is on ``search_vector``."""
    if not is_postgresql(session):
        return False
    found = session.execute(
        text(
            "SELECT 1 FROM pg_indexes WHERE indexname = :name AND tablename = 'papers' "
            "AND schemaname = current_schema() AND indexdef LIKE :column"
        ),
        {"name": SEARCH_INDEX, "column": f"%({SEARCH_COLUMN})%"},
    ).first()
    return found is not None


# --- planner helpers ---------------------------------------------------------------------
# The planner cannot see what reading ``search_vector`` costs: the column is TOASTed (about
# 2.3 KB a paper), so every row that a sequential or an ordered index scan tests costs a TOAST
# fetch that its cost model leaves out, while it overrates the random heap reads of a bitmap
# scan. tracker/queries/papers.py therefore picks the scans of a search itself, from these
# costs and the statistics of the last ANALYZE. Microseconds, measured on PostgreSQL 15 with
# a warm cache at 100k papers (bench/bench_queries.py --postgres); only their ratios matter.

FILTER_ROW_US = 0.9
"""A sequential scan reading one row and testing its plain columns (status, venue …)."""
SEQ_ROW_US = 5.6
"""On top of that, reading the row's ``search_vector`` from TOAST and matching it."""
ORDERED_ROW_US = 16.0
"""An index scan in ``published`` order testing one row (random heap read plus the TOAST)."""
POSTING_US = 0.12
"""One posting (paper id) read from the GIN index by a bitmap index scan."""
BITMAP_ROW_US = 5.0
"""One matching row read by a bitmap heap scan (and sorted, when listing)."""
RANGE_ROW_US = 0.5
"""One paper of a ``published`` range read from its B-tree by a bitmap index scan."""
GIN_SKIP = 8.0
"""GIN's fast scan reads a whole word's postings only about this many times as far as the
rarest word's (it skips the rest); a prefix's postings are always read in full."""


def planner_rows(session: Session, stmt: Any) -> float:
    """The planner's estimate of how many rows ``stmt`` returns (``EXPLAIN``, not run)."""
    bind = session.get_bind()
    compiled = stmt.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    plan = session.connection().exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {compiled}", dict(compiled.params)
    )
    document: Any = plan.scalar()
    if isinstance(document, str):
        document = json.loads(document)
    return float(document[0]["Plan"]["Plan Rows"])


@dataclass(frozen=True)
class SearchStatistics:
    """What the last ANALYZE of ``papers`` says, for choosing how to run one search."""

    rows: float
    """Estimated papers (``pg_class.reltuples``; -1 before the first VACUUM or ANALYZE)."""
    pages: int
    published_bounds: list[datetime] = field(default_factory=list)
    """Histogram of ``published``: neighbouring bounds hold equal shares of the papers."""
    lexeme_shares: dict[str, float] = field(default_factory=dict)
    """Share of papers holding each of the most common lexemes."""
    rare_share: float = 0.0
    """Share assumed for a word not among the most common ones (half the least common's)."""

    @property
    def known(self) -> bool:
        """False until the table has been analyzed (then no choice is made for the planner)."""
        return self.rows > 0 and self.pages > 0

    @property
    def rows_per_page(self) -> float:
        """Average papers per heap page."""
        return self.rows / self.pages if self.known else 1.0

    def word_share(self, word: str) -> float:
        """Share of papers holding ``word`` as a whole lexeme."""
        return self.lexeme_shares.get(word.lower(), self.rare_share)

    def prefix_share(self, word: str) -> float:
        """Postings of every lexeme starting with ``word``, as a share of the papers."""
        stem = word.lower()
        common = sum(v for k, v in self.lexeme_shares.items() if k.startswith(stem))
        return common + self.rare_share

    def published_cutoff(self, fraction: float) -> datetime | None:
        """Where about the newest ``fraction`` of the papers starts (None: all of them)."""
        return newest_fraction_cutoff(self.published_bounds, fraction)


_STATISTICS_KEY_SQL = """
SELECT c.oid::bigint, c.reltuples, c.relpages,
       pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = 'papers' AND n.nspname = current_schema()
"""
_STATISTICS_SQL = """
SELECT
  (SELECT s.histogram_bounds::text::timestamp[] FROM pg_stats s
    WHERE s.schemaname = current_schema() AND s.tablename = 'papers' AND s.attname = 'published'),
  s.most_common_elems::text::text[], s.most_common_elem_freqs
FROM (SELECT 1) AS one
LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = 'papers'
  AND s.attname = :column
"""
_STATISTICS_CACHE: dict[tuple[Any, ...], SearchStatistics] = {}
_STATISTICS_CACHE_SIZE = 16


def search_statistics(session: Session) -> SearchStatistics:
    """Size of ``papers``, its ``published`` histogram and its most common lexemes.

    Reading ``pg_stats`` costs a few milliseconds, so the answer is kept (per database) until
    the table's row or page count changes or it is analyzed again; checking that is one
    lookup in ``pg_class``.
    """
    found = session.execute(text(_STATISTICS_KEY_SQL)).first()
    if found is None:
        return SearchStatistics(-1.0, 0)
    key = (session.connection().engine.url.render_as_string(hide_password=True), *found)
    cached = _STATISTICS_CACHE.get(key)
    if cached is not None:
        return cached
    row = session.execute(text(_STATISTICS_SQL), {"column": SEARCH_COLUMN}).one()
    lexemes, freqs = list(row[1] or []), list(row[2] or [])
    stats = SearchStatistics(
        rows=float(found[1]),
        pages=int(found[2]),
        published_bounds=list(row[0] or []),
        lexeme_shares={str(k): float(v) for k, v in zip(lexemes, freqs, strict=False)},
        # After the lexemes' shares come the smallest and largest of them (and the nulls').
        rare_share=float(freqs[len(lexemes)]) / 2 if len(freqs) > len(lexemes) else 0.0,
    )
    if len(_STATISTICS_CACHE) >= _STATISTICS_CACHE_SIZE:
        _STATISTICS_CACHE.clear()
    _STATISTICS_CACHE[key] = stats
    return stats


def newest_fraction_cutoff(bounds: list[datetime], fraction: float) -> datetime | None:
    """About where the newest ``fraction`` of rows starts, read off histogram ``bounds``.

    Neighbouring bounds hold the same share of rows; inside a bucket the rows are taken as
    evenly spread. None when there is no histogram or the fraction is 1 or more.
    """
    if len(bounds) < 2 or fraction >= 1:
        return None
    position = (1 - max(fraction, 0.0)) * (len(bounds) - 1)
    i = min(int(position), len(bounds) - 2)
    low, high = bounds[i], bounds[i + 1]
    return low + (high - low) * (position - i)


class PlannerSettings:
    """Planner settings (``enable_seqscan`` …) changed for some statements, then put back.

    Use as a context manager around the statements; :meth:`use` switches to a set of
    settings (every setting changed before and not named goes back to its original value) in
    one statement, and leaving the block puts every original value back in one more. The
    values are set with ``set_config(…, is_local => true)``: when a statement inside fails,
    they are left for the transaction's rollback to undo (an aborted transaction accepts no
    more statements).
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._original: dict[str, str] = {}
        self._current: dict[str, str] = {}

    def __enter__(self) -> PlannerSettings:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.use({})

    def use(self, settings: dict[str, str]) -> None:
        """Run the next statements with ``settings`` (and the original values of the rest)."""
        values = {**self._original, **settings}
        if not values or values == {**self._original, **self._current}:
            return  # nothing to change
        names = list(values)
        unread = [name for name in names if name not in self._original]
        params: dict[str, str] = {f"n{i}": name for i, name in enumerate(names)}
        params.update({f"v{i}": values[name] for i, name in enumerate(names)})
        writes = ", ".join(f"set_config(:n{i}, :v{i}, true)" for i in range(len(names)))
        if unread:
            reads = ", ".join(f"current_setting(:n{names.index(n)})" for n in unread)
            # OFFSET 0 keeps the subquery (the reads) from being merged into the outer
            # select list, so the original values are read before the writes run.
            sql = f"SELECT old.*, {writes} FROM (SELECT {reads} OFFSET 0) AS old"
        else:
            sql = f"SELECT {writes}"
        row = self._session.execute(text(sql), params).one()
        self._original.update(zip(unread, (str(v) for v in row[: len(unread)]), strict=True))
        self._current = dict(settings)
        if not settings:
            self._original.clear()
