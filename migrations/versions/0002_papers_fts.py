"""papers_fts: SQLite FTS5 full-text index over paper titles, abstracts and authors

External-content FTS5 table on ``papers`` (keyed by its rowid) kept in step by triggers.
SQLite only; on other backends this revision does nothing (PostgreSQL gets its own index).

Note: ``VACUUM`` may renumber the rowids of a table without an INTEGER PRIMARY KEY; run
``INSERT INTO papers_fts(papers_fts) VALUES('rebuild')`` after a VACUUM.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "title, abstract, authors"
_STATEMENTS = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS papers_fts USING fts5({_COLUMNS}, "
    "content='papers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER IF NOT EXISTS papers_fts_ai AFTER INSERT ON papers BEGIN
        INSERT INTO papers_fts(rowid, {_COLUMNS})
        VALUES (new.rowid, new.title, new.abstract, new.authors);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS papers_fts_ad AFTER DELETE ON papers BEGIN
        INSERT INTO papers_fts(papers_fts, rowid, {_COLUMNS})
        VALUES ('delete', old.rowid, old.title, old.abstract, old.authors);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS papers_fts_au AFTER UPDATE OF {_COLUMNS} ON papers BEGIN
        INSERT INTO papers_fts(papers_fts, rowid, {_COLUMNS})
        VALUES ('delete', old.rowid, old.title, old.abstract, old.authors);
        INSERT INTO papers_fts(rowid, {_COLUMNS})
        VALUES (new.rowid, new.title, new.abstract, new.authors);
    END""",
    "INSERT INTO papers_fts(papers_fts) VALUES ('rebuild')",
]


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    """Create the FTS5 table and its triggers, and index the papers already stored."""
    if not _is_sqlite():
        return
    for statement in _STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    """Drop the triggers and the FTS5 table."""
    if not _is_sqlite():
        return
    for trigger in ("papers_fts_ai", "papers_fts_ad", "papers_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS papers_fts")
