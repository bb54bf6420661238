"""Backfill from snapshot files: the bundled sample, malformed lines, OAI-PMH pages."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.fakearxiv import SAMPLE, db_state
from tracker.cli import main
from tracker.db import models
from tracker.ingest.backfill import backfill_file
from tracker.sources.snapshot import LoadReport, load_oai, load_snapshot

OAI_PAGE = (
    Path(__file__).parent
    / "fixtures"
    / "arxiv"
    / "oai"
    / "arXivRaw_ListRecords_2014-01-16_0801.xml"
)


def count(engine: Engine, model: type) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_sample_backfill_twice_gives_the_same_counts(engine: Engine) -> None:
    first = backfill_file(engine, SAMPLE, batch_size=2000)
    assert first.ok and first.counts.new == 6722 and first.errors == 0
    state = db_state(engine)
    second = backfill_file(engine, SAMPLE, batch_size=2000)
    assert second.ok
    assert (second.counts.new, second.counts.updated, second.counts.unchanged) == (0, 0, 6722)
    assert db_state(engine) == state
    assert count(engine, models.Paper) == 6722
    assert count(engine, models.PaperEvent) == 0
    with Session(engine) as s:
        runs = s.execute(select(models.IngestRun.kind, models.IngestRun.status)).all()
    assert runs == [("backfill", "ok"), ("backfill", "ok")]


def test_every_kaggle_version_is_stored(engine: Engine) -> None:
    backfill_file(engine, OAI_PAGE)
    with Session(engine) as s:
        versions = s.execute(
            select(models.PaperVersion.version).where(models.PaperVersion.arxiv_id == "0801.3674")
        ).scalars()
        assert sorted(versions) == [1, 2, 3, 4]
        paper = s.get(models.Paper, "0801.3674")
        assert paper is not None and paper.latest_version == 4
        assert paper.journal_ref == "Phys.Rev.D78:083502,2008"


def test_oai_page_loads_all_records() -> None:
    records = list(load_oai(OAI_PAGE))
    assert len(records) == 1000
    assert records[0].arxiv_id == "0801.3673" and records[0].source == "oai"
    assert sum(1 for r in records if r.journal_ref) == 478


def malformed_file(tmp_path: Path, gz: bool) -> tuple[Path, list[str]]:
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        good = [next(fh) for _ in range(30)]
    lines = list(good[:10])
    lines.append('{"id": "2401.00001", "title": "cut off\n')  # truncated JSON
    lines += good[10:20]
    lines.append(json.dumps({"title": "no id"}) + "\n")
    lines.append("\n")  # blank lines are fine
    lines.append(json.dumps({"id": "2401.00002", "title": "x", "versions": "v1"}) + "\n")
    lines += good[20:30]
    path = tmp_path / ("bad.jsonl.gz" if gz else "bad.jsonl")
    data = "".join(lines)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.write(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path, good


def test_malformed_lines_are_reported_and_good_ones_land(engine: Engine, tmp_path: Path) -> None:
    for gz in (False, True):
        path, good = malformed_file(tmp_path, gz)
        report = LoadReport()
        assert len(list(load_snapshot(path, report))) == 30
        assert [line for line, _ in report.examples] == [11, 22, 24]
    summary = backfill_file(engine, path)
    assert summary.ok and summary.counts.new == 30 and summary.errors == 3
    assert "11, 22, 24" in (summary.message or "")
    ids = {json.loads(line)["id"] for line in good}
    with Session(engine) as s:
        stored = set(s.execute(select(models.Paper.arxiv_id)).scalars())
    assert stored == ids


def test_cli_backfill_reports_bad_lines_and_summary(
    engine: Engine,
    settings,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    path, _good = malformed_file(tmp_path, gz=False)
    env = {"TRACKER_DATABASE_URL": settings.database_url, "TRACKER_SEEDS_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, ["backfill", str(path), "--no-progress"], env=env)
    assert result.exit_code == 0, result.output
    assert "line 11: invalid JSON" in result.output and "line 22: missing id" in result.output
    assert "backfill: new 30, updated 0, unchanged 0" in result.output
    again = CliRunner().invoke(
        main, ["backfill", str(path), "--no-progress", "--workers", "0"], env=env
    )
    assert "backfill: new 0, updated 0, unchanged 30" in again.output
    bad = CliRunner().invoke(main, ["backfill", str(path), "--workers", "-1"], env=env)
    assert bad.exit_code == 2 and "--workers" in bad.output


def test_cli_backfill_of_a_missing_file_fails(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["backfill", str(tmp_path / "nope.jsonl")])
    assert result.exit_code != 0


def test_ingest_commands_have_help() -> None:
    for name in ("ingest", "recheck", "backfill", "schedule"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and len(result.output.splitlines()) > 3, name


def _sample_lines(n: int) -> list[bytes]:
    with gzip.open(SAMPLE, "rb") as fh:
        return [line for _, line in zip(range(n), fh, strict=False)]


def _source_hash(engine: Engine, arxiv_id: str) -> int | None:
    with Session(engine) as s:
        return s.execute(
            select(models.Paper.source_hash).where(models.Paper.arxiv_id == arxiv_id)
        ).scalar_one()


def _set_source_hash(engine: Engine, arxiv_id: str, value: int | None) -> None:
    with Session(engine) as s:
        paper = s.get(models.Paper, arxiv_id)
        assert paper is not None
        paper.source_hash = value
        s.commit()


def test_unchanged_blocks_are_skipped_unread(engine: Engine, tmp_path: Path) -> None:
    lines = _sample_lines(300)
    ids = [json.loads(line)["id"] for line in lines]
    path = tmp_path / "snap.jsonl"
    path.write_bytes(b"".join(lines))
    first = backfill_file(engine, path, batch_size=100)
    assert first.ok and first.counts.new == 300
    assert count(engine, models.SnapshotBlock) == 3

    # A paper in the middle of block 2 loses its hash: the block is still skipped as a whole
    # (its bytes are known and its last paper still comes from it), so the hash stays lost.
    _set_source_hash(engine, ids[150], None)
    again = backfill_file(engine, path, batch_size=100)
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 0, 300)
    assert _source_hash(engine, ids[150]) is None

    # Without the block records the line-by-line check finds it and stores the line again.
    with Session(engine) as s:
        s.execute(models.SnapshotBlock.__table__.delete())
        s.commit()
    backfill_file(engine, path, batch_size=100)
    assert _source_hash(engine, ids[150]) is not None
    assert count(engine, models.SnapshotBlock) == 3

    # The last paper of a block no longer carrying its line's hash: that block is not skipped.
    _set_source_hash(engine, ids[199], None)
    backfill_file(engine, path, batch_size=100)
    assert _source_hash(engine, ids[199]) is not None


def test_a_changed_line_reprocesses_only_its_block(engine: Engine, tmp_path: Path) -> None:
    lines = _sample_lines(300)
    path = tmp_path / "snap.jsonl"
    path.write_bytes(b"".join(lines))
    backfill_file(engine, path, batch_size=100)
    record = json.loads(lines[250])
    record["journal-ref"] = "Proc. CVPR 2024"
    lines[250] = json.dumps(record).encode() + b"\n"
    path.write_bytes(b"".join(lines))
    again = backfill_file(engine, path, batch_size=100)
    assert (again.counts.new, again.counts.updated, again.counts.unchanged) == (0, 1, 299)
    assert count(engine, models.SnapshotBlock) == 4  # the new bytes of block 3 are recorded
    with Session(engine) as s:
        paper = s.get(models.Paper, record["id"])
        assert paper is not None and paper.journal_ref == "Proc. CVPR 2024"


def test_a_block_with_a_bad_line_is_not_recorded(engine: Engine, tmp_path: Path) -> None:
    lines = _sample_lines(200)
    lines[40] = b'{"id": "broken", \n'
    path = tmp_path / "snap.jsonl"
    path.write_bytes(b"".join(lines))
    first = backfill_file(engine, path, batch_size=100)
    assert first.counts.new == 199 and first.errors == 1
    assert count(engine, models.SnapshotBlock) == 1
    again = backfill_file(engine, path, batch_size=100)
    assert again.errors == 1  # the bad line is reported again, not skipped with its block
    assert again.counts.unchanged == 199
