"""The main journey in a real browser: deep link, shared sidebar, train a CNN, leave and come back, scorecard."""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def test_home_opens_with_its_navigation(server, page, artifacts):
    page.goto(server)
    expect(page.get_by_role("heading", name="AI Impact Lab")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Train & Compare")
    page.screenshot(path=artifacts / "home.png", full_page=True)


def test_deep_link_train_a_cnn_leave_and_come_back(server, page, artifacts):
    page.goto(f"{server}/train")  # a deep link goes through the router: the shared sidebar is there
    expect(page.get_by_role("heading", name="Train & Compare")).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Seed (same seed, same result)")).to_be_visible()
    expect(page.get_by_text("Convolutional network (CNN)").first).to_be_visible()  # the default model

    page.get_by_role("button", name=re.compile("Train$")).click()
    expect(page.get_by_test_id("stProgress").first).to_be_visible(timeout=60_000)
    page.screenshot(path=artifacts / "training.png", full_page=True)

    # Click elsewhere while the CNN trains: the run lives on the server and is still there on return.
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="AI Impact Lab")).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Train & Compare").click()

    accuracy = page.get_by_test_id("stMetric").filter(has_text="Test accuracy").first
    expect(accuracy).to_be_visible(timeout=120_000)
    value = float(accuracy.get_by_test_id("stMetricValue").inner_text().rstrip("%"))
    assert value > 80
    expect(page.locator(".js-plotly-plot:visible").first).to_be_visible()
    page.screenshot(path=artifacts / "scorecard.png", full_page=True)
    shutil.copy(artifacts / "scorecard.png", ROOT / "docs" / "train-and-compare.png")


def test_fairness_deep_link_audit_logistic_regression_on_compas_then_the_simulator(server, page, artifacts):
    page.goto(f"{server}/fairness")
    expect(page.get_by_role("heading", name="Fairness", exact=True)).to_be_visible()
    page.get_by_test_id("stSelectbox").filter(has_text="Data about people").click()
    page.get_by_role("option", name=re.compile("COMPAS")).click()
    page.get_by_role("button", name=re.compile("Train both$")).click()

    table = page.get_by_test_id("stDataFrame").filter(has_text="Version of the model")
    expect(page.get_by_text("Does hiding the column help?")).to_be_visible(timeout=120_000)
    expect(page.get_by_text(re.compile("With the race column the gap was"))).to_be_visible(timeout=120_000)
    expect(table).to_be_visible()
    expect(page.get_by_text(re.compile(r"A gap of \d+ percentage points")).first).to_be_visible()
    page.screenshot(path=artifacts / "fairness-audit.png", full_page=True)

    page.get_by_role("tab", name="Hiring simulator").click()
    fair = page.get_by_text(re.compile("The past decisions were fair"))
    expect(fair).to_be_visible()
    slider = page.get_by_test_id("stSlider").filter(has_text="Bias in past decisions").get_by_role("slider")
    slider.focus()
    slider.press("End")  # keyboard: the slider to its maximum, full bias
    expect(page.get_by_text(re.compile("The past decisions took points off every minority applicant"))).to_be_visible()
    page.screenshot(path=artifacts / "fairness-simulator.png", full_page=True)


def test_train_a_private_cnn_with_the_dp_switch_and_read_its_privacy_quadrant(server, page, artifacts):
    page.goto(f"{server}/train")
    expect(page.get_by_role("heading", name="Train & Compare")).to_be_visible()
    page.get_by_text("Train with differential privacy (opacus DP-SGD)").click()
    budget = page.get_by_label(re.compile("Privacy budget ε"))
    budget.fill("8")
    budget.press("Enter")
    page.get_by_text(re.compile("Training settings")).click()
    epochs = page.get_by_label("Epochs (passes over the data)")
    epochs.fill("2")
    epochs.press("Enter")
    page.get_by_role("button", name=re.compile("Train$")).click()

    private = page.get_by_test_id("stMetric").filter(has_text="Differential privacy (ε, smaller is safer)").first
    expect(private).to_be_visible(timeout=180_000)
    value = float(private.get_by_test_id("stMetricValue").inner_text().removeprefix("ε = "))
    assert 0 < value <= 8
    expect(page.get_by_test_id("stMetric").filter(has_text="Membership inference").first).to_be_visible()
    page.screenshot(path=artifacts / "private-scorecard.png", full_page=True)


