"""The HTML charts of the trends page: numbers, shares, shading and escaping."""

from __future__ import annotations

import re

from dashboard import charts

CRAFTED = '<img src=x onerror="alert(1)">'


def cells(html: str) -> list[list[str]]:
    """The text of every body cell, row by row (tags stripped)."""
    body = html.split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in body.split("</tr>")[:-1]
    ]


def test_heat_table_counts_totals_and_shading() -> None:
    counts = {("llm", "2026-05"): 10, ("llm", "2026-06"): 5, ("rl", "2026-06"): 1}
    html = charts.heat_table(["llm", "rl"], ["2026-05", "2026-06"], counts, total="Total")
    assert cells(html) == [["llm", "10", "5", "15"], ["rl", "", "1", "1"]]
    alphas = [float(a) for a in re.findall(r"rgba\(31,119,180,([0-9.]+)\)", html)]
    assert alphas == sorted(alphas, reverse=True) and alphas[0] == 0.8  # the peak is darkest
    assert "Total" in html.split("<tbody>")[0]


def test_stacked_bars_split_each_row_by_share() -> None:
    parts = [("A", "#d62728"), ("none", "#bbbbbb")]
    counts = {("2026-06", "A"): 1, ("2026-06", "none"): 3, ("2026-05", "none"): 2}
    html = charts.stacked_bars(["2026-05", "2026-06"], parts, counts, total="Papers")
    assert [row[-1] for row in cells(html)] == ["2", "4"]
    june = html.split("<tbody>")[1].split("</tr>")[1]
    assert re.findall(r"width:([0-9.]+)%;background", june) == ["25.00", "75.00"]
    may = html.split("<tbody>")[1].split("</tr>")[0]
    assert re.findall(r"width:([0-9.]+)%;background", may) == ["100.00"]


def test_bar_table_scales_bars_to_the_largest() -> None:
    html = charts.bar_table(["Venue", "Tier", "Papers"], [(("CVPR", "CCF-A"), 8), (("X", ""), 2)])
    assert [row[:3] for row in cells(html)] == [["CVPR", "CCF-A", "8"], ["X", "", "2"]]
    assert re.findall(r"width:([0-9.]+)%;height", html) == ["100.0", "25.0"]


def test_every_label_is_escaped() -> None:
    heat = charts.heat_table([CRAFTED], [CRAFTED], {(CRAFTED, CRAFTED): 1}, corner=CRAFTED)
    bars = charts.stacked_bars([CRAFTED], [(CRAFTED, "red")], {(CRAFTED, CRAFTED): 1})
    table = charts.bar_table([CRAFTED, "n"], [((CRAFTED,), 1)])
    for html in (heat, bars, table):
        assert "<img" not in html and "&lt;img" in html
