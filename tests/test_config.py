"""Settings come from defaults, tracker.toml, the environment and overrides, in that order."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tracker.config import load_settings
from tracker.db.engine import make_engine


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "missing.toml")
    assert s.database_url == "sqlite:///data/tracker.db"
    assert "cat:cs.CV" in s.queries and s.ccf_edition == 2026


def test_toml_then_env_then_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "tracker.toml"
    cfg.write_text('[tracker]\nlookback_days = 7\nqueries = ["cat:cs.CL"]\nccf_edition = 2022\n')
    s = load_settings(cfg)
    assert (s.lookback_days, s.queries, s.ccf_edition) == (7, ("cat:cs.CL",), 2022)
    monkeypatch.setenv("TRACKER_LOOKBACK_DAYS", "3")
    monkeypatch.setenv("TRACKER_QUERIES", "cat:cs.CV, cat:cs.RO")
    s = load_settings(cfg)
    assert s.lookback_days == 3 and s.queries == ("cat:cs.CV", "cat:cs.RO")
    assert load_settings(cfg, lookback_days=1).lookback_days == 1


@pytest.mark.sqlite_only
def test_sqlite_pragmas(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()


def test_new_sqlite_database_gets_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    import sqlite3

    from tracker.db.engine import SQLITE_PAGE_SIZE

    new = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    with new.begin() as conn:
        conn.execute(text("CREATE TABLE t (a INTEGER)"))
    new.dispose()
    old_path = tmp_path / "old.db"
    with sqlite3.connect(old_path) as raw:  # made by an earlier version: SQLite's default
        raw.execute("PRAGMA page_size=4096")
        raw.execute("CREATE TABLE t (a INTEGER)")
    raw.close()
    old = make_engine(f"sqlite:///{old_path}")
    with old.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    old.dispose()

    def page_size(path: Path) -> int:
        with sqlite3.connect(path) as raw:
            size = int(raw.execute("PRAGMA page_size").fetchone()[0])
        raw.close()
        return size

    assert page_size(tmp_path / "new.db") == SQLITE_PAGE_SIZE
    assert page_size(old_path) == 4096