def test_draw_a_digit_on_the_canvas_and_get_an_answer_with_its_explanation(server, page, artifacts):
    page.goto(f"{server}/train")  # a CNN on the digits (answered from the store if an earlier journey trained it)
    page.get_by_role("button", name=re.compile("Train$")).click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Test accuracy").first).to_be_visible(timeout=180_000)

    page.goto(f"{server}/try")
    expect(page.get_by_role("heading", name="Try a model")).to_be_visible()
    canvas = page.locator("canvas").last
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    left, top = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.2
    page.mouse.move(left, top)  # a "1": one stroke from top to bottom
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(left, top + box["height"] * 0.6 * step / 20)
    page.mouse.up()
    expect(page.get_by_text(re.compile("The model says: "))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile("Integrated Gradients"))).to_be_visible()
    page.screenshot(path=artifacts / "try-a-model.png", full_page=True)


def test_the_language_model_writes_a_few_tokens_with_its_speed(server, page, artifacts):
    page.goto(f"{server}/language")
    expect(page.get_by_role("heading", name="Language model")).to_be_visible()
    tokens = page.get_by_label(re.compile("New tokens at most"))
    expect(tokens).to_be_visible(timeout=120_000)  # the model loads once per server
    tokens.fill("12")
    tokens.press("Enter")
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Writing speed")).to_be_visible(timeout=120_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="tokens/s").first).to_be_visible()
    page.screenshot(path=artifacts / "language-model.png", full_page=True)


def test_the_impact_page_links_to_the_experiments_and_refuses_a_bad_register(server, page, artifacts, tmp_path):
    page.goto(f"{server}/impact")
    expect(page.get_by_role("heading", name="Impact", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("See it happen")).first).to_be_visible()
    page.get_by_role("tab", name="Your risk register").click()
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download the register")).click()
    assert download.value.suggested_filename.endswith(".csv")
    bad = tmp_path / "ours.csv"
    bad.write_text("this,is\nnot,a register\n", encoding="utf-8")
    page.locator("input[type=file]").set_input_files(bad)
    expect(page.get_by_test_id("stAlert").filter(has_text="was not loaded")).to_be_visible()
    page.screenshot(path=artifacts / "impact.png", full_page=True)


def test_a_small_sweep_on_cost_and_scale_fits_a_power_law(server, page, artifacts):
    page.goto(f"{server}/cost")
    expect(page.get_by_role("heading", name="Cost & Scale")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Train \d+ sizes$")).click()  # the default: an MLP on the digits
    expect(page.get_by_text(re.compile("Fitted line: test loss")).first).to_be_visible(timeout=300_000)
    expect(page.locator(".js-plotly-plot:visible").first).to_be_visible()
    page.screenshot(path=artifacts / "cost-and-scale.png", full_page=True)


def test_a_shared_link_opens_the_presenter_view_in_chinese(server, page, artifacts):
    page.goto(f"{server}/?present=1&lang=zh")  # the link a teacher sends to the room's screen
    expect(page.get_by_role("heading", name="AI 影响力实验室")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("训练与比较")
    expect(page.get_by_text("导览：第 1 步，共 11 步：首页")).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_role("switch", name="演示模式")).to_be_checked()
    # large type: the style sheet arrives with the page's elements, maybe just after the heading
    page.wait_for_function("getComputedStyle(document.documentElement).fontSize === '22px'", timeout=30_000)
    page.screenshot(path=artifacts / "presenter-zh.png", full_page=True)

    page.get_by_role("link", name="下一步").click()  # the tour's next step keeps both settings
    expect(page.get_by_text(re.compile("导览：第 2 步"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"lang=zh"))
    assert "present=1" in page.url


def tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused control is called `name` (its label or text), as a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(  # a control's name: its aria-label, its label, or its text after the icon's name
            "(() => { const e = document.activeElement; const label = e.closest('label');"
            " const text = e.getAttribute('aria-label') || (label && label.innerText) || e.innerText || '';"
            " return text.trim().split('\\n').pop().trim(); })()"
        )
        if focused == name:
            return
    raise AssertionError(f"{name!r} is not reachable with the Tab key")


def test_the_sidebar_and_the_tour_work_with_the_keyboard_alone(server, page):
    page.goto(server)
    expect(page.get_by_role("heading", name="AI Impact Lab")).to_be_visible()
    tab_to(page, "English")  # the language choice, a radio group: the arrow keys choose
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("heading", name="AI 影响力实验室")).to_be_visible()
    tab_to(page, "演示模式")
    page.keyboard.press("Space")
    expect(page.get_by_text("导览：第 1 步，共 11 步：首页")).to_be_visible()
    tab_to(page, "下一步")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("导览：第 2 步"))).to_be_visible()
