"""papers search index for PostgreSQL: a GIN index on a tsvector of title, abstract, authors

PostgreSQL only; on other backends this revision does nothing (SQLite has ``papers_fts``
from 0002). The expression must stay identical to ``tracker.db.postgres.SEARCH_DOCUMENT_SQL``
or the planner will not use the index; a test checks that it does.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DOCUMENT = "to_tsvector('simple'::regconfig, title || ' ' || abstract || ' ' || authors)"


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Create the GIN full-text index on papers."""
    if not _is_postgresql():
        return
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_papers_search ON papers USING gin ({_DOCUMENT})")


def downgrade() -> None:
    """Drop the full-text index."""
    if not _is_postgresql():
        return
    op.execute("DROP INDEX IF EXISTS ix_papers_search")
