"""会议/期刊变化 / Venue changes: papers whose venue changed this month; CCF edition changes."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from dashboard import charts, data
from dashboard.ui import (
    abs_url,
    database,
    formatter,
    lang,
    paged_table,
    select_from_url,
    set_params,
    t,
)

KINDS = ("accepted", "published", "moved", "arrived", "changed")
KINDS_OF_VENUE = ["", "conference", "journal"]
CCF_CHANGES = ("promoted", "demoted", "added", "removed", "renamed", "moved_domain")


def paper_changes(url: str, months: list[str], edition: int | None) -> str:
    """Section (a): papers whose venue changed in the chosen month; returns the month."""
    st.subheader(t("paper_changes"))
    st.caption(t("paper_changes_help"))
    select_from_url("vc_month", "month", months, months[0])
    st.selectbox(t("month"), months, key="vc_month")
    month: str = st.session_state["vc_month"]
    rows = data.venue_changes(url, month, edition)
    if not rows:
        st.info(t("no_paper_changes"))
        return month
    counts = Counter(r.kind for r in rows)
    cols = st.columns(len(KINDS))
    for col, kind in zip(cols, KINDS, strict=True):
        col.metric(t(f"kind_{kind}"), int(counts.get(kind, 0)))
    if int(counts.get("arrived", 0)) >= data.ARRIVALS_SHOWN:
        total = data.accepted_arrivals(url, month)
        st.caption(t("arrivals_capped", shown=data.ARRIVALS_SHOWN, total=f"{total:,}"))
    headers = [t("arxiv"), t("title"), t("change"), t("before"), t("after"), t("tier"), t("date")]
    cells: list[list[charts.Cell]] = [
        [
            (r.arxiv_id, abs_url(r.arxiv_id)),
            r.title,
            t(f"kind_{r.kind}"),
            r.before or "—",
            r.after,
            f"CCF-{r.tier}" if r.tier else "",
            r.occurred_at.date().isoformat(),
        ]
        for r in rows
    ]
    paged_table(headers, cells, key="vc_page", wrap=(1, 3, 4))
    return month


def ccf_section(url: str, editions: list[int]) -> dict[str, object]:
    """Section (b): CCF changes between two editions; returns its URL parameters."""
    st.subheader(t("ccf_changes"))
    if len(editions) < 2:
        st.info(t("no_ccf"))
        return {}
    oldest_first = sorted(editions)
    select_from_url("vc_old", "from", oldest_first, oldest_first[-2])
    select_from_url("vc_new", "to", oldest_first, oldest_first[-1])
    c1, c2, c3, c4 = st.columns(4)
    c1.selectbox(t("from_edition"), oldest_first, key="vc_old")
    c2.selectbox(t("to_edition"), oldest_first, key="vc_new")
    old, new = st.session_state["vc_old"], st.session_state["vc_new"]
    domain_names = [d.name_en for d in data.domains(url, new)]
    zh_of = {d.name_en: d.name_zh for d in data.domains(url, new)}
    select_from_url("vc_domain", "domain", ["", *domain_names], "")
    select_from_url("vc_kind", "kind", ["", "conference", "journal"], "")
    c3.selectbox(
        t("domain"),
        ["", *domain_names],
        key="vc_domain",
        format_func=formatter(
            ["", *domain_names], lambda d: (zh_of.get(d, d) if lang() != "en" else d) or t("any")
        ),
    )
    c4.selectbox(
        t("kind"),
        ["", "conference", "journal"],
        key="vc_kind",
        format_func=formatter(KINDS_OF_VENUE, lambda k: t(k) if k else t("any")),
    )
    domain, kind = st.session_state["vc_domain"], st.session_state["vc_kind"]
    rows = data.ccf_changes(url, old, new, domain or None, kind or None)
    st.caption(t("n_changes", n=len(rows)))
    if rows:
        counts = Counter(r.change.change for r in rows)
        cols = st.columns(len(CCF_CHANGES))
        for col, name in zip(cols, CCF_CHANGES, strict=True):
            col.metric(t(f"change_{name}"), int(counts.get(name, 0)))
        headers = [
            t("venue"), t("change"), t("from_tier"), t("to_tier"), t("kind"), t("domain"),
            t("full_name"), t("detail"), t("tracked_papers"),
        ]  # fmt: skip
        cells = [
            [
                r.change.venue,
                t(f"change_{r.change.change}"),
                r.change.from_tier or "—",
                r.change.to_tier or "—",
                t(r.change.kind),
                zh_of.get(r.change.domain, r.change.domain) if lang() != "en" else r.change.domain,
                r.change.full_name,
                r.change.detail,
                f"{r.papers:,}",
            ]
            for r in rows
        ]
        paged_table(headers, cells, key="vc_ccf_page", wrap=(6, 7))
    return {"from": old, "to": new, "domain": domain, "kind": kind}


def main() -> None:
    """Render the page."""
    st.title(t("page_venue_changes"))
    url = database()
    if url is None:
        return
    info = data.overview(url)
    editions = info["editions"]
    edition: int | None = data.settings().ccf_edition
    if edition not in editions:
        edition = editions[0] if editions else None
    month = paper_changes(url, info["months"], edition)
    ccf_params = ccf_section(url, editions)
    set_params(month=month if month != info["months"][0] else None, **ccf_params)


main()
