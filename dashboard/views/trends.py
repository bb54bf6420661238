"""趋势 / Trends: papers per topic per month, tier mix of accepted papers, top venues.

Drawn as HTML tables (:mod:`dashboard.charts`): a first visit then needs no chart library.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data
from dashboard.ui import database, select_from_url, set_params, t, topic_label

WINDOW = 12
TIER_ORDER = ["A", "B", "C", "none"]
TIER_COLORS = ["#d62728", "#ff7f0e", "#1f77b4", "#bbbbbb"]


def main() -> None:
    """Render the page."""
    st.title(t("page_trends"))
    url = database()
    if url is None:
        return
    info = data.overview(url)
    months: list[str] = info["months"]  # newest first
    editions = info["editions"]
    edition: int | None = data.settings().ccf_edition
    if edition not in editions:
        edition = editions[0] if editions else None
    oldest_first = sorted(months)
    select_from_url("tr_last", "last", oldest_first, oldest_first[-1])
    select_from_url("tr_first", "first", oldest_first, months[min(WINDOW, len(months)) - 1])
    c1, c2 = st.columns(2)
    c1.selectbox(t("first_month"), oldest_first, key="tr_first")
    c2.selectbox(t("last_month"), oldest_first, key="tr_last")
    first, last = sorted((st.session_state["tr_first"], st.session_state["tr_last"]))
    result = data.trend_data(url, first, last, edition)
    names = data.topic_names(url)

    st.subheader(t("topic_trend"))
    topic_rows = result["topics"]
    shown = [m for m in oldest_first if first <= m <= last]
    if topic_rows:
        totals: dict[str, int] = {}
        counts: dict[tuple[str, str], int] = {}
        for r in topic_rows:
            label = topic_label(r.group, names)
            counts[(label, r.month)] = r.count
            totals[label] = totals.get(label, 0) + r.count
        order = sorted(totals, key=lambda label: (-totals[label], label))
        st.html(charts.heat_table(order, shown, counts, corner=t("topics"), total=t("total")))
    else:
        st.info(t("no_topics"))

    left, right = st.columns(2)
    with left:
        st.subheader(t("tier_mix"))
        tier_rows = result["tiers"]
        if tier_rows:
            names_of = {x: (f"CCF-{x}" if x != "none" else t("unranked")) for x in TIER_ORDER}
            mix = {(r.month, names_of.get(r.group, r.group)): r.count for r in tier_rows}
            parts = [(names_of[x], c) for x, c in zip(TIER_ORDER, TIER_COLORS, strict=True)]
            st.html(charts.stacked_bars(shown, parts, mix, corner=t("month"), total=t("papers")))
        else:
            st.info(t("nothing_found"))
    with right:
        st.subheader(t("top_venues"))
        venues = result["venues"]
        if venues:
            table = [
                ((v.venue, f"CCF-{v.tier}" if v.tier else t("unranked")), v.count) for v in venues
            ]
            st.html(charts.bar_table([t("venue"), t("tier"), t("papers")], table))
        else:
            st.info(t("nothing_found"))
    set_params(
        first=first if first != months[min(WINDOW, len(months)) - 1] else None,
        last=last if last != months[0] else None,
    )


main()
