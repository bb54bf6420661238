"""CCF 目录 / CCF directory: browse an edition, search any alias, open a venue page."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, data
from dashboard.ui import (
    database,
    escape_md,
    formatter,
    lang,
    paged_table,
    paper_table,
    param,
    param_list,
    seed_state,
    select_from_url,
    set_params,
    t,
    tier_badge,
    tier_filter,
)
from tracker.queries.common import TIERS
from tracker.queries.directory import DirectoryEntry

KINDS = ["", "conference", "journal"]


def venue_page(url: str, key: str, edition: int) -> None:
    """One venue: names, tier in every edition, tracked papers."""
    detail = data.venue(url, key, edition)
    if detail is None:
        st.info(t("nothing_found"))
        return
    st.subheader(f"{escape_md(detail.abbr or detail.full_name)} · {escape_md(detail.full_name)}")
    st.caption(t(detail.kind) + ("" if detail.is_ccf else " · " + t("not_ccf")))
    badges = st.columns(max(1, len(detail.history)))
    for col, entry in zip(badges, detail.history, strict=False):
        with col:
            tier_badge(entry.tier, entry.edition)
    st.markdown(f"**{t('tier_history')}**")
    if detail.history:
        headers = [t("edition"), t("tier"), t("domain"), t("venue"), t("full_name")]
        rows = [
            [
                str(h.edition),
                f"CCF-{h.tier}",
                h.domain_en if lang() == "en" else h.domain_zh,
                h.abbr,
                h.full_name,
            ]
            for h in detail.history
        ]
        st.html(charts.table(headers, rows, wrap=(4,)))
    else:
        st.caption(t("not_ccf"))
    if detail.aliases:
        st.markdown(f"**{t('aliases')}**")
        st.text(" · ".join(detail.aliases))
    st.markdown(f"**{t('venue_papers', n=detail.paper_count)}**")
    if detail.papers:
        paper_table(detail.papers, data.topic_names(url))


def _label(entry: DirectoryEntry) -> str:
    return f"{entry.abbr or '—'} · {entry.full_name} (CCF-{entry.tier})"


def main() -> None:
    """Render the page."""
    st.title(t("page_ccf"))
    url = database()
    if url is None:
        return
    editions = data.overview(url)["editions"]
    if not editions:
        st.warning(t("no_ccf"))
        return
    default_edition = data.settings().ccf_edition
    if default_edition not in editions:
        default_edition = editions[0]
    select_from_url("cd_edition", "edition", editions, default_edition)
    seed_state("cd_q", param("q"))
    seed_state("cd_tiers", [x for x in param_list("tier") if x in TIERS])
    c1, c2, c3, c4 = st.columns([1, 2, 1, 2])
    c1.selectbox(t("edition"), editions, key="cd_edition")
    edition: int = st.session_state["cd_edition"]
    domains = data.domains(url, edition)
    domain_ids = [0, *(d.domain_id for d in domains)]
    names = {d.domain_id: (d.name_en if lang() == "en" else d.name_zh) for d in domains}
    select_from_url("cd_domain", "domain", domain_ids, 0)
    select_from_url("cd_kind", "kind", KINDS, "")
    c2.selectbox(
        t("domain"),
        domain_ids,
        key="cd_domain",
        format_func=formatter(domain_ids, lambda d: names.get(d) or t("any")),
    )
    c3.selectbox(
        t("kind"),
        ["", "conference", "journal"],
        key="cd_kind",
        format_func=formatter(KINDS, lambda k: t(k) if k else t("any")),
    )
    tier_filter(c4, "cd_tiers")
    st.text_input(t("search_venue"), key="cd_q")
    domain_id = st.session_state["cd_domain"] or None
    kind = st.session_state["cd_kind"] or None
    tiers = tuple(st.session_state["cd_tiers"])
    query = st.session_state["cd_q"].strip()
    entries = data.browse(url, edition, domain_id, kind, tiers, query)
    st.caption(t("listings", n=len(entries)))
    if entries:
        headers = [
            t("venue"), t("full_name"), t("tier"), t("kind"), t("domain"), t("publisher"),
            t("papers"), "DBLP",
        ]  # fmt: skip
        rows = [
            [
                e.abbr or "—",
                e.full_name,
                f"CCF-{e.tier}",
                t(e.kind),
                e.domain_en if lang() == "en" else e.domain_zh,
                e.publisher or "",
                f"{e.papers:,}",
                ("dblp", e.dblp_url) if e.dblp_url else "",
            ]
            for e in entries
        ]
        paged_table(headers, rows, key="cd_page", wrap=(1, 4, 5))
    else:
        st.info(t("nothing_found"))
    keys = ["", *dict.fromkeys(e.venue_key for e in entries)]
    by_key = {e.venue_key: e for e in entries}
    wanted = param("venue")
    if wanted and wanted not in by_key:
        keys.append(wanted)
    select_from_url("cd_venue", "venue", keys, "")
    st.selectbox(
        t("open_venue"),
        keys,
        key="cd_venue",
        format_func=formatter(keys, lambda k: _label(by_key[k]) if k in by_key else (k or "—")),
    )
    venue_key = st.session_state["cd_venue"]
    if venue_key:
        venue_page(url, venue_key, edition)
    set_params(
        edition=edition if edition != default_edition else None,
        domain=domain_id,
        kind=kind,
        tier=list(tiers),
        q=query,
        venue=venue_key,
    )


main()
