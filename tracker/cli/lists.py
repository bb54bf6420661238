"""``tracker lists`` (build, show and curate reading lists) and ``tracker export``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from tracker.cli.context import AppContext, pass_app
from tracker.db.engine import session_scope
from tracker.export import FORMATS, export_bibtex, export_csv, export_markdown
from tracker.readinglists import (
    DEFAULT_LIST,
    ListItem,
    Period,
    PeriodError,
    ReadingListError,
    add_item,
    build_list,
    get_list,
    get_list_items,
    latest_period,
    list_lists,
    move_item,
    note_item,
    parse_period,
    pin_item,
    remove_item,
    save_list,
    unpin_item,
)
from tracker.readinglists.build import build_saved_lists, effective_edition
from tracker.readinglists.definitions import describe_list


@contextmanager
def _session(app: AppContext) -> Iterator[Session]:
    """A committing session whose library errors become command-line messages."""
    try:
        with session_scope(app.engine) as session:
            yield session
    except (ReadingListError, PeriodError) as exc:
        raise click.ClickException(str(exc)) from exc


def _period_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--week", help="ISO week, e.g. 2026-W11.")(func)
    return click.option("--month", help="Month, e.g. 2026-03 (default: the newest month).")(func)


def _name_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--name", "-n", default=DEFAULT_LIST, show_default=True, help="Saved list name."
    )(func)


def _period(session: Session, month: str | None, week: str | None) -> Period:
    if month and week:
        raise click.UsageError("give --month or --week, not both")
    if month or week:
        return parse_period(month or week or "")
    newest = latest_period(session)
    if newest is None:
        raise click.ClickException("No papers in the database yet; run `tracker ingest` first.")
    click.echo(f"(no --month given: using {newest.label}, the newest month with papers)", err=True)
    return newest


def _empty_message(session: Session, name: str, period: Period) -> str:
    newest = latest_period(session, period.kind)
    hint = f" The newest {period.kind} with papers is {newest.label}." if newest else ""
    return f"List {name!r} has no papers for {period.label}.{hint}"


def _echo_items(items: list[ListItem], components: bool = False) -> None:
    for item in items:
        flags = ("P" if item.pinned else " ") + ("+" if item.added else " ")
        tier = item.ccf_tier or "-"
        head = f"{item.rank:>3} {flags} {item.score:6.3f}  {tier}  {item.arxiv_id:<12}"
        click.echo(f"{head} {item.title}")
        if components:
            parts = " ".join(f"{k}={v:g}" for k, v in item.components.items() if v)
            click.echo(f"{'':17}[{parts}]")
        if item.note:
            click.echo(f"{'':17}推荐: {item.note}")


@click.group()
def lists() -> None:
    """Monthly and weekly reading lists: build, show, curate (pin, remove, add, note)."""


@lists.command()
@_name_option
@_period_options
@click.option(
    "--all",
    "all_lists",
    is_flag=True,
    help="Build every saved list for the newest month and week that have papers.",
)
@pass_app
def build(app: AppContext, name: str, month: str | None, week: str | None, all_lists: bool) -> None:
    """Rank the period's papers for a list; pins, removals, additions and notes are kept."""
    if all_lists:
        with _session(app) as session:
            built = build_saved_lists(session, app.settings)
        if not built:
            click.echo(
                "No papers yet: nothing to build. Run `tracker ingest` or `tracker backfill`."
            )
        for list_name, label, count in built:
            click.echo(f"Built list {list_name!r} for {label}: {count} items.")
        return
    with _session(app) as session:
        period = _period(session, month, week)
        items = build_list(session, name, period, app.settings)
        if not items:
            click.echo(_empty_message(session, name, period))
            return
        _echo_items(items)
        click.echo(f"Built list {name!r} for {period.label}: {len(items)} items.")


@lists.command()
@_name_option
@_period_options
@click.option("--edition", type=int, help="CCF edition for tiers (default: the list's).")
@click.option("--components", "-c", is_flag=True, help="Show each item's score components.")
@pass_app
def show(app: AppContext, name: str, month: str | None, week: str | None, edition: int | None,
         components: bool) -> None:  # fmt: skip
    """Show a list (P = pinned, + = added by hand); unbuilt periods are previewed."""
    with _session(app) as session:
        period = _period(session, month, week)
        rl = get_list(session, name)
        items = get_list_items(session, name, period, edition, app.settings)
        used = edition or effective_edition(rl, app.settings)
        if not items:
            click.echo(_empty_message(session, name, period))
            return
        click.echo(f"{rl.name} · {period.label} · CCF {used} · {len(items)} items")
        _echo_items(items, components)


def _curation_command(action: str, doc: str) -> Callable[..., Any]:
    def decorate(func: Callable[..., Any]) -> click.Command:
        func.__doc__ = doc
        wrapped = _period_options(_name_option(click.argument("arxiv_id")(func)))
        return lists.command(action)(pass_app(wrapped))

    return decorate


@_curation_command("pin", "Pin a paper at its place (or at --rank); rebuilds keep it there.")
@click.option("--rank", type=click.IntRange(min=1), help="Place to pin it at.")
def _pin(app: AppContext, arxiv_id: str, name: str, month: str | None, week: str | None,
         rank: int | None) -> None:  # fmt: skip
    with _session(app) as session:
        row = pin_item(session, name, _period(session, month, week), arxiv_id, rank)
        click.echo(f"Pinned {row.arxiv_id} at {row.rank}.")


@_curation_command("unpin", "Unpin a paper; the next build ranks it by score again.")
def _unpin(app: AppContext, arxiv_id: str, name: str, month: str | None, week: str | None) -> None:
    with _session(app) as session:
        row = unpin_item(session, name, _period(session, month, week), arxiv_id)
        click.echo(f"Unpinned {row.arxiv_id}.")


