"""Small charts drawn as HTML tables, for pages that must open fast.

A Vega-Lite chart or a data grid makes the browser download and compile about a megabyte of
frontend code on its first visit (docs/benchmarks.md, round 11); a few hundred table cells
drawn as HTML cost nothing extra. Each function returns an HTML string for ``st.html`` (which
inserts it as it is, after DOMPurify, faster than Markdown's HTML parser for a table of 50
rows: 0.15-0.25 s on a first visit); every label and number is escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

HEAT_RGB = (31, 119, 180)
"""The heat map's colour (a cell's opacity follows its count)."""

_TABLE = 'style="border-collapse:collapse;font-size:0.85rem;width:100%"'
_CELL = "padding:2px 6px;border-bottom:1px solid rgba(128,128,128,0.2)"
_NUM = f"{_CELL};text-align:right;font-variant-numeric:tabular-nums"


def _th(text: str, right: bool = False) -> str:
    align = "right" if right else "left"
    style = f"{_CELL};text-align:{align};font-weight:600;white-space:nowrap"
    return f'<th style="{style}">{escape(text)}</th>'


def _wrap(head: str, body: list[str]) -> str:
    """The table, in a box that scrolls sideways when the table is wider than the page."""
    rows = "".join(body)
    return (
        f'<div style="overflow-x:auto"><table {_TABLE}><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _num(value: int) -> str:
    return f"{value:,}"


def heat_table(
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Mapping[tuple[str, str], int],
    *,
    corner: str = "",
    total: str = "",
) -> str:
    """A table of ``counts[(row, column)]`` whose cells shade with their count (a heat map).

    Rows keep the given order; a last column holds each row's total when ``total`` names it.
    """
    peak = max(counts.values(), default=0) or 1
    r, g, b = HEAT_RGB
    head = _th(corner) + "".join(_th(c, right=True) for c in columns)
    if total:
        head += _th(total, right=True)
    body = []
    for row in rows:
        cells = [f'<td style="{_CELL}">{escape(row)}</td>']
        for column in columns:
            n = counts.get((row, column), 0)
            alpha = 0.08 + 0.72 * n / peak if n else 0
            ink = "color:#fff;" if alpha > 0.5 else ""
            shade = f"background:rgba({r},{g},{b},{alpha:.2f});{ink}" if n else ""
            title = escape(f"{row} · {column}: {n:,}", quote=True)
            cells.append(f'<td style="{_NUM};{shade}" title="{title}">{_num(n) if n else ""}</td>')
        if total:
            s = sum(counts.get((row, c), 0) for c in columns)
            cells.append(f'<td style="{_NUM};font-weight:600">{_num(s)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return _wrap(head, body)


def stacked_bars(
    rows: Sequence[str],
    parts: Sequence[tuple[str, str]],
    counts: Mapping[tuple[str, str], int],
    *,
    corner: str = "",
    total: str = "",
) -> str:
    """One horizontal bar per row, split into ``parts`` (key, colour) by share of the row.

    A legend of the parts comes first; ``parts`` keys are shown as they are given.
    """
    legend = " ".join(
        f'<span style="display:inline-block;width:0.8em;height:0.8em;background:{colour};'
        f'margin:0 0.25em 0 0.75em;vertical-align:middle"></span>{escape(key)}'
        for key, colour in parts
    )
    head = _th(corner) + _th("") + (_th(total, right=True) if total else "")
    body = []
    for row in rows:
        whole = sum(counts.get((row, key), 0) for key, _ in parts)
        segments = []
        for key, colour in parts:
            n = counts.get((row, key), 0)
            if not n:
                continue
            share = 100 * n / whole
            title = escape(f"{row} · {key}: {n:,} ({share:.0f}%)", quote=True)
            segments.append(
                f'<div style="width:{share:.2f}%;background:{colour}" title="{title}"></div>'
            )
        bar = f'<div style="display:flex;height:0.9em;min-width:8em">{"".join(segments)}</div>'
        cells = f'<td style="{_CELL}">{escape(row)}</td><td style="{_CELL};width:70%">{bar}</td>'
        if total:
            cells += f'<td style="{_NUM}">{_num(whole)}</td>'
        body.append(f"<tr>{cells}</tr>")
    return f'<div style="font-size:0.8rem;margin-bottom:0.3em">{legend}</div>' + _wrap(head, body)


def bar_table(
    headers: Sequence[str], rows: Sequence[tuple[Sequence[str], int]], *, colour: str = "#1f77b4"
) -> str:
    """A table of text cells and a last numeric column drawn with a bar to scale."""
    peak = max((n for _, n in rows), default=0) or 1
    head = "".join(_th(h) for h in headers[:-1]) + _th(headers[-1], right=True) + _th("")
    body = []
    for cells, n in rows:
        text = "".join(f'<td style="{_CELL}">{escape(c)}</td>' for c in cells)
        bar = f'<div style="width:{100 * n / peak:.1f}%;height:0.8em;background:{colour}"></div>'
        body.append(
            f'<tr>{text}<td style="{_NUM}">{_num(n)}</td>'
            f'<td style="{_CELL};width:35%">{bar}</td></tr>'
        )
    return _wrap(head, body)


Cell = str | tuple[str, str]
"""A table cell: its text, or (text, link)."""


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, wrap: Sequence[int] = ()
) -> str:
    """A plain table; a cell given as (text, URL) is a link.

    Only the columns in ``wrap`` break their text over lines (the first of them is given the
    most room); the others keep each cell on one line.
    """
    head = "".join(_th(h) for h in headers)
    room = {i: "min-width:8em" for i in wrap} | ({wrap[0]: "min-width:20em"} if wrap else {})
    styles = [f"{_CELL};{room.get(i, 'white-space:nowrap')}" for i in range(len(headers))]
    body = []
    for row in rows:
        cells = []
        for style, cell in zip(styles, row, strict=True):
            if isinstance(cell, tuple):
                text, href = cell
                inner = f'<a href="{escape(href, quote=True)}" target="_blank">{escape(text)}</a>'
            else:
                inner = escape(cell)
            cells.append(f'<td style="{style}">{inner}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    return _wrap(head, body)
