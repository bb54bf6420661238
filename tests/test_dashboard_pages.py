"""Each dashboard page in ``streamlit.testing`` on a seeded database: content, filters, curation."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from tests.dashboard_seed import seed_database
from tests.pgserver import PostgresServer
from tracker.db.engine import make_engine, session_scope
from tracker.db.models import Meta, Paper, ReadingListItem, Topic

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
TIMEOUT = 30


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded database file built once; tests work on copies."""
    path = tmp_path_factory.mktemp("dashboard") / "template.db"
    seed_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def seeded_pg_template(pg_server: PostgresServer) -> str:
    """A seeded PostgreSQL database built once; tests get copies made from it as a template."""
    name = pg_server.new_database_name("dashboard_template")
    seed_database(pg_server.create_database(name))
    return name


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest,
    seeded_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """A private copy of the seeded database (both backends), exported as TRACKER_DATABASE_URL."""
    if request.param == "sqlite":
        path = tmp_path / "tracker.db"
        shutil.copy(seeded_template, path)
        url = f"sqlite:///{path}"
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        template = request.getfixturevalue("seeded_pg_template")
        copy_name = server.new_database_name("dashboard")
        url = server.create_database(copy_name, template=template)
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    yield url
    if request.param != "sqlite":
        server.drop_database(copy_name)


def open_page(page: str, **params: str | list[str]) -> AppTest:
    """Run the app, switch to ``views/<page>.py`` with query parameters, and run it."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(params)
    at.run()
    if page != "reading_list":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def papers_shown(at: AppTest) -> list[str]:
    """The reading list's paper blocks (HTML drawn with st.html), in page order."""
    return [h for h in texts(at.get("html")) if '<a href="https://arxiv.org/abs/' in h]


def pin_ids(at: AppTest) -> list[str]:
    """arXiv ids of the papers that have a Pin button, in page order."""
    return [str(b.key).removeprefix("pin_") for b in at.button if str(b.key).startswith("pin_")]


def texts(elements: object) -> list[str]:
    """The values of an element list."""
    return [str(e.value) for e in elements]  # type: ignore[attr-defined]


def html_tables(at: AppTest) -> list[list[dict[str, str]]]:
    """The HTML tables drawn with st.html, as rows of {header: cell text}."""
    found = []
    for html_text in texts(at.get("html")):
        if "<table" not in html_text:
            continue
        head, body = html_text.split("<tbody>")
        headers = [html.unescape(h) for h in re.findall(r"<th(?: [^>]*)?>(.*?)</th>", head)]
        cells = [re.findall(r"<td[^>]*>(.*?)</td>", tr) for tr in body.split("</tr>")[:-1]]
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)) for c in row] for row in cells]
        found.append([dict(zip(headers, row, strict=True)) for row in rows])
    return found


# --- reading list -------------------------------------------------------------------------


def test_reading_list_shows_ranked_papers_with_badges(db_url: str) -> None:
    at = open_page("reading_list")
    titles = papers_shown(at)
    assert titles and re.search(r">1\. <a href=\"https://arxiv\.org/abs/", titles[0]), titles[:1]
    assert any(">CCF-A</span>" in m for m in titles)
    # The newest month with papers is picked by default.
    assert at.selectbox(key="rl_period").value == "2026-06"
    # Reading mode: each paper is one HTML block, its abstract folded in <details>;
    # the curation controls wait for the "curate" toggle.
    assert len(titles) >= 5 and all(re.search(r"<details><summary[^>]*>摘要", m) for m in titles)
    assert not pin_ids(at) and not at.text_input
    assert at.get("download_button"), "CSV/Markdown/BibTeX downloads are offered"
    at.toggle(key="rl_edit").set_value(True).run()
    assert len(pin_ids(at)) == len(titles)
    assert at.query_params["edit"] == "1"
    assert at.text_input(key="rl_add_id")


def test_reading_list_pin_note_remove_are_saved(db_url: str) -> None:
    at = open_page("reading_list", edit="1")
    pins = pin_ids(at)
    second = pins[1]
    at.button(key=f"pin_{second}").click().run()
    assert "已保存。" in texts(at.success)
    at.text_area(key=f"note_{second}").input("必读：<b>好</b> [x](javascript:alert(1))").run()
    at.button(key=f"save_note_{second}").click().run()
    first = pins[0]
    at.button(key=f"remove_{first}").click().run()
    assert not at.exception
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        rows = {r.arxiv_id: r for r in s.scalars(select(ReadingListItem))}
    engine.dispose()
    assert rows[second].pinned and (rows[second].note or "").startswith("必读")
    assert rows[first].removed and rows[first].rank is None
    # The removed paper is gone from the page; the note shows, escaped.
    assert first not in pin_ids(at)
    notes = [m for m in papers_shown(at) if "💬 必读" in m]
    assert notes and "必读：&lt;b&gt;好&lt;/b&gt;" in notes[0] and "<b>好" not in notes[0]


