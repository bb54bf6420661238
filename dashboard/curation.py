"""Reading-list curation from the dashboard: button callbacks that save to the database.

Callbacks run before the page re-renders; each writes in its own committed session, clears
the cached list and leaves a message for :func:`show_message`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from dashboard import data
from dashboard.ui import t

MESSAGE_KEY = "rl_message"


def _ensure_built(session: Session, name: str, period: str) -> None:
    """Curation edits a stored list: build (save) the preview first when needed."""
    from tracker.readinglists import build_list, get_list, read_list
    from tracker.readinglists.build import effective_edition

    config = data.settings()
    rl = get_list(session, name)
    if not read_list(session, rl, period, effective_edition(rl, config)):
        build_list(session, rl, period, config)


def _apply(url: str, ctx: dict[str, Any], work: Callable[[Session], object]) -> None:
    from tracker.readinglists import ReadingListError

    try:
        with data.write_session(url) as session:
            _ensure_built(session, ctx["list"], ctx["period"])
            work(session)
    except (ReadingListError, ValueError) as exc:
        st.session_state[MESSAGE_KEY] = ("error", str(exc))
        return
    data.list_items.clear()
    st.session_state[MESSAGE_KEY] = ("success", t("saved"))


def pin(url: str, ctx: dict[str, Any], arxiv_id: str) -> None:
    """Pin a paper at its place."""
    from tracker.readinglists import pin_item

    _apply(url, ctx, lambda s: pin_item(s, ctx["list"], ctx["period"], arxiv_id))


def unpin(url: str, ctx: dict[str, Any], arxiv_id: str) -> None:
    """Unpin a paper."""
    from tracker.readinglists import unpin_item

    _apply(url, ctx, lambda s: unpin_item(s, ctx["list"], ctx["period"], arxiv_id))


def remove(url: str, ctx: dict[str, Any], arxiv_id: str) -> None:
    """Remove a paper from the list for good."""
    from tracker.readinglists import remove_item

    _apply(url, ctx, lambda s: remove_item(s, ctx["list"], ctx["period"], arxiv_id))


def note(url: str, ctx: dict[str, Any], arxiv_id: str, key: str) -> None:
    """Save the note typed into the text area ``key``."""
    from tracker.readinglists import note_item

    text = st.session_state.get(key, "")
    _apply(url, ctx, lambda s: note_item(s, ctx["list"], ctx["period"], arxiv_id, text))


def add(url: str, ctx: dict[str, Any], key: str) -> None:
    """Add the paper whose arXiv id was typed into ``key``."""
    from tracker.readinglists import add_item

    arxiv_id = str(st.session_state.get(key, "")).strip()
    if not arxiv_id:
        return
    config = data.settings()
    _apply(url, ctx, lambda s: add_item(s, ctx["list"], ctx["period"], arxiv_id, config))


def show_message() -> None:
    """Show (once) what the last curation action did."""
    found = st.session_state.pop(MESSAGE_KEY, None)
    if found is None:
        return
    level, text = found
    if level == "error":
        st.error(t("error", msg=text))
    else:
        st.success(text)


def downloads(name: str, title: str, period: str, items: list[Any], language: str) -> None:
    """CSV, Markdown and BibTeX download buttons (the CLI's exporters)."""
    if not items:
        return
    stem = f"reading-list-{name}-{period}"
    cols = st.columns(3)
    for col, (fmt, label, mime) in zip(cols, _FORMATS, strict=True):
        payload = _export(fmt, items, f"{title or name} · {period}", language)
        if payload is not None:
            col.download_button(
                t(label),
                payload,
                file_name=f"{stem}.{fmt}",
                mime=mime,
                key=f"download_{fmt}",
                on_click="ignore",
            )


_FORMATS = (
    ("csv", "download_csv", "text/csv"),
    ("md", "download_md", "text/markdown"),
    ("bib", "download_bib", "application/x-bibtex"),
)


def _export(fmt: str, items: list[Any], title: str, language: str) -> bytes | None:
    """One export as bytes; None when that exporter is not available."""
    try:
        if fmt == "csv":
            from tracker.export.csv import export_csv

            return export_csv(items)
        if fmt == "md":
            from tracker.export.markdown import export_markdown

            return _as_bytes(export_markdown(items, title, language=language))
        from tracker.export.bibtex import export_bibtex

        return _as_bytes(export_bibtex(items))
    except ImportError:
        return None


def _as_bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")
