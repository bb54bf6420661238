"""``tracker topics``: load the taxonomy, tag papers from JSON lines, re-tag the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from tracker.cli.context import AppContext, pass_app
from tracker.db.engine import session_scope
from tracker.topics.rules import load_rules
from tracker.topics.store import count_papers, retag_all, save_taxonomy, taxonomy_is_stale
from tracker.topics.tagger import RULES_FILE, TAXONOMY_FILE, Tagger
from tracker.topics.taxonomy import TaxonomyError, load_taxonomy

seeds_option = click.option(
    "--seeds-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder with topics.yaml and topic_rules.yaml (default: the settings' seeds_dir).",
)


def _tagger(app: AppContext, seeds_dir: Path | None) -> Tagger:
    seeds = seeds_dir or app.settings.seeds_dir
    try:
        return Tagger.from_seeds(seeds)
    except TaxonomyError as exc:
        raise click.ClickException(f"{exc}\nFix the file and run the command again.") from exc


@click.group()
def topics() -> None:
    """Topic taxonomy (seeds/topics.yaml) and topic tags of papers."""


@topics.command()
@seeds_option
@pass_app
def load(app: AppContext, seeds_dir: Path | None) -> None:
    """Validate the taxonomy and load it into the topics table (then run `retag` if stale)."""
    seeds = seeds_dir or app.settings.seeds_dir
    try:
        taxonomy = load_taxonomy(seeds / TAXONOMY_FILE)
        load_rules(seeds / RULES_FILE, taxonomy)
    except TaxonomyError as exc:
        raise click.ClickException(f"{exc}\nNothing was loaded; fix the file first.") from exc
    with session_scope(app.engine) as session:
        counts = save_taxonomy(session, taxonomy)
        stale = taxonomy_is_stale(session, taxonomy)
    click.echo(
        f"topics: {counts['topics']} loaded ({counts['added']} new, {counts['removed']} removed); "
        f"hash {taxonomy.content_hash[:12]}"
    )
    if stale:
        click.echo("Paper tags predate this taxonomy: run `tracker topics retag`.")


def _tag_line(tagger: Tagger, line: str) -> dict[str, Any]:
    try:
        row = json.loads(line)
        if not isinstance(row, dict):
            raise ValueError("a JSON object is expected")
        title, abstract = row.get("title"), row.get("abstract")
        if "id" not in row or not isinstance(title, str) or not isinstance(abstract, str):
            raise ValueError("`id`, `title` and `abstract` (strings) are required")
        categories = row.get("categories") or ""
        if not isinstance(categories, str | list):
            raise ValueError("`categories` must be a space-separated string")
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return {"id": None, "topics": [], "scores": {}, "error": str(exc)}
    tags = tagger.tag(title, abstract, categories)
    return {"id": row["id"], "topics": [s for s, _ in tags], "scores": dict(tags)}


@topics.command()
@seeds_option
@pass_app
def tag(app: AppContext, seeds_dir: Path | None) -> None:
    """Tag papers: JSON lines on stdin ({id, title, abstract, categories?}) -> JSON lines out.

    Each output line has `id`, `topics` (slugs, best first) and `scores` (slug -> score),
    in input order; a malformed line gives `id` null and an `error`, and tagging goes on.
    """
    tagger = _tagger(app, seeds_dir)
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        out.write(json.dumps(_tag_line(tagger, line), ensure_ascii=False) + "\n")
    out.flush()


@topics.command()
@seeds_option
@click.option("--batch-size", default=2000, show_default=True, help="Papers per batch.")
@click.option("--if-stale", is_flag=True, help="Do nothing when the tags are up to date.")
@pass_app
def retag(app: AppContext, seeds_dir: Path | None, batch_size: int, if_stale: bool) -> None:
    """Load the taxonomy and re-tag every paper in the database, with a progress bar."""
    tagger = _tagger(app, seeds_dir)
    with session_scope(app.engine) as session:
        if if_stale and not taxonomy_is_stale(session, tagger.taxonomy):
            click.echo("topic tags are up to date.")
            return
        save_taxonomy(session, tagger.taxonomy)
        total = count_papers(session)
        with tqdm(total=total, unit="paper", disable=None, file=sys.stderr) as bar:
            done = retag_all(session, tagger, batch_size=batch_size, progress=bar.update)
    click.echo(f"re-tagged {done} papers with {len(tagger.slugs)} topics.")
