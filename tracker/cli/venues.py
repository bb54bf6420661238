"""``tracker venues``: resolve comments / journal-refs / DOIs to venues and CCF tiers."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from tracker.config import load_settings
from tracker.venues import VenueResolver

OUTPUT_KEYS = ("id", "venue", "year", "kind", "status", "ccf_tier", "ccf_edition", "evidence")


def _resolver(ctx: click.Context) -> VenueResolver:
    settings = getattr(ctx.obj, "settings", None) or load_settings()
    return VenueResolver.from_seeds(settings.seeds_dir)


def _field(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name!r} must be a string or null")
    return value


def resolve_line(resolver: VenueResolver, line: str, edition: int) -> dict[str, Any]:
    """One output object per input line; a malformed line gives ``id`` null and ``error``."""
    try:
        obj = json.loads(line)
        if not isinstance(obj, dict):
            raise ValueError("each line must be a JSON object")
        if "id" not in obj:
            raise ValueError("missing 'id'")
        paper_id = obj["id"]
        res = resolver.resolve(_field(obj, "comments"), _field(obj, "journal_ref"),
                               _field(obj, "doi"), edition)  # fmt: skip
    except (ValueError, TypeError, RecursionError) as exc:
        return {"id": None, "error": str(exc) or type(exc).__name__}
    return {"id": paper_id, **res.as_dict()}


@click.group()
def venues() -> None:
    """Resolve where papers were accepted and the venue's CCF tier."""


@venues.command("resolve")
@click.option("--edition", type=int, default=None,
              help="CCF edition for the tier (default: the newest, 2026).")  # fmt: skip
@click.pass_context
def resolve_cmd(ctx: click.Context, edition: int | None) -> None:
    """Read JSON lines {id, comments, journal_ref, doi} on stdin; write one result line each.

    Output keys: id, venue, year, kind, status, ccf_tier, ccf_edition, evidence. A malformed
    line gives an output line with id null and an error key; processing continues.
    """
    resolver = _resolver(ctx)
    if edition is not None and edition not in resolver.editions:
        raise click.BadParameter(
            f"no CCF edition {edition}; known: {', '.join(map(str, resolver.editions))}",
            param_hint="--edition",
        )
    ed = edition or resolver.newest_edition
    out = sys.stdout
    for line in sys.stdin:
        out.write(json.dumps(resolve_line(resolver, line, ed), ensure_ascii=False) + "\n")
    out.flush()


@venues.command("explain")
@click.argument("text")
@click.option("--journal-ref", default=None, help="A journal-ref to read as well.")
@click.option("--doi", default=None, help="A DOI to read as well.")
@click.option("--edition", type=int, default=None, help="CCF edition (default: newest).")
@click.pass_context
def explain_cmd(ctx: click.Context, text: str, journal_ref: str | None, doi: str | None,
                edition: int | None) -> None:  # fmt: skip
    """Show how TEXT (a comment) is read: mentions, cues, and the decision."""
    resolver = _resolver(ctx)
    res, steps = resolver.explain(text, journal_ref, doi, edition)
    for step in steps:
        click.echo(step)
    click.echo(json.dumps(res.as_dict(), ensure_ascii=False))
    tiers = ", ".join(f"{e}: {t or '-'}" for e, t in res.tiers)
    if tiers:
        click.echo(f"tier by edition: {tiers}")
