"""Each arXiv fault during an ingest, then a clean re-run, ends exactly like clean runs."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tests.fakearxiv import (
    FAULTS,
    QUERY,
    FakeArxiv,
    corpora,
    db_state,
    ingest_settings,
    run,
)
from tracker.config import Settings
from tracker.ingest.runner import ingest_all

CORPUS_A, CORPUS_B = corpora()


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


@pytest.mark.parametrize("kind", ["429", "empty", "slow"])
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
