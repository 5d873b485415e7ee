"""The report: a real run's model card carries its four axes in Markdown, HTML and PDF; the board fits one page."""

import base64
import html
import io
import re
from dataclasses import replace

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from lab.data import DATASETS
from lab.pipeline import run
from lab.report_board import board_facts
from lab.report_doc import Chart, Document, Field, Section, Stat, Table, to_html, to_markdown, to_pdf
from lab.result import RunResult
from lab.spec import RunSpec
from ui.report import (
    board_summary_html,
    board_summary_markdown,
    board_summary_pdf,
    model_card_html,
    model_card_markdown,
    model_card_pdf,
)

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def people_run() -> RunResult:
    """A real run on data about people: it has fairness figures and privacy figures."""
    return run(RunSpec("compas", "logreg"))[0]


@pytest.fixture(scope="module")
def image_run() -> RunResult:
    """A real run on pictures of digits: no groups of people to compare."""
    return run(RunSpec("digits", "mlp", epochs=1))[0]


def pdf_text(data: bytes) -> str:
    """The PDF's text with every run of spaces and line breaks as one space (lines wrap anywhere)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def html_text(page: str) -> str:
    """What a browser shows of the page's body, as plain text."""
    body = page[page.index("<body>") :]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def pdf_images(data: bytes) -> list:
    return [image for page in pypdf.PdfReader(io.BytesIO(data)).pages for image in page.images]


def all_formats(result: RunResult) -> dict[str, str]:
    return {
        "markdown": model_card_markdown(result),
        "html": html_text(model_card_html(result)),
        "pdf": pdf_text(model_card_pdf(result)),
    }


def test_a_run_on_people_carries_accuracy_cost_fairness_and_privacy_in_every_format(people_run):
    sensitive = DATASETS["compas"].sensitive
    attributes = [a for a in people_run.fairness.attributes if a.attribute in sensitive]
    attack = people_run.privacy.membership.loss
    expected = [
        f"Test accuracy: {people_run.metrics.accuracy * 100:.1f}%",
        f"Energy to train ({people_run.cost.energy_method}): {people_run.cost.energy_kwh * 1000:.3g} Wh",
        f"CO2 (estimate): {people_run.cost.co2_g:.3g} g",
        f"Training FLOPs (estimate): {people_run.cost.train_flops:.2e}",
        f"Parameters: {people_run.cost.params:,}",
        f"ROC AUC {attack.auc:.2f}",
        f"Membership inference: risk {'low' if attack.auc < 0.55 else 'medium' if attack.auc < 0.65 else 'high'}",
        f"{attack.accuracy * 100:.0f}% right",
        "Differential privacy: none",
        people_run.versions["scikit-learn"],
        people_run.device_name,
        " ".join(DATASETS["compas"].licence.split()),
    ]
    for attribute in attributes:
        expected.append(
            f"Gap in selection rate by {attribute.attribute} (demographic parity difference): "
            f"{attribute.dp_difference * 100:.1f} percentage points"
        )
    assert len(attributes) == 2  # race and sex
    for name, text in all_formats(people_run).items():
        text = text.replace("\\", "")  # Markdown escapes its punctuation with backslashes
        text = text.replace("**", "")  # and bolds its figures
        missing = [figure for figure in expected if figure not in text]
        assert not missing, f"the {name} model card lacks {missing}"
        assert "no groups to compare" not in text


def test_an_image_run_has_no_fairness_figures_and_says_why(image_run):
    for name, text in all_formats(image_run).items():
        assert "records nothing about groups of people, so there are no groups to compare" in text, name
        assert "demographic parity difference" not in text, name
        assert "Trained for a single epoch, so there is no epoch-by-epoch history to draw" in text, name
        assert f"{image_run.metrics.accuracy * 100:.1f}%" in text, name


def test_the_pdf_draws_its_charts(people_run, image_run):
    # compas: one bar chart per sensitive attribute (race, sex) and the attack chart; a one-pass fit has no history
    assert len(pdf_images(model_card_pdf(people_run))) == 3
    assert len(pdf_images(model_card_pdf(image_run))) == 1  # the attack chart
    two_epochs = replace(image_run, history=(*image_run.history, replace(image_run.history[0], epoch=2)))
    images = pdf_images(model_card_pdf(two_epochs))
    assert len(images) == 2  # the history, then the attack
    assert images[0].image.width > 500  # a real picture, decoded from the PDF
    assert "Over 2 epochs the training loss went from" in pdf_text(model_card_pdf(two_epochs))


def test_the_html_is_self_contained_and_its_charts_are_pngs(people_run):
    page = model_card_html(people_run)
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert len(sources) == 3
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<script" not in page and "<link" not in page and "http" not in page.split("<body>")[0]


def test_markdown_draws_no_chart_but_keeps_its_sentence(people_run):
    text = model_card_markdown(people_run)
    assert "data:image" not in text
    assert "*Chart: How the model treats each group, by race* (drawn in the HTML and PDF versions)" in text


def malicious(draw) -> Document:
    """A document with the same hostile string in every place a value can go."""
    blocks = (SCRIPT, Field(SCRIPT, SCRIPT), Stat(SCRIPT, SCRIPT, SCRIPT), Table((SCRIPT,), ((SCRIPT,),)))
    return Document(SCRIPT, SCRIPT, (Section(SCRIPT, (*blocks, Chart(SCRIPT, SCRIPT, draw, 10, 10))),))