@_curation_command("remove", "Remove a paper from the list; rebuilds never bring it back.")
def _remove(app: AppContext, arxiv_id: str, name: str, month: str | None, week: str | None) -> None:
    with _session(app) as session:
        row = remove_item(session, name, _period(session, month, week), arxiv_id)
        click.echo(f"Removed {row.arxiv_id}; run `tracker lists build` to refill the list.")


@_curation_command("add", "Add any stored paper by arXiv id (also undoes a removal).")
@click.option("--rank", type=click.IntRange(min=1), help="Pin it at this place.")
def _add(app: AppContext, arxiv_id: str, name: str, month: str | None, week: str | None,
         rank: int | None) -> None:  # fmt: skip
    with _session(app) as session:
        period = _period(session, month, week)
        row = add_item(session, name, period, arxiv_id, app.settings, rank)
        click.echo(f"Added {row.arxiv_id} at {row.rank}.")


@lists.command("note")
@click.argument("arxiv_id")
@click.argument("text")
@_name_option
@_period_options
@pass_app
def _note(app: AppContext, arxiv_id: str, text: str, name: str, month: str | None,
          week: str | None) -> None:  # fmt: skip
    """Write the recommendation (推荐语) shown with a paper; an empty TEXT clears it."""
    with _session(app) as session:
        row = note_item(session, name, _period(session, month, week), arxiv_id, text)
        click.echo(f"Note {'saved' if row.note else 'cleared'} for {row.arxiv_id}.")


@lists.command("move")
@click.argument("arxiv_id")
@click.argument("rank", type=click.IntRange(min=1))
@_name_option
@_period_options
@pass_app
def _move(app: AppContext, arxiv_id: str, rank: int, name: str, month: str | None,
          week: str | None) -> None:  # fmt: skip
    """Move a paper to RANK (this pins it there so rebuilds keep the order)."""
    with _session(app) as session:
        row = move_item(session, name, _period(session, month, week), arxiv_id, rank)
        click.echo(f"Moved {row.arxiv_id} to {row.rank} (pinned).")


@lists.command("list")
@pass_app
def _list(app: AppContext) -> None:
    """Show the saved list definitions (``all`` and one per topic area exist by default)."""
    with _session(app) as session:
        for row in list_lists(session):
            click.echo(f"{row.name:<16} {row.title}  ({describe_list(row)})")


@lists.command()
@click.argument("name")
@click.option("--title", default="", help="Human title (default: the name).")
@click.option(
    "--topics",
    "-t",
    multiple=True,
    help="Topic or area slug (repeatable or comma-separated); default: all.",
)
@click.option(
    "--min-tier",
    type=click.Choice(["A", "B", "C"], case_sensitive=False),
    help="Only papers accepted at a venue of this CCF tier or better.",
)
@click.option("--accepted-only", is_flag=True, help="Only accepted or published papers.")
@click.option("--category", "categories", multiple=True, help="arXiv category (repeatable).")
@click.option(
    "--size", type=click.IntRange(min=1), default=10, show_default=True, help="Number of papers."
)
@click.option("--edition", type=int, help="CCF edition (default: the settings' edition).")
@pass_app
def create(app: AppContext, name: str, title: str, topics: tuple[str, ...], min_tier: str | None,
           accepted_only: bool, categories: tuple[str, ...], size: int,
           edition: int | None) -> None:  # fmt: skip
    """Define (or redefine) a saved list: topics, filters and size."""
    slugs = [s.strip() for t in topics for s in t.split(",") if s.strip()]
    with _session(app) as session:
        row = save_list(session, name, topics=slugs, title=title, min_tier=min_tier,
                        accepted_only=accepted_only, categories=list(categories), size=size,
                        edition=edition)  # fmt: skip
        click.echo(f"Saved list {row.name!r}: {describe_list(row)}.")


def _title(list_title: str, period: Period, language: str) -> str:
    if language == "en":
        return f"Reading list {period.label}: {list_title}"
    return f"{period.label} 论文推荐：{list_title}"


@click.command()
@click.option("--list", "-l", "name", default=DEFAULT_LIST, show_default=True,
              help="Saved list name.")  # fmt: skip
@_period_options
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="md",
              show_default=True, help="csv, md (Markdown digest) or bib (BibTeX).")  # fmt: skip
@click.option("--output", "-o", default="-", show_default=True, help="File to write; - for stdout.")
@click.option("--edition", type=int, help="CCF edition for tiers (default: the list's).")
@click.option("--language", type=click.Choice(["zh", "en"]), help="Markdown headings language.")
@pass_app
def export(app: AppContext, name: str, month: str | None, week: str | None, fmt: str, output: str,
           edition: int | None, language: str | None) -> None:  # fmt: skip
    """Export a reading list as CSV (Excel-safe, UTF-8 BOM), a Markdown digest or BibTeX."""
    with _session(app) as session:
        period = _period(session, month, week)
        rl = get_list(session, name)
        items = get_list_items(session, name, period, edition, app.settings)
        if not items:
            click.echo(_empty_message(session, name, period), err=True)
        lang = language or app.settings.language
        data: str | bytes
        if fmt == "csv":
            data = export_csv(items)
        elif fmt == "bib":
            data = export_bibtex(items)
        else:
            data = export_markdown(items, _title(rl.title or rl.name, period, lang), lang)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if output == "-":
        click.echo(raw, nl=False)  # bytes go to the binary stream untouched
        return
    Path(output).write_bytes(raw)
    click.echo(f"Wrote {len(items)} items of {name!r} {period.label} to {output}.", err=True)
