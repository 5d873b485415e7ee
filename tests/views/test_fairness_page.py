"""The Fairness page's journeys through the router with AppTest: audit, unawareness, mitigation, simulator, WEAT."""

import re

from page_harness import open_page, run_until
from streamlit.testing.v1 import AppTest


def mitigation_table(at: AppTest):
    """The before/after table (AppTest does not expose a dataframe's key: found by its first column)."""
    return next((df.value for df in at.dataframe if "Version of the model" in df.value.columns), None)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def points(sentence_start: str, text: str) -> list[int]:
    """The gaps ("N percentage points apart") in the sentence that starts with `sentence_start`."""
    line = next(line for line in text.splitlines() if line.lstrip("- ").startswith(sentence_start))
    return [int(n) for n in re.findall(r"(\d+) (?:percentage )?points apart", line)]


def test_adult_logistic_regression_gap_by_sex_and_the_thresholds_that_close_it():
    """Acceptance: adult + logistic regression + sex: a gap above 10 points; ThresholdOptimizer (DP) below 5."""
    at = open_page("fairness")
    at.selectbox(key="fairness_dataset").set_value("adult")
    at.selectbox(key="fairness_arch").set_value("logreg").run()
    at.button(key="fairness_train").click().run()
    run_until(at, lambda at: mitigation_table(at) is not None and not at.get("progress"))
    assert not at.exception
    at.radio(key="fairness_attribute").set_value("sex").run()
    text = markdown(at)
    gap = int(re.search(r"A gap of (\d+) percentage points", text).group(1))
    assert gap > 10  # women are predicted to earn more than $50K far less often than men
    table = mitigation_table(at)
    rows = table.set_index("Version of the model")["Gap in selection rate (points)"]
    assert rows["As trained"] > 10
    dp = "Thresholds per group: equal selection"
    assert rows[dp] < 5
    # the twin without sex and race was trained too, and the page says whether hiding the columns helped
    assert "Without the sensitive columns" in rows.index
    assert "With the sex column the gap was" in text
    assert len(at.get("plotly_chart")) >= 2  # the groups' rates, and accuracy against the gap


def test_intersections_and_small_groups_are_shown_with_a_warning_not_a_crash():
    at = open_page("fairness")
    at.selectbox(key="fairness_dataset").set_value("compas")
    at.selectbox(key="fairness_arch").set_value("logreg").run()
    at.button(key="fairness_train").click().run()
    run_until(
        at, lambda at: at.radio(key="fairness_attribute") is not None if _has(at, "fairness_attribute") else False
    )
    at.radio(key="fairness_attribute").set_value("race × sex").run()
    assert any("Too few people to trust their rates" in w.value for w in at.warning)
    assert "one attribute at a time" in markdown(at) or any("one attribute" in m.value for m in at.markdown)
    assert not at.exception


def _has(at: AppTest, key: str) -> bool:
    return any(getattr(widget, "key", None) == key for widget in at.radio)


def test_hiring_simulator_shows_a_wider_gap_when_the_history_is_biased():
    at = open_page("fairness")
    fair = points("The past decisions were fair", markdown(at))
    at.slider(key="fairness_sim_bias").set_value(100).run()
    biased = points("The past decisions took points off", markdown(at))
    assert biased[0] > fair[0] + 10  # the model reading the group learned the injected bias
    at.slider(key="fairness_sim_proxy").set_value(100).run()
    proxied = points("The past decisions took points off", markdown(at))
    assert proxied[1] > 20  # with a perfect proxy, hiding the group does not hide the bias
    assert not at.exception


def test_word_association_test_runs_on_the_pretrained_encoder():
    at = open_page("fairness")
    at.button(key="fairness_weat_run").click().run(timeout=120)
    effect = next(m for m in at.metric if m.label.startswith("Effect size"))
    assert -2 <= float(effect.value) <= 2
    assert "The encoder places" in markdown(at) or "Against the pattern tested" in markdown(at)
    assert not at.exception
