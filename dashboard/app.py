"""Paper Tracker dashboard: ``streamlit run dashboard/app.py`` (``make serve``).

Multipage through ``st.navigation``; each page has a stable ``url_path`` and keeps its filters
in the URL's query parameters, so a shared link opens the same view. ``?lang=en`` switches the
language.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run` only puts dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.i18n import LANGUAGES  # noqa: E402
from dashboard.ui import lang, param, seed_state, set_params, t  # noqa: E402

HERE = Path(__file__).resolve().parent
PAGES = [
    ("views/reading_list.py", "reading-list", "page_reading_list", ":material/menu_book:"),
    ("views/venue_changes.py", "venue-changes", "page_venue_changes", ":material/swap_horiz:"),
    ("views/papers.py", "papers", "page_papers", ":material/search:"),
    ("views/ccf_directory.py", "ccf", "page_ccf", ":material/account_balance:"),
    ("views/trends.py", "trends", "page_trends", ":material/trending_up:"),
    ("views/ingestion.py", "ingestion", "page_ingestion", ":material/monitor_heart:"),
]

st.set_page_config(page_title="Paper Tracker", page_icon="📚", layout="wide")

from dashboard.data import settings  # noqa: E402

seed_state("lang", param("lang") if param("lang") in LANGUAGES else settings().language)
with st.sidebar:
    st.segmented_control(
        t("language"),
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key="lang",
        required=True,
    )

pages = [
    st.Page(str(HERE / path), title=t(label), icon=icon, url_path=url_path)
    for path, url_path, label, icon in PAGES
]


def _home() -> None:
    """The bare address opens the reading list under its own URL, keeping the query."""
    st.switch_page(pages[0], query_params=st.query_params.to_dict())


# Streamlit serves the default page at "/" only; a hidden default page that forwards to the
# reading list keeps /reading-list a working, shareable address.
home = st.Page(
    _home, title=t("page_reading_list"), url_path="home", default=True, visibility="hidden"
)
current = st.navigation([home, *pages])
set_params(lang=lang() if lang() != settings().language else None)
current.run()
