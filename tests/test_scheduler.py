"""The scheduler: jobs from cron settings, never overlapping, clean shutdown on SIGTERM."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracker.config import Settings
from tracker.db import models
from tracker.ingest.scheduler import MISFIRE_GRACE_SECONDS, build_scheduler, run_locked_job


def test_jobs_come_from_the_cron_settings(settings: Settings) -> None:
    s = dataclasses.replace(settings, schedule_cron="30 5 * * mon-fri", timezone="Europe/Berlin")
    scheduler = build_scheduler(None, s, threading.Event())  # type: ignore[arg-type]
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"ingest", "recheck"}
    for job in jobs.values():
        assert job.max_instances == 1 and job.coalesce is True
        assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS
        assert isinstance(job.trigger, CronTrigger)
    ingest = jobs["ingest"].trigger
    fields = {f.name: str(f) for f in ingest.fields}
    assert (fields["minute"], fields["hour"], fields["day_of_week"]) == ("30", "5", "mon-fri")
    assert str(ingest.timezone) == "Europe/Berlin"
    # Next run after Friday 2026-03-06 06:00 Berlin time is Monday 05:30.
    start = datetime(2026, 3, 6, 6, 0, tzinfo=ingest.timezone)
    nxt = ingest.get_next_fire_time(None, start)
    assert (nxt.weekday(), nxt.hour, nxt.minute) == (0, 5, 30)
    recheck_fields = {f.name: str(f) for f in jobs["recheck"].trigger.fields}
    assert recheck_fields["day_of_week"] == "sun"


def test_job_is_skipped_while_another_holds_the_lock(engine: Engine, settings: Settings) -> None:
    now = datetime.utcnow()
    with Session(engine) as s:
        s.add(models.Lock(name="ingest", holder="cronhost:7 tracker ingest", acquired_at=now,
                          expires_at=now + timedelta(minutes=5)))  # fmt: skip
        s.commit()
    assert run_locked_job(engine, settings, "ingest", threading.Event()) is False
    with Session(engine) as s:
        assert s.query(models.IngestRun).count() == 0


def test_sigterm_stops_the_scheduler_cleanly(settings: Settings, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{tmp_path / 'sched.db'}",
        "TRACKER_SCHEDULE_CRON": "0 6 * * *",
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tracker.cli import main; main()", "schedule"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "scheduler started" not in line:
            line = proc.stderr.readline()
        assert "scheduler started" in line
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "scheduler stopped" in proc.stderr.read()
