"""Dashboard page render time in headless Chromium at N papers.

Serves ``dashboard/app.py`` with ``streamlit run`` on the database ``bench_queries.py`` prepares
for N, opens every page in Debian's Chromium through Playwright and times navigation until the
page is drawn: its heading shows, its script run has finished (every element has reached the
browser) and no element still waits for its frontend code (:data:`RENDERED`). Skips, saying
why, when Chromium or the dashboard is missing. For every page:

- new browser: its first visit by a newly launched browser to a freshly started server (empty
  browser cache: Streamlit's frontend loads; cold server caches). It varies from one start to
  the next on a small machine; ``--first-visits K`` measures it K times, each with a new
  server and browser, and prints the median and the slowest;
- cold: in one browser and server that stay up, the page's first visit (cold server caches);
- warm: ``--repeat`` visits after that.

    python bench/bench_dashboard.py -n 1000000
    python bench/bench_dashboard.py -n 1000000 --first-visits 10
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_queries import prepare
from bench.common import OUT, ROOT, machine, percentiles

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run"]
PAGES = [
    ("reading-list", "月度阅读清单"),
    ("venue-changes", "会议/期刊变化"),
    ("papers", "论文检索"),
    ("ccf", "CCF 目录"),
    ("trends", "趋势"),
    ("ingestion", "采集状态"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(url: str, folder: Path, base_path: str = "") -> Iterator[str]:
    """``python -m dashboard.serve`` (``streamlit run dashboard/app.py`` with the heavy imports
    done first) on a free port, under ``base_path`` if given; yields the app's URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(TRACKER_DATABASE_URL=url, TRACKER_CONFIG=str(folder / "none.toml"))
    log_path = folder / "streamlit-bench.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.serve",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.baseUrlPath", base_path],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                        if resp.status == 200:
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log_path.read_text()[-3000:]) from None
                    time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)


RENDERED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"], [data-testid="stStatusWidget"]');
}"""
"""True once the page's script run has finished (every element has reached the browser) and
no element is still waiting for its frontend code (Streamlit draws a skeleton meanwhile)."""


def _render(page: Any, url: str, title: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
    page.wait_for_function(RENDERED, timeout=120_000)
    elapsed = (time.perf_counter() - start) * 1000
    if page.locator('[data-testid="stException"]').count():
        raise SystemExit(f"{url} shows an exception")
    return elapsed


def _new_browser_page(pw: Any) -> tuple[Any, Any]:
    """A newly launched headless Chromium and a page in it."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    return browser, browser.new_page(viewport={"width": 1400, "height": 1000})


def _first_visit(url: str, out: Path, pw: Any, path: str, title: str) -> float:
    """A new server and a new browser: the render time (ms) of the page at ``path``."""
    with serve(url, out) as base:
        browser, page = _new_browser_page(pw)
        elapsed = _render(page, f"{base}/{path}", title)
        browser.close()
    return elapsed


def bench(
    n: int,
    repeat: int,
    out: Path,
    seed: int,
    db: Path | None = None,
    first_visits: int = 1,
    only: list[str] | None = None,
) -> dict[str, Any]:
    """Render every page (or the ``only`` ones) at N papers and print ms: its first visit by a
    new browser to a freshly started server (``first_visits`` times, each with a new server and
    browser), then, in one browser and server, cold (server caches empty) and ``repeat`` times
    warm.
    """
    pages = [(path, title) for path, title in PAGES if not only or path in only]
    if not CHROMIUM.exists() or not (ROOT / "dashboard" / "app.py").exists():
        print("skipped: /usr/bin/chromium or dashboard/app.py is missing")
        return {"n": n, "skipped": True}
    from playwright.sync_api import sync_playwright

    url = prepare(n, out, seed, db)
    results: dict[str, Any] = {"n": n, "pages": {}}
    with sync_playwright() as pw:
        firsts = {
            path: [_first_visit(url, out, pw, path, title) for _ in range(first_visits)]
            for path, title in pages
        }
        with serve(url, out) as base:
            browser, page = _new_browser_page(pw)
            for path, title in pages:
                cold = _render(page, f"{base}/{path}", title)
                warm = [_render(page, f"{base}/{path}", title) for _ in range(repeat)]
                p50, p95 = percentiles(warm)
                first = firsts[path]
                results["pages"][path] = {
                    "first_visit_ms": first,
                    "cold_ms": cold,
                    "warm_p50_ms": p50,
                    "warm_p95_ms": p95,
                }
                spread = f" (slowest {max(first):.0f})" if len(first) > 1 else ""
                print(
                    f"N={n:>9,}  /{path:<14} new browser {statistics.median(first):6.0f} ms"
                    f"{spread}   cold {cold:6.0f} ms   warm p50 {p50:6.0f} ms"
                    f"   p95 {p95:6.0f} ms",
                    flush=True,
                )
            browser.close()
    slowest = max(pages, key=lambda p: max(firsts[p[0]]))[0]
    print(
        f"N={n:>9,}  first visit of a new browser to a new server, {first_visits} a page:"
        f" slowest {max(firsts[slowest]):.0f} ms (/{slowest})",
        flush=True,
    )
    return results


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-n", type=int, default=100_000, help="papers (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="warm renders per page")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--db", type=Path, help="use this SQLite file (default: out/backfill-N.db)")
    parser.add_argument(
        "--first-visits",
        type=int,
        default=1,
        metavar="K",
        help="measure each page's first visit K times, each with a new server and browser"
        " (default 1)",
    )
    parser.add_argument(
        "--page",
        action="append",
        choices=[path for path, _ in PAGES],
        help="only this page (repeatable; default: every page)",
    )
    args = parser.parse_args(argv)
    print("machine:", json.dumps(machine()))
    result = bench(
        args.n, args.repeat, args.out, args.seed, args.db, max(1, args.first_visits), args.page
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": machine(), **result}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
