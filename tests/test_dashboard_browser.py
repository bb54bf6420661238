"""End to end in headless Chromium: `streamlit run` on a seeded database, every page, a filter,
paper text kept as text, a pin in curate mode, the CSV download; a screenshot of each page
goes to ``test-output/dashboard/``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bench.bench_dashboard import RENDERED, serve
from tests.dashboard_seed import seed_database
from tracker.db.engine import make_engine, session_scope
from tracker.db.models import Paper

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output" / "dashboard"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
CRAFTED_ID = "2606.03610"  # on the seeded reading list
CRAFTED = '<img src="x" id="crafted"> <b>bold</b> & co'
PAGES = [
    ("reading-list", "月度阅读清单"),
    ("venue-changes", "会议/期刊变化"),
    ("papers", "论文检索"),
    ("ccf", "CCF 目录"),
    ("trends", "趋势"),
    ("ingestion", "采集状态"),
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (make test installs it)"
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a free port against a seeded database file."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'tracker.db'}"
    seed_database(url)
    engine = make_engine(url)
    with session_scope(engine) as session:  # a title that would be live HTML if not escaped
        session.execute(update(Paper).where(Paper.arxiv_id == CRAFTED_ID).values(title=CRAFTED))
    engine.dispose()
    with serve(url, folder) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _wait_ready(page: object, title: str) -> None:
    page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)  # type: ignore[attr-defined]
    page.wait_for_function(RENDERED, timeout=30_000)  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]


PRELOADED = """component => {
    const ready = performance.getEntriesByType("navigation")[0].domContentLoadedEventStart;
    return performance.getEntriesByType("resource").some(
        r => r.name.includes(`/${component}.`) && r.startTime < ready);
}"""
"""True when the browser asked for ``component``'s code before ``DOMContentLoaded``: the page
shell's preload. Streamlit alone asks for it once the element has arrived, after the script
has run (and then adds a preload link of its own, so counting links proves nothing)."""


def _preloaded(page: object, component: str) -> bool:
    return bool(page.evaluate(PRELOADED, component))  # type: ignore[attr-defined]


def test_pages_under_a_base_path(tmp_path: Path, browser: object) -> None:
    """Served under ``server.baseUrlPath`` (docs/deployment.md uses ``papers``, also a page's
    name): the app's address and its pages render without a failed request."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    seed_database(url)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    with serve(url, tmp_path, base_path="papers") as root:
        for path, title in [("", "月度阅读清单"), ("/papers", "论文检索"), ("/ccf", "CCF 目录")]:
            page.goto(root + path)
            _wait_ready(page, title)
            assert page.locator('[data-testid="stException"]').count() == 0, path
            assert _preloaded(page, "Selectbox"), path
            backend = page.evaluate("window.__streamlit && window.__streamlit.BACKEND_BASE_URL")
            assert backend == (f"{root}/" if path else None), path
        assert page.url == f"{root}/ccf"
        assert not failed, failed
        # Not one of our pages (a name every object has): the shell stays out of the way.
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{root}/toString")
        page.wait_for_function(RENDERED, timeout=30_000)
        assert page.evaluate("window.__streamlit === undefined")
        assert not _preloaded(page, "Selectbox")
        assert not errors, errors
    context.close()


def test_every_page_renders_filters_pin_and_csv(server: str, browser: object) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    failed: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for url_path, title in PAGES:
        page.goto(f"{server}/{url_path}")
        _wait_ready(page, title)
        assert page.locator('[data-testid="stException"]').count() == 0, url_path
        # The page shell (dashboard.firstvisit) preloaded the page's widget code and told the
        # frontend where the server is: no probe of /<page>/_stcore/health, which 404s.
        assert _preloaded(page, "ButtonGroup") and _preloaded(page, "Html"), url_path
        assert page.evaluate("window.__streamlit.BACKEND_BASE_URL") == f"{server}/", url_path
        assert not failed, failed
        # .streamlit/config.toml: readers get no developer toolbar ("Deploy").
        assert page.get_by_text("Deploy", exact=True).count() == 0, url_path
        # A shared link opens its page, without a "Page not found" dialog (Streamlit showed
        # one while the page modules sat in a folder named pages/).
        assert page.get_by_role("dialog").count() == 0, url_path
        page.screenshot(path=str(OUTPUT / f"{url_path}.png"), full_page=True)

    # The trends page draws its charts as HTML tables: cells with counts, bars with shares.
    page.goto(f"{server}/trends")
    _wait_ready(page, "趋势")
    assert page.locator("table td[title]").count() >= 3  # heat map cells of 3 months
    assert page.locator('div[title*="CCF-A"]').count() >= 1  # a tier bar segment
    assert page.locator("tr", has_text="CVPR").first.is_visible()

    # A filter: full-text search on the papers page narrows the results and lands in the URL.
    page.goto(f"{server}/papers")
    _wait_ready(page, "论文检索")
    page.get_by_text("共 48 篇").first.wait_for()
    box = page.get_by_role("textbox", name="搜索标题、摘要、作者")
    box.fill("diffusion")
    box.press("Enter")
    page.get_by_text("共 5 篇").first.wait_for(timeout=30_000)
    page.wait_for_url("**q=diffusion**", timeout=10_000)

    # Paper text is shown as text: the crafted title adds no element; abstracts unfold.
    page.goto(f"{server}/reading-list")
    _wait_ready(page, "月度阅读清单")
    assert page.get_by_role("link", name=CRAFTED).count() == 1
    assert page.locator("#crafted, b:text('bold')").count() == 0
    summary = page.locator("details summary").first
    abstract = page.locator("details").first.locator("p").first
    assert not abstract.is_visible()
    summary.click()
    abstract.wait_for(state="visible", timeout=10_000)

    # Pin the second paper of the reading list (in curate mode), then download the CSV.
    assert page.get_by_role("button", name="置顶", exact=True).count() == 0
    page.get_by_text("整理清单").click()
    page.wait_for_url("**edit=1**", timeout=10_000)
    pinned = page.locator('a[href^="https://arxiv.org/abs/"]').nth(1).get_attribute("href")
    pinned = (pinned or "").rsplit("/", 1)[-1]
    page.get_by_role("button", name="置顶", exact=True).nth(1).click()
    page.get_by_text("已保存。").wait_for(timeout=30_000)
    page.get_by_text("已置顶").first.wait_for()
    page.screenshot(path=str(OUTPUT / "reading-list-pinned.png"), full_page=True)
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="下载 CSV").click()
    data = Path(info.value.path()).read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows and rows[0]["rank"] == "1"
    assert {"arxiv_id", "title", "ccf_tier", "note"} <= set(rows[0])
    assert all(r["abs_url"].startswith("https://arxiv.org/abs/") for r in rows)
    pin = page.get_by_role("button", name="置顶", exact=True).count()
    unpin = page.get_by_role("button", name="取消置顶", exact=True).count()
    assert unpin == 1 and len(rows) == pin + unpin
    assert sum(1 for r in rows if r["arxiv_id"] == pinned) == 1
    assert not errors, errors
    context.close()
