"""趋势 / Trends: papers per topic per month, tier mix of accepted papers, top venues."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import data
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
    if topic_rows:
        frame = pd.DataFrame(
            {
                t("month"): [r.month for r in topic_rows],
                t("topics"): [topic_label(r.group, names) for r in topic_rows],
                t("count"): [r.count for r in topic_rows],
            }
        )
        chart = (
            alt.Chart(frame)
            .mark_line(point=True)
            .encode(
                x=alt.X(f"{t('month')}:O"),
                y=alt.Y(f"{t('count')}:Q"),
                color=alt.Color(f"{t('topics')}:N"),
                tooltip=[t("month"), t("topics"), t("count")],
            )
        )
        st.altair_chart(chart, width="stretch")
    else:
        st.info(t("no_topics"))

    left, right = st.columns(2)
    with left:
        st.subheader(t("tier_mix"))
        tier_rows = result["tiers"]
        if tier_rows:
            tiers = pd.DataFrame(
                {
                    t("month"): [r.month for r in tier_rows],
                    t("tier"): [r.group if r.group != "none" else t("unranked") for r in tier_rows],
                    t("count"): [r.count for r in tier_rows],
                }
            )
            domain = [x if x != "none" else t("unranked") for x in TIER_ORDER]
            bars = (
                alt.Chart(tiers)
                .mark_bar()
                .encode(
                    x=alt.X(f"{t('month')}:O"),
                    y=alt.Y(f"{t('count')}:Q"),
                    color=alt.Color(
                        f"{t('tier')}:N", scale=alt.Scale(domain=domain, range=TIER_COLORS)
                    ),
                    tooltip=[t("month"), t("tier"), t("count")],
                )
            )
            st.altair_chart(bars, width="stretch")
        else:
            st.info(t("nothing_found"))
    with right:
        st.subheader(t("top_venues"))
        venues = result["venues"]
        if venues:
            table = pd.DataFrame(
                {
                    t("venue"): [v.venue for v in venues],
                    t("tier"): [f"CCF-{v.tier}" if v.tier else t("unranked") for v in venues],
                    t("papers"): [v.count for v in venues],
                }
            )
            st.dataframe(table, hide_index=True)
        else:
            st.info(t("nothing_found"))
    set_params(
        first=first if first != months[min(WINDOW, len(months)) - 1] else None,
        last=last if last != months[0] else None,
    )


main()
