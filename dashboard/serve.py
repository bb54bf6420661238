"""Serve the dashboard: ``python -m dashboard.serve [streamlit options]`` (``make serve``).

The same as ``streamlit run dashboard/app.py``, except that the heavy libraries every page
needs (pandas, Altair, SQLAlchemy) are imported before the server starts, not while the first
visitor waits: they take about 2–3 s to import on a small machine, most of the first page's
time after a start. The dashboard's own modules need Streamlit's runtime (their caches) and
load with the first page as before.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
PRELOAD = (
    "pandas",
    "altair",
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
)
"""Imported before the server starts: the heavy libraries and the project's query modules
(plain Python; the dashboard's own modules need Streamlit's runtime and load with a page)."""


def preload(modules: tuple[str, ...] = PRELOAD) -> list[str]:
    """Import ``modules`` now; returns those that could not be imported (none normally)."""
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


def main(argv: list[str] | None = None) -> int:
    """Preload, then hand over to ``streamlit run dashboard/app.py`` with the given options."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in args):
        print(
            "usage: python -m dashboard.serve [streamlit run options]\n\n"
            "Serves dashboard/app.py like `streamlit run`, with pandas, Altair and SQLAlchemy\n"
            "imported before the first visitor. Options go to `streamlit run` as they are,\n"
            "e.g. --server.port 8501 --server.headless true."
        )
        return 0
    preload()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *args]
    return int(cli.main() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
