"""`tracker db reindex` rebuilds the full-text index so search finds papers again."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import text

from tests.dashboard_seed import seed_database
from tracker.cli import main
from tracker.db.engine import make_engine, make_sessionmaker
from tracker.queries.papers import PaperFilter, search_papers


def _search(url: str, words: str) -> int:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        total = search_papers(session, PaperFilter(text=words)).total
    engine.dispose()
    return total


def test_reindex_restores_search(database_url: str) -> None:
    seed_database(database_url)
    before = _search(database_url, "diffusion")
    assert before > 0
    engine = make_engine(database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            # What a renumbering VACUUM does to an external-content index: it goes stale.
            conn.execute(text("INSERT INTO papers_fts(papers_fts) VALUES ('delete-all')"))
    engine.dispose()
    if database_url.startswith("sqlite"):
        assert _search(database_url, "diffusion") == 0
    result = CliRunner().invoke(main, ["db", "reindex"], env={"TRACKER_DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    assert _search(database_url, "diffusion") == before
