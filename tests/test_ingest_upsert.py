"""save_records: newer version wins, every version kept, changes become events, enrichment."""

from __future__ import annotations

import dataclasses
import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.fakearxiv import sample_pool
from tracker.config import PROJECT_ROOT
from tracker.db import models
from tracker.ingest.enrich import NoopEnricher, VenueInfo, load_enricher
from tracker.ingest.lock import LockHeldError, acquire_lock, hold_lock
from tracker.ingest.upsert import save_records
from tracker.records import PaperRecord, PaperVersion

POOL = sample_pool(10)
SEEDS = PROJECT_ROOT / "seeds"


def rec(i: int = 0, **changes: object) -> PaperRecord:
    """A copy of a real record with some fields changed."""
    return dataclasses.replace(POOL[i], **changes)  # type: ignore[arg-type]


def events(session: Session) -> list[tuple]:
    rows = session.execute(select(models.PaperEvent).order_by(models.PaperEvent.id)).scalars()
    return [(e.arxiv_id, e.field, e.old_value, e.new_value, e.version) for e in rows]


def test_new_then_unchanged(session: Session) -> None:
    first = save_records(session, POOL)
    assert (first.new, first.updated, first.unchanged) == (10, 0, 0)
    again = save_records(session, POOL)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 10)
    assert str(again) == "new 0, updated 0, unchanged 10"
    paper = session.get(models.Paper, POOL[0].arxiv_id)
    assert paper is not None and paper.title == POOL[0].title
    assert paper.categories.split()[0] == paper.primary_category == POOL[0].primary_category
    assert events(session) == []


def test_newer_version_wins_and_every_version_is_kept(session: Session) -> None:
    base = rec(0)
    later = base.updated + timedelta(days=30)
    v_next = base.latest_version + 1
    newer = rec(0, latest_version=v_next, updated=later, comment="Accepted at ICCV 2025",
                versions=[PaperVersion(v_next, later)])  # fmt: skip
    save_records(session, [base])
    counts = save_records(session, [newer])
    assert counts.updated == 1
    # An older copy arriving afterwards changes nothing but may add versions.
    assert save_records(session, [base]).unchanged == 1
    paper = session.get(models.Paper, base.arxiv_id)
    assert paper is not None and paper.latest_version == v_next and paper.updated == later
    assert paper.comment == "Accepted at ICCV 2025"
    versions = session.execute(
        select(models.PaperVersion.version).where(models.PaperVersion.arxiv_id == base.arxiv_id)
    ).scalars()
    assert sorted(versions) == sorted({*(v.number for v in base.versions), v_next})
    assert events(session) == [
        (base.arxiv_id, "comment", base.comment, "Accepted at ICCV 2025", v_next)
    ]


def test_comment_journal_ref_and_doi_changes_without_new_version_are_events(
    session: Session,
) -> None:
    base = rec(1, comment="12 pages", journal_ref=None, doi=None)
    save_records(session, [base])
    changed = rec(1, comment="12 pages, accepted", journal_ref="TPAMI 47(3), 2025",
                  doi="10.1109/TPAMI.2025.1")  # fmt: skip
    assert save_records(session, [changed], run=None).updated == 1
    got = sorted(events(session), key=lambda e: e[1])
    assert [(e[1], e[2], e[3]) for e in got] == [
        ("comment", "12 pages", "12 pages, accepted"),
        ("doi", None, "10.1109/TPAMI.2025.1"),
        ("journal_ref", None, "TPAMI 47(3), 2025"),
    ]
    event = session.execute(select(models.PaperEvent)).scalars().first()
    assert event is not None and event.occurred_at > base.updated  # seen now, not a version


def test_duplicates_inside_one_batch_keep_the_newest(session: Session) -> None:
    base = rec(2)
    later = base.updated + timedelta(days=3)
    newer = rec(2, latest_version=base.latest_version + 1, updated=later,
                versions=[PaperVersion(base.latest_version + 1, later)])  # fmt: skip
    counts = save_records(session, [newer, base])
    assert counts.new == 1
    paper = session.get(models.Paper, base.arxiv_id)
    assert paper is not None and paper.latest_version == base.latest_version + 1
    n = session.execute(
        select(models.PaperVersion).where(models.PaperVersion.arxiv_id == base.arxiv_id)
    ).all()
    assert len(n) == len(base.versions) + 1


class FakeEnricher:
    """Stands in for the venue resolver and topic tagger: reads the venue off journal_ref."""

    tags_topics = True
    resolves_venues = True

    def tag_topics(self, record: PaperRecord) -> list[tuple[str, float]]:
        slug = "detection" if "detect" in record.abstract.lower() else "vision"
        return [(slug, 0.9), ("not-in-taxonomy", 0.5)]

    def tag_topics_many(self, records: Sequence[PaperRecord]) -> list[list[tuple[str, float]]]:
        return [self.tag_topics(r) for r in records]

    def resolve_venue(self, record: PaperRecord) -> VenueInfo:
        if record.journal_ref and "CVPR" in record.journal_ref:
            return VenueInfo("CVPR", 2024, "conference", "published", record.journal_ref,
                             key="conference:conf/cvpr")  # fmt: skip
        return VenueInfo()


