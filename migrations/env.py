"""Alembic environment: target the tracker models; batch mode so SQLite can alter tables."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from tracker.config import load_settings
from tracker.db.engine import make_engine
from tracker.db.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or load_settings().database_url


BACKEND_EXTRAS = ("papers_fts", "ix_papers_search")
"""Backend-specific objects made by hand in migrations (0002 FTS5, 0003/0006 GIN), not models."""
BACKEND_EXTRA_COLUMNS = {("papers", "search_vector")}
"""PostgreSQL's generated ``tsvector`` column (0006), filled in by the server, not in models."""


def is_backend_extra(type_: str, name: str | None, table: str | None) -> bool:
    """True for a search object the migrations make by hand for one backend only."""
    if type_ == "column":
        return (table, name) in BACKEND_EXTRA_COLUMNS
    return (name or "").startswith(BACKEND_EXTRAS)


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object | None) -> bool:  # fmt: skip
    """Keep autogenerate from proposing to drop the backend-specific search objects."""
    table = getattr(getattr(obj, "table", None), "name", None)
    return not (reflected and compare_to is None and is_backend_extra(type_, name, table))


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    context.configure(url=_url(), target_metadata=target_metadata, render_as_batch=True,
                      literal_binds=True)  # fmt: skip
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a connection handed in by tracker, or on a new engine."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