def test_every_value_is_escaped_in_html_and_markdown():
    page = to_html(malicious(lambda: b"\x89PNG not really"))
    assert "<script" not in page
    # <title> and <h1>, subtitle, heading, paragraph, field 2, stat 3, table 2, chart title, alt and caption
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 15

    def must_not_draw() -> bytes:
        raise AssertionError("Markdown shows no picture, so it must not draw one")

    markdown = to_markdown(malicious(must_not_draw))
    assert not re.search(r"(?<!\\)[<>]", markdown)  # every angle bracket escaped: shown, never read as HTML
    assert markdown.count(r"\<script\>alert(1)\</script\>") == 13


def test_the_pdf_prints_values_as_text_never_as_markup():
    document = malicious(lambda: b"")
    plain = replace(document, sections=(replace(document.sections[0], blocks=document.sections[0].blocks[:4]),))
    assert pdf_text(to_pdf(plain)).count(SCRIPT) == 11  # title, subtitle, heading, paragraph, 2 + 3 + 2


def test_the_board_names_runs_by_their_nicknames_safely(people_run, image_run):
    nicknames = {people_run.run_id: SCRIPT}
    page = board_summary_html([people_run, image_run], nicknames)
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; (LogReg · compas" in page
    markdown = board_summary_markdown([people_run], nicknames)
    assert r"\<script\>alert(1)\</script\> (LogReg · compas" in markdown and not re.search(r"(?<!\\)<", markdown)
    assert f"{SCRIPT} (LogReg · compas" in pdf_text(board_summary_pdf([people_run], nicknames))  # text, not markup


def _board(people_run: RunResult, image_run: RunResult) -> list[RunResult]:
    """Three runs with chosen figures: accurate A, cheap B, and C beaten by both on accuracy and energy."""

    def figures(result: RunResult, accuracy: float, kwh: float, attack: float) -> RunResult:
        loss = replace(result.privacy.membership.loss, accuracy=attack)
        privacy = replace(result.privacy, membership=replace(result.privacy.membership, loss=loss))
        return replace(
            result,
            metrics=replace(result.metrics, accuracy=accuracy),
            cost=replace(result.cost, energy_kwh=kwh),
            privacy=privacy,
        )

    fair = tuple(replace(a, dp_difference=0.05) for a in people_run.fairness.attributes)
    a = figures(replace(people_run, run_id="a"), 0.90, 2e-3, 0.60)
    b = figures(replace(image_run, run_id="b"), 0.80, 1e-3, 0.51)
    c = figures(
        replace(people_run, run_id="c", fairness=replace(people_run.fairness, attributes=fair)), 0.7, 3e-3, 0.55
    )
    return [a, b, c]


def test_the_board_finds_the_best_run_on_each_axis_and_the_trade_off(people_run, image_run):
    runs = _board(people_run, image_run)
    facts = board_facts(runs)
    assert (facts.most_accurate, facts.cheapest, facts.fairest, facts.least_leaky) == (0, 1, 2, 1)
    assert facts.trade_off == (1, 0)  # B (1 Wh, 80%) then A (2 Wh, 90%); C (3 Wh, 70%) is beaten by both
    text = board_summary_markdown(runs, {"a": "Ana", "b": "Ben", "c": "Cy"})
    assert "3 runs on 2 datasets" in text
    assert "**Most accurate.** Ana (LogReg · compas · a): 90.0% accurate, 2 Wh to train." in text
    assert "**Least energy to train.** Ben (MLP · digits · b): 80.0% accurate, 1 Wh to train." in text
    assert "its largest gap in selection rate between groups is 5.0 points" in text
    assert "Ben (MLP · digits · b): 80.0% accurate, 1 Wh to train; the membership attack is right 51%" in text
    table = text[text.index("| Run |") :].splitlines()
    assert [row.split(" | ")[0] for row in table[2:]] == ["| Ana (LogReg · compas · a)", "| Ben (MLP · digits · b)",
                                                          "| Cy (LogReg · compas · c)"]  # fmt: skip


def test_identical_runs_do_not_beat_each_other(people_run):
    assert board_facts([people_run, replace(people_run, run_id="twin")]).trade_off == (0, 1)


def test_the_board_fits_on_one_page_with_a_full_class(people_run, image_run):
    runs = [
        replace(r, run_id=f"run{i:02d}", metrics=replace(r.metrics, accuracy=0.5 + i / 40))
        for i, r in enumerate([people_run, image_run] * 10)
    ]
    nicknames = {r.run_id: f"A rather long nickname number {i}" for i, r in enumerate(runs)}
    data = board_summary_pdf(runs, nicknames)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    assert len(pdf_images(data)) == 1  # the accuracy-against-energy chart
    text = pdf_text(data)
    assert "20 runs on 2 datasets" in text and "The 10 most accurate of 20 runs" in text


def test_an_empty_board_says_so():
    assert "Nobody has trained a model yet." in pdf_text(board_summary_pdf([]))


def _scorecard(result) -> None:
    from ui.scorecard import scorecard

    scorecard(result, title="A run on people", noun="people", positive="arrested again")


def test_the_scorecard_offers_the_report_in_three_formats(people_run):
    at = AppTest.from_function(_scorecard, args=(people_run,), default_timeout=30).run()
    assert not at.exception
    labels = {
        extension: at.download_button(key=f"scorecard_report_{extension}_{people_run.run_id}").label
        for extension in ("pdf", "html", "md")
    }
    assert labels == {"pdf": "PDF", "html": "HTML", "md": "Markdown"}
    assert any(m.value == "**Take it away: report**" for m in at.markdown)
