"""``tracker db copy``: a seeded SQLite database moves to PostgreSQL (and back) without loss."""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select, text, update

from tracker.ccf.catalog import CcfCatalog
from tracker.ccf.store import save_ccf
from tracker.cli import main
from tracker.db import copy as copy_module
from tracker.db.copy import (
    CopyError,
    TargetNotEmptyError,
    copy_database,
    model_tables,
    row_counts,
    table_checksum,
)
from tracker.db.engine import make_engine, session_scope
from tracker.db.migrate import upgrade_db
from tracker.db.models import (
    Paper,
    PaperEvent,
    PaperTopic,
    ReadingList,
    ReadingListItem,
    Topic,
    TopicArea,
    Venue,
)
from tracker.db.postgres import has_search_index
from tracker.ingest.backfill import backfill_file
from tracker.ingest.enrich import load_enricher
from tracker.queries.papers import PaperFilter, search_papers

from .conftest import SEEDS

SAMPLE = SEEDS / "sample" / "arxiv_sample.jsonl.gz"
SUBSET = 400

pytestmark = pytest.mark.postgres


def _seed(url: str, sample: Path, ccf_catalog: CcfCatalog) -> None:
    """Migrate, load CCF and topics, backfill real papers, and add a curated reading list."""
    engine = make_engine(url)
    upgrade_db(engine)
    with session_scope(engine) as session:
        save_ccf(session, ccf_catalog)
        try:
            from tracker.topics.store import save_taxonomy
            from tracker.topics.taxonomy import load_taxonomy

            save_taxonomy(session, load_taxonomy(SEEDS / "topics.yaml"))
        except ImportError:  # the topic package is optional for this test
            pass
    summary = backfill_file(engine, sample, load_enricher(SEEDS), batch_size=150)
    assert summary.ok, summary.line()
    with session_scope(engine) as session:
        ids = list(session.scalars(select(Paper.arxiv_id).order_by(Paper.arxiv_id).limit(3)))
        now = datetime(2026, 3, 31, 12, 30, 15, 123456)
        rl = ReadingList(
            name="cv",
            title="视觉 每月十篇",
            topics=["cv"],
            categories=["cs.CV"],
            min_tier="A",
            created_at=now,
        )
        session.add(rl)
        session.flush()
        session.add(TopicArea(slug="copy-area", name_en="Copy test", name_zh="复制测试"))
        session.flush()
        session.add(Topic(slug="copy-topic", area="copy-area", name_en="Copying", name_zh="复制"))
        session.flush()
        session.add_all(
            PaperTopic(arxiv_id=a, topic="copy-topic", score=0.1 + i / 7) for i, a in enumerate(ids)
        )
        for rank, arxiv_id in enumerate(ids, 1):
            session.add(
                ReadingListItem(
                    list_id=rl.id,
                    period="2026-03",
                    arxiv_id=arxiv_id,
                    rank=rank,
                    score=1 / 3 + rank,
                    components={"tier": 0.1 * rank, "fit": 2 / 3},
                    note="推荐：值得一读" if rank == 1 else None,
                    pinned=rank == 2,
                    updated_at=now,
                )
            )
        session.add(
            PaperEvent(
                arxiv_id=ids[0],
                field="comment",
                old_value=None,
                new_value="Accepted at CVPR 2026",
                occurred_at=now,
                version=2,
            )
        )
    engine.dispose()


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory: pytest.TempPathFactory, ccf_catalog: CcfCatalog) -> str:
    """An SQLite database with CCF, topics, a few hundred real papers and a reading list."""
    folder = tmp_path_factory.mktemp("copy-source")
    sample = folder / "sample.jsonl.gz"
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as src, gzip.open(sample, "wt") as dst:
        dst.writelines(itertools.islice(src, SUBSET))
    url = f"sqlite:///{folder / 'personal.db'}"
    _seed(url, sample, ccf_catalog)
    return url


@pytest.fixture
def source(sqlite_source: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_source)
    yield engine
    engine.dispose()


@pytest.fixture
def target(pg_database_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_database_url)
    yield engine
    engine.dispose()


def _checksums(engine: Engine) -> dict[str, tuple[int, str]]:
    with engine.connect() as conn:
        return {t.name: table_checksum(conn, t) for t in model_tables()}


def test_sqlite_to_postgres_keeps_every_row(source: Engine, target: Engine) -> None:
    report = copy_database(source, target, batch_size=97)
    assert report.ok
    with source.connect() as conn:
        counts = row_counts(conn)
    assert counts["papers"] >= SUBSET * 0.9 and counts["ccf_ratings"] > 1000
    assert counts["paper_topics"] > 0 and counts["reading_list_items"] == 3
    assert {t.name: t.target_rows for t in report.tables} == counts
    assert report.total_rows == sum(counts.values())
    # Independently of the copy's own bookkeeping: both sides hash the same, table by table.
    assert _checksums(target) == _checksums(source)
    with session_scope(target) as session:
        item = session.scalar(select(ReadingListItem).where(ReadingListItem.rank == 1))
        assert item is not None and item.note == "推荐：值得一读"
        assert item.components == {"tier": 0.1, "fit": 2 / 3}
        assert item.updated_at == datetime(2026, 3, 31, 12, 30, 15, 123456)


