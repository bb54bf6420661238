"""Shared fixtures: settings on a fresh database, a migrated engine, a session.

Every test that uses ``database_url`` (and so ``settings``, ``engine``, ``session``) runs twice:
on a temporary SQLite file and on a fresh database on a real PostgreSQL server that the session
starts itself (see ``tests/pgserver.py``). Mark a test ``sqlite_only`` when it is about SQLite
itself; set ``TRACKER_TEST_SKIP_POSTGRES=1`` to deselect the PostgreSQL half on purpose.
"""

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

from .fakearxiv import QUERY, FakeArxiv, build_reference, corpora, running_fake
from .pgserver import ENV_OPT_OUT, PostgresServer, PostgresUnavailable, start_postgres_server

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = PROJECT_ROOT / "seeds"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep a developer's TRACKER_* variables and tracker.toml out of the tests."""
    for name in list(os.environ):
        if name.startswith("TRACKER_") and name != "TRACKER_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKER_CONFIG", str(tmp_path / "no-such-tracker.toml"))


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker for tests that only make sense on SQLite."""
    config.addinivalue_line("markers", "sqlite_only: run only the SQLite half of a database test")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect PostgreSQL runs of ``sqlite_only`` tests, and all of them when opted out."""
    opted_out = os.environ.get(ENV_OPT_OUT, "") not in ("", "0")
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_pg = callspec is not None and "postgresql" in list(callspec.params.values())
        is_pg = on_pg or item.get_closest_marker("postgres") is not None
        if (on_pg and item.get_closest_marker("sqlite_only")) or (opted_out and is_pg):
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session; a failure to start fails the tests loudly."""
    try:
        server = start_postgres_server()
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL is required for the tests: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def pg_database_url(pg_server: PostgresServer) -> Iterator[str]:
    """URL of an empty database on the test PostgreSQL server, emptied again afterwards."""
    name = pg_server.acquire_database()
    yield pg_server.database_url(name)
    pg_server.release_database(name)


@pytest.fixture
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    """An engine on a fresh PostgreSQL database migrated to the newest revision."""
    eng = make_engine(pg_database_url)
    upgrade_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of a fresh empty database: an SQLite file in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings pointing at the test database; arXiv delays made tiny for tests."""
    return load_settings(database_url=database_url, seeds_dir=SEEDS, arxiv_delay_seconds=0.01)


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


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The database after a clean ingest of corpus A and then of corpus B (built once)."""
    return build_reference(tmp_path_factory.mktemp("reference") / "ref.db")


@pytest.fixture
def fake() -> Iterator[FakeArxiv]:
    """A fake arXiv serving corpus A; fails the test on a request it has no answer for."""
    with running_fake(slow_seconds=0.5) as server:
        server.serve(QUERY, corpora()[0])
        yield server
        assert not server.missing, f"requests without a recording: {server.missing}"


@pytest.fixture
def seeded(database_url: str) -> Iterator[Session]:
    """A session on a freshly seeded dashboard database (SQLite and PostgreSQL)."""
    from .dashboard_seed import seed_database

    seed_database(database_url)
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as session:
        yield session
    engine.dispose()
