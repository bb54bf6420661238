"""PostgreSQL-only SQL in one place: the full-text search over papers (``tsvector`` + GIN).

Migration 0003 builds ``ix_papers_search``, a GIN index on :data:`SEARCH_DOCUMENT_SQL`; the
planner uses it only when a query repeats that expression exactly, so queries build the
condition with :func:`paper_search_condition` rather than writing their own.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, text
from sqlalchemy.orm import Session

SEARCH_INDEX = "ix_papers_search"
SEARCH_CONFIG = "simple"
"""No stemming and no stop words: closest to SQLite FTS5's ``unicode61`` and safe for names."""
SEARCH_DOCUMENT_SQL = (
    f"to_tsvector('{SEARCH_CONFIG}'::regconfig, "
    "papers.title || ' ' || papers.abstract || ' ' || papers.authors)"
)
"""The indexed document: title, abstract and authors (all NOT NULL, so no coalesce)."""

_WORD_RE = re.compile(r"\w[\w.\-+']*", re.UNICODE)


def is_postgresql(session: Session) -> bool:
    """True when the session talks to PostgreSQL."""
    return session.get_bind().dialect.name == "postgresql"


def tsquery_text(user_text: str) -> str:
    """Free text as a safe ``to_tsquery`` string: every word must occur, the last as a prefix."""
    words = _WORD_RE.findall(user_text)
    if not words:
        return ""
    # Quoted lexemes cannot inject tsquery operators; a quote inside is doubled.
    quoted = ["'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in words]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def paper_search_condition(user_text: str) -> ColumnElement[bool] | None:
    """``WHERE`` condition matching papers whose title/abstract/authors hold every word."""
    query = tsquery_text(user_text)
    if not query:
        return None
    document: Any = literal_column(SEARCH_DOCUMENT_SQL)
    tsquery = func.to_tsquery(literal_column(f"'{SEARCH_CONFIG}'::regconfig"), query)
    return document.op("@@")(tsquery)


def has_search_index(session: Session) -> bool:
    """True when the database is PostgreSQL and has the papers search index (migration 0003)."""
    if not is_postgresql(session):
        return False
    found = session.execute(
        text(
            "SELECT 1 FROM pg_indexes WHERE indexname = :name AND tablename = 'papers' "
            "AND schemaname = current_schema()"
        ),
        {"name": SEARCH_INDEX},
    ).first()
    return found is not None
