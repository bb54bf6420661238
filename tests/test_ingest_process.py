"""Ingest as a process: the CLI, SIGKILL mid-run, a reader during writes, the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.fakearxiv import (
    QUERY,
    FakeArxiv,
    corpora,
    db_state,
    ingest_settings,
    run,
)
from tracker.cli import main
from tracker.config import Settings
from tracker.db import models
from tracker.db.engine import make_engine
from tracker.ingest.runner import ingest_all

CORPUS_A, CORPUS_B = corpora()


def cli_env(settings: Settings, fake: FakeArxiv, tmp_path: Path, timeout: float = 0.2) -> dict:
    """TRACKER_* variables for the CLI: same database and fake, no enrichment seeds."""
    seeds = tmp_path / "no-seeds"
    seeds.mkdir(exist_ok=True)
    return {
        "TRACKER_DATABASE_URL": settings.database_url,
        "TRACKER_ARXIV_API_URL": fake.url,
        "TRACKER_QUERIES": QUERY,
        "TRACKER_ARXIV_PAGE_SIZE": "10",
        "TRACKER_ARXIV_DELAY_SECONDS": "0.01",
        "TRACKER_ARXIV_NUM_RETRIES": "2",
        "TRACKER_ARXIV_TIMEOUT_SECONDS": str(timeout),
        "TRACKER_LOOKBACK_DAYS": str(365 * 40),
        "TRACKER_SEEDS_DIR": str(seeds),
    }


def test_cli_ingest_prints_one_summary_line(
    engine: Engine, settings: Settings, fake: FakeArxiv, tmp_path: Path
) -> None:
    env = cli_env(settings, fake, tmp_path)
    result = CliRunner().invoke(main, ["ingest", "--no-progress"], env=env)
    assert result.exit_code == 0, result.output
    assert "ingest: new 100, updated 0, unchanged 0 (fetched 100)" in result.output
    again = CliRunner().invoke(main, ["ingest", "--no-progress"], env=env)
    assert again.exit_code == 0 and "ingest: new 0, updated 0" in again.output


def test_cli_ingest_fails_non_zero_when_arxiv_keeps_failing(
    engine: Engine, settings: Settings, fake: FakeArxiv, tmp_path: Path
) -> None:
    fake.inject("503", times=None)
    result = CliRunner().invoke(
        main, ["ingest", "--no-progress"], env=cli_env(settings, fake, tmp_path)
    )
    assert result.exit_code == 1
    assert "HTTP 503" in result.output and "1 of 1 failed" in result.output


def test_second_ingest_is_refused_and_names_the_holder(
    engine: Engine, settings: Settings, fake: FakeArxiv, tmp_path: Path
) -> None:
    now = datetime.utcnow()
    with Session(engine) as s:
        s.add(models.Lock(name="ingest", holder="labserver:4242 tracker schedule (ingest)",
                          acquired_at=now, expires_at=now + timedelta(minutes=30)))  # fmt: skip
        s.commit()
    result = CliRunner().invoke(
        main, ["ingest", "--no-progress"], env=cli_env(settings, fake, tmp_path)
    )
    assert result.exit_code == 2
    assert "labserver:4242 tracker schedule (ingest)" in result.output
    assert fake.requests == []  # nothing was fetched


def test_sigkill_mid_run_then_rerun_matches_a_clean_run(
    engine: Engine, settings: Settings, fake: FakeArxiv, reference: dict, tmp_path: Path
) -> None:
    assert run(engine, ingest_settings(settings, fake))
    before = db_state(engine)
    fake.serve(QUERY, CORPUS_B)
    fake.slow_seconds = 30
    fake.inject("slow", lambda p: p.get("start") == "20", times=1)
    fake.watch = lambda p: p.get("start") == "20"
    env = {**os.environ, **cli_env(settings, fake, tmp_path, timeout=60)}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tracker.cli import main; main()", "ingest", "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert fake.seen.wait(30), "the ingest never reached the third page"
        time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    killed = db_state(engine)
    assert killed["cursors"] == before["cursors"]  # the window was not finished
    assert len(killed["papers"]) > len(before["papers"])  # but two pages were stored
    result = CliRunner().invoke(
        main, ["ingest", "--no-progress"], env=cli_env(settings, fake, tmp_path)
    )
    assert result.exit_code == 0, result.output  # the dead process's lock was taken over
    assert db_state(engine) == reference["b"]
    with Session(engine) as s:
        statuses = s.execute(
            select(models.IngestRun.status).order_by(models.IngestRun.id)
        ).scalars()
        assert list(statuses) == ["ok", "failed", "ok"]


def test_reader_can_query_while_ingest_writes(
    engine: Engine, settings: Settings, fake: FakeArxiv
) -> None:
    fake.page_delay = 0.05
    errors: list[BaseException] = []

    def write() -> None:
        try:
            ingest_all(engine, ingest_settings(settings, fake))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    writer = threading.Thread(target=write)
    reader_engine = make_engine(settings.database_url)
    counts: list[int] = []
    writer.start()
    try:
        while writer.is_alive():
            with reader_engine.connect() as conn:
                n = conn.execute(select(func.count()).select_from(models.Paper)).scalar_one()
                conn.execute(
                    select(models.Paper.arxiv_id, func.count(models.PaperVersion.version))
                    .join(models.PaperVersion)
                    .group_by(models.Paper.arxiv_id)
                ).all()
            counts.append(n)
            time.sleep(0.01)
    finally:
        writer.join()
        reader_engine.dispose()
    assert not errors
    assert len(counts) >= 5
    assert counts == sorted(counts)  # readers see whole batches appear, never a rollback
    assert 0 < max(counts) <= 100 and len(set(counts)) > 1
