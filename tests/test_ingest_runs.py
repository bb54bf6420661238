"""Incremental ingest through the real client and the fake arXiv: cursors, faults, re-check."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.fakearxiv import FAULTS, FakeArxiv, db_state, evolve, running_fake, sample_pool
from tracker.config import Settings
from tracker.db import models
from tracker.db.engine import make_engine, session_scope
from tracker.db.migrate import upgrade_db
from tracker.ingest.runner import ingest_all, recheck
from tracker.records import PaperRecord

QUERY = "cat:cs.CV"
POOL = sample_pool(120)
CORPUS_A = POOL[:100]
CORPUS_B = evolve(CORPUS_A, POOL[100:])


@pytest.fixture
def fake() -> Iterator[FakeArxiv]:
    """A fake arXiv serving corpus A; fails the test on a request it has no answer for."""
    with running_fake(slow_seconds=1.0) as server:
        server.serve(QUERY, CORPUS_A)
        yield server
        assert not server.missing, f"requests without a recording: {server.missing}"


def ingest_settings(settings: Settings, fake: FakeArxiv) -> Settings:
    """Real settings aimed at the fake: tiny delays, short timeout, small pages, long look-back."""
    return dataclasses.replace(
        settings,
        arxiv_api_url=fake.url,
        arxiv_page_size=10,
        arxiv_num_retries=2,
        arxiv_timeout_seconds=0.3,
        lookback_days=365 * 40,
        queries=(QUERY,),
    )


def run(engine: Engine, settings: Settings) -> bool:
    return all(s.ok for s in ingest_all(engine, settings))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The database after a clean run over corpus A and then a clean run over corpus B."""
    path: Path = tmp_path_factory.mktemp("reference") / "ref.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_db(engine)
    with running_fake() as server:
        settings = ingest_settings(
            Settings(database_url=f"sqlite:///{path}", arxiv_delay_seconds=0.01), server
        )
        server.serve(QUERY, CORPUS_A)
        assert run(engine, settings)
        after_a = db_state(engine)
        server.serve(QUERY, CORPUS_B)
        assert run(engine, settings)
        assert not server.missing
    state = db_state(engine)
    engine.dispose()
    return {"a": after_a, "b": state}


def test_clean_runs_store_papers_versions_events_and_cursor(reference: dict) -> None:
    a, b = reference["a"], reference["b"]
    assert len(a["papers"]) == 100 and len(b["papers"]) == 120
    assert a["events"] == []  # a paper's first appearance is not a change
    fields = sorted({e[1] for e in b["events"]})
    assert fields == ["comment", "journal_ref"]
    assert len(b["events"]) == 10
    assert len(b["versions"]) > len(a["versions"])
    newest = max(r.updated for r in CORPUS_B)
    assert b["cursors"] == [(QUERY, newest)]


def test_ingest_run_rows_and_second_run_is_unchanged(
    engine: Engine, settings: Settings, fake: FakeArxiv
) -> None:
    s = ingest_settings(settings, fake)
    first = ingest_all(engine, s)[0]
    assert (first.counts.new, first.counts.updated, first.fetched) == (100, 0, 100)
    assert first.pages == 10
    again = ingest_all(engine, s)[0]
    # Only the overlap before the cursor is read again, and it changes nothing.
    assert again.counts.new == 0 and again.counts.updated == 0 and again.pages <= 1
    with session_scope(engine) as session:
        rows = session.execute(select(models.IngestRun).order_by(models.IngestRun.id)).scalars()
        runs = [(r.kind, r.query, r.status, r.new, r.fetched, r.finished_at is not None)
                for r in rows]  # fmt: skip
    assert runs[0] == ("ingest", QUERY, "ok", 100, 100, True)
    assert runs[1][2] == "ok"
    assert "new 0, updated 0, unchanged" in again.line()


@pytest.mark.parametrize("kind", FAULTS)
def test_persistent_fault_fails_the_run_and_a_clean_rerun_matches(
    engine: Engine, settings: Settings, fake: FakeArxiv, reference: dict, kind: str
) -> None:
    s = ingest_settings(settings, fake)
    assert run(engine, s)
    cursor_before = db_state(engine)["cursors"]
    fake.serve(QUERY, CORPUS_B)
    fake.inject(kind, lambda p: p.get("start") == "10", times=None)
    summary = ingest_all(engine, s)[0]
    assert summary.status == "failed" and "start=10" in (summary.message or "")
    assert db_state(engine)["cursors"] == cursor_before  # the window is not done
    assert len(db_state(engine)["papers"]) > 100  # the first page was stored
    fake.clear_faults()
    assert run(engine, s)
    assert db_state(engine) == reference["b"]


@pytest.mark.parametrize("kind", FAULTS)
def test_transient_fault_heals_within_the_run(
    engine: Engine, settings: Settings, fake: FakeArxiv, reference: dict, kind: str
) -> None:
    s = ingest_settings(settings, fake)
    fake.inject(kind, lambda p: p.get("start") == "30", times=1)
    assert run(engine, s)
    fake.serve(QUERY, CORPUS_B)
    fake.inject(kind, lambda p: p.get("start") == "10", times=2)
    assert run(engine, s)
    assert db_state(engine) == reference["b"]


def test_fault_on_first_run_leaves_no_cursor(
    engine: Engine, settings: Settings, fake: FakeArxiv, reference: dict
) -> None:
    s = ingest_settings(settings, fake)
    fake.inject("503", lambda p: p.get("start") == "50", times=None)
    assert not run(engine, s)
    assert db_state(engine)["cursors"] == []
    fake.clear_faults()
    assert run(engine, s)
    assert db_state(engine) == reference["a"]


def test_recheck_sees_a_journal_ref_added_without_a_new_version(
    engine: Engine, settings: Settings, fake: FakeArxiv
) -> None:
    s = dataclasses.replace(ingest_settings(settings, fake), recheck_batch_size=40)
    assert run(engine, s)
    target = CORPUS_A[0]  # the oldest: far behind the cursor, incremental runs miss it
    changed: PaperRecord = dataclasses.replace(target, journal_ref="ACM MM 2024")
    fake.serve(QUERY, [changed, *CORPUS_A[1:]])
    assert run(engine, s)
    with session_scope(engine) as session:
        assert session.get(models.Paper, target.arxiv_id).journal_ref == target.journal_ref
    summary = recheck(engine, s, months=12 * 40)
    assert summary.ok and summary.fetched == 100 and summary.counts.updated == 1
    id_requests = [r for r in fake.requests if r.get("id_list")]
    assert {len(r["id_list"].split(",")) for r in id_requests} == {40, 20}
    with session_scope(engine) as session:
        paper = session.get(models.Paper, target.arxiv_id)
        assert paper is not None and paper.journal_ref == "ACM MM 2024"
        events = session.execute(select(models.PaperEvent)).scalars().all()
        assert [(e.field, e.old_value, e.new_value) for e in events] == [
            ("journal_ref", target.journal_ref, "ACM MM 2024")
        ]
        assert events[0].run_id == summary.run_id
