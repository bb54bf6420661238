"""papers.source_hash: hash of the snapshot line a paper was stored from (fast re-runs)

A backfill skips a line whose hash equals the stored one without parsing or enriching it;
API ingests leave the column NULL. See ``tracker.ingest.pipeline``.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable hash column."""
    op.add_column("papers", sa.Column("source_hash", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop the hash column (plain ALTER: rebuilding papers would drop its FTS triggers)."""
    op.drop_column("papers", "source_hash")
