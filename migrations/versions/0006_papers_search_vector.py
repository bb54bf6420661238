"""papers search on PostgreSQL: a stored, generated tsvector column with a GIN index on it

PostgreSQL only; on other backends this revision does nothing (SQLite keeps ``papers_fts``).

0003 indexed the expression ``to_tsvector('simple', title || ' ' || abstract || ' ' ||
authors)``. A query with a ``LIMIT`` then often got a sequential scan that computes that
expression for every row (over a second at 100k papers). Here the document becomes the
generated column ``papers.search_vector``, computed once when a row is written, and the GIN
index ``ix_papers_search`` moves onto it (same name, so ``tracker db reindex`` keeps working).
The column is not in the models: rows are written without it and PostgreSQL fills it in;
``migrations/env.py`` keeps autogenerate from proposing to drop it.

Adding a stored generated column rewrites the papers table (about a minute per million
papers, under an exclusive lock).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DOCUMENT = "to_tsvector('simple'::regconfig, title || ' ' || abstract || ' ' || authors)"
"""Identical to 0003's indexed expression and ``tracker.db.postgres.SEARCH_DOCUMENT_SQL``."""
_INDEX = "ix_papers_search"
_COLUMN = "search_vector"


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Replace the expression index with a generated ``search_vector`` column and its index."""
    if not _is_postgresql():
        return
    op.execute(f"DROP INDEX IF EXISTS {_INDEX}")
    op.execute(
        f"ALTER TABLE papers ADD COLUMN {_COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({_DOCUMENT}) STORED"
    )
    op.execute(f"CREATE INDEX {_INDEX} ON papers USING gin ({_COLUMN})")


def downgrade() -> None:
    """Drop the column (and its index with it) and bring back 0003's expression index."""
    if not _is_postgresql():
        return
    op.execute(f"DROP INDEX IF EXISTS {_INDEX}")
    op.execute(f"ALTER TABLE papers DROP COLUMN IF EXISTS {_COLUMN}")
    op.execute(f"CREATE INDEX {_INDEX} ON papers USING gin ({_DOCUMENT})")
