"""Ctrl-C during a multi-process backfill stops it cleanly; a re-run finishes the file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.make_corpus import write_corpus
from tracker.db.engine import make_engine
from tracker.db.migrate import upgrade_db
from tracker.db.models import Paper

N = 12_000


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_ctrl_c_stops_the_backfill_and_a_rerun_completes(database_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, N, seed=7)
    engine = make_engine(database_url)
    upgrade_db(engine)

    def papers() -> int:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Paper)) or 0)

    env = {**os.environ, "TRACKER_DATABASE_URL": database_url}
    cmd = [sys.executable, "-c", "from tracker.cli import main; main()", "backfill",
           "--no-progress", "--batch-size", "1000", str(corpus)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while papers() == 0 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the backfill finished before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=120)[0].decode()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, output
    assert "re-run the same backfill" in output
    stored = papers()
    assert 0 < stored < N
    rerun = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert papers() == N
    assert f"unchanged {stored}" in rerun.stdout + rerun.stderr
    engine.dispose()
