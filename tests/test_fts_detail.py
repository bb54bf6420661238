"""Migration 0008: ``papers_fts`` without positions finds the same papers, in less space."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.fakearxiv import SAMPLE
from tracker.db.bulkload import begin_first_load, finish_first_load
from tracker.db.engine import make_engine
from tracker.db.migrate import downgrade_db, upgrade_db
from tracker.ingest.backfill import backfill_file
from tracker.queries.papers import PaperFilter, search_papers

pytestmark = pytest.mark.sqlite_only

WORDS = ("diffusion", "graph", "quantum", "language", "reinforcement", "the", "transformer*")


def _fts_sql(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'papers_fts'")).scalar()
        )


def _triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        return {name for (name,) in rows}


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            w: int(
                conn.execute(
                    text("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH :w"), {"w": w}
                ).scalar_one()
            )
            for w in WORDS
        }


def _index_bytes(engine: Engine) -> int:
    with engine.connect() as conn:
        size = conn.execute(text("SELECT sum(length(block)) FROM papers_fts_data"))
        return int(size.scalar_one())


@pytest.fixture
def at_0007(tmp_path: Path) -> Engine:
    """A database at revision 0007 holding 2,000 papers of the bundled sample."""
    lines = tmp_path / "sample.jsonl"
    with gzip.open(SAMPLE, "rb") as fh:
        lines.write_bytes(b"".join(line for _, line in zip(range(2000), fh, strict=False)))
    engine = make_engine(f"sqlite:///{tmp_path / 'fts.db'}")
    upgrade_db(engine, "0007")
    assert backfill_file(engine, lines).counts.new == 2000
    return engine


def test_0008_keeps_the_matches_and_shrinks_the_index(at_0007: Engine) -> None:
    before, size, triggers = _counts(at_0007), _index_bytes(at_0007), _triggers(at_0007)
    assert "detail" not in _fts_sql(at_0007) and min(before.values()) > 0
    assert {"papers_fts_ai", "papers_fts_ad", "papers_fts_au"} <= triggers

    upgrade_db(at_0007)
    assert "detail=none" in _fts_sql(at_0007)
    assert _counts(at_0007) == before
    assert _triggers(at_0007) == triggers
    assert _index_bytes(at_0007) < size / 2
    with at_0007.connect() as conn:
        conn.execute(text("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')"))
        with pytest.raises(OperationalError, match="phrase"):
            conn.execute(text("""SELECT 1 FROM papers_fts WHERE papers_fts MATCH '"a b"'"""))
    # The triggers still keep the index in step.
    with at_0007.begin() as conn:
        conn.execute(text("UPDATE papers SET title = 'Zyxwvut-9 rises' WHERE rowid = 1"))
    with Session(at_0007) as session:
        found = search_papers(session, PaperFilter(text="zyxwvut-9"))
        assert [row.title for row in found.rows] == ["Zyxwvut-9 rises"]
        assert search_papers(session, PaperFilter(text="_")).total == 0

    changed = _counts(at_0007)
    downgrade_db(at_0007, "0007")
    assert "detail" not in _fts_sql(at_0007)
    assert _counts(at_0007) == changed
    with at_0007.connect() as conn:
        phrase = """SELECT count(*) FROM papers_fts WHERE papers_fts MATCH '"zyxwvut 9"'"""
        assert conn.execute(text(phrase)).scalar_one() == 1


def test_0008_during_a_first_load_leaves_the_triggers_to_it(at_0007: Engine) -> None:
    with at_0007.connect() as conn:
        search = begin_first_load(conn)
        assert search is None  # papers exist: no first load; simulate one that was killed
    with at_0007.begin() as conn:
        conn.execute(text("DELETE FROM papers"))
    with at_0007.connect() as conn:
        assert begin_first_load(conn) is not None  # the process "dies" here
    dropped = _triggers(at_0007)
    assert not dropped & {"papers_fts_ai", "papers_fts_ad", "papers_fts_au"}
    upgrade_db(at_0007)  # migrates, then finishes the pending first load
    assert "detail=none" in _fts_sql(at_0007)
    assert {"papers_fts_ai", "papers_fts_ad", "papers_fts_au"} <= _triggers(at_0007)
    with at_0007.connect() as conn:
        assert finish_first_load(conn) is False  # nothing left pending
