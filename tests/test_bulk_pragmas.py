"""A backfill writer runs with bulk-load settings (SQLite PRAGMAs, FTS5 config), put back after."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine

from tracker.db.dialect import (
    FTS_BULK_CONFIG,
    FTS_TRIGGERS,
    bulk_load_pragmas,
    index_papers_fts,
)
from tracker.db.engine import make_engine
from tracker.db.migrate import upgrade_db

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'bulk.db'}")
    upgrade_db(engine)
    return engine


def _fts_config(conn: Connection) -> dict[str, int]:
    rows = conn.exec_driver_sql("SELECT k, v FROM papers_fts_config WHERE k != 'version'")
    return {str(k): int(v) for k, v in rows}


def test_bulk_settings_hold_inside_and_earlier_ones_come_back(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO papers_fts(papers_fts, rank) VALUES ('automerge', 8)")
        conn.commit()
        with bulk_load_pragmas(conn):
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 0
            assert _fts_config(conn) == FTS_BULK_CONFIG
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        # the stored automerge comes back; hashsize had none: FTS5's default, 1 MiB
        assert _fts_config(conn) == {"automerge": 8, "hashsize": 1 << 20}
    engine.dispose()


def _index_papers(conn: Connection, texts: list[str]) -> int:
    """Store papers with these abstracts, index them in one statement; FTS5 rows written."""
    conn.exec_driver_sql("INSERT INTO papers_fts(papers_fts, rank) VALUES ('automerge', 0)")
    for trigger in FTS_TRIGGERS:  # as a first load does: indexed by the one statement below
        conn.exec_driver_sql(f"DROP TRIGGER {trigger}")
    rows = [(f"2401.{i:05d}", f"Title {i}", text) for i, text in enumerate(texts)]
    conn.exec_driver_sql(
        "INSERT INTO papers (arxiv_id, title, abstract, authors, categories, primary_category,"
        " published, updated, latest_version, venue_status, source, first_seen, last_changed)"
        " VALUES (?, ?, ?, '', '', '', '2024-01-01', '2024-01-01', 1, 'none', 'snapshot',"
        " '2024-01-01', '2024-01-01')",
        rows,
    )
    index_papers_fts(conn, 0)
    conn.commit()
    return int(conn.exec_driver_sql("SELECT count(*) FROM papers_fts_data").scalar() or 0)


def test_a_bulk_load_writes_its_search_terms_in_fewer_pieces(tmp_path: Path) -> None:
    """More than 1 MiB of pending terms: FTS5's default flushes several segments mid-statement,
    the bulk hash size one."""
    rng = random.Random(7)
    words = [f"w{n}" for n in range(40_000)]
    texts = [" ".join(rng.sample(words, 120)) for _ in range(4000)]
    counts = {}
    for mode in ("plain", "bulk"):
        engine = make_engine(f"sqlite:///{tmp_path / mode}.db")
        upgrade_db(engine)
        with engine.connect() as conn:
            if mode == "plain":
                counts[mode] = _index_papers(conn, texts)
            else:
                with bulk_load_pragmas(conn):
                    counts[mode] = _index_papers(conn, texts)
            hits = (
                conn.exec_driver_sql(
                    "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?", (texts[5].split()[0],)
                )
                .scalars()
                .all()
            )
        engine.dispose()
        assert 6 in hits  # the sixth paper holds that word: the index is whole either way
    assert counts["bulk"] < counts["plain"]


def test_a_setting_this_fts5_does_not_know_is_skipped(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An older SQLite whose FTS5 lacks a setting still loads, with the settings it has."""
    monkeypatch.setattr(
        "tracker.db.dialect.FTS_BULK_CONFIG", {"no_such_setting": 1, **FTS_BULK_CONFIG}
    )
    caplog.set_level("INFO", logger="tracker.db.dialect")
    with engine.connect() as conn:
        with bulk_load_pragmas(conn):
            assert _fts_config(conn) == FTS_BULK_CONFIG
        assert _fts_config(conn) == {"automerge": 4, "hashsize": 1 << 20}
    engine.dispose()
    assert "'no_such_setting' left as it is" in caplog.text
