"""Real arXiv records (tests/fixtures/readinglists) inserted with the ORM, for list tests."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db.models import Paper, PaperTopic, Venue
from tracker.sources.snapshot import record_from_kaggle
from tracker.topics.store import save_taxonomy
from tracker.topics.taxonomy import load_taxonomy

DATA = Path(__file__).parent / "fixtures" / "readinglists"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEEN = datetime(2025, 11, 5)

BASE_ORDER = ["2510.05480", "2510.04398", "2510.04956", "2510.02100", "2510.00808"]
"""The top five of October 2025 under the default weights, worked out by hand in the docs."""


def annotations() -> dict[str, dict]:  # type: ignore[type-arg]
    """Hand-made venue and topic annotations of the fixture records."""
    data = json.loads((DATA / "annotations.json").read_text(encoding="utf-8"))
    data.pop("_comment")
    return data  # type: ignore[no-any-return]


def load_records(name: str) -> list[dict]:  # type: ignore[type-arg]
    """The raw JSON objects of one fixture file."""
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _venue_id(session: Session, abbr: str, kind: str) -> int | None:
    return session.scalar(select(Venue.id).where(Venue.abbr == abbr, Venue.kind == kind))


def insert_papers(session: Session, name: str) -> list[str]:
    """Insert one fixture file's papers with their venues and topics; returns their ids."""
    notes = annotations()
    ids = []
    for raw in load_records(name):
        rec = record_from_kaggle(raw)
        ann = notes[rec.arxiv_id]
        paper = Paper(
            arxiv_id=rec.arxiv_id, title=rec.title, abstract=rec.abstract,
            authors=", ".join(rec.authors), categories=" ".join(rec.categories),
            primary_category=rec.primary_category, published=rec.published,
            updated=rec.updated, latest_version=rec.latest_version, comment=rec.comment,
            journal_ref=rec.journal_ref, doi=rec.doi, source="snapshot", first_seen=SEEN,
            last_changed=SEEN, venue_status="none",
        )  # fmt: skip
        if "venue" in ann:
            abbr, kind, year, status = ann["venue"]
            paper.venue_name, paper.venue_kind, paper.venue_year = abbr, kind, year
            paper.venue_status = status
            if ann.get("ccf"):
                paper.venue_id = _venue_id(session, abbr, kind)
                assert paper.venue_id is not None, abbr
        session.add(paper)
        session.flush()
        for topic, score in ann["topics"].items():
            session.add(PaperTopic(arxiv_id=rec.arxiv_id, topic=topic, score=score))
        ids.append(rec.arxiv_id)
    session.flush()
    return ids


def prepare(session: Session) -> None:
    """Load the taxonomy and the base papers (the CCF tables must be loaded already)."""
    save_taxonomy(session, load_taxonomy(SEEDS / "topics.yaml"))
    insert_papers(session, "records_base.jsonl")
    session.commit()
