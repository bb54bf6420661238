"""CSV export: one row per list item, UTF-8 with BOM, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from tracker.readinglists.items import ListItem

CSV_COLUMNS = (
    "rank",
    "arxiv_id",
    "title",
    "authors",
    "published",
    "primary_category",
    "topics",
    "venue",
    "venue_year",
    "kind",
    "status",
    "ccf_tier",
    "ccf_edition",
    "score",
    "abs_url",
    "pdf_url",
    "note",
)
"""Column order of the export (documented in docs/readinglists.md)."""

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe.

    Titles and notes are untrusted: ``=HYPERLINK(...)`` must stay text (OWASP "CSV injection").
    Numbers are left alone so they stay numbers.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def item_row(item: ListItem) -> dict[str, Any]:
    """The CSV columns of one item, before neutralizing."""
    return {
        "rank": item.rank,
        "arxiv_id": item.arxiv_id,
        "title": item.title,
        "authors": ", ".join(item.authors),
        "published": item.published.strftime("%Y-%m-%d"),
        "primary_category": item.primary_category,
        "topics": "; ".join(item.topics),
        "venue": item.venue_name or "",
        "venue_year": item.venue_year if item.venue_year is not None else "",
        "kind": item.venue_kind or "",
        "status": item.venue_status,
        "ccf_tier": item.ccf_tier or "",
        "ccf_edition": item.ccf_edition,
        "score": round(item.score, 4),
        "abs_url": item.abs_url,
        "pdf_url": item.pdf_url,
        "note": item.note or "",
    }


def export_csv(items: Iterable[ListItem]) -> bytes:
    """The items as CSV bytes: UTF-8 with a BOM so Excel reads Chinese notes correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow({k: neutralize(v) for k, v in item_row(item).items()})
    return buffer.getvalue().encode("utf-8-sig")
