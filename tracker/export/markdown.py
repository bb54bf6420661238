"""Markdown export in the digest style readers know: 目录, 论文 N, 作者, 论文地址, 摘要, 推荐."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.readinglists.items import ListItem

HEADINGS = {
    "zh": {
        "toc": "目录",
        "paper": "论文 {n}: {title}",
        "authors": "作者",
        "link": "论文地址",
        "venue": "收录",
        "abstract": "摘要",
        "note": "推荐",
        "etal": " 等",
        "colon": "：",
        "empty": "本期没有论文。",
    },
    "en": {
        "toc": "Contents",
        "paper": "Paper {n}: {title}",
        "authors": "Authors",
        "link": "Link",
        "venue": "Venue",
        "abstract": "Abstract",
        "note": "Recommendation",
        "etal": " et al.",
        "colon": ": ",
        "empty": "No papers in this period.",
    },
}
"""Headings per language; anything but ``en`` gets the Chinese digest headings."""

_SPACE_RE = re.compile(r"\s+")


def _one_line(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def short_authors(authors: Sequence[str], limit: int, etal: str) -> str:
    """The first ``limit`` authors, then 等 / et al. when there are more."""
    shown = ", ".join(authors[:limit])
    return shown + etal if len(authors) > limit else shown


def venue_label(item: ListItem) -> str | None:
    """``NeurIPS 2025 · CCF A`` for accepted or published papers; None otherwise."""
    if not item.is_accepted or not item.venue_name:
        return None
    label = item.venue_name + (f" {item.venue_year}" if item.venue_year else "")
    return label + (f" · CCF {item.ccf_tier}" if item.ccf_tier else "")


def export_markdown(
    items: Sequence[ListItem], title: str, language: str = "zh", max_authors: int = 3
) -> str:
    """The items as a Markdown digest with a title line and a table of contents."""
    h = HEADINGS["en" if language == "en" else "zh"]
    colon = h["colon"]
    lines = [f"# {_one_line(title)}", ""]
    if not items:
        return "\n".join([*lines, h["empty"], ""])
    lines += [f"## {h['toc']}", ""]
    lines += [f"{n}. {_one_line(item.title)}" for n, item in enumerate(items, 1)]
    for n, item in enumerate(items, 1):
        lines += ["", f"## {h['paper'].format(n=n, title=_one_line(item.title))}", ""]
        fields = [
            (h["authors"], short_authors(item.authors, max_authors, h["etal"])),
            (h["link"], item.abs_url),
            (h["venue"], venue_label(item)),
            (h["abstract"], _one_line(item.abstract)),
            (h["note"], _one_line(item.note) if item.note else None),
        ]
        body = [f"**{name}**{colon}{value}" for name, value in fields if value]
        lines += "\n\n".join(body).split("\n")
    return "\n".join(lines) + "\n"
