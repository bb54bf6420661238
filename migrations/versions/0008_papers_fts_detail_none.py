"""papers_fts: keep only which papers hold each word (FTS5 ``detail=none``)

Search asks for papers that contain every word of the query (``tracker.queries.papers``):
it never needs where a word occurs, so the index no longer stores positions. At 100k papers
the index shrinks from 90 to 22 MB and indexing costs about a quarter less CPU. Phrase queries
stop working on this table; the query builder splits "GPT-4" into the words "gpt" and "4".

The table is recreated with the same columns and tokenizer and rebuilt from ``papers`` (about
a minute per million papers). Of the three triggers of migration 0002, only those present
before are recreated: a first load in progress (``tracker.db.bulkload``) has dropped them and
puts them back itself. SQLite only; on other backends this revision does nothing.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "title, abstract, authors"
_TABLE = (
    f"CREATE VIRTUAL TABLE papers_fts USING fts5({_COLUMNS}, content='papers', "
    "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'{detail})"
)


def _recreate(detail: str) -> None:
    """Recreate ``papers_fts`` with ``detail`` ('' = FTS5's default, full) and rebuild it."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    found = bind.execute(
        sa.text("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'papers_fts'")
    ).first()
    if found is None:
        return
    triggers = bind.execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'papers'")
    ).all()
    triggers = [(name, sql) for name, sql in triggers if "papers_fts" in sql]
    for name, _sql in triggers:
        op.execute(f'DROP TRIGGER "{name}"')
    op.execute("DROP TABLE papers_fts")
    op.execute(_TABLE.format(detail=detail))
    for _name, sql in triggers:
        op.execute(sql)
    op.execute("INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')")


def upgrade() -> None:
    """Recreate the index without positions."""
    _recreate(", detail=none")


def downgrade() -> None:
    """Recreate the index with positions (FTS5's default), as migration 0002 made it."""
    _recreate("")
