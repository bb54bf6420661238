"""The fast JSON-lines backfill: same records as the generic parser, same database either way."""

from __future__ import annotations

import gzip
import json
import logging
import os
import random
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.fakearxiv import SAMPLE, db_state
from tracker.config import PROJECT_ROOT
from tracker.ingest import blocks
from tracker.ingest.backfill import backfill_file
from tracker.ingest.enrich import load_enricher
from tracker.ingest.lines import (
    _clean,
    line_key,
    read_block_spans,
    read_blocks,
    read_span,
    record_from_line,
)
from tracker.sources.snapshot import SnapshotError, record_from_kaggle


def _sample_lines(limit: int | None = None) -> list[bytes]:
    with gzip.open(SAMPLE, "rb") as fh:
        lines = fh.read().splitlines()
    return lines[:limit] if limit else lines


def test_fast_parser_matches_the_generic_one_on_the_whole_sample() -> None:
    for line in _sample_lines():
        assert record_from_line(line) == record_from_kaggle(json.loads(line))


@pytest.mark.parametrize(
    "change",
    [
        {"authors": "A. One (MIT, and Harvard), B. Two and C. Three"},
        {"versions": [{"version": "v1", "created": "2007-04-02T19:18:42Z"}]},
        {"versions": [], "update_date": "2020-01-02", "_latest_version": "v3"},
        {"authors_parsed": [["Doe", "Jane", ""], ["Roe", "R.", "Jr"]]},
        {"title": "  Wrapped\n   title\u00a0here  ", "comments": " \n "},
    ],
)
def test_unusual_shapes_fall_back_to_the_same_answer(change: dict[str, object]) -> None:
    data = {**json.loads(_sample_lines(1)[0]), **change}
    line = json.dumps(data).encode()
    assert record_from_line(line) == record_from_kaggle(json.loads(line))


def test_clean_equals_split_and_join_on_any_whitespace() -> None:
    """The fast ASCII cleaner gives exactly ``" ".join(text.split())`` (or None)."""
    rng = random.Random(7)
    alphabet = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1fab-.\xa0\u2003é"
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert _clean(text) == (" ".join(text.split()) or None), repr(text)


def test_bad_records_raise_snapshot_errors() -> None:
    with pytest.raises(SnapshotError):
        record_from_line(b'{"title": "no id"}')
    with pytest.raises(SnapshotError):
        record_from_line(b'{"id": "2401.00001", "title": ""}')


def test_line_key_finds_the_id_and_hashes_the_whole_line() -> None:
    line = _sample_lines(1)[0]
    arxiv_id, value = line_key(line)
    assert arxiv_id == json.loads(line)["id"]
    assert line_key(line + b"\n") == (arxiv_id, value)
    assert line_key(line.replace(b'"title"', b'"title" ', 1))[1] != value
    assert 0 <= value < 2**63
    assert line_key(b'{"title": "x"}')[0] is None


@pytest.mark.sqlite_only
def test_workers_and_in_process_give_the_same_database(tmp_path: Path, engine: Engine) -> None:
    from bench.common import fresh_db

    lines = _sample_lines(1500)
    path = tmp_path / "part.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    enrich = load_enricher(PROJECT_ROOT / "seeds")
    states = []
    for workers in (0, 2):
        db = fresh_db(tmp_path / f"w{workers}.db")
        summary = backfill_file(db, path, enrich, batch_size=400, workers=workers)
        assert summary.ok and summary.counts.new == 1500
        again = backfill_file(db, path, enrich, batch_size=400, workers=workers)
        assert again.counts.unchanged == 1500
        states.append(db_state(db))
        with db.connect() as conn:
            # Rows were indexed in papers_fts by the deferred insert; the trigger is back.
            hits = conn.execute(
                text("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'learning'")
            ).scalar()
            plain = conn.execute(
                text("SELECT count(*) FROM papers WHERE abstract LIKE '%learning%'")
            ).scalar()
            trigger = conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'papers_fts_ai'")
            ).scalar()
        assert hits and plain and hits >= plain * 0.9 and trigger == 1
        db.dispose()
    assert states[0] == states[1]
    assert states[0]["topics"] and any(row for row in states[0]["papers"])


