"""A data lint of assets/impact.toml and assets/faq.toml: every figure from outside names its source and year."""

import datetime
import re
import tomllib

import pytest

from ui.faq import FAQ_PATH, faq_content
from ui.impact import IMPACT_PATH, impact_content

# A figure is a digit that does not belong to a name: "GPT-3" and "CO2" are names, "175 billion" is a figure.
FIGURE = re.compile(r"(?<![\w-])\d")
CITATION_KEYS = {"source", "year", "sources"}


def texts(table: dict) -> list[str]:
    """The table's own texts (its strings and lists of strings), without its citation."""
    found = []
    for key, value in table.items():
        if key in CITATION_KEYS:
            continue
        items = value if isinstance(value, list) else [value]
        found += [item for item in items if isinstance(item, str)]
    return found


def citations(table: dict) -> list[tuple[object, object]]:
    if "source" in table or "year" in table:
        return [(table.get("source"), table.get("year"))]
    return [(c.get("source"), c.get("year")) for c in table.get("sources", [])]


def uncited_figures(node: object, where: str = "") -> list[str]:
    """Where a table quotes a figure without a source and a year, or names a source without a valid year."""
    problems = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            problems += uncited_figures(item, f"{where}[{index}]")
    elif isinstance(node, dict):
        cited = citations(node)
        this_year = datetime.date.today().year
        for source, year in cited:
            if not (isinstance(source, str) and source.strip() and isinstance(year, int) and 1900 < year <= this_year):
                problems.append(f"{where}: the source {source!r} needs a year, got {year!r}")
        if not cited and any(FIGURE.search(text) for text in texts(node)):
            problems.append(f"{where}: quotes a figure with no source and year")
        for key, value in node.items():
            if key not in CITATION_KEYS:
                problems += uncited_figures(value, f"{where}.{key}")
    return problems


@pytest.mark.parametrize("path", [IMPACT_PATH, FAQ_PATH], ids=lambda p: p.name)
def test_every_outside_figure_has_a_source_and_a_year(path):
    with path.open("rb") as file:
        assert uncited_figures(tomllib.load(file)) == []


def test_the_lint_finds_what_it_is_for():
    assert FIGURE.search("about 80 % of workers") and FIGURE.search("$4.6 million") and FIGURE.search("(80 %)")
    assert not FIGURE.search("GPT-3 emits CO2e")
    bad = {
        "topics": [
            {"text": "Costs rose 300 % in a year."},
            {"text": "No figure here.", "figures": [{"text": "14 % more", "source": "A study"}]},
        ],
        "faq": [{"answer": "It has 175 billion parameters.", "sources": []}],
        "ok": [{"answer": "It has 175 billion parameters.", "sources": [{"source": "Brown et al.", "year": 2020}]}],
    }
    assert uncited_figures(bad) == [
        ".topics[0]: quotes a figure with no source and year",
        ".topics[1].figures[0]: the source 'A study' needs a year, got None",
        ".faq[0]: quotes a figure with no source and year",
    ]


def test_the_content_loads_into_what_the_pages_show():
    impact = impact_content()
    assert {t.kind for t in impact.topics} == {"benefit", "risk", "challenge"}
    assert [p.name for p in impact.principles] == ["Safe", "Reliable", "Fair", "Transparent"]
    assert all(len(p.practice) == 3 for p in impact.principles)
    assert {"Data scientist", "Machine-learning engineer", "Data annotator"} <= {r for r, _ in impact.jobs.roles}
    assert impact.examples and all(1 <= r.score <= 25 for r in impact.examples)
    for topic in impact.topics:
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", topic.text)
        assert 2 <= len(sentences) <= 4, topic.title
    assert faq_content().questions and faq_content().glossary
