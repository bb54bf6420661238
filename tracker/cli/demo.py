"""``tracker demo``: everything ``make demo`` does before it serves the dashboard."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli.context import AppContext

SAMPLE = Path("sample") / "arxiv_sample.jsonl.gz"


def _sub(ctx: click.Context, *path: str) -> click.Command:
    """A subcommand of ``tracker`` by its path, e.g. ("ccf", "load")."""
    command: click.Command | None = ctx.find_root().command
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(ctx, name)
        if command is None:
            raise click.ClickException(f"tracker {' '.join(path)} is not available")
    assert command is not None
    return command


@click.command()
@click.option(
    "--sample",
    type=click.Path(dir_okay=False, path_type=Path),
    help="arXiv snapshot to load (default: the bundled real sample in seeds/).",
)
@click.option("--skip-backfill", is_flag=True, help="Only migrate and load the seed tables.")
@click.pass_context
def demo(ctx: click.Context, sample: Path | None, skip_backfill: bool) -> None:
    """Migrate, load CCF tables and topics, backfill the bundled sample, build reading lists.

    Safe to run again: every step is idempotent.
    """
    app: AppContext = ctx.ensure_object(AppContext)
    click.echo(f"[1/5] database {app.settings.database_url}")
    ctx.invoke(_sub(ctx, "db", "upgrade"))
    click.echo("[2/5] CCF tables")
    ctx.invoke(_sub(ctx, "ccf", "load"))
    click.echo("[3/5] topic taxonomy")
    ctx.invoke(_sub(ctx, "topics", "load"))
    if not skip_backfill:
        file = sample or app.settings.seeds_dir / SAMPLE
        click.echo(f"[4/5] backfill {file}")
        ctx.invoke(_sub(ctx, "backfill"), file=file)
    click.echo("[5/5] reading lists")
    _build_lists(ctx, app)
    click.echo("Ready. `make serve` (or `make demo`) opens http://localhost:8501")


def _build_lists(ctx: click.Context, app: AppContext) -> None:
    """Build every default list for the latest month that has papers."""
    ctx.invoke(_sub(ctx, "lists", "build"), all_lists=True)