def test_the_target_fills_its_generated_search_column(source: Engine, target: Engine) -> None:
    """PostgreSQL computes papers.search_vector (migration 0006) for every copied paper."""
    assert copy_database(source, target).ok
    with session_scope(target) as session:
        assert has_search_index(session)
        missing = session.scalar(
            text("SELECT count(*) FROM papers WHERE search_vector IS NULL OR search_vector = ''")
        )
        assert missing == 0
        # Analyzed by the copy: the search picks its scans from these statistics.
        analyzed = session.scalar(
            text(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'papers' AND schemaname = "
                "current_schema() AND attname = 'search_vector'"
            )
        )
        assert analyzed == 1
        first = session.scalar(select(Paper).order_by(Paper.arxiv_id).limit(1))
        assert first is not None
        page = search_papers(session, PaperFilter(text=first.title), page_size=200)
        assert page.exact and first.arxiv_id in {row.arxiv_id for row in page.rows}


def test_serial_ids_continue_after_the_copy(source: Engine, target: Engine) -> None:
    copy_database(source, target)
    with session_scope(target) as session:
        top = session.scalar(select(Venue.id).order_by(Venue.id.desc()).limit(1))
        venue = Venue(
            key="conference:test/new",
            abbr="NEWV",
            full_name="New venue",
            kind="conference",
            is_ccf=False,
        )
        session.add(venue)
        session.flush()
        assert top is not None and venue.id > top


def test_checksum_notices_a_changed_value(source: Engine, target: Engine) -> None:
    copy_database(source, target)
    papers = next(t for t in model_tables() if t.name == "papers")
    with target.connect() as conn:
        before = table_checksum(conn, papers)
    with session_scope(target) as session:
        first = session.scalar(select(Paper.arxiv_id).limit(1))
        session.execute(update(Paper).where(Paper.arxiv_id == first).values(title="changed"))
    with target.connect() as conn:
        after = table_checksum(conn, papers)
    assert after[0] == before[0] and after[1] != before[1]


def test_non_empty_target_is_refused_unless_replace(source: Engine, target: Engine) -> None:
    copy_database(source, target)
    with pytest.raises(TargetNotEmptyError) as info:
        copy_database(source, target)
    assert info.value.counts["papers"] > 0
    report = copy_database(source, target, replace=True)
    assert report.ok and report.replaced
    assert _checksums(target) == _checksums(source)


def test_a_mismatch_rolls_the_copy_back(
    source: Engine, target: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = copy_module.table_checksum

    def corrupt(conn, table):  # type: ignore[no-untyped-def]
        rows, digest = real(conn, table)
        return (rows, "0" * 64) if table.name == "venue_aliases" else (rows, digest)

    monkeypatch.setattr(copy_module, "table_checksum", corrupt)
    with pytest.raises(copy_module.ChecksumMismatchError, match="venue_aliases"):
        copy_database(source, target)
    with target.connect() as conn:
        assert not any(row_counts(conn).values())


def test_source_must_be_migrated(tmp_path: Path, target: Engine) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(CopyError, match="tracker db upgrade"):
        copy_database(empty, target)
    empty.dispose()


def test_postgres_back_to_sqlite_round_trips(
    source: Engine, target: Engine, tmp_path: Path
) -> None:
    copy_database(source, target)
    back = make_engine(f"sqlite:///{tmp_path / 'back.db'}")
    assert copy_database(target, back).ok
    assert _checksums(back) == _checksums(source)
    back.dispose()


def test_cli_copy(sqlite_source: str, pg_database_url: str) -> None:
    runner = CliRunner()
    args = ["db", "copy", "--from", sqlite_source, "--to", pg_database_url]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "counts and checksums match" in result.output
    assert "papers" in result.output and "MISMATCH" not in result.output
    again = runner.invoke(main, args)
    assert again.exit_code != 0 and "--replace" in again.output
    replaced = runner.invoke(main, [*args, "--replace"])
    assert replaced.exit_code == 0, replaced.output


def test_cli_copy_defaults_to_the_configured_database(
    sqlite_source: str, pg_database_url: str
) -> None:
    result = CliRunner().invoke(
        main, ["db", "copy", "--to", pg_database_url], env={"TRACKER_DATABASE_URL": sqlite_source}
    )
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_bundled_sample_round_trips(
    tmp_path: Path, ccf_catalog: CcfCatalog, pg_database_url: str
) -> None:
    url = f"sqlite:///{tmp_path / 'sample.db'}"
    _seed(url, SAMPLE, ccf_catalog)
    result = CliRunner().invoke(main, ["db", "copy", "--from", url, "--to", pg_database_url])
    assert result.exit_code == 0, result.output
    src, dst = make_engine(url), make_engine(pg_database_url)
    assert _checksums(src) == _checksums(dst)
    with src.connect() as conn:
        assert row_counts(conn)["papers"] == 6722
    src.dispose()
    dst.dispose()