def test_enrichment_sets_venue_by_key_and_replaces_topics(session: Session) -> None:
    session.add(models.Venue(key="conference:conf/cvpr", abbr="CVPR", kind="conference"))
    session.add(models.TopicArea(slug="cv", name_en="Vision", name_zh="视觉"))
    session.flush()
    for slug in ("vision", "detection"):
        session.add(models.Topic(slug=slug, area="cv", name_en=slug, name_zh=slug))
    session.flush()
    venue_id = session.execute(select(models.Venue.id)).scalar_one()
    base = rec(3, journal_ref=None, abstract="A study of images.")
    save_records(session, [base], FakeEnricher())
    paper = session.get(models.Paper, base.arxiv_id)
    assert paper is not None and paper.venue_status == "none" and paper.venue_id is None
    changed = rec(3, journal_ref="CVPR 2024", abstract="We detect objects.")
    save_records(session, [changed], FakeEnricher())
    session.expire_all()
    paper = session.get(models.Paper, base.arxiv_id)
    assert paper is not None and (paper.venue_id, paper.venue_name) == (venue_id, "CVPR")
    assert paper.venue_status == "published" and paper.venue_year == 2024
    tags = session.execute(
        select(models.PaperTopic.topic).where(models.PaperTopic.arxiv_id == base.arxiv_id)
    ).scalars()
    assert list(tags) == ["detection"]  # replaced, and unknown slugs dropped
    fields = [(e[1], e[2], e[3]) for e in events(session)]
    assert ("venue", None, "CVPR 2024 (published)") in fields


def test_noop_enricher_leaves_venue_columns_alone(session: Session) -> None:
    base = rec(4)
    save_records(session, [base])
    paper = session.get(models.Paper, base.arxiv_id)
    assert paper is not None
    paper.venue_name, paper.venue_status = "ICML", "accepted"
    session.flush()
    save_records(session, [rec(4, comment="changed")], NoopEnricher())
    session.expire_all()
    paper = session.get(models.Paper, base.arxiv_id)
    assert paper is not None and (paper.venue_name, paper.venue_status) == ("ICML", "accepted")


def test_load_enricher_without_seeds_is_a_noop(tmp_path: Path) -> None:
    enricher = load_enricher(tmp_path)
    assert not enricher.tags_topics and not enricher.resolves_venues


def test_load_enricher_wires_the_real_resolver_and_tagger(session: Session) -> None:
    enricher = load_enricher(SEEDS)
    assert enricher.tags_topics and enricher.resolves_venues
    record = rec(5, comment="Accepted to CVPR 2025", journal_ref=None, doi=None)
    venue = enricher.resolve_venue(record)
    assert venue.status == "accepted" and venue.name and "CVPR" in venue.name
    assert all(isinstance(slug, str) for slug, _score in enricher.tag_topics(record))


# --- the database lock ---------------------------------------------------------------------


def put_lock(engine: Engine, holder: str, expires_in: timedelta) -> None:
    now = datetime.utcnow()
    with Session(engine) as s:
        s.add(models.Lock(name="ingest", holder=holder, acquired_at=now,
                          expires_at=now + expires_in))  # fmt: skip
        s.commit()


def test_lock_refuses_a_second_holder_and_names_the_first(engine: Engine) -> None:
    with hold_lock(engine, label="first"):
        with pytest.raises(LockHeldError) as info:
            acquire_lock(engine, holder="elsewhere:1 second")
        assert f"{socket.gethostname()}:{os.getpid()} first" in str(info.value)
    acquire_lock(engine, holder="elsewhere:1 second").release()  # released: free again


def test_expired_lock_is_taken_over(engine: Engine) -> None:
    put_lock(engine, "otherhost:42 tracker ingest", timedelta(minutes=-1))
    lock = acquire_lock(engine, holder="me:1")
    assert lock.holder == "me:1"


def test_lock_of_a_dead_local_process_is_taken_over(engine: Engine) -> None:
    put_lock(engine, f"{socket.gethostname()}:999999 tracker ingest", timedelta(hours=1))
    assert acquire_lock(engine, holder="me:1").holder == "me:1"


def test_live_remote_lock_is_respected(engine: Engine) -> None:
    put_lock(engine, "otherhost:42 tracker ingest", timedelta(hours=1))
    with pytest.raises(LockHeldError, match="otherhost:42"):
        acquire_lock(engine, holder="me:1")
