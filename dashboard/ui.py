"""Small UI helpers shared by the pages: language, deep links, safe text, badges, empty state."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape
from textwrap import shorten
from typing import Any, Literal
from urllib.parse import quote

import streamlit as st

from dashboard import charts, data
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from tracker.queries.common import TIERS

TIER_COLORS: dict[str, Literal["red", "orange", "blue"]] = {"A": "red", "B": "orange", "C": "blue"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^])")


def lang() -> str:
    """The current language code (``zh`` or ``en``)."""
    value = st.session_state.get("lang", DEFAULT_LANGUAGE)
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: Any) -> str:
    """A label in the current language."""
    return translate(key, lang(), **values)


def escape_md(text: str | None) -> str:
    """Paper text made inert for Markdown: every punctuation mark escaped, lines joined.

    Titles and notes come from arXiv and users; escaped, a crafted title cannot add links,
    images, HTML or Streamlit directives.
    """
    flat = " ".join((text or "").split())
    return _MD_SPECIAL.sub(r"\\\1", flat)


def abs_url(arxiv_id: str) -> str:
    """The arXiv abstract page of a paper."""
    return "https://arxiv.org/abs/" + quote(arxiv_id, safe="/.")


# --- deep links ---------------------------------------------------------------------------


def param(name: str, default: str = "") -> str:
    """A query parameter of the page URL."""
    value = st.query_params.get(name)
    return str(value) if value else default


def param_list(name: str) -> list[str]:
    """A repeated query parameter (``?topic=a&topic=b``)."""
    return [v for v in st.query_params.get_all(name) if v]


def set_params(**values: Any) -> None:
    """Write widget values back into the URL so it can be shared; empty values are dropped."""
    for name, value in values.items():
        if value is None or value == "" or value == [] or value == ():
            if name in st.query_params:
                del st.query_params[name]
        elif isinstance(value, (list, tuple)):
            if st.query_params.get_all(name) != [str(v) for v in value]:
                st.query_params[name] = [str(v) for v in value]
        elif st.query_params.get(name) != str(value):
            st.query_params[name] = str(value)


def seed_state(key: str, value: Any) -> None:
    """Give a widget its first value (from the URL) without fighting later user input."""
    if key not in st.session_state:
        st.session_state[key] = value


def select_from_url(key: str, name: str, options: Sequence[Any], default: Any) -> None:
    """Seed a select widget from ``?name=``, falling back to ``default`` for unknown values."""
    raw = param(name)
    chosen = next((o for o in options if str(o) == raw), default)
    seed_state(key, chosen)
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


# --- page scaffolding ---------------------------------------------------------------------


def database() -> str | None:
    """The database URL when it holds papers; otherwise shows how to ingest and returns None."""
    url = data.settings().database_url
    if not schema_ready(url):
        return None
    if not data.overview(url)["months"]:
        show_empty()
        return None
    return url


def schema_ready(url: str) -> bool:
    """True when the database is migrated as far as this code; otherwise says what to run.

    A database made by older code (say, before the topic counts of migration 0010) would fail
    on some page's query; the page says to run ``tracker db upgrade`` instead.
    """
    try:
        has_papers, revision = data.schema_revision(url)
    except Exception as exc:  # an unreachable server is shown, not raised
        st.error(t("error", msg=str(exc)))
        return False
    wanted = data.code_revision()
    if has_papers and revision == wanted:
        return True
    data.schema_revision.clear()  # look again on the next run: the fix is one command away
    if not has_papers:
        st.warning(t("no_schema", url=_safe_url(url)))
    else:
        st.warning(t("schema_behind", have=revision or "—", want=wanted or "—"))
    return False


def _safe_url(url: str) -> str:
    return re.sub(r"//[^@/]+@", "//***@", url)


def show_empty() -> None:
    """The empty state: what to run to get papers."""
    st.info(f"**{t('empty_title')}**\n\n{t('empty_body')}", icon="📭")


def status_label(status: str | None) -> str:
    """A venue status in the current language."""
    return t(f"status_{status or 'none'}")


def _tier_label(tier: str, edition: int | None) -> str:
    return f"CCF-{tier}" + (f" ({edition})" if edition else "")


def tier_badge(tier: str | None, edition: int | None = None) -> None:
    """A coloured ``CCF-A`` badge (nothing for unranked venues)."""
    if tier is not None and tier in TIER_COLORS:
        st.badge(_tier_label(tier, edition), color=TIER_COLORS[tier])


TIER_HTML = {
    "A": ("#c62828", "rgba(198, 40, 40, 0.12)"),
    "B": ("#d35400", "rgba(230, 126, 34, 0.14)"),
    "C": ("#1565c0", "rgba(21, 101, 192, 0.12)"),
}
"""Text and background colour of the ``CCF-A``/``B``/``C`` badge in HTML blocks."""


def tier_html(tier: str | None, edition: int | None = None) -> str:
    """The ``CCF-A`` badge as HTML, for blocks drawn with ``st.html`` ("" when unranked)."""
    if tier is None or tier not in TIER_HTML:
        return ""
    ink, paper = TIER_HTML[tier]
    style = (
        f"color:{ink};background:{paper};border-radius:0.3rem;padding:0.05rem 0.4rem;"
        "font-size:0.8rem;font-weight:600;white-space:nowrap"
    )
    return f'<span style="{style}">{escape(_tier_label(tier, edition))}</span>'


def topic_label(slug: str, names: dict[str, tuple[str, str, str]]) -> str:
    """A topic's name in the current language (the slug when unknown)."""
    found = names.get(slug)
    if found is None:
        return slug
    return found[2] if lang() == "en" else found[1]