def test_reading_list_filters_and_add_by_id(db_url: str) -> None:
    at = open_page("reading_list", min_tier="A", edit="1")
    shown = pin_ids(at)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        venues = dict(s.execute(select(Paper.arxiv_id, Paper.venue_status)).all())
    assert shown and all(venues[i] == "accepted" for i in shown)
    at.text_input(key="rl_add_id").input("2605.30504")
    at.button[-1].click().run()
    assert "已保存。" in texts(at.success), texts(at.error)
    with session_scope(engine) as s:
        added = s.get(ReadingListItem, (1, "2026-06", "2605.30504"))
        assert added is None or added.added
        assert s.scalar(
            select(ReadingListItem.added).where(ReadingListItem.arxiv_id == "2605.30504")
        )
    engine.dispose()


def test_crafted_title_is_rendered_as_text(db_url: str) -> None:
    engine = make_engine(db_url)
    crafted = "<img src=x onerror=alert(1)> **bold** [click](javascript:alert(1)) :red[x]"
    with session_scope(engine) as s:
        s.execute(update(Paper).where(Paper.arxiv_id == "2606.03610").values(title=crafted))
    engine.dispose()
    at = open_page("reading_list")
    shown = [m for m in papers_shown(at) if "onerror" in m]
    assert shown, "the crafted title is on the list"
    # The title is the link's text, escaped: no element, no javascript: link.
    assert "&lt;img src=x onerror=alert(1)&gt; **bold** [click](javascript:alert(1))" in shown[0]
    assert "<img" not in shown[0] and 'href="javascript' not in shown[0]


# --- other pages --------------------------------------------------------------------------


def test_venue_changes_page(db_url: str) -> None:
    at = open_page("venue_changes")
    assert at.selectbox(key="vc_month").value == "2026-06"
    changes, ccf = html_tables(at)
    kinds = {r["arXiv"]: r["变化"] for r in changes}
    assert kinds["2604.00267"] == "新录用"
    assert kinds["2606.00109"] == "新论文·已录用"
    assert {m.label: m.value for m in at.metric}["新录用"] == "3"
    # The CCF changes are shown 50 at a time; the page picker turns the page.
    total = int(re.sub(r"\D", "", next(c for c in texts(at.caption) if "项变化" in c)))
    assert total > 50 and len(ccf) == 50 and {r["变化"] for r in ccf} >= {"升级", "降级"}
    picker = at.selectbox(key="vc_ccf_page")
    picker.select(len(picker.options)).run()
    last = html_tables(at)[1]
    assert len(last) == total - 50 * (len(picker.options) - 1) and last != ccf
    at.selectbox(key="vc_kind").select("journal").run()
    assert {r["类型"] for r in html_tables(at)[1]} == {"期刊"}
    assert at.query_params.get("kind") == "journal"


def test_venue_changes_other_month_has_no_events(db_url: str) -> None:
    at = open_page("venue_changes", month="2026-04")
    changes = html_tables(at)[0]
    assert {r["变化"] for r in changes} == {"新论文·已录用"}


def test_papers_page_search_filter_and_deep_link(db_url: str) -> None:
    at = open_page("papers")
    assert "共 48 篇" in texts(at.caption)[0]
    at.text_input(key="pp_q").input("diffusion").run()
    (found,) = html_tables(at)
    assert 0 < len(found) < 48
    assert at.query_params.get("q") == "diffusion"
    linked = open_page("papers", tier=["A"], venue="CVPR")
    (table,) = html_tables(linked)
    assert len(table) == 7 and {r["CCF 等级"] for r in table} == {"CCF-A"}
    assert {r["会议/期刊"].split()[0] for r in table} == {"CVPR"}


def test_papers_page_topic_and_status_filters(db_url: str) -> None:
    at = open_page("papers", status=["accepted"])
    assert "共 17 篇" in texts(at.caption)[0]
    at.multiselect(key="pp_topics").select("medical").run()
    (table,) = html_tables(at)
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        medical = s.get(Topic, "medical")
        assert medical is not None
        name = medical.name_zh
    engine.dispose()
    assert len(table) >= 1 and all(name in r["主题"] for r in table)


