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
