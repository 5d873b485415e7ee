"""Every chart a page draws stands out from both themes' backgrounds (WCAG 1.4.11: 3:1 for what must be seen).

A line needs its own colour to reach 3:1; a marker or a bar may reach it with its fill or with its edge
(ui.charts.with_edges gives light fills a mid-grey one). Heatmaps are read through their numbers and colour bar.
"""

import json

import pytest
from contrast import contrast, themes
from language_harness import store_sample_runs
from page_harness import ROOT, open_page

from lab.palette import EDGE, LINES, PALETTE

PAGES = sorted(path.stem for path in (ROOT / "views").glob("*.py"))
BACKGROUNDS = [theme["backgroundColor"] for theme in themes().values()]


def visible_everywhere(colour) -> bool:
    colours = colour if isinstance(colour, list) else [colour]
    return all(
        isinstance(c, str) and c.startswith("#") and all(contrast(c, b) >= 3 for b in BACKGROUNDS) for c in colours
    )


def low_contrast_traces(spec: dict) -> list[str]:
    """The traces of a plotly chart (as JSON) that do not stand out 3:1 against both backgrounds."""
    failing = []
    for trace in spec["data"]:
        kind, mode = trace.get("type", "scatter"), trace.get("mode", "lines+markers")
        line = trace.get("line", {}).get("color")
        if kind == "scatter" and "lines" in mode and line is not None and not visible_everywhere(line):
            failing.append(f"line {trace.get('name')!r}: {line}")
        marker = trace.get("marker", {})
        shown = kind == "bar" or (kind == "scatter" and "markers" in mode)
        edge = marker.get("line", {}).get("color")
        if shown and "color" in marker and not (visible_everywhere(marker["color"]) or visible_everywhere(edge)):
            failing.append(f"{kind} {trace.get('name')!r}: {marker['color']}")
    return failing


def test_the_palettes_for_lines_and_edges_stand_out_in_both_themes_and_the_full_one_does_not():
    assert all(visible_everywhere(colour) for colour in (*LINES, EDGE))
    assert not visible_everywhere(list(PALETTE))  # orange, sky blue and yellow are too light on white


def test_the_check_finds_a_light_line_and_a_light_bar_without_an_edge():
    orange = PALETTE[1]
    spec = {
        "data": [
            {"type": "scatter", "mode": "lines", "name": "light", "line": {"color": orange}},
            {"type": "scatter", "mode": "lines", "name": "dark", "line": {"color": LINES[1]}},
            {"type": "bar", "name": "bare", "marker": {"color": orange}},
            {"type": "bar", "name": "edged", "marker": {"color": orange, "line": {"color": EDGE}}},
        ]
    }
    assert low_contrast_traces(spec) == [f"line 'light': {orange}", f"bar 'bare': {orange}"]


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_on_the_page_stands_out_in_both_themes(page):
    store_sample_runs()
    at = open_page(page)
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert [failing for spec in charts if (failing := low_contrast_traces(spec))] == []
