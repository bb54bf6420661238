"""Indexes for the dashboard and reading-list queries at a million papers

* ``ix_papers_published_facts`` (published, venue_status, venue_id, venue_name, arxiv_id):
  a period's papers with everything a reading-list score, the "arrived" venue changes and
  the trend counts need, read from the index alone (no papers row is touched).
* ``ix_paper_topics_arxiv_topic_score``: a paper's best topic score (the reading-list topic
  fit) without reading the paper_topics table.

See docs/benchmarks.md for the query plans and timings these were chosen from.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_papers_published_facts": (
        "papers",
        ["published", "venue_status", "venue_id", "venue_name", "arxiv_id"],
    ),
    "ix_paper_topics_arxiv_topic_score": ("paper_topics", ["arxiv_id", "topic", "score"]),
}


def upgrade() -> None:
    """Create the query indexes."""
    for name, (table, columns) in _INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    """Drop the query indexes."""
    for name, (table, _columns) in _INDEXES.items():
        op.drop_index(name, table_name=table)
