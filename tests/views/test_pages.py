"""Every page through the router with AppTest; widgets found by key; one real training through the page."""

from pathlib import Path

import pytest
from page_harness import open_page, run_until
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "views").glob("*.py"))


def has_scorecard(at: AppTest) -> bool:
    return any(metric.label == "Test accuracy" for metric in at.metric)


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_every_page_renders_with_the_shared_sidebar(page):
    at = open_page(page.stem)
    assert not at.exception
    assert at.title[0].value
    assert at.sidebar.number_input(key="seed").value == 0


def test_home_describes_every_architecture():
    at = open_page("home")
    headers = [sub.value for sub in at.subheader]
    for title in ("Multilayer perceptron (MLP)", "Convolutional network (CNN)", "Transformer"):
        assert title in headers


def test_train_page_trains_a_model_and_shows_its_scorecard_and_chart():
    at = open_page("train")
    at.multiselect(key="train_archs_image").set_value(["mlp"])
    at.number_input(key="train_epochs").set_value(2)
    at.sidebar.number_input(key="seed").set_value(5)
    at.button(key="train_start").click().run()
    run_until(at, has_scorecard)
    accuracy = next(metric for metric in at.metric if metric.label == "Test accuracy")
    assert accuracy.value.endswith("%") and float(accuracy.value[:-1]) > 50
    assert any("seed 5" in caption.value for caption in at.caption)
    assert any("Out of every 100 images" in caption.value for caption in at.caption)
    assert at.selectbox(key="train_cost_axis").value == "train_seconds"
    assert not at.exception

    at.button(key="train_start").click().run()  # the same settings again: answered from the store
    run_until(at, lambda at: any("already trained" in info.value for info in at.info))


def test_an_impossible_learning_rate_gets_a_message_and_starts_nothing():
    at = open_page("train")
    at.number_input(key="train_lr").set_value(0.0)
    at.button(key="train_start").click().run()
    assert "learning rate must be between" in at.error[0].value
    assert at.session_state["train_jobs"] == []
    assert not at.exception


def test_an_exploding_learning_rate_is_explained():
    at = open_page("train")
    at.multiselect(key="train_archs_image").set_value(["mlp"])
    at.number_input(key="train_lr").set_value(1e6)
    at.number_input(key="train_epochs").set_value(3)
    at.button(key="train_start").click().run()
    run_until(at, lambda at: any("learning rate is too high" in error.value for error in at.error))
    assert not at.exception


def test_each_dataset_brings_its_suggested_settings_and_models():
    at = open_page("train")
    assert (at.number_input(key="train_epochs").value, at.number_input(key="train_batch_size").value) == (10, 64)
    at.selectbox(key="train_dataset").set_value("adult").run()
    assert (at.number_input(key="train_epochs").value, at.number_input(key="train_batch_size").value) == (3, 256)
    assert at.multiselect(key="train_archs_table").options == [
        "Multilayer perceptron (MLP)",
        "Transformer",
        "Logistic regression (scikit-learn)",
        "Gradient-boosted trees (scikit-learn)",
    ]
    at.multiselect(key="train_archs_table").set_value(["mlp", "logreg"]).run()
    assert any("LogReg: fitted in one go by scikit-learn" in caption.value for caption in at.caption)
    at.selectbox(key="train_dataset").set_value("digits").run()
    assert at.number_input(key="train_epochs").value == 10
    assert not at.exception


def test_a_census_run_shows_fairness_between_groups_on_its_scorecard():
    at = open_page("train")
    at.selectbox(key="train_dataset").set_value("adult").run()
    at.number_input(key="train_epochs").set_value(1)
    at.button(key="train_start").click().run()
    run_until(at, has_scorecard, timeout=240)
    labels = [metric.label for metric in at.metric]
    assert "Gap in selection rate by sex" in labels and "Gap in selection rate by race" in labels
    assert any('predicted "more than $50K"' in caption.value for caption in at.caption)
    assert any("four-fifths rule" in caption.value for caption in at.caption)
    assert any("Changing only sex flipped the decision for" in caption.value for caption in at.caption)
    assert not at.exception


def test_data_without_groups_says_so_on_the_scorecard():
    at = open_page("train")
    at.multiselect(key="train_archs_image").set_value(["mlp"])
    at.number_input(key="train_epochs").set_value(1)
    at.button(key="train_start").click().run()
    run_until(at, has_scorecard)
    assert any("no groups to compare" in caption.value for caption in at.caption)


def test_text_data_offers_the_text_models():
    at = open_page("train")
    at.selectbox(key="train_dataset").set_value("reviews").run()
    options = at.multiselect(key="train_archs_text").options
    assert "Pretrained MiniLM + linear head" in options
    assert not at.exception


def test_a_run_can_be_cancelled_from_the_page():
    at = open_page("train")
    at.number_input(key="train_epochs").set_value(200)
    at.number_input(key="train_batch_size").set_value(8)
    at.button(key="train_start").click().run()
    job_id = at.session_state["train_jobs"][0]
    run_until(at, lambda at: any("epoch" in bar.text for bar in at.get("progress")))
    at.button(key=f"train_cancel_{job_id}").click().run()
    run_until(at, lambda at: any("cancelled" in error.value for error in at.error))
    assert at.session_state["train_jobs"] == [] and not at.exception
