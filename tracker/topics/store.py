"""Save the taxonomy and paper tags to the database; re-tag in batches; detect stale tags.

Functions take the caller's session and never commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from tracker.db.models import Meta, Paper, PaperTopic, Topic, TopicArea
from tracker.topics import months
from tracker.topics.tagger import Tagger
from tracker.topics.taxonomy import Taxonomy

log = logging.getLogger(__name__)

TAXONOMY_HASH_KEY = "taxonomy_hash"
"""Meta key: content hash of the taxonomy loaded into the topics table."""
TAGS_HASH_KEY = "topic_tags_hash"
"""Meta key: hash of the taxonomy + rules that the stored paper tags were computed with."""
TAGS_TAXONOMY_KEY = "topic_tags_taxonomy_hash"
"""Meta key: content hash of the taxonomy that the stored paper tags were computed with."""


def _get_meta(session: Session, key: str) -> str | None:
    return session.scalar(select(Meta.value).where(Meta.key == key))


def _set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value
    session.flush()


def save_taxonomy(session: Session, taxonomy: Taxonomy) -> dict[str, int]:
    """Upsert areas and topics, delete ones no longer in the file, store the content hash."""
    areas = {a.slug: a for a in session.scalars(select(TopicArea))}
    for pos, area in enumerate(taxonomy.areas):
        area_row = areas.get(area.slug) or TopicArea(slug=area.slug)
        area_row.name_en, area_row.name_zh, area_row.position = area.name_en, area.name_zh, pos
        session.add(area_row)
    topics = {t.slug: t for t in session.scalars(select(Topic))}
    added = 0
    for pos, topic in enumerate(taxonomy.topics):
        row = topics.get(topic.slug)
        if row is None:
            row = Topic(slug=topic.slug)
            added += 1
        row.area, row.name_en, row.name_zh = topic.area, topic.name_en, topic.name_zh
        row.description, row.position = topic.description, pos
        session.add(row)
    session.flush()
    gone = sorted(set(topics) - set(taxonomy.slugs))
    if gone:
        # Tags of removed topics go too; the FK cascades, but not every backend enforces it.
        session.execute(delete(PaperTopic).where(PaperTopic.topic.in_(gone)))
        session.execute(delete(Topic).where(Topic.slug.in_(gone)))
        months.forget_topics(session, gone)
    area_slugs = {a.slug for a in taxonomy.areas}
    session.execute(delete(TopicArea).where(TopicArea.slug.not_in(area_slugs)))
    _set_meta(session, TAXONOMY_HASH_KEY, taxonomy.content_hash)
    log.info(
        "taxonomy saved: %d topics (%d new, %d removed)", len(taxonomy.topics), added, len(gone)
    )
    return {"topics": len(taxonomy.topics), "added": added, "removed": len(gone)}


def save_paper_topics(session: Session, tags: Mapping[str, Sequence[tuple[str, float]]]) -> int:
    """Replace the tags of the given papers in bulk; returns the number of tag rows written.

    Slugs that are not in the topics table (run ``tracker topics load``) are skipped.
    """
    if not tags:
        return 0
    known = set(session.scalars(select(Topic.slug)))
    ids = list(tags)
    months.mark_papers_stale(session, ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(PaperTopic).where(PaperTopic.arxiv_id.in_(chunk)))
    rows = [
        {"arxiv_id": arxiv_id, "topic": slug, "score": float(score)}
        for arxiv_id, pairs in tags.items()
        for slug, score in pairs
        if slug in known
    ]
    skipped = sum(len(p) for p in tags.values()) - len(rows)
    if skipped:
        log.warning(
            "%d tag(s) skipped: topic not in the topics table (run `tracker topics load`)", skipped
        )
    if rows:
        session.execute(insert(PaperTopic), rows)
    return len(rows)


def retag_all(
    session: Session,
    tagger: Tagger,
    batch_size: int = 2000,
    progress: Callable[[int], object] | None = None,
) -> int:
    """Re-tag every paper in batches (keyset by id); calls ``progress(n)`` after each batch."""
    done = 0
    last = ""
    while True:
        batch = session.execute(
            select(Paper.arxiv_id, Paper.title, Paper.abstract, Paper.categories)
            .where(Paper.arxiv_id > last)
            .order_by(Paper.arxiv_id)
            .limit(batch_size)
        ).all()
        if not batch:
            break
        tagged = tagger.tag_many([(row[1] or "", row[2] or "", row[3] or "") for row in batch])
        tags = {row[0]: paper_tags for row, paper_tags in zip(batch, tagged, strict=True)}
        save_paper_topics(session, tags)
        done += len(batch)
        last = batch[-1][0]
        if progress is not None:
            progress(len(batch))
    _set_meta(session, TAGS_HASH_KEY, tagger.content_hash)
    _set_meta(session, TAGS_TAXONOMY_KEY, tagger.taxonomy.content_hash)
    months.refresh(session)
    log.info("re-tagged %d papers", done)
    return done


def count_papers(session: Session) -> int:
    """How many papers the database holds (for progress bars)."""
    return session.scalar(select(func.count()).select_from(Paper)) or 0


def taxonomy_is_stale(session: Session, taxonomy: Taxonomy) -> bool:
    """True when the topics table or the stored paper tags predate this taxonomy."""
    if _get_meta(session, TAXONOMY_HASH_KEY) != taxonomy.content_hash:
        return True
    tagged_with = _get_meta(session, TAGS_TAXONOMY_KEY)
    if tagged_with is None:
        return count_papers(session) > 0
    return tagged_with != taxonomy.content_hash


def tags_are_stale(session: Session, tagger: Tagger) -> bool:
    """True when papers exist and were tagged with another taxonomy or other rules."""
    if _get_meta(session, TAGS_HASH_KEY) == tagger.content_hash:
        return False
    return count_papers(session) > 0


def mark_tags_current(session: Session, tagger: Tagger) -> None:
    """Record that every stored tag was computed with ``tagger`` (e.g. after a full ingest)."""
    _set_meta(session, TAGS_HASH_KEY, tagger.content_hash)
    _set_meta(session, TAGS_TAXONOMY_KEY, tagger.taxonomy.content_hash)