def test_changed_line_is_reprocessed_and_stored_hash_moves(engine: Engine, tmp_path: Path) -> None:
    lines = _sample_lines(30)
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert backfill_file(engine, path).counts.new == 30
    data = json.loads(lines[3])
    data["journal-ref"] = "Phys. Rev. D 99, 123456 (2030)"
    lines[3] = json.dumps(data).encode()
    path.write_bytes(b"\n".join(lines) + b"\n")
    second = backfill_file(engine, path)
    assert (second.counts.updated, second.counts.unchanged) == (1, 29)
    third = backfill_file(engine, path)
    assert third.counts.unchanged == 30
    with engine.connect() as conn:
        ref = conn.execute(
            text("SELECT journal_ref FROM papers WHERE arxiv_id = :i"), {"i": data["id"]}
        ).scalar()
    assert ref == data["journal-ref"]


@pytest.mark.sqlite_only
def test_sqlite_stamp_is_isoformat_with_microseconds() -> None:
    """The table-built stamp equals ``isoformat`` (the format SQLAlchemy reads back)."""
    from datetime import datetime, timedelta, timezone

    from tracker.ingest.rows import sqlite_stamp

    rng = random.Random(5)
    start = datetime(1, 1, 1)
    for _ in range(20000):
        value = start + timedelta(seconds=rng.randrange(0, 10**11))
        if rng.random() < 0.2:
            value = value.replace(microsecond=rng.randrange(1, 10**6))
        if rng.random() < 0.1:
            value = value.replace(tzinfo=timezone(timedelta(hours=rng.randrange(-12, 13))))
        assert sqlite_stamp(value) == value.isoformat(" ", "microseconds"), repr(value)


def test_new_paper_rows_equal_what_save_records_writes(tmp_path: Path) -> None:
    from bench.common import fresh_db
    from tracker.db.engine import session_scope
    from tracker.ingest.upsert import save_records

    lines = _sample_lines(700)
    path = tmp_path / "part.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    enrich = load_enricher(PROJECT_ROOT / "seeds")
    fast = fresh_db(tmp_path / "fast.db")
    assert backfill_file(fast, path, enrich, batch_size=300, workers=0).counts.new == 700
    slow = fresh_db(tmp_path / "slow.db")
    with session_scope(slow) as session:
        for start in range(0, 700, 300):
            part = lines[start : start + 300]
            hashes = {k: v for k, v in map(line_key, part) if k is not None}
            save_records(session, [record_from_line(x) for x in part], enrich, hashes=hashes)
    assert db_state(fast) == db_state(slow)
    assert db_state(fast)["topics"] and db_state(fast)["versions"]
    fast.dispose()
    slow.dispose()


