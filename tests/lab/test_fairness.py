"""Fairness figures against fairlearn computed independently, and plain notes where figures mean little."""

import numpy as np
import pytest
from fairlearn.metrics import MetricFrame, equalized_odds_difference, selection_rate

from lab.fairness import fairness_report
from lab.pipeline import run
from lab.result import RunResult
from lab.spec import RunSpec


@pytest.fixture
def predictions():
    rng = np.random.default_rng(0)
    groups = rng.choice(["a", "b", "c"], size=400, p=[0.5, 0.3, 0.2])
    y_true = rng.integers(0, 2, size=400)
    y_pred = np.where(groups == "a", rng.random(400) < 0.6, rng.random(400) < 0.3).astype(int)
    return y_true, y_pred, groups


def test_figures_match_fairlearn(predictions):
    y_true, y_pred, groups = predictions
    (report,) = fairness_report(y_true, y_pred, sensitive_features={"g": groups}).attributes
    frame = MetricFrame(metrics=selection_rate, y_true=y_true, y_pred=y_pred, sensitive_features=groups)
    assert report.dp_difference == pytest.approx(frame.difference())
    assert report.dp_ratio == pytest.approx(frame.ratio())
    assert report.eo_difference == pytest.approx(equalized_odds_difference(y_true, y_pred, sensitive_features=groups))
    assert [g.group for g in report.groups] == ["a", "b", "c"]
    for rates in report.groups:
        members = groups == rates.group
        assert rates.size == members.sum()
        assert rates.selection_rate == pytest.approx(y_pred[members].mean())
        assert rates.accuracy == pytest.approx((y_pred[members] == y_true[members]).mean())
        assert rates.true_positive_rate == pytest.approx(y_pred[members & (y_true == 1)].mean())
    assert report.passes_four_fifths == (report.dp_ratio >= 0.8) and not report.notes


def test_a_group_without_positives_has_no_true_positive_rate():
    (report,) = fairness_report([0, 0, 1, 0], [0, 1, 1, 0], sensitive_features={"g": ["x", "x", "y", "y"]}).attributes
    assert report.groups[0].true_positive_rate is None and report.groups[1].true_positive_rate == 1.0


def test_degenerate_cases_are_explained_not_crashed():
    one_group = fairness_report([0, 1, 1, 0], [0, 1, 0, 0], sensitive_features={"sex": ["F"] * 4}).attributes[0]
    assert "nothing to compare" in one_group.notes[0] and one_group.dp_difference == 0
    tiny = fairness_report([0, 1] * 10, [0, 1] * 10, sensitive_features={"g": ["big"] * 18 + ["tiny"] * 2})
    assert "Too few people to trust their rates: tiny (2)" in tiny.attributes[0].notes[0]
    nobody = fairness_report([0, 1, 1, 0], [0, 0, 0, 0], sensitive_features={"g": ["x", "x", "y", "y"]})
    (attribute,) = nobody.attributes
    assert attribute.dp_ratio == 1.0 and "answers 'no' for everyone" in attribute.notes[-1]
    assert all(np.isfinite([attribute.dp_difference, attribute.dp_ratio, attribute.eo_difference]))


def test_a_census_run_measures_fairness_by_sex_and_race_and_keeps_it_through_json():
    result, _ = run(RunSpec("adult", "mlp", epochs=1, batch_size=256))
    by_name = {a.attribute: a for a in result.fairness.attributes}
    assert set(by_name) == {"sex", "race", "sex × race"}
    assert by_name["sex"].dp_difference > 0.1  # the model says "> 50K" far more often for men
    # the intersection holds every sex-and-race pair present in the test set, and its gap is at least as wide
    assert {g.group for g in by_name["sex × race"].groups} >= {"Female & White", "Male & Black"}
    assert by_name["sex × race"].dp_difference >= max(by_name["sex"].dp_difference, by_name["race"].dp_difference)
    assert RunResult.from_dict(result.to_dict()) == result


def test_data_without_people_has_no_fairness_section():
    result, _ = run(RunSpec("digits", "mlp", epochs=1))
    assert result.fairness is None


def test_a_group_too_small_to_trust_is_listed_but_left_out_of_the_gaps():
    from fairlearn.metrics import demographic_parity_difference

    y_true = np.array([0, 1] * 20 + [1, 1])
    y_pred = np.array([0, 1] * 10 + [0, 0, 0, 1] * 5 + [1, 1])  # "a" selected 50 %, "b" 25 %, "tiny" 100 %
    groups = np.array(["a"] * 20 + ["b"] * 20 + ["tiny"] * 2)
    (attribute,) = fairness_report(y_true, y_pred, sensitive_features={"g": groups}).attributes
    assert [g.group for g in attribute.groups] == ["a", "b", "tiny"]  # still listed, with its rates
    kept = groups != "tiny"
    oracle = demographic_parity_difference(y_true[kept], y_pred[kept], sensitive_features=groups[kept])
    assert attribute.dp_difference == pytest.approx(oracle) == pytest.approx(0.25)  # not 0.75 from two people
    assert "the gaps between groups leave them out" in attribute.notes[0]
