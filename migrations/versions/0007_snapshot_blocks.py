"""snapshot_blocks: digests of snapshot blocks stored completely (unchanged re-runs skip them)

A backfill reads a JSON-lines snapshot in blocks of lines. Once every line of a block is
stored (no bad line), the block's digest is written in the same transaction; a later backfill
that meets the same bytes again skips the block without parsing, hashing each line or querying
``papers``. See ``tracker.ingest.pipeline``.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "snapshot_blocks",
        sa.Column("digest", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.String(length=32), nullable=False),
        sa.Column("stored_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_snapshot_blocks")),
    )


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("snapshot_blocks")
