"""月度阅读清单 / Reading list: ranked papers of a month or week, curated and exported."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import streamlit as st

from dashboard import curation, data
from dashboard.ui import (
    abs_url,
    database,
    formatter,
    lang,
    param,
    param_list,
    seed_state,
    select_from_url,
    set_params,
    status_label,
    t,
    tier_html,
    topic_label,
)
from tracker.queries.common import TIERS

TIER_RANK = {"A": 3, "B": 2, "C": 1}


def _visible(items: list[Any], topics: list[str], min_tier: str) -> list[Any]:
    """Items after the view filters (topics, minimum tier)."""
    out = []
    for item in items:
        if topics and not set(topics) & set(item.topics):
            continue
        if min_tier and TIER_RANK.get(item.ccf_tier or "", 0) < TIER_RANK[min_tier]:
            continue
        out.append(item)
    return out


def _button(label: str, key: str, action: Callable[..., None], *args: Any) -> None:
    st.button(label, key=key, on_click=action, args=args)


GRAY = 'style="color:rgba(128, 128, 128, 1);font-size:0.85rem"'


def item_html(item: Any, names: dict[str, Any]) -> str:
    """One paper as a single HTML block: linked title, authors, badge and facts, note, abstract.

    One element a paper, not twenty (docs/benchmarks.md, round 10), drawn with ``st.html``,
    which is quicker on a first visit than Markdown with raw HTML (round 11). The abstract
    and the score breakdown fold into a ``<details>``. Every piece of paper or user text is
    escaped here, so it stays text.
    """
    venue = f"{item.venue_name} {item.venue_year or ''}".strip() if item.venue_name else ""
    facts = [
        f"{venue} · {status_label(item.venue_status)}"
        if venue
        else status_label(item.venue_status),
        f"{t('score')} {item.score:.2f}",
    ]
    facts += [t("pinned")] if item.pinned else []
    facts += [t("added_by_hand")] if item.added else []
    facts += [", ".join(topic_label(s, names) for s in item.topics)]
    badge = tier_html(item.ccf_tier)
    link = escape(abs_url(item.arxiv_id), quote=True)
    parts = [
        f'<div style="font-weight:600">{item.rank}. '
        f'<a href="{link}" target="_blank">{escape(item.title)}</a></div>',
        f"<div {GRAY}>{escape(', '.join(item.authors))}</div>",
        f"<div>{badge + ' ' if badge else ''}"
        f"<span {GRAY}>{escape(' · '.join(f for f in facts if f))}</span></div>",
    ]
    if item.note:
        parts.append(f"<div>💬 {escape(item.note)}</div>")
    breakdown = " · ".join(f"{k} {v:.3f}" for k, v in item.components.items())
    parts.append(
        f"<details><summary {GRAY}>{escape(t('abstract'))} · {escape(t('score_breakdown'))}"
        f'</summary><p style="margin:0.4rem 0">{escape(item.abstract)}</p>'
        f"<div {GRAY}>{escape(t('score_breakdown'))}: {escape(breakdown)}</div></details>"
    )
    return '<div style="line-height:1.6">' + "".join(parts) + "</div>"


def show_item(url: str, ctx: dict[str, Any], item: Any, names: dict[str, Any], edit: bool) -> None:
    """One paper in a bordered box; with ``edit``, its pin, remove and note controls."""
    with st.container(border=True):
        st.html(item_html(item, names))
        if edit:
            curation_row(url, ctx, item)


def curation_row(url: str, ctx: dict[str, Any], item: Any) -> None:
    """Pin or unpin, remove, and the note editor of one paper."""
    cols = st.columns([1, 1, 6])
    with cols[0]:
        if item.pinned:
            _button(t("unpin"), f"unpin_{item.arxiv_id}", curation.unpin, url, ctx, item.arxiv_id)
        else:
            _button(t("pin"), f"pin_{item.arxiv_id}", curation.pin, url, ctx, item.arxiv_id)
    with cols[1]:
        _button(t("remove"), f"remove_{item.arxiv_id}", curation.remove, url, ctx, item.arxiv_id)
    with cols[2], st.popover(t("note")):
        key = f"note_{item.arxiv_id}"
        seed_state(key, item.note or "")
        st.text_area(t("note"), key=key)
        st.button(
            t("save_note"),
            key=f"save_{key}",
            on_click=curation.note,
            args=(url, ctx, item.arxiv_id, key),
        )


def main() -> None:
    """Render the page."""
    st.title(t("page_reading_list"))
    url = database()
    if url is None:
        return
    info = data.overview(url)
    lists = data.reading_lists(url)
    names = [r["name"] for r in lists]
    titles = {r["name"]: r["title"] for r in lists}
    topics = data.topic_names(url)
    editions = info["editions"]

    select_from_url("rl_list", "list", names, names[0])
    weekly_default = param("weekly") == "1" or "W" in param("period")
    seed_state("rl_weekly", weekly_default)
    c1, c2, c3 = st.columns([3, 1, 2])
    c1.selectbox(t("list"), names, key="rl_list", format_func=lambda n: titles.get(n) or n)
    c2.toggle(t("weekly"), key="rl_weekly")
    periods = data.weeks_back(url) if st.session_state["rl_weekly"] else info["months"]
    select_from_url("rl_period", "period", periods, periods[0])
    c3.selectbox(t("period"), periods, key="rl_period")
    c4, c5, c6 = st.columns([3, 1, 2])
    seed_state("rl_topics", [s for s in param_list("topic") if s in topics])
    c4.multiselect(
        t("topics"),
        list(topics),
        key="rl_topics",
        format_func=formatter(list(topics), lambda s: topic_label(s, topics)),
        placeholder=t("any"),
    )
    select_from_url("rl_tier", "min_tier", ["", *TIERS], "")
    c5.selectbox(
        t("min_tier"),
        ["", *TIERS],
        key="rl_tier",
        format_func=formatter(["", *TIERS], lambda x: f"CCF-{x}" if x else t("any")),
    )
    select_from_url("rl_edition", "edition", [0, *editions], 0)
    c6.selectbox(
        t("edition"),
        [0, *editions],
        key="rl_edition",
        format_func=formatter([0, *editions], lambda e: str(e) if e else t("any")),
    )
    name, period = st.session_state["rl_list"], st.session_state["rl_period"]
    edition = st.session_state["rl_edition"] or None
    ctx = {"list": name, "period": period}

    curation.show_message()
    result = data.list_items(url, name, period, edition)
    items = _visible(result["items"], st.session_state["rl_topics"], st.session_state["rl_tier"])
    if not result["built"] and result["items"]:
        st.caption(t("preview"))
    curation.downloads(name, titles.get(name, ""), period, result["items"], lang())
    seed_state("rl_edit", param("edit") == "1")
    edit = st.toggle(t("curate"), key="rl_edit", help=t("curate_help"))
    if not items:
        st.info(t("empty_list"))
    for item in items:
        show_item(url, ctx, item, topics, edit)
    if edit:
        with st.form("rl_add", clear_on_submit=True, border=False):
            st.text_input(t("add_by_id"), key="rl_add_id", placeholder="2603.01234")
            st.form_submit_button(t("add"), on_click=curation.add, args=(url, ctx, "rl_add_id"))
    set_params(
        list=name if name != names[0] else None,
        period=period if period != periods[0] else None,
        topic=list(st.session_state["rl_topics"]),
        min_tier=st.session_state["rl_tier"],
        edition=edition,
        weekly=1 if st.session_state["rl_weekly"] else None,
        edit=1 if edit else None,
    )


main()
