"""``tracker ccf``: load the CCF tables, look venues up, compare editions."""

from __future__ import annotations

import csv
import sys

import click
from sqlalchemy.orm import Session

from tracker.ccf.catalog import CcfSeedError, load_ccf_catalog
from tracker.ccf.query import ccf_changes, lookup_venues
from tracker.ccf.stats import ccf_counts, format_counts
from tracker.ccf.store import save_ccf
from tracker.cli.context import AppContext, pass_app
from tracker.db.engine import session_scope


@click.group()
def ccf() -> None:
    """The CCF recommended-venue list (2019, 2022, 2026 editions)."""


@ccf.command()
@pass_app
def load(app: AppContext) -> None:
    """Load the CCF editions and aliases from seeds/ (idempotent; all or nothing)."""
    try:
        catalog = load_ccf_catalog(app.settings.seeds_dir)
    except CcfSeedError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{len(exc.problems)} bad seed row(s); nothing was loaded. Fix the rows above."
        ) from exc
    with session_scope(app.engine) as session:
        counts = save_ccf(session, catalog)
        extra = _save_extra_venues(session, app)
    click.echo(
        f"CCF: {len(catalog.editions)} editions, {len(catalog.venues)} venues; {counts}{extra}."
    )


def _save_extra_venues(session: Session, app: AppContext) -> str:
    """Curated aliases and non-CCF venues from seeds/venues, when the resolver ships them."""
    try:
        from tracker.venues.store import load_venue_seeds, save_extra_venues
    except ImportError:
        return ""
    seeds = load_venue_seeds(app.settings.seeds_dir)
    result = save_extra_venues(session, seeds)
    return f"; curated venues: {result}"


@ccf.command()
@click.argument("name")
@click.option("--edition", type=int, help="Show only this edition's tier.")
@pass_app
def lookup(app: AppContext, name: str, edition: int | None) -> None:
    """Find a venue by abbreviation, alias, DBLP key or full name and show its tiers."""
    with session_scope(app.engine) as session:
        found = lookup_venues(session, name)
    if not found:
        raise click.ClickException(
            f"No venue matches {name!r}. Try an abbreviation (CVPR), a full name or a DBLP key "
            "(conf/cvpr); run `tracker ccf load` if the table is empty."
        )
    if len(found) > 1:
        click.echo(f"{len(found)} venues match {name!r}:")
    for info in found:
        label = info.abbr or info.full_name
        click.echo(f"{label} — {info.full_name} [{info.kind}; {', '.join(info.domains)}]")
        for year, tier in info.tiers.items():
            if edition is None or year == edition:
                click.echo(f"  {year}: {tier or 'unlisted'}")


@ccf.command()
@click.option("--from", "from_edition", type=int, required=True, help="Older edition.")
@click.option("--to", "to_edition", type=int, required=True, help="Newer edition.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@pass_app
def changes(app: AppContext, from_edition: int, to_edition: int, fmt: str) -> None:
    """Tier changes, additions, removals and renames between two editions."""
    with session_scope(app.engine) as session:
        rows = ccf_changes(session, from_edition, to_edition)
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(
            [
                "abbr",
                "kind",
                "domain_name_en",
                "from_edition",
                "to_edition",
                "from_tier",
                "to_tier",
                "change",
                "full_name",
                "detail",
            ]
        )
        for c in rows:
            writer.writerow(
                [
                    c.venue,
                    c.kind,
                    c.domain,
                    from_edition,
                    to_edition,
                    c.from_tier,
                    c.to_tier,
                    c.change,
                    c.full_name,
                    c.detail,
                ]
            )
        return
    if not rows:
        click.echo(f"No differences between {from_edition} and {to_edition}.")
        return
    for c in rows:
        tiers = f"{c.from_tier or '-'} -> {c.to_tier or '-'}"
        click.echo(f"{c.change:<9} {c.venue[:28]:<28} {c.kind:<10} {tiers:<8} {c.detail}")
    click.echo(f"{len(rows)} changes from {from_edition} to {to_edition}.")


@ccf.command()
@pass_app
def stats(app: AppContext) -> None:
    """Rows per edition, kind and tier (compare with seeds/ccf/README.md)."""
    with session_scope(app.engine) as session:
        counts = ccf_counts(session)
    if not counts:
        raise click.ClickException("The CCF tables are empty: run `tracker ccf load`.")
    click.echo(format_counts(counts))