AUTHORS_SHOWN = 120
"""Characters of a paper's author list shown in a table (some papers list hundreds)."""


def paper_table(rows: Sequence[Any], topic_names: dict[str, tuple[str, str, str]]) -> None:
    """Papers as a read-only table: the arXiv id links to the paper, text cells only.

    An HTML table (:func:`dashboard.charts.table`), not ``st.dataframe``: a page of papers is
    small, and the data grid's frontend code costs a first visit about 0.3 s.
    """
    headers = [
        t("arxiv"), t("title"), t("authors"), t("venue"), t("status"), t("tier"), t("topics"),
        t("published"),
    ]  # fmt: skip
    cells = [
        [
            (r.arxiv_id, abs_url(r.arxiv_id)),
            r.title,
            shorten(r.authors, AUTHORS_SHOWN, placeholder=" …"),
            f"{r.venue_name} {r.venue_year or ''}".strip() if r.venue_name else "",
            status_label(r.venue_status),
            f"CCF-{r.tier}" if r.tier else "",
            ", ".join(topic_label(s, topic_names) for s in r.topics),
            r.published.date().isoformat(),
        ]
        for r in rows
    ]
    st.html(charts.table(headers, cells, wrap=(1, 2, 6)))


TABLE_PAGE = 50
"""Rows an HTML table shows at a time (:func:`paged_table`)."""


def paged_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[charts.Cell]],
    *,
    key: str,
    wrap: Sequence[int] = (),
) -> None:
    """An HTML table of ``rows``, :data:`TABLE_PAGE` at a time, with a page picker when longer.

    Used instead of ``st.dataframe``, whose frontend code costs a page's first visit about
    0.3 s (docs/benchmarks.md, round 11). The picker's state is ``key``; it goes back to the
    first page when the rows no longer reach the chosen one.
    """
    pages = max(1, -(-len(rows) // TABLE_PAGE))
    if st.session_state.get(key, 1) not in range(1, pages + 1):
        st.session_state[key] = 1
    page: int = st.session_state.get(key, 1)
    shown = rows[(page - 1) * TABLE_PAGE : page * TABLE_PAGE]
    st.html(charts.table(headers, shown, wrap=wrap))
    if pages > 1:
        st.columns([1, 3])[0].selectbox(
            t("page"),
            list(range(1, pages + 1)),
            key=key,
            format_func=lambda p: t("page_n", page=p, pages=pages),
        )


def tier_filter(where: Any, key: str) -> None:
    """A CCF tier filter (A, B, C) in ``where`` (a column or ``st``); empty means any tier."""
    where.multiselect(
        t("tiers"),
        list(TIERS),
        key=key,
        format_func=lambda x: f"CCF-{x}",
        placeholder=t("any"),
    )


def formatter(options: Sequence[Any], label: Callable[[Any], str]) -> Callable[[Any], str]:
    """A ``format_func`` whose labels are computed now, in the current language.

    Widgets may call ``format_func`` later, outside the script run, where the language in
    Session State cannot be read.
    """
    table = {option: label(option) for option in options}
    return lambda option: table.get(option, str(option))
