"""`tracker db vacuum` rewrites an older SQLite database with 16 KiB pages; search still works."""

from __future__ import annotations

import gzip
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.dashboard_seed import seed_database
from tests.fakearxiv import SAMPLE
from tracker.cli import main
from tracker.db.engine import make_engine, make_sessionmaker
from tracker.queries.papers import PaperFilter, search_papers


def _vacuum(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["db", "vacuum", *args], env={"TRACKER_DATABASE_URL": url})


def _pragma(path: Path, name: str) -> str:
    raw = sqlite3.connect(path)
    try:
        return str(raw.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        raw.close()


def _search(url: str, words: str) -> list[str]:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        ids = [row.arxiv_id for row in search_papers(session, PaperFilter(text=words)).rows]
    engine.dispose()
    return ids


@pytest.fixture
def old_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    """A filled database with SQLite's default 4 KiB pages, as earlier versions made them."""
    path = tmp_path / "old.db"
    with monkeypatch.context() as patch:
        patch.setattr("tracker.db.engine.SQLITE_PAGE_SIZE", 4096)
        seed_database(f"sqlite:///{path}")
    assert _pragma(path, "page_size") == "4096"
    return f"sqlite:///{path}", path


def test_vacuum_gives_an_old_database_large_pages_and_keeps_search(
    old_database: tuple[str, Path],
) -> None:
    url, path = old_database
    found = _search(url, "diffusion")
    assert found
    result = _vacuum(url)
    assert result.exit_code == 0, result.output
    assert "pages 4096 -> 16384 bytes" in result.output and "papers_fts rebuilt" in result.output
    assert _pragma(path, "page_size") == "16384"
    assert _pragma(path, "journal_mode") == "wal"
    assert _search(url, "diffusion") == found
    raw = sqlite3.connect(path)  # the full-text index agrees with the papers table
    raw.execute("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")
    raw.close()


@pytest.mark.parametrize("reading", [True, False], ids=["mid-read", "merely-connected"])
def test_vacuum_refuses_while_the_database_is_open_elsewhere(
    old_database: tuple[str, Path], reading: bool
) -> None:
    url, path = old_database
    other = sqlite3.connect(path)  # e.g. the dashboard: WAL index mapped
    if reading:
        other.execute("BEGIN")
    other.execute("SELECT count(*) FROM papers").fetchone()
    try:
        result = _vacuum(url, "--page-size", "8192")
    finally:
        other.rollback()
        other.close()
    assert result.exit_code != 0
    assert "another process has the database open" in result.output
    assert _pragma(path, "page_size") == "4096"
    assert _pragma(path, "journal_mode") == "wal"
    assert _search(url, "diffusion")


@pytest.mark.postgres
def test_vacuum_is_for_sqlite_only(pg_database_url: str) -> None:
    result = _vacuum(pg_database_url)
    assert result.exit_code != 0 and "autovacuum" in result.output


def test_a_backfill_into_an_old_database_suggests_vacuum(
    old_database: tuple[str, Path], tmp_path: Path
) -> None:
    url, _path = old_database
    snapshot = tmp_path / "few.jsonl"
    with gzip.open(SAMPLE, "rb") as fh:
        snapshot.write_bytes(b"".join(line for _, line in zip(range(20), fh, strict=False)))
    args = ["backfill", str(snapshot), "--no-progress", "--workers", "0"]
    env = {"TRACKER_DATABASE_URL": url}
    before = CliRunner().invoke(main, args, env=env)
    assert before.exit_code == 0, before.output
    assert "4096-byte pages; `tracker db vacuum`" in before.output
    assert _vacuum(url).exit_code == 0
    after = CliRunner().invoke(main, args, env=env)
    assert after.exit_code == 0 and "tracker db vacuum" not in after.output
