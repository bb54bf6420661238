"""Serve the dashboard: ``python -m dashboard.serve [streamlit options]`` (``make serve``).

The same as ``streamlit run dashboard/app.py``, except that the first visitor does not wait
for work that can be done before the server starts:

- the libraries the pages need (SQLAlchemy and the project's query modules: about 1 s to
  import on a small machine) and the dashboard's own modules are imported (:func:`preload`);
- the process is then settled (:func:`settle`): the garbage collector stops walking the
  imported objects, and a stack walk Streamlit does once per process is skipped.

Together these took the first page's script run from about 0.33 s to 0.13–0.19 s after a start
(docs/benchmarks.md, round 9).

Then it removes three waits of Streamlit's own from a new browser's first visit
(:func:`dashboard.firstvisit.install`: Nagle's delay, the base-path probe, widget code fetched
one kind at a time).
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
from pathlib import Path

from sqlalchemy.orm import configure_mappers

from dashboard import firstvisit

APP = Path(__file__).resolve().parent / "app.py"
PRELOAD = (
    "sqlalchemy",
    "sqlalchemy.orm",
    "tracker.db.engine",
    "tracker.queries.changes",
    "tracker.queries.directory",
    "tracker.queries.facets",
    "tracker.queries.health",
    "tracker.queries.papers",
    "tracker.queries.trends",
    "tracker.readinglists",
    "streamlit.emojis",
    "dashboard.i18n",
    "dashboard.data",
    "dashboard.charts",
    "dashboard.ui",
    "dashboard.curation",
)
"""Imported before the server starts: the heavy libraries, the project's query modules, the
dashboard's own modules (the page scripts import them) and Streamlit's emoji catalogue (which
``st.set_page_config`` reads to check the page icon; 50 ms)."""

QUIET = ("streamlit.runtime.caching.cache_data_api",)
"""Loggers muted while preloading: a cached function defined before the server runs logs "No
runtime found"; its cache is made on first use, inside the runtime, as usual."""


def preload(modules: tuple[str, ...] = PRELOAD) -> list[str]:
    """Import ``modules`` now; returns those that could not be imported (none normally)."""
    missing = []
    quiet = [logging.getLogger(name) for name in QUIET]
    for log in quiet:
        log.disabled = True
    try:
        for name in modules:
            try:
                importlib.import_module(name)
            except ImportError:
                missing.append(name)
        configure_mappers()  # the ORM's first query would do it
    finally:
        for log in quiet:
            log.disabled = False
    return missing


def settle() -> None:
    """Ready the process for its first visitor once everything is imported.

    - The ~160,000 objects imported so far move to the collector's permanent generation
      (``gc.freeze``): otherwise each full collection walks them all, about 60 ms, and the
      first page's script run triggers one or two.
    - Streamlit's once-per-process check for "imported but not run with ``streamlit run``"
      is marked done (we are ``streamlit run``): it calls ``inspect.stack()`` on the first
      page's thread, which resolves the file of every loaded module, about 0.1 s. The flag
      is private; if a Streamlit version renames it, the check simply runs again.
    """
    gc.collect()
    gc.freeze()
    from streamlit import delta_generator

    if hasattr(delta_generator, "_use_warning_has_been_displayed"):
        delta_generator._use_warning_has_been_displayed = True


def speed_up_first_visits() -> list[str]:
    """Apply :func:`dashboard.firstvisit.install`; say on stderr which steps did not take.

    A step does not take when a Streamlit version lacks what it wraps: the dashboard works as
    before, only a new browser's first visit is slower. Returns the steps that did not take.
    """
    missed = [step for step, took in firstvisit.install().items() if not took]
    if missed:
        print(
            f"dashboard.serve: {', '.join(missed)} not applied (this Streamlit differs from the "
            "one dashboard/firstvisit.py knows); first visits will be slower",
            file=sys.stderr,
        )
    return missed


def main(argv: list[str] | None = None) -> int:
    """Preload, then hand over to ``streamlit run dashboard/app.py`` with the given options."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args):
        print(
            "usage: python -m dashboard.serve [streamlit run options]\n\n"
            "Serves dashboard/app.py like `streamlit run`, with SQLAlchemy and\n"
            "the dashboard's modules imported before the first visitor. Options go to\n"
            "`streamlit run` as they are, e.g. --server.port 8501 --server.headless true."
        )
        return 0
    preload()
    settle()
    speed_up_first_visits()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *args]
    return int(cli.main() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