def test_ccf_directory_browse_search_and_venue_page(db_url: str) -> None:
    at = open_page("ccf_directory")
    (listing,) = html_tables(at)
    assert len(listing) == 50 and len(at.selectbox(key="cd_page").options) > 12  # > 600 venues
    at.text_input(key="cd_q").input("Computer Vision and Pattern Recognition").run()
    (found,) = html_tables(at)
    assert "CVPR" in {r["会议/期刊"] for r in found}
    key = next(k for k in at.selectbox(key="cd_venue").options if "CVPR" in k)
    at.selectbox(key="cd_venue").select(key).run()
    badges = [m for m in texts(at.markdown) if "badge[CCF-A" in m]
    assert len(badges) >= 2
    assert any("7" in m for m in texts(at.markdown) if "论文" in m)
    found, history, papers = html_tables(at)
    assert {r["CCF 等级"] for r in history} == {"CCF-A"} and len(history) >= 2
    assert len(papers) == 7 and all(r["arXiv"] for r in papers)


def test_trends_page(db_url: str) -> None:
    at = open_page("trends")
    tables = [m for m in texts(at.get("html")) if "<table" in m]
    heat, mix, venues = tables
    assert "<td style=" in heat and "合计" in heat
    assert "CCF-A" in mix and "非 CCF" in mix
    first_row = venues.split("<tbody>")[1].split("</tr>")[0]
    assert "CVPR" in first_row and ">7<" in first_row
    months = sorted(set(re.findall(r"20\d\d-\d\d", heat)))
    assert months == ["2026-04", "2026-05", "2026-06"]
    assert not at.get("arrow_vega_lite_chart") and not at.dataframe


def test_ingestion_page_and_stale_warning(db_url: str) -> None:
    at = open_page("ingestion")
    runs = html_tables(at)[0]
    assert len(runs) == 3 and "failed" in {r["结果"] for r in runs}
    assert any("HTTP 503" in r["信息"] for r in runs)
    assert "1 次失败" in texts(at.error)
    assert any("下次定时采集" in m for m in texts(at.info))
    assert not at.warning
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        s.execute(update(Meta).where(Meta.key == "taxonomy_hash").values(value="old"))
    engine.dispose()
    from dashboard import data

    data.ingest_health.clear()
    at = open_page("ingestion")
    assert any("已过期" in m for m in texts(at.warning))


def test_language_switch_and_english_deep_link(db_url: str) -> None:
    at = open_page("papers", lang="en")
    assert at.title[0].value == "Papers"
    assert "48 papers" in texts(at.caption)[0]
    # An empty filter says "Any", not Streamlit's own English "Choose options".
    assert [m.placeholder for m in at.multiselect] == ["Any"] * 3
    for page, count in (("papers", 3), ("reading_list", 1), ("ccf_directory", 1)):
        assert [m.placeholder for m in open_page(page).multiselect] == ["不限"] * count, page
    # The switch lives in the sidebar of the entry page (AppTest drops it after switch_page).
    at = open_page("reading_list", lang="en")
    assert at.title[0].value == "Reading list"
    at.segmented_control(key="lang").set_value("zh").run()
    assert at.title[0].value == "月度阅读清单"
    assert "lang" not in at.query_params


def test_empty_database_explains_how_to_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.db.migrate import upgrade_db

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    upgrade_db(engine)
    engine.dispose()
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    for page in ("reading_list", "venue_changes", "papers", "ccf_directory", "trends"):
        at = open_page(page)
        assert any("make demo" in m for m in texts(at.info)), page
    at = open_page("ingestion")
    assert any("make demo" in m for m in texts(at.info))


def test_database_behind_the_code_says_to_upgrade(db_url: str) -> None:
    from tracker.db.migrate import downgrade_db, head_revision, upgrade_db

    engine = make_engine(db_url)
    downgrade_db(engine, "0009")  # before the kept topic counts the trends page reads
    for page in ("trends", "ingestion", "reading_list"):
        at = open_page(page)
        warning = " ".join(texts(at.warning))
        assert "tracker db upgrade" in warning and "0009" in warning, page
        assert f"需要 {head_revision()}" in warning, page
    upgrade_db(engine)
    engine.dispose()
    assert not open_page("trends").warning
