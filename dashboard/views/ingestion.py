"""采集状态 / Ingestion: recent runs, cursors, the next scheduled run, stale topic tags.

The tables are HTML (:func:`dashboard.charts.table`): a few rows need no data grid.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard import charts, data
from dashboard.ui import schema_ready, t


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "—"


def main() -> None:
    """Render the page (it also works on an empty database)."""
    st.title(t("page_ingestion"))
    config = data.settings()
    url = config.database_url
    if not schema_ready(url):
        return
    st.caption(t("papers_in_db", n=f"{data.paper_total(url):,}"))
    when = data.next_run(config.schedule_cron, config.timezone)
    if when is None:
        st.warning(t("bad_cron", cron=config.schedule_cron))
    else:
        st.info(
            t(
                "next_run",
                when=when.strftime("%Y-%m-%d %H:%M"),
                cron=config.schedule_cron,
                tz=config.timezone,
            ),
            icon="⏰",
        )
    state = data.ingest_health(url, str(config.seeds_dir / "topics.yaml"))
    taxonomy = state["taxonomy"]
    if taxonomy.stale:
        st.warning(t("stale_tags"), icon="⚠️")
    elif taxonomy.file_hash is not None:
        st.success(t("tags_current"))

    st.subheader(t("recent_runs"))
    runs = state["runs"]
    if not runs:
        st.info(t("no_runs") + "\n\n" + t("empty_body"))
    else:
        failed = sum(1 for r in runs if r.status == "failed")
        if failed:
            st.error(t("failed_runs", n=failed))
        headers = [
            "#", t("run_kind"), t("query"), t("run_status"), t("started"), t("finished"),
            t("fetched"), t("new"), t("updated"), t("unchanged"), t("errors"), t("message"),
        ]  # fmt: skip
        counts = ("fetched", "new", "updated", "unchanged", "errors")
        rows = [
            [str(r.id), r.kind, r.query, r.status, _when(r.started_at), _when(r.finished_at)]
            + [f"{getattr(r, name):,}" for name in counts]
            + [r.message or ""]
            for r in runs
        ]
        st.html(charts.table(headers, rows, wrap=(11, 2)))

    st.subheader(t("cursors"))
    cursors = state["cursors"]
    if cursors:
        headers = [t("query"), t("cursor"), t("cursor_updated")]
        rows = [[c.query, _when(c.cursor), _when(c.updated_at)] for c in cursors]
        st.html(charts.table(headers, rows, wrap=(0,)))
    else:
        st.info(t("no_runs"))


main()
