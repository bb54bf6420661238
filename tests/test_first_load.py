"""A backfill into an empty SQLite database builds indexes and the FTS5 index once, at the end."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tests.fakearxiv import SAMPLE
from tracker.cli import main
from tracker.db import bulkload
from tracker.db.bulkload import PENDING_KEY, begin_first_load, finish_first_load
from tracker.ingest import pipeline
from tracker.ingest.backfill import backfill_file
from tracker.ingest.enrich import NoopEnricher
from tracker.ingest.rows import NewRows
from tracker.ingest.runner import save_in_batches, start_run
from tracker.ingest.upsert import save_records
from tracker.sources.snapshot import load_snapshot

pytestmark = pytest.mark.sqlite_only


def _schema(engine: Engine) -> set[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
        ).all()
    return {(t, n, s) for t, n, s in rows}


def _pending(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT value FROM meta WHERE key = :k"), {"k": PENDING_KEY}
        ).scalar()


def _matches(engine: Engine, word: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH :w"), {"w": word}
            ).scalar_one()
        )


def _like(engine: Engine, word: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM papers WHERE lower(title || ' ' || abstract || ' ' "
                    "|| authors) LIKE :w"
                ),
                {"w": f"%{word}%"},
            ).scalar_one()
        )


def _write_lines(path: Path, n: int) -> Path:
    with gzip.open(SAMPLE, "rb") as fh:
        path.write_bytes(b"".join(line for _, line in zip(range(n), fh, strict=False)))
    return path


def test_first_load_puts_back_every_index_and_indexes_every_paper(engine: Engine) -> None:
    schema = _schema(engine)
    summary = backfill_file(engine, SAMPLE, batch_size=1000)
    assert summary.ok and summary.counts.new == 6722
    assert _schema(engine) == schema  # same indexes and triggers, same DDL
    assert _pending(engine) is None
    with engine.connect() as conn:
        check = conn.execute(text("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')"))
        check.close()
    assert _matches(engine, "diffusion") > 0
    # Triggers are back: an ordinary later change reaches the index.
    with engine.begin() as conn:
        conn.execute(text("UPDATE papers SET title = 'zyxwvut' WHERE rowid = 1"))
    assert _matches(engine, "zyxwvut") == 1


def test_second_backfill_is_no_first_load(engine: Engine, tmp_path: Path) -> None:
    backfill_file(engine, _write_lines(tmp_path / "a.jsonl", 50))
    with engine.connect() as conn:
        assert begin_first_load(conn) is None
    assert _pending(engine) is None


def test_a_killed_first_load_is_finished_by_the_next_writer(engine: Engine, tmp_path: Path) -> None:
    schema = _schema(engine)
    with engine.connect() as conn:
        assert begin_first_load(conn) is not None  # the process "dies": nothing puts them back
    assert _pending(engine) is not None
    assert {n for _, n, _ in schema} - {n for _, n, _ in _schema(engine)} >= {
        "papers_fts_ai",
        "ix_papers_published_facts",
    }
    # An API-style ingest (save_in_batches) first finishes the load, then stores its papers.
    summary = start_run(engine, "ingest", "test")
    records = list(load_snapshot(_write_lines(tmp_path / "b.jsonl", 30)))
    save_in_batches(engine, records, summary, NoopEnricher(), 10)
    assert _schema(engine) == schema and _pending(engine) is None
    assert _matches(engine, "the") == _like(engine, "the") > 0


def test_a_killed_first_load_is_resumed_by_the_next_backfill(
    engine: Engine, tmp_path: Path
) -> None:
    schema = _schema(engine)
    with engine.connect() as conn:
        assert begin_first_load(conn) is not None
    backfill_file(engine, _write_lines(tmp_path / "c.jsonl", 40))
    assert _schema(engine) == schema and _pending(engine) is None
    assert _matches(engine, "the") == _like(engine, "the") > 0


def test_reindex_finishes_a_killed_first_load(settings, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    schema = _schema(engine)
    with engine.connect() as conn:
        assert begin_first_load(conn) is not None
        assert finish_first_load(conn) and not finish_first_load(conn)
        assert begin_first_load(conn) is not None
    result = CliRunner().invoke(
        main, ["db", "reindex"], env={"TRACKER_DATABASE_URL": settings.database_url}
    )
    assert result.exit_code == 0, result.output
    assert "interrupted first load" in result.output
    assert _schema(engine) == schema and _pending(engine) is None


def _integrity(engine: Engine) -> None:
    with engine.begin() as conn:  # raises "database disk image is malformed" when corrupt
        conn.execute(text("INSERT INTO papers_fts(papers_fts) VALUES ('integrity-check')"))


def test_search_catch_up_then_the_rest_at_the_end(engine: Engine, tmp_path: Path) -> None:
    records = list(load_snapshot(_write_lines(tmp_path / "d.jsonl", 40)))
    with engine.connect() as conn:
        search = begin_first_load(conn)
        assert search is not None and search.valid
        with Session(bind=conn) as session:
            save_records(session, records[:30], NoopEnricher())
            session.commit()
        assert search.step(conn, rows=10) and search.step(conn, rows=10)
        assert search.done_up_to == 20
        with Session(bind=conn) as session:
            save_records(session, records[30:], NoopEnricher())
            session.commit()
        assert search.step(conn, rows=15) and search.done_up_to == 35
        assert not search.step(conn, rows=10)  # 5 wait: no step smaller than asked
        assert search.done_up_to == 35
        assert finish_first_load(conn, search)
    _integrity(engine)
    assert _matches(engine, "the") == _like(engine, "the") > 0


@pytest.mark.parametrize("workers", [0, 2])
def test_search_keeps_up_during_the_load(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """The full-text index is never more than MAX_SEARCH_LAG papers behind after a block."""
    monkeypatch.setattr(bulkload, "MAX_SEARCH_LAG", 500)
    behind: list[int] = []
    store = pipeline.save_new_rows

    def watching(session: Session, new: NewRows) -> int:
        conn = session.connection()
        stored = conn.exec_driver_sql("SELECT count(*) FROM papers").scalar_one()
        indexed = conn.exec_driver_sql("SELECT count(*) FROM papers_fts_docsize").scalar_one()
        behind.append(stored - indexed)
        return store(session, new)

    monkeypatch.setattr(pipeline, "save_new_rows", watching)
    lines = _write_lines(tmp_path / "k.jsonl", 3000)
    summary = backfill_file(engine, lines, batch_size=200, workers=workers)
    assert summary.ok and summary.counts.new == 3000 and len(behind) == 15
    # Before each block is stored, at most the lag plus one block waits for the index.
    assert max(behind) <= 500 + 200
    if workers == 0:  # no idle time to index in (with workers it depends on their speed)
        assert max(behind) > 0
    _integrity(engine)
    with engine.connect() as conn:
        indexed = conn.execute(text("SELECT count(*) FROM papers_fts_docsize")).scalar_one()
    assert indexed == 3000 and _matches(engine, "diffusion") > 0


def test_a_paper_changed_during_a_first_load_is_found_by_its_new_words(
    engine: Engine, tmp_path: Path
) -> None:
    with gzip.open(SAMPLE, "rb") as fh:
        lines = [line for _, line in zip(range(30), fh, strict=False)]
    changed = json.loads(lines[3])
    changed["title"] = "Qwertyuiop revisited"
    path = tmp_path / "dup.jsonl"
    path.write_bytes(b"".join(lines) + json.dumps(changed).encode() + b"\n")
    summary = backfill_file(engine, path, batch_size=10)
    assert summary.ok and summary.counts.updated == 1
    _integrity(engine)
    assert _matches(engine, "qwertyuiop") == 1
    assert _matches(engine, "the") == _like(engine, "the") > 0
