"""Shared fixtures: settings on a temporary SQLite database, a migrated engine, a session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracker.config import PROJECT_ROOT, Settings, load_settings
from tracker.db.engine import make_engine, make_sessionmaker
from tracker.db.migrate import upgrade_db

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep a developer's TRACKER_* variables and tracker.toml out of the tests."""
    for name in list(os.environ):
        if name.startswith("TRACKER_") and name != "TRACKER_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKER_CONFIG", str(tmp_path / "no-such-tracker.toml"))


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite database file in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings pointing at the test database; arXiv delays made tiny for tests."""
    return load_settings(
        database_url=database_url, seeds_dir=SEEDS, arxiv_delay_seconds=0.01
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    """An engine on a database migrated to the newest revision."""
    eng = make_engine(settings)
    upgrade_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database; uncommitted work is rolled back afterwards."""
    with make_sessionmaker(engine)() as sess:
        yield sess
        sess.rollback()


@pytest.fixture(scope="session")
def ccf_catalog():  # type: ignore[no-untyped-def]
    """The CCF catalog read from seeds/ once per test session."""
    from tracker.ccf.catalog import load_ccf_catalog

    return load_ccf_catalog(SEEDS)


@pytest.fixture
def ccf_session(session: Session, ccf_catalog) -> Session:  # type: ignore[no-untyped-def]
    """A session on a database with the CCF tables loaded."""
    from tracker.ccf.store import save_ccf

    save_ccf(session, ccf_catalog)
    session.commit()
    return session
