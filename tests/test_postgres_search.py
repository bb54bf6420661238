"""PostgreSQL full-text search over papers: the tsvector condition and its GIN index (0003)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from tracker.db.engine import session_scope
from tracker.db.migrate import downgrade_db, upgrade_db
from tracker.db.models import Paper
from tracker.db.postgres import (
    SEARCH_INDEX,
    has_search_index,
    paper_search_condition,
    tsquery_text,
)

PAPERS = [
    ("2401.00001", "Segment Anything in Medical Images", "We adapt SAM to CT scans.", "Jun Ma"),
    ("2401.00002", "GPT-4 Technical Report", "A large multimodal model.", "OpenAI"),
    ("2401.00003", "Attention Is All You Need", "The Transformer's attention.", "A. Vaswani"),
    ("2401.00004", "Diffusion Models Beat GANs", "Image synthesis with diffusion.", "P. Dhariwal"),
]


def _add_papers(session: Session) -> None:
    when = datetime(2024, 1, 2)
    for arxiv_id, title, abstract, authors in PAPERS:
        session.add(
            Paper(
                arxiv_id=arxiv_id,
                title=title,
                abstract=abstract,
                authors=authors,
                published=when,
                updated=when,
                first_seen=when,
                last_changed=when,
            )
        )
    session.commit()


def _ids(session: Session, user_text: str) -> list[str]:
    cond = paper_search_condition(user_text)
    assert cond is not None
    return list(session.scalars(select(Paper.arxiv_id).where(cond).order_by(Paper.arxiv_id)))


def test_tsquery_text_quotes_every_word() -> None:
    assert tsquery_text("segment anyth") == "'segment' & 'anyth':*"
    assert tsquery_text("it's a & b | !c") == "'it''s' & 'a' & 'b' & 'c':*"
    assert tsquery_text("  &|!  ") == ""
    assert paper_search_condition("") is None


def test_search_index_only_on_postgresql(session: Session) -> None:
    assert has_search_index(session) is (session.get_bind().dialect.name == "postgresql")


@pytest.mark.postgres
def test_search_matches_every_word_and_a_prefix(pg_engine: Engine) -> None:
    with session_scope(pg_engine) as session:
        _add_papers(session)
        assert _ids(session, "segment medical") == ["2401.00001"]
        assert _ids(session, "SEGMENT MED") == ["2401.00001"]  # case-folded, last word a prefix
        assert _ids(session, "vaswani transformer's") == ["2401.00003"]
        assert _ids(session, "gpt-4") == ["2401.00002"]
        assert _ids(session, "diffusion gans") == ["2401.00004"]
        assert _ids(session, "diffusion medical") == []
        assert _ids(session, "'); DROP TABLE papers; --") == []
        assert session.scalar(text("SELECT count(*) FROM papers")) == len(PAPERS)


@pytest.mark.postgres
def test_planner_uses_the_gin_index(pg_engine: Engine) -> None:
    with session_scope(pg_engine) as session:
        _add_papers(session)
        session.execute(text("SET LOCAL enable_seqscan = off"))
        cond = paper_search_condition("attention")
        assert cond is not None
        stmt = select(Paper.arxiv_id).where(cond)
        compiled = stmt.compile(pg_engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(session.scalars(text(f"EXPLAIN {compiled}")))
    assert SEARCH_INDEX in plan, plan


@pytest.mark.postgres
def test_migration_0003_downgrades_and_upgrades(pg_engine: Engine) -> None:
    with session_scope(pg_engine) as session:
        assert has_search_index(session)
    downgrade_db(pg_engine, "0002")
    with session_scope(pg_engine) as session:
        assert not has_search_index(session)
    upgrade_db(pg_engine)
    with session_scope(pg_engine) as session:
        assert has_search_index(session)
