"""``tracker db``: migrate the database schema."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, pass_app
from tracker.db.migrate import current_revision, downgrade_db, head_revision, upgrade_db


@click.group()
def db() -> None:
    """Create and migrate the database schema."""


@db.command()
@click.argument("revision", default="head")
@pass_app
def upgrade(app: AppContext, revision: str) -> None:
    """Migrate the database to REVISION (default: the newest)."""
    upgrade_db(app.engine, revision)
    click.echo(f"Database at revision {current_revision(app.engine)} ({app.engine.url!r}).")


@db.command()
@click.argument("revision")
@pass_app
def downgrade(app: AppContext, revision: str) -> None:
    """Migrate the database down to REVISION (``base`` drops every table)."""
    downgrade_db(app.engine, revision)
    click.echo(f"Database at revision {current_revision(app.engine) or 'base'}.")


@db.command()
@pass_app
def current(app: AppContext) -> None:
    """Show the database's revision and the newest available one."""
    now = current_revision(app.engine)
    head = head_revision()
    state = "up to date" if now == head else "run `tracker db upgrade`"
    click.echo(f"current: {now or 'empty'}  head: {head}  ({state})")
