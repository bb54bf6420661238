"""采集状态 / Ingestion: recent runs, cursors, the next scheduled run, stale topic tags."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.ui import t


def main() -> None:
    """Render the page (it also works on an empty database)."""
    st.title(t("page_ingestion"))
    config = data.settings()
    url = config.database_url
    if not data.schema_ready(url):
        st.warning(t("no_schema", url=url.split("@")[-1]))
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
        frame = pd.DataFrame(
            {
                "#": [r.id for r in runs],
                t("run_kind"): [r.kind for r in runs],
                t("query"): [r.query for r in runs],
                t("run_status"): [r.status for r in runs],
                t("started"): [r.started_at for r in runs],
                t("finished"): [r.finished_at for r in runs],
                t("fetched"): [r.fetched for r in runs],
                t("new"): [r.new for r in runs],
                t("updated"): [r.updated for r in runs],
                t("unchanged"): [r.unchanged for r in runs],
                t("errors"): [r.errors for r in runs],
                t("message"): [r.message or "" for r in runs],
            }
        )
        st.dataframe(frame, hide_index=True)

    st.subheader(t("cursors"))
    cursors = state["cursors"]
    if cursors:
        st.dataframe(
            pd.DataFrame(
                {
                    t("query"): [c.query for c in cursors],
                    t("cursor"): [c.cursor for c in cursors],
                    t("cursor_updated"): [c.updated_at for c in cursors],
                }
            ),
            hide_index=True,
        )
    else:
        st.info(t("no_runs"))


main()
