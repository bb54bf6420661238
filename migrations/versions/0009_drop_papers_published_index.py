"""Drop ix_papers_published: ix_papers_published_facts starts with the same column

``ix_papers_published_facts`` (migration 0005) is ordered by ``published`` first, so every
lookup, range and ordering on ``published`` can use it. The one-column index only cost a
full-table sort at the end of a first load (1.5-1.9 s at a million papers) and an insert on
every new paper. A first load in progress has dropped the index already and noted it in
``meta`` to put it back when it ends: that note loses the index too.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ix_papers_published"
_PENDING_KEY = "first_load_pending"  # tracker.db.bulkload.PENDING_KEY


def upgrade() -> None:
    """Drop the index (and forget it in a pending first load's note)."""
    op.execute(f"DROP INDEX IF EXISTS {_NAME}")
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    note = bind.execute(
        sa.text("SELECT value FROM meta WHERE key = :key"), {"key": _PENDING_KEY}
    ).scalar()
    if note is None:
        return
    kept = [entry for entry in json.loads(note) if entry[1] != _NAME]
    bind.execute(
        sa.text("UPDATE meta SET value = :value WHERE key = :key"),
        {"value": json.dumps(kept), "key": _PENDING_KEY},
    )


def downgrade() -> None:
    """Create the index again."""
    op.execute(f"CREATE INDEX IF NOT EXISTS {_NAME} ON papers (published)")
