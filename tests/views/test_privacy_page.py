"""The Privacy page's journeys through the router with AppTest: the attack, overfitting, the DP sweep, the notes."""

from page_harness import open_page, run_until
from streamlit.testing.v1 import AppTest


def text(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.caption, *at.info])


def test_the_attack_is_explained_and_the_notes_cover_real_people():
    at = open_page("privacy")
    assert not at.exception
    assert "trained on" in at.info[0].value  # the attack in three sentences, at the top
    at.selectbox(key="privacy_notes_dataset").set_value("compas").run()
    assert "Personal data." in text(at) and "Consent." in text(at)
    assert not at.exception


def test_overfitting_then_the_dp_sweep_then_the_attack_on_a_chosen_run():
    at = open_page("privacy")
    at.selectbox(key="privacy_overfit_data").set_value("digits").run()
    at.button(key="privacy_overfit_train").click().run()
    run_until(at, lambda at: "right on its training records" in text(at))

    at.selectbox(key="privacy_sweep_data").set_value("digits").run()
    at.selectbox(key="privacy_sweep_arch").set_value("mlp").run()
    at.multiselect(key="privacy_sweep_epsilons").set_value([8.0]).run()
    at.button(key="privacy_sweep_train").click().run()
    # both runs queue behind the overfitting ones on the single test worker: allow a slow machine its time
    run_until(at, lambda at: "At ε = 8 the model is right" in text(at) and "without DP" in text(at), timeout=480)

    at.selectbox(key="privacy_run").set_value(at.selectbox(key="privacy_run").options[0]).run()
    table = next(df.value for df in at.dataframe if "Attack" in df.value.columns)
    assert list(table["Attack"]) == ["Loss threshold (Yeom et al. 2018)", "Calibrated per class, no shadow models"]
    assert table["ROC AUC (0.5 = guessing)"].between(0, 1).all()
    assert not at.exception


def test_the_dp_switch_on_train_and_compare_refuses_impossible_budgets_in_plain_words():
    at = open_page("train")
    at.toggle(key="train_dp").set_value(True).run()
    at.number_input(key="train_dp_epsilon").set_value(0.0)
    at.button(key="train_start").click().run()
    assert "must be above 0" in at.error[0].value and at.session_state["train_jobs"] == []
    at.selectbox(key="train_dataset").set_value("adult").run()
    at.multiselect(key="train_archs_table").set_value(["logreg"])
    at.number_input(key="train_dp_epsilon").set_value(1.0)
    at.button(key="train_start").click().run()
    assert "scikit-learn" in at.error[0].value and at.session_state["train_jobs"] == []
    assert not at.exception