@pytest.mark.sqlite_only
def test_a_new_paper_stored_meanwhile_falls_back_to_the_upsert(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bench.common import fresh_db

    caplog.set_level(logging.INFO, logger="tracker.ingest.pipeline")
    first, second = (json.loads(x) for x in _sample_lines(2))
    # Line 1 names id A first, then the real id B (JSON keeps the last): the writer's quick id
    # guess is wrong, so line 2 (id B) looks new while line 1 is still in flight.
    line1 = '{"id": "' + first["id"] + '", ' + json.dumps(second)[1:]
    changed = {**second, "comments": "Accepted at CVPR 2024"}
    path = tmp_path / "dup.jsonl"
    path.write_text(line1 + "\n" + json.dumps(changed) + "\n")
    assert line_key(line1.encode())[0] == first["id"]
    assert record_from_line(line1.encode()).arxiv_id == second["id"]
    db = fresh_db(tmp_path / "dup.db")
    summary = backfill_file(
        db, path, load_enricher(PROJECT_ROOT / "seeds"), batch_size=1, workers=1
    )
    assert summary.ok, summary.message
    assert (summary.counts.new, summary.counts.updated) == (1, 1)
    with db.connect() as conn:
        comment = conn.execute(
            text("SELECT comment FROM papers WHERE arxiv_id = :i"), {"i": second["id"]}
        ).scalar()
        fts = conn.execute(text("SELECT count(*) FROM papers_fts")).scalar()
    assert comment == "Accepted at CVPR 2024" and fts == 1
    assert "stored meanwhile" in caplog.text
    db.dispose()


def test_a_block_read_back_from_its_span_is_the_same_block(tmp_path: Path) -> None:
    """First-load workers read their block from the file: same lines, same line numbers."""
    rng = random.Random(11)
    pieces = [b"\n", b"   \n", b'{"id": "a"}\n', b'{"id": "b", "x": "\xc3\xa9"}\r\n', b"\t\n"]
    for trial in range(40):
        lines = [rng.choice(pieces) for _ in range(rng.randint(0, 60))]
        last = rng.choice([b"", b'{"id": "end"}'])  # a last line without its newline
        path = tmp_path / f"s{trial}.jsonl"
        path.write_bytes(b"".join(lines) + last)
        size = rng.randint(1, 7)
        spans = list(read_block_spans(path, size))
        assert [block for block, _ in spans] == list(read_blocks(path, size))
        for block, span in spans:
            assert span is not None and block
            assert read_span(path, *span, block[0][0]) == block


def test_a_block_changed_before_its_worker_reads_it_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bench.common import fresh_db

    lines = _sample_lines(300)
    path = tmp_path / "moving.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    original = blocks.read_span

    def edited(*args: object) -> list[tuple[int, bytes]]:  # as if the file changed meanwhile
        block = original(*args)  # type: ignore[arg-type]
        number, line = block[0]
        return [(number, line.replace(b'"title": "', b'"title": "EDITED ')), *block[1:]]

    monkeypatch.setattr(blocks, "read_span", edited)  # the forked workers inherit it
    caplog.set_level(logging.WARNING, logger="tracker.ingest.pipeline")
    db = fresh_db(tmp_path / "moving.db")
    summary = backfill_file(db, path, load_enricher(PROJECT_ROOT / "seeds"), batch_size=100)
    assert summary.ok and summary.counts.new == 300
    assert caplog.text.count("changed while being read") == 3
    with db.connect() as conn:
        edited_titles = conn.execute(
            text("SELECT count(*) FROM papers WHERE title LIKE 'EDITED%'")
        ).scalar()
        topics = conn.execute(text("SELECT count(DISTINCT arxiv_id) FROM paper_topics")).scalar()
    assert edited_titles == 0 and topics
    assert backfill_file(db, path, workers=2).counts.unchanged == 300
    db.dispose()


def _own_niceness() -> int:
    return os.nice(0)


def test_workers_run_below_the_writers_priority() -> None:
    """Backfill workers lower their own priority: the writer never waits behind them."""
    import multiprocessing

    from tracker.ingest.rows import RowContext

    enrich = load_enricher(PROJECT_ROOT / "seeds")
    with multiprocessing.get_context("fork").Pool(
        1, initializer=blocks.init_worker, initargs=(enrich, RowContext())
    ) as pool:
        worker = pool.apply(_own_niceness)
    assert worker == min(19, os.nice(0) + blocks.WORKER_NICENESS)
    assert blocks.WORKER_NICENESS > 0


def test_parsing_a_block_leaves_no_cyclic_garbage() -> None:
    """Workers parse with the cyclic collector paused: only reference counting frees the block."""
    import gc

    from tracker.ingest.rows import RowContext

    lines = _sample_lines(400)
    odd = json.loads(lines[0])
    odd["versions"][0]["created"] = "Mon, 01 Jan 2024 10:00:00 +0000"  # the generic parser
    lines += [b"{not json", b'{"id": ""}', json.dumps(odd).encode()]
    block = list(enumerate(lines, start=1))
    keys = {number: line_key(line) for number, line in block}
    hashes = {number: value for number, (_, value) in keys.items()}
    fresh = {number: key for number, (key, _) in keys.items() if key is not None}
    enrich = load_enricher(PROJECT_ROOT / "seeds")
    gc.collect()
    with blocks.collector_paused():
        assert not gc.isenabled()
        parsed = blocks.parse_block(block, hashes, enrich, fresh, RowContext())
    assert gc.isenabled()
    assert len(parsed.new) + len(parsed.records) == len(block) - 2 and len(parsed.errors) == 2
    del parsed
    assert gc.collect() == 0
