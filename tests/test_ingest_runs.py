"""Incremental ingest through the real client and the fake arXiv: cursors, faults, re-check."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Engine, select

from tests.fakearxiv import (
    QUERY,
    FakeArxiv,
    corpora,
    ingest_settings,
    run,
)
from tracker.config import Settings
from tracker.db import models
from tracker.db.engine import session_scope
from tracker.ingest.runner import ingest_all, recheck
from tracker.records import PaperRecord

CORPUS_A, CORPUS_B = corpora()


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
