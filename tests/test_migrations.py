"""Migrations and models agree, and the schema round-trips down and up."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from tracker.db.migrate import current_revision, downgrade_db, head_revision, upgrade_db
from tracker.db.models import Base

VIRTUAL_TABLES = {"alembic_version"}


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return [
            d
            for d in compare_metadata(ctx, Base.metadata)
            if not (isinstance(d, tuple) and d[0] in ("remove_table", "remove_index"))
            or not str(d[1].name).startswith(("papers_fts", "sqlite_", "ix_papers_search"))
        ]


def test_upgrade_head_matches_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert _diff(engine) == []


def test_every_model_table_exists(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_downgrade_and_upgrade_round_trip(engine: Engine) -> None:
    downgrade_db(engine, "base")
    remaining = set(inspect(engine).get_table_names()) - VIRTUAL_TABLES
    assert not remaining & set(Base.metadata.tables)
    assert current_revision(engine) is None
    upgrade_db(engine)
    assert current_revision(engine) == head_revision()
    assert _diff(engine) == []
