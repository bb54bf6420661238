"""论文检索 / Papers: full-text search with filters, paginated."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import data
from dashboard.ui import (
    database,
    formatter,
    paper_table,
    param,
    param_list,
    seed_state,
    select_from_url,
    set_params,
    status_label,
    t,
    tier_filter,
    topic_label,
)
from tracker.queries.common import TIERS
from tracker.queries.papers import PaperFilter

PAGE_SIZE = 25
STATUSES = ("accepted", "published", "submitted", "none")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(param(name))
    except ValueError:
        return None


def main() -> None:
    """Render the page."""
    st.title(t("page_papers"))
    url = database()
    if url is None:
        return
    info = data.overview(url)
    topics = data.topic_names(url)
    facets = data.facets(url)
    editions = info["editions"]
    edition_default = data.settings().ccf_edition
    if edition_default not in editions and editions:
        edition_default = editions[0]

    seed_state("pp_q", param("q"))
    seed_state("pp_topics", [s for s in param_list("topic") if s in topics])
    seed_state("pp_tiers", [x for x in param_list("tier") if x in TIERS])
    seed_state("pp_status", [x for x in param_list("status") if x in STATUSES])
    select_from_url("pp_venue", "venue", ["", *facets["venues"]], "")
    select_from_url("pp_cat", "category", ["", *facets["categories"]], "")
    select_from_url("pp_edition", "edition", editions or [None], edition_default)
    seed_state("pp_from", _date("from"))
    seed_state("pp_to", _date("to"))

    any_label = formatter(["", *facets["venues"], *facets["categories"]], lambda v: v or t("any"))
    st.text_input(t("search"), key="pp_q", help=t("search_help"))
    c1, c2, c3 = st.columns(3)
    c1.multiselect(
        t("topics"),
        list(topics),
        key="pp_topics",
        format_func=formatter(list(topics), lambda s: topic_label(s, topics)),
        placeholder=t("any"),
    )
    tier_filter(c2, "pp_tiers")
    c3.multiselect(
        t("status"),
        list(STATUSES),
        key="pp_status",
        format_func=formatter(STATUSES, status_label),
        placeholder=t("any"),
    )
    c4, c5, c6, c7, c8 = st.columns(5)
    c4.selectbox(t("venue"), ["", *facets["venues"]], key="pp_venue", format_func=any_label)
    c5.selectbox(
        t("category"),
        ["", *facets["categories"]],
        key="pp_cat",
        format_func=any_label,
    )
    c6.selectbox(t("edition"), editions or [None], key="pp_edition")
    c7.date_input(t("date_from"), key="pp_from", value=None)
    c8.date_input(t("date_to"), key="pp_to", value=None)

    flt = PaperFilter(
        text=st.session_state["pp_q"],
        topics=tuple(st.session_state["pp_topics"]),
        tiers=tuple(st.session_state["pp_tiers"]),
        venue=st.session_state["pp_venue"],
        category=st.session_state["pp_cat"],
        date_from=st.session_state["pp_from"],
        date_to=st.session_state["pp_to"],
        statuses=tuple(st.session_state["pp_status"]),
        edition=st.session_state["pp_edition"],
    )
    # A new filter starts again at page 1.
    if st.session_state.get("pp_last_filter") != flt:
        st.session_state["pp_last_filter"] = flt
        st.session_state["pp_page"] = int(param("page", "1")) if param("page").isdigit() else 1
    page_no = int(st.session_state.get("pp_page", 1))
    result = data.search(url, flt, page_no, PAGE_SIZE)
    if page_no > result.pages:
        page_no = st.session_state["pp_page"] = result.pages
        result = data.search(url, flt, page_no, PAGE_SIZE)

    st.caption(
        t("results", n=f"{result.total:,}{'' if result.exact else '+'}")
        + " · "
        + t("page_n", page=page_no, pages=result.pages)
    )
    if not result.rows:
        st.info(t("nothing_found"))
    else:
        paper_table(result.rows, topics)
    if result.pages > 1:
        st.number_input(t("page"), min_value=1, max_value=result.pages, step=1, key="pp_page")

    set_params(
        q=flt.text.strip(),
        topic=list(flt.topics),
        tier=list(flt.tiers),
        status=list(flt.statuses),
        venue=flt.venue,
        category=flt.category,
        edition=flt.edition if flt.edition != edition_default else None,
        **{
            "from": flt.date_from.isoformat() if flt.date_from else None,
            "to": flt.date_to.isoformat() if flt.date_to else None,
        },
        page=page_no if page_no > 1 else None,
    )


main()
