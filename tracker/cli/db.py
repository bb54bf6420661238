"""``tracker db``: migrate, reindex, vacuum and copy the database."""

from __future__ import annotations

import click

from tracker.cli.context import AppContext, pass_app
from tracker.db.bulkload import finish_pending_load
from tracker.db.copy import (
    DEFAULT_BATCH_SIZE,
    CopyError,
    TableCopy,
    TargetNotEmptyError,
    copy_database,
)
from tracker.db.dialect import rebuild_search_index
from tracker.db.engine import SQLITE_PAGE_SIZE, make_engine, session_scope
from tracker.db.migrate import current_revision, downgrade_db, head_revision, upgrade_db
from tracker.db.vacuum import PAGE_SIZES, VacuumError, vacuum_sqlite


@click.group()
def db() -> None:
    """Create, migrate and copy the database."""


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


@db.command()
@pass_app
def reindex(app: AppContext) -> None:
    """Rebuild the full-text search index (e.g. after an SQLite VACUUM or a restore)."""
    if finish_pending_load(app.engine):
        click.echo("finished an interrupted first load: indexes and search index built")
    with session_scope(app.engine) as session:
        click.echo(rebuild_search_index(session))


@db.command()
@click.option(
    "--page-size",
    type=click.Choice([str(n) for n in PAGE_SIZES]),
    default=str(SQLITE_PAGE_SIZE),
    show_default=True,
    help="Page size to rewrite the database with (bytes).",
)
@pass_app
def vacuum(app: AppContext, page_size: str) -> None:
    """Compact an SQLite database, with 16 KiB pages by default, and rebuild its search index.

    A database made by an older version keeps SQLite's 4 KiB pages, with which a large
    backfill is about 10% slower. Stop the dashboard and the scheduler first: the database
    must not be open elsewhere while it is rewritten. A 1M-paper database took about a minute.
    """
    try:
        report = vacuum_sqlite(app.engine, int(page_size))
    except VacuumError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Vacuumed: pages {report.page_size_before} -> {report.page_size_after} bytes, "
        f"file {report.bytes_before / 1e6:.1f} -> {report.bytes_after / 1e6:.1f} MB; "
        f"{report.search}."
    )


@db.command("copy")
@click.option(
    "--from",
    "source_url",
    metavar="URL",
    help="Database to copy from (default: the configured database).",
)
@click.option(
    "--to",
    "target_url",
    metavar="URL",
    required=True,
    help="Database to copy into, e.g. postgresql+psycopg://user@host/tracker.",
)
@click.option(
    "--replace", is_flag=True, help="Delete the rows the target already has instead of refusing."
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=DEFAULT_BATCH_SIZE,
    show_default=True,
    help="Rows read and written per batch.",
)
@pass_app
def copy(app: AppContext, source_url: str | None, target_url: str, replace: bool,
         batch_size: int) -> None:  # fmt: skip
    """Copy every table to another database (e.g. SQLite to PostgreSQL) and verify it.

    The target is migrated first, the copy runs in one transaction, and each table's row
    count and checksum are compared before it commits.
    """
    source = make_engine(source_url) if source_url else app.engine
    target = make_engine(target_url)

    def show(table: TableCopy) -> None:
        mark = "ok" if table.ok else "MISMATCH"
        click.echo(f"  {table.name:<20} {table.target_rows:>9} rows  {mark}")

    try:
        click.echo(f"Copying {source.url!r} -> {target.url!r}")
        report = copy_database(source, target, replace=replace, batch_size=batch_size,
                               on_table=show)  # fmt: skip
    except TargetNotEmptyError as exc:
        raise click.ClickException(f"{exc}. Use --replace to delete them first.") from exc
    except CopyError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if source_url:
            source.dispose()
        target.dispose()
    click.echo(
        f"Copied {report.total_rows} rows in {len(report.tables)} tables; "
        "counts and checksums match."
    )
