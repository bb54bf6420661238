"""Taxonomy and tags in the database: load, bulk save, retag in batches, staleness."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.cli import main
from tracker.config import PROJECT_ROOT
from tracker.db.models import Meta, Paper, PaperTopic, Topic
from tracker.topics.rules import load_rules
from tracker.topics.store import (
    retag_all,
    save_paper_topics,
    save_taxonomy,
    tags_are_stale,
    taxonomy_is_stale,
)
from tracker.topics.tagger import Tagger
from tracker.topics.taxonomy import load_taxonomy, parse_taxonomy

SEEDS = PROJECT_ROOT / "seeds"
PAPERS = [
    (
        "2401.00001",
        "Gaussian Splatting for Novel View Synthesis",
        "We reconstruct 3D scenes with 3DGS.",
        "cs.CV",
    ),
    (
        "2401.00002",
        "Offline Reinforcement Learning with Value Regularization",
        "An offline RL algorithm; policy gradient and Q-learning baselines.",
        "cs.LG",
    ),
    ("2401.00003", "Capacity of broadcast channels", "Superposition coding bounds.", "cs.IT"),
]


def _add_papers(session: Session) -> None:
    now = datetime(2026, 1, 1)
    for arxiv_id, title, abstract, cats in PAPERS:
        session.add(
            Paper(
                arxiv_id=arxiv_id,
                title=title,
                abstract=abstract,
                categories=cats,
                primary_category=cats.split()[0],
                published=now,
                updated=now,
                first_seen=now,
                last_changed=now,
            )
        )
    session.flush()


def test_save_taxonomy_and_retag(session: Session) -> None:
    tagger = Tagger.from_seeds(SEEDS)
    _add_papers(session)
    assert taxonomy_is_stale(session, tagger.taxonomy)
    counts = save_taxonomy(session, tagger.taxonomy)
    assert counts == {"topics": 25, "added": 25, "removed": 0}
    assert session.get(Meta, "taxonomy_hash").value == tagger.taxonomy.content_hash  # type: ignore[union-attr]
    assert session.get(Topic, "medical").name_zh == "医疗健康AI"  # type: ignore[union-attr]
    assert taxonomy_is_stale(session, tagger.taxonomy)  # papers exist but were never tagged
    seen: list[int] = []
    assert retag_all(session, tagger, batch_size=2, progress=seen.append) == 3
    assert seen == [2, 1]
    tags = dict(session.execute(select(PaperTopic.arxiv_id, PaperTopic.topic)).all())
    assert tags == {"2401.00001": "3d-vision", "2401.00002": "reinforcement-learning"}
    assert not taxonomy_is_stale(session, tagger.taxonomy)
    assert not tags_are_stale(session, tagger)


def test_changed_taxonomy_makes_tags_stale(session: Session) -> None:
    tagger = Tagger.from_seeds(SEEDS)
    _add_papers(session)
    save_taxonomy(session, tagger.taxonomy)
    retag_all(session, tagger)
    text = (SEEDS / "topics.yaml").read_text(encoding="utf-8")
    edited = parse_taxonomy(text.replace("  - slug: medical", "  - slug: health"))
    assert taxonomy_is_stale(session, edited)
    counts = save_taxonomy(session, edited)
    assert counts["added"] == 1 and counts["removed"] == 1
    assert session.get(Topic, "medical") is None
    assert taxonomy_is_stale(session, edited)  # tags still from the old taxonomy
    new_tagger = Tagger(edited, load_rules(Path("/nonexistent"), edited))
    assert tags_are_stale(session, new_tagger)
    retag_all(session, new_tagger)
    assert not taxonomy_is_stale(session, edited)


def test_save_paper_topics_replaces_and_skips_unknown(session: Session) -> None:
    save_taxonomy(session, load_taxonomy(SEEDS / "topics.yaml"))
    _add_papers(session)
    n = save_paper_topics(session, {"2401.00001": [("3d-vision", 0.9), ("video", 0.6)]})
    assert n == 2
    n = save_paper_topics(session, {"2401.00001": [("diffusion", 0.7), ("no-such-topic", 0.8)]})
    assert n == 1
    rows = session.execute(select(PaperTopic.topic, PaperTopic.score)).all()
    assert rows == [("diffusion", 0.7)]


def test_cli_load_and_retag(database_url: str) -> None:
    runner = CliRunner()
    env = {"TRACKER_DATABASE_URL": database_url}
    assert runner.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    result = runner.invoke(main, ["topics", "load"], env=env)
    assert result.exit_code == 0, result.output
    assert "25 loaded (25 new, 0 removed)" in result.output
    result = runner.invoke(main, ["topics", "retag"], env=env)
    assert result.exit_code == 0, result.output
    assert "re-tagged 0 papers" in result.output
    result = runner.invoke(main, ["topics", "retag", "--if-stale"], env=env)
    assert "up to date" in result.output


def test_cli_load_reports_bad_file(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "topics.yaml").write_text("version: 1\nareas: []\ntopics: []\n", encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["topics", "load", "--seeds-dir", str(tmp_path)],
        env={"TRACKER_DATABASE_URL": database_url},
    )
    assert result.exit_code != 0
    assert f"{tmp_path / 'topics.yaml'}:2: 'areas' must be a non-empty list" in result.output
