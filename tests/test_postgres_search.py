"""PostgreSQL full-text search over papers: the generated tsvector column and its GIN index
(migration 0006), and search_papers' plans on PostgreSQL (tracker/queries/papers.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, event, select, text, update
from sqlalchemy.orm import Session

from tracker.db.engine import make_engine, session_scope
from tracker.db.migrate import downgrade_db, upgrade_db
from tracker.db.models import Paper
from tracker.db.postgres import (
    SEARCH_COLUMN,
    SEARCH_INDEX,
    PlannerSettings,
    SearchStatistics,
    has_search_index,
    newest_fraction_cutoff,
    paper_search_condition,
    tsquery_text,
)
from tracker.queries import search_pg
from tracker.queries.papers import COUNT_CAP, PaperFilter, search_papers

from .pgserver import PostgresServer

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
    assert tsquery_text("segment anyth", prefix=False) == "'segment' & 'anyth'"
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


# --- migration 0006: the generated column ---------------------------------------------------


def _column(session: Session) -> tuple[str, str] | None:
    """(type, generated kind) of papers.search_vector, or None when it does not exist."""
    row = session.execute(
        text(
            "SELECT format_type(a.atttypid, a.atttypmod), a.attgenerated FROM pg_attribute a "
            "WHERE a.attrelid = 'papers'::regclass AND a.attname = :name AND NOT a.attisdropped"
        ),
        {"name": SEARCH_COLUMN},
    ).first()
    return (str(row[0]), str(row[1])) if row is not None else None


def _search_indexdef(session: Session) -> str | None:
    return session.scalar(
        text("SELECT indexdef FROM pg_indexes WHERE tablename = 'papers' AND indexname = :n"),
        {"n": SEARCH_INDEX},
    )


@pytest.mark.postgres
def test_search_vector_is_a_stored_generated_column_with_a_gin_index(pg_engine: Engine) -> None:
    with session_scope(pg_engine) as session:
        assert _column(session) == ("tsvector", "s")  # 's': GENERATED ALWAYS … STORED
        indexdef = _search_indexdef(session)
        assert indexdef is not None and f"USING gin ({SEARCH_COLUMN})" in indexdef
        assert has_search_index(session)
        _add_papers(session)
        vector = session.scalar(
            text("SELECT search_vector::text FROM papers WHERE arxiv_id = '2401.00003'")
        )
        assert "'vaswani'" in vector and "'attention'" in vector
        # PostgreSQL keeps it up to date: an edited title is searchable at once.
        session.execute(update(Paper).where(Paper.arxiv_id == "2401.00003").values(title="Zebra"))
        session.commit()
        assert _ids(session, "zebra") == ["2401.00003"]
        assert _ids(session, "attention") == ["2401.00003"]  # still in the abstract
        assert _ids(session, "all you need") == []


@pytest.mark.postgres
def test_migration_0006_downgrades_to_the_expression_index(pg_engine: Engine) -> None:
    with session_scope(pg_engine) as session:
        _add_papers(session)
    downgrade_db(pg_engine, "0005")
    with session_scope(pg_engine) as session:
        assert _column(session) is None
        indexdef = _search_indexdef(session)
        assert indexdef is not None and "to_tsvector('simple'::regconfig" in indexdef
        assert not has_search_index(session)  # the old index is not the one searches need
    upgrade_db(pg_engine)
    with session_scope(pg_engine) as session:
        assert _column(session) == ("tsvector", "s")
        assert has_search_index(session)
        assert _ids(session, "segment medical") == ["2401.00001"]  # filled in for old rows


# --- search_papers on PostgreSQL: every way it can run gives the same pages -----------------

CORPUS_SIZE = 2400
WORDS = {"alpha": 1, "beta": 2, "gamma": 15, "delta": 400}
"""A paper numbered ``i`` holds the word when ``i % n == 0``: alpha in every paper, beta in
half (1,200, over the count cap), gamma in 160, delta in 6; "betas" is in the abstract of
every fourth paper (the odd ones, which have no "beta")."""


@pytest.fixture(scope="module")
def corpus_url(pg_server: PostgresServer) -> Iterator[str]:
    """A database of CORPUS_SIZE analyzed papers, stored in an order unlike ``published``."""
    name = pg_server.new_database_name("tracker_search")
    url = pg_server.create_database(name)
    engine = make_engine(url)
    upgrade_db(engine)
    order = list(range(CORPUS_SIZE))
    random.Random(9).shuffle(order)
    start = datetime(2024, 1, 1)
    rows = []
    for i in order:
        words = [w for w, n in WORDS.items() if i % n == 0]
        when = start + timedelta(hours=5 * (i // 3))  # three papers a time: ties to break
        rows.append(
            {
                "arxiv_id": f"2401.{i:05d}",
                "title": f"Paper {i} " + " ".join(words),
                "abstract": ("Betas here. " if i % 4 == 1 else "") + " ".join(reversed(words)),
                "authors": "A. Author",
                "published": when,
                "updated": when,
                "first_seen": when,
                "last_changed": when,
                "venue_status": "accepted" if i % 3 == 0 else "none",
            }
        )
    with engine.begin() as conn:
        conn.execute(Paper.__table__.insert(), rows)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE papers")
    engine.dispose()
    yield url
    pg_server.drop_database(name)


@pytest.fixture
def corpus(corpus_url: str) -> Iterator[Engine]:
    engine = make_engine(corpus_url)
    yield engine
    engine.dispose()


def _expected(session: Session, flt: PaperFilter, page: int, prefix: bool = True) -> list[str]:
    """The page as a plain query computes it: every match sorted, then sliced."""
    cond = paper_search_condition(flt.text, prefix=prefix)
    stmt = select(Paper.arxiv_id).where(cond)
    if flt.statuses:
        stmt = stmt.where(Paper.venue_status.in_(flt.statuses))
    stmt = stmt.order_by(Paper.published.desc(), Paper.arxiv_id.desc())
    return list(session.scalars(stmt.limit(25).offset((page - 1) * 25)))


class _Statements:
    """The SQL a block of code sends, for telling which plan it forced."""

    def __init__(self, engine: Engine) -> None:
        self.sql: list[str] = []
        self._engine = engine

    def __enter__(self) -> _Statements:
        event.listen(self._engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        self.sql.append(f"{statement} {parameters}")

    def count(self, fragment: str) -> int:
        return sum(fragment in s for s in self.sql)


SEARCHES = [
    PaperFilter(text="beta"),  # 1,200 matches: over the cap
    PaperFilter(text="alpha beta"),
    PaperFilter(text="bet"),  # a prefix: beta, betas
    PaperFilter(text="gamma"),  # 160: counted exactly
    PaperFilter(text="delta gamma"),
    PaperFilter(text="beta", statuses=("accepted",)),  # 400, with a filter
    PaperFilter(text="alpha", statuses=("accepted",)),  # 800
    PaperFilter(text="nothing-here"),
]


@pytest.mark.postgres
@pytest.mark.parametrize("count_scan", ["planner", "bitmap"])
@pytest.mark.parametrize("listing", ["ordered", "window", "narrow-window"])
def test_every_plan_lists_the_same_pages(
    corpus: Engine, monkeypatch: pytest.MonkeyPatch, count_scan: str, listing: str
) -> None:
    # Force each branch through its cost constants; the SQL then runs for real.
    for cost in ("SEQ_ROW_US", "FILTER_ROW_US"):  # a free scan: the planner picks
        monkeypatch.setattr(search_pg, cost, 0.0 if count_scan == "planner" else 1e9)
    monkeypatch.setattr(search_pg, "ORDERED_ROW_US", 0.0 if listing == "ordered" else 1e9)
    if listing == "narrow-window":
        monkeypatch.setattr(search_pg, "WINDOW_SPARE", 0.01)  # too small: it has to grow
    with session_scope(corpus) as session:
        for flt in SEARCHES:
            for page in (1, 2, 41, 80):
                with _Statements(corpus) as sent:
                    got = search_papers(session, flt, page=page)
                expected = _expected(session, flt, page)
                assert [r.arxiv_id for r in got.rows] == expected, (flt, page)
                matches = len(_expected_all(session, flt))
                assert got.total == min(matches, COUNT_CAP) and got.exact is (matches <= 1000)
                if not got.exact and page == 1:
                    windowed = sent.count("papers.published >=")
                    assert (windowed > 0) is (listing != "ordered"), sent.sql
                    if listing == "narrow-window":
                        assert windowed > 1
                assert session.scalar(text("SHOW enable_seqscan")) == "on"
                assert session.scalar(text("SHOW enable_bitmapscan")) == "on"
                assert session.scalar(text("SHOW enable_indexscan")) == "on"


def _expected_all(session: Session, flt: PaperFilter) -> list[str]:
    cond = paper_search_condition(flt.text)
    stmt = select(Paper.arxiv_id).where(cond)
    if flt.statuses:
        stmt = stmt.where(Paper.venue_status.in_(flt.statuses))
    return list(session.scalars(stmt))


@pytest.mark.postgres
def test_search_before_analyze_leaves_the_plans_to_postgresql(pg_engine: Engine) -> None:
    with session_scope(pg_engine) as session:
        _add_papers(session)
        page = search_papers(session, PaperFilter(text="diffusion GAN"))
        assert [r.arxiv_id for r in page.rows] == ["2401.00004"] and page.exact


@pytest.mark.postgres
def test_a_common_last_word_is_not_a_prefix(
    corpus: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(corpus) as session:
        beta_or_betas = set(_expected_all(session, PaperFilter(text="beta")))
        gamma = set(_expected_all(session, PaperFilter(text="gamma")))
        monkeypatch.setattr(search_pg, "PREFIX_MAX_DOCS", 10**9)  # nothing is common: a prefix
        page = search_papers(session, PaperFilter(text="gamma beta"))
        assert page.total == len(beta_or_betas & gamma) == 120
        monkeypatch.setattr(search_pg, "PREFIX_MAX_DOCS", 1000)  # beta is in 1,200: whole word
        whole = search_papers(session, PaperFilter(text="gamma beta"))
        assert [r.arxiv_id for r in whole.rows] == _expected(
            session, PaperFilter(text="gamma beta"), 1, prefix=False
        )
        assert whole.total == 80  # the 40 papers with only "betas" dropped out


def test_cost_helpers() -> None:
    bounds = [datetime(2024, 1, 1) + timedelta(days=10 * i) for i in range(11)]
    assert newest_fraction_cutoff(bounds, 0.1) == datetime(2024, 1, 1) + timedelta(days=90)
    assert newest_fraction_cutoff(bounds, 0.05) == datetime(2024, 1, 1) + timedelta(days=95)
    assert newest_fraction_cutoff(bounds, 1.0) is None
    assert newest_fraction_cutoff([], 0.1) is None
    shares = {"model": 0.5, "models": 0.2, "language": 0.3, "graph": 0.05}
    stats = SearchStatistics(rows=1_000_000, pages=100_000, lexeme_shares=shares)
    assert stats.prefix_share("model") == pytest.approx(0.7)
    assert stats.word_share("Graph") == 0.05 and stats.word_share("unlisted") == 0.0

    def postings(words: list[str], prefix: bool = False) -> float:
        return search_pg._posting_share(stats, words, prefix) * stats.rows

    assert postings(["language", "model"]) == pytest.approx(800_000)  # both lists in full
    assert postings(["graph", "model"]) == pytest.approx(450_000)  # "model" skipped through
    assert postings(["graph", "model"], prefix=True) == pytest.approx(750_000)
    # Common words: a scan meets 1,001 matches within 7,000 rows, sooner than GIN's lists.
    assert search_pg._seq_counts_faster(150_000, postings(["language", "model"]), stats.rows)
    # A term in 7% of the papers: the index wins (90 ms of scanning against about 10 ms).
    assert not search_pg._seq_counts_faster(70_000, 70_000, stats.rows)
    # The count's last match in block 999 of 10 rows a page: 1,001 in 10,000 rows.
    assert search_pg._matching_share("(999,3)", stats) == pytest.approx(0.1001)
    assert search_pg._matching_share(None, stats) == pytest.approx(0.001001)


@pytest.mark.postgres
def test_planner_settings_are_put_back(pg_engine: Engine) -> None:
    with session_scope(pg_engine) as session:

        def show() -> tuple[str, str]:
            return (
                str(session.scalar(text("SHOW enable_seqscan"))),
                str(session.scalar(text("SHOW enable_hashjoin"))),
            )

        session.execute(text("SET enable_hashjoin = off"))  # a session value to come back to
        with PlannerSettings(session) as planner:
            planner.use({"enable_seqscan": "off", "enable_hashjoin": "on"})
            assert show() == ("off", "on")
            planner.use({"enable_seqscan": "off"})  # the rest goes back to where it was
            assert show() == ("off", "off")
        assert show() == ("on", "off")
        with pytest.raises(ZeroDivisionError), PlannerSettings(session) as planner:
            planner.use({"enable_seqscan": "off"})
            raise ZeroDivisionError
        session.rollback()  # the failed transaction's rollback undoes SET LOCAL
        assert show()[0] == "on"
