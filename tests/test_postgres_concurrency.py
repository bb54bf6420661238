"""Several processes on one PostgreSQL database: readers during an ingest, one ingest at a time.

This is the lab setup: the scheduler on a server, a manual run now and then, and the
dashboard reading all day.
"""

from __future__ import annotations

import dataclasses
import gzip
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from tracker.cli import main
from tracker.config import Settings, load_settings
from tracker.db import models
from tracker.db.engine import make_sessionmaker, session_scope
from tracker.db.postgres import paper_search_condition
from tracker.ingest.backfill import backfill_file
from tracker.ingest.enrich import NoopEnricher
from tracker.ingest.lock import LockHeldError, acquire_lock, hold_lock, this_holder
from tracker.ingest.scheduler import run_locked_job

from .conftest import SEEDS
from .fakearxiv import QUERY, FakeArxiv, running_fake, sample_pool

pytestmark = pytest.mark.postgres

SAMPLE = SEEDS / "sample" / "arxiv_sample.jsonl.gz"


@pytest.fixture
def pg_settings(pg_database_url: str) -> Settings:
    return load_settings(database_url=pg_database_url, seeds_dir=SEEDS, arxiv_delay_seconds=0.01)


@pytest.fixture
def subset(tmp_path: Path) -> Path:
    """The first 1,200 records of the bundled sample."""
    path = tmp_path / "subset.jsonl.gz"
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as src, gzip.open(path, "wt") as dst:
        dst.writelines(itertools.islice(src, 1200))
    return path


def _paper_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(models.Paper)) or 0)


def test_readers_are_not_blocked_by_a_writer(pg_engine: Engine, subset: Path) -> None:
    batch = 50
    done = threading.Event()
    errors: list[BaseException] = []
    seen: list[list[int]] = [[] for _ in range(3)]
    slowest: list[float] = [0.0]

    def read(log: list[int]) -> None:
        factory = make_sessionmaker(pg_engine)
        cond = paper_search_condition("learning")
        assert cond is not None
        try:
            while not done.is_set():
                began = time.monotonic()
                with factory() as session:
                    count = session.scalar(select(func.count()).select_from(models.Paper))
                    session.execute(
                        select(models.Paper.arxiv_id, models.Paper.title)
                        .order_by(models.Paper.published.desc())
                        .limit(25)
                    ).all()
                    session.scalar(select(func.count()).select_from(models.Paper).where(cond))
                slowest[0] = max(slowest[0], time.monotonic() - began)
                log.append(int(count or 0))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    readers = [threading.Thread(target=read, args=(log,)) for log in seen]
    for reader in readers:
        reader.start()
    try:
        summary = backfill_file(pg_engine, subset, NoopEnricher(), batch_size=batch)
    finally:
        done.set()
        for reader in readers:
            reader.join(30)
    assert not errors, errors
    assert summary.ok, summary.line()
    total = _paper_count(pg_engine)
    assert total == summary.counts.new > 1000
    for log in seen:
        assert log == sorted(log), "a reader saw the paper count go down"
        # Each batch commits as a whole: readers see 0, 50, 100, ... papers, never half a batch.
        assert all(n % batch == 0 or n == total for n in log)
    distinct = set(itertools.chain.from_iterable(seen))
    assert len(distinct) >= 3, f"readers did not overlap the writes: {sorted(distinct)}"
    assert slowest[0] < 5.0, f"a read took {slowest[0]:.1f}s while the writer wrote"


