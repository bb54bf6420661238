"""Migration 0009: ``published`` is looked up through ``ix_papers_published_facts`` alone."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.fakearxiv import SAMPLE
from tracker.db.bulkload import begin_first_load, finish_first_load
from tracker.db.engine import make_engine
from tracker.db.migrate import downgrade_db, upgrade_db
from tracker.ingest.backfill import backfill_file

pytestmark = pytest.mark.sqlite_only

OLD = "ix_papers_published"
FACTS = "ix_papers_published_facts"


def _indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))
        return {name for (name,) in rows}


def _plan(engine: Engine, sql: str) -> str:
    with engine.connect() as conn:
        return " | ".join(str(row[-1]) for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))


@pytest.fixture
def at_0008(tmp_path: Path) -> Engine:
    """An empty database at revision 0008."""
    engine = make_engine(f"sqlite:///{tmp_path / 'published.db'}")
    upgrade_db(engine, "0008")
    return engine


def test_0009_drops_the_index_and_published_queries_use_the_facts_index(
    at_0008: Engine, tmp_path: Path
) -> None:
    lines = tmp_path / "sample.jsonl"
    with gzip.open(SAMPLE, "rb") as fh:
        lines.write_bytes(b"".join(line for _, line in zip(range(500), fh, strict=False)))
    assert backfill_file(at_0008, lines).counts.new == 500
    assert OLD in _indexes(at_0008)

    upgrade_db(at_0008)
    assert OLD not in _indexes(at_0008) and FACTS in _indexes(at_0008)
    newest = _plan(at_0008, "SELECT max(published) FROM papers")
    month = _plan(
        at_0008,
        "SELECT arxiv_id, title FROM papers WHERE published >= '2024-01-01' "
        "AND published < '2024-02-01' ORDER BY published DESC",
    )
    assert FACTS in newest and FACTS in month
    assert "SCAN papers" not in month and "TEMP B-TREE" not in month

    downgrade_db(at_0008, "0008")
    assert OLD in _indexes(at_0008)


def test_0009_during_a_first_load_keeps_the_index_from_coming_back(at_0008: Engine) -> None:
    with at_0008.connect() as conn:
        assert begin_first_load(conn) is not None  # the process "dies" here
    assert OLD not in _indexes(at_0008) and FACTS not in _indexes(at_0008)
    upgrade_db(at_0008)  # migrates, then finishes the pending first load
    assert OLD not in _indexes(at_0008) and FACTS in _indexes(at_0008)
    with at_0008.connect() as conn:
        assert finish_first_load(conn) is False  # nothing left pending
