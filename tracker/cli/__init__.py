"""The ``tracker`` command: thin glue over the library. Each group lives in its own module."""

from __future__ import annotations

import importlib
import logging

import click

from tracker import __version__
from tracker.cli.context import AppContext

# (module, attribute): command groups contributed by each part of the library. A missing module
# is skipped so a partial checkout still runs.
_COMMANDS = [
    ("tracker.cli.db", "db"),
    ("tracker.cli.ccf", "ccf"),
    ("tracker.cli.ingest", "ingest"),
    ("tracker.cli.ingest", "recheck"),
    ("tracker.cli.ingest", "backfill"),
    ("tracker.cli.ingest", "schedule"),
    ("tracker.cli.venues", "venues"),
    ("tracker.cli.topics", "topics"),
    ("tracker.cli.lists", "lists"),
    ("tracker.cli.lists", "export"),
    ("tracker.cli.demo", "demo"),
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tracker")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False),
    envvar="TRACKER_CONFIG",
    help="Settings file (default: ./tracker.toml when it exists).",
)
@click.option(
    "--database-url",
    envvar="TRACKER_DATABASE_URL",
    help="SQLAlchemy database URL (default: sqlite:///data/tracker.db).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, config_file: str | None, database_url: str | None,
         verbose: int) -> None:  # fmt: skip
    """Paper Tracker: arXiv papers, CCF venue tiers and monthly reading lists.

    Settings come from TRACKER_* environment variables and an optional tracker.toml.
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = AppContext(config_file=config_file, database_url=database_url)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    for module_name, attr in _COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("tracker.cli"):
                continue
            raise
        command = getattr(module, attr, None)
        if isinstance(command, click.Command):
            main.add_command(command)


_register()