def test_two_ingests_at_once_exactly_one_wins(pg_engine: Engine) -> None:
    def start(name: str, barrier: threading.Barrier, outcome: dict[str, object]) -> None:
        barrier.wait()
        try:
            outcome[name] = acquire_lock(pg_engine, holder=this_holder(name))
        except LockHeldError as exc:
            outcome[name] = exc

    for _round in range(10):
        barrier = threading.Barrier(2)
        outcome: dict[str, object] = {}
        threads = [
            threading.Thread(target=start, args=(n, barrier, outcome)) for n in ("first", "second")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        winners = [v for v in outcome.values() if not isinstance(v, LockHeldError)]
        refused = [v for v in outcome.values() if isinstance(v, LockHeldError)]
        assert len(winners) == 1 and len(refused) == 1, outcome
        assert refused[0].holder == winners[0].holder  # type: ignore[attr-defined]
        winners[0].release()  # type: ignore[attr-defined]
    with session_scope(pg_engine) as session:
        assert session.scalar(select(func.count()).select_from(models.Lock)) == 0


@pytest.fixture
def fake_arxiv() -> Iterator[FakeArxiv]:
    with running_fake() as fake:
        fake.serve(QUERY, sample_pool(60))
        yield fake
        assert not fake.missing, fake.missing


def _scheduler_settings(settings: Settings, fake: FakeArxiv) -> Settings:
    return dataclasses.replace(
        settings,
        arxiv_api_url=fake.url,
        arxiv_page_size=10,
        arxiv_timeout_seconds=10,
        lookback_days=365 * 40,
        queries=(QUERY,),
    )


def _wait_for_lock(engine: Engine, timeout: float = 60) -> str:
    """Poll until someone holds the ingest lock; return the holder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            holder = session.scalar(select(models.Lock.holder))
        if holder:
            return holder
        time.sleep(0.05)
    raise AssertionError("nobody took the ingest lock")


def test_manual_run_is_refused_while_the_scheduler_ingests(
    pg_engine: Engine, pg_settings: Settings, fake_arxiv: FakeArxiv
) -> None:
    settings = _scheduler_settings(pg_settings, fake_arxiv)
    fake_arxiv.page_delay = 0.3  # six pages: the scheduled job holds the lock for ~2 s
    result: list[bool] = []
    job = threading.Thread(
        target=lambda: result.append(
            run_locked_job(pg_engine, settings, "ingest", threading.Event())
        )
    )
    job.start()
    holder = _wait_for_lock(pg_engine)
    assert "tracker schedule (ingest)" in holder
    manual = CliRunner().invoke(
        main, ["backfill", str(SAMPLE)], env={"TRACKER_DATABASE_URL": pg_settings.database_url}
    )
    job.join(60)
    assert manual.exit_code == 2, manual.output
    assert "another ingest is running" in manual.output
    assert result == [True]
    assert _paper_count(pg_engine) == 60
    with session_scope(pg_engine) as session:
        kinds = list(session.scalars(select(models.IngestRun.kind)))
    assert kinds == ["ingest"]  # the refused backfill never started a run


def test_scheduler_skips_while_a_manual_run_holds_the_lock(
    pg_engine: Engine, pg_settings: Settings, fake_arxiv: FakeArxiv
) -> None:
    settings = _scheduler_settings(pg_settings, fake_arxiv)
    with hold_lock(pg_engine, label="tracker backfill"):
        assert run_locked_job(pg_engine, settings, "ingest", threading.Event()) is False
    assert fake_arxiv.requests == []
    assert _paper_count(pg_engine) == 0
    assert run_locked_job(pg_engine, settings, "ingest", threading.Event()) is True
    assert _paper_count(pg_engine) == 60


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "TRACKER_DATABASE_URL": settings.database_url,
        "TRACKER_SEEDS_DIR": str(SEEDS),
        "TRACKER_CONFIG": os.devnull,
    }


def _start_backfill(settings: Settings, path: Path) -> subprocess.Popen[str]:
    """``tracker backfill PATH`` in its own process."""
    code = "from tracker.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "backfill", "--no-progress", str(path)],
        env=_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


HOLDER = """
import signal, sys, time
# Ctrl-C raises KeyboardInterrupt even when the tests run in the background of a shell,
# which starts them with SIGINT ignored (inherited by this process).
signal.signal(signal.SIGINT, signal.default_int_handler)
from tracker.db.engine import make_engine
from tracker.ingest.lock import hold_lock
with hold_lock(make_engine(sys.argv[1]), label="tracker backfill"):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def other_ingest(pg_settings: Settings) -> Iterator[subprocess.Popen[str]]:
    """Another process in the middle of an ingest: it holds the lock until signalled."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, pg_settings.database_url],
        env=_env(pg_settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "held", proc.communicate()[1]
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=30)


def test_manual_run_is_refused_while_another_process_ingests(
    pg_engine: Engine, pg_settings: Settings, other_ingest: subprocess.Popen[str], subset: Path
) -> None:
    env = {"TRACKER_DATABASE_URL": pg_settings.database_url}
    refused = CliRunner().invoke(main, ["backfill", str(subset)], env=env)
    assert refused.exit_code == 2, refused.output
    assert f":{other_ingest.pid} tracker backfill" in refused.output
    with session_scope(pg_engine) as session:
        assert session.scalar(select(func.count()).select_from(models.IngestRun)) == 0
    # Ctrl-C on the other process: it gives the lock back on its way out.
    other_ingest.send_signal(signal.SIGINT)
    other_ingest.wait(30)
    with session_scope(pg_engine) as session:
        assert session.scalar(select(func.count()).select_from(models.Lock)) == 0
    result = CliRunner().invoke(main, ["backfill", str(subset)], env=env)
    assert result.exit_code == 0, result.output
    assert _paper_count(pg_engine) == 1200


def test_a_killed_ingest_does_not_block_the_next(
    pg_engine: Engine, other_ingest: subprocess.Popen[str]
) -> None:
    with pytest.raises(LockHeldError):
        acquire_lock(pg_engine, holder=this_holder("manual"))
    other_ingest.kill()
    other_ingest.wait(30)
    # The holder's process is gone (same host): its lock is stale and is taken over at once.
    acquire_lock(pg_engine, holder=this_holder("after the crash")).release()


@pytest.mark.slow
def test_two_backfill_processes_started_together(pg_engine: Engine, pg_settings: Settings) -> None:
    procs = [_start_backfill(pg_settings, SAMPLE) for _ in range(2)]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    codes = sorted(code for code, _out, _err in results)
    # Usually they overlap and one is refused; if one finished before the other started, the
    # second found everything stored. Either way no run overlapped another and nothing is lost.
    assert codes in ([0, 2], [0, 0]), results
    for code, _out, err in results:
        if code == 2:
            assert "another ingest is running" in err
    assert _paper_count(pg_engine) == 6722
    with session_scope(pg_engine) as session:
        runs = session.execute(
            select(
                models.IngestRun.started_at, models.IngestRun.finished_at, models.IngestRun.status
            ).order_by(models.IngestRun.started_at)
        ).all()
    assert len(runs) == codes.count(0) and all(r.status == "ok" for r in runs)
    if len(runs) == 2:
        assert runs[0].finished_at <= runs[1].started_at
