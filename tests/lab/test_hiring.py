"""The made-up hiring history: reproducible people, the bias and the proxy doing what the sliders say, and a
model that learns the injected bias, measured by fairlearn."""

import math
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, demographic_parity_difference, selection_rate

from lab.hiring import HiringSettings, generate, raw_hiring, simulate

BIASES = (0.0, 0.25, 0.5, 0.75, 1.0)


def rate(values: pd.Series | np.ndarray) -> float:
    return float(np.mean(values))


def test_same_seed_same_people_other_seed_other_people() -> None:
    frame, y = generate(HiringSettings(), seed=3)
    again, y_again = generate(HiringSettings(), seed=3)
    pd.testing.assert_frame_equal(frame, again)
    np.testing.assert_array_equal(y, y_again)
    other, y_other = generate(HiringSettings(), seed=4)
    assert not frame.equals(other)
    assert not np.array_equal(y, y_other)


def test_raw_hiring_is_a_biased_history_with_seed_0() -> None:
    frame, y = raw_hiring()
    expected, y_expected = generate(HiringSettings(label_bias=0.5), seed=0)
    pd.testing.assert_frame_equal(frame, expected)
    np.testing.assert_array_equal(y, y_expected)
    assert len(frame) == len(y) == 4000 and y.dtype == np.int64
    assert set(frame["group"]) == {"majority", "minority"}
    assert set(frame["neighbourhood"]) == {"north", "south"}


@pytest.mark.parametrize("share", [0.1, 0.3, 0.5])
def test_group_shares_follow_the_setting(share: float) -> None:
    frame, _ = generate(HiringSettings(minority_share=share), seed=0)
    assert rate(frame["group"] == "minority") == pytest.approx(share, abs=0.001)


@pytest.mark.parametrize("bias", [0.0, 1.0])
def test_merit_is_drawn_alike_for_both_groups_and_about_a_third_is_hired(bias: float) -> None:
    frame, y = generate(HiringSettings(n_people=20_000, label_bias=bias), seed=0)
    by_group = frame.groupby("group")[["test_score", "years_experience", "interview_score"]].mean()
    assert np.allclose(by_group.loc["majority"], by_group.loc["minority"], rtol=0.03)
    assert 0.30 <= rate(y) <= 0.40


def test_without_label_bias_both_groups_were_hired_alike() -> None:
    frame, y = generate(HiringSettings(label_bias=0.0), seed=0)
    minority = (frame["group"] == "minority").to_numpy()
    assert rate(y[minority]) == pytest.approx(rate(y[~minority]), abs=0.03)


def test_label_bias_lowers_the_minority_hiring_rate() -> None:
    frame, y = generate(HiringSettings(label_bias=1.0), seed=0)
    minority = (frame["group"] == "minority").to_numpy()
    assert rate(y[~minority]) - rate(y[minority]) > 0.25


def test_proxy_strength_0_says_nothing_about_the_group_and_1_gives_it_away() -> None:
    frame, _ = generate(HiringSettings(n_people=20_000, proxy_strength=0.0), seed=0)
    south = frame["neighbourhood"] == "south"
    minority = frame["group"] == "minority"
    assert rate(south[minority]) == pytest.approx(rate(south[~minority]), abs=0.03)
    frame, _ = generate(HiringSettings(proxy_strength=1.0), seed=0)
    assert ((frame["neighbourhood"] == "south") == (frame["group"] == "minority")).all()


def test_more_label_bias_gives_a_model_with_a_larger_demographic_parity_gap() -> None:
    """The key lesson: the bias put into the past decisions comes out of the model trained on them."""
    gaps = [simulate(HiringSettings(label_bias=b), seed=0).with_group.fairness.dp_difference for b in BIASES]
    assert all(a < b for a, b in pairwise(gaps)), gaps
    assert gaps[0] < 0.1 and gaps[-1] > 0.3, gaps


def test_dropping_the_group_column_does_not_help_when_a_proxy_gives_the_group_away() -> None:
    result = simulate(HiringSettings(label_bias=1.0, proxy_strength=1.0), seed=0)
    assert "group" not in result.without_group.columns and "group" in result.with_group.columns
    assert result.without_group.fairness.dp_difference > 0.3


def test_dropping_the_group_column_closes_the_gap_when_nothing_gives_the_group_away() -> None:
    result = simulate(HiringSettings(n_people=20_000, label_bias=1.0, proxy_strength=0.0), seed=0)
    assert result.with_group.fairness.dp_difference > 0.3
    assert result.without_group.fairness.dp_difference < 0.05


def test_figures_match_fairlearn_and_the_past_decisions() -> None:
    settings = HiringSettings(label_bias=0.5)
    result = simulate(settings, seed=1)
    frame, y = generate(settings, seed=1)
    y_test, groups = y[result.test_rows], frame["group"].to_numpy()[result.test_rows]
    past = MetricFrame(metrics=selection_rate, y_true=y_test, y_pred=y_test, sensitive_features=groups).by_group
    assert result.historical_selection == pytest.approx(past.to_dict())
    for outcome in (result.with_group, result.without_group):
        expected = demographic_parity_difference(y_test, outcome.predicted, sensitive_features=groups)
        assert outcome.fairness.dp_difference == pytest.approx(expected)
        assert outcome.accuracy == pytest.approx(rate(outcome.predicted == y_test))
        assert {g.group for g in outcome.fairness.groups} == {"majority", "minority"}
        assert 0.7 < outcome.accuracy < 0.95  # merit can be read, so the model beats always saying "not hired" (65 %)


def test_default_settings_are_valid() -> None:
    HiringSettings().validate()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (HiringSettings(n_people=100), "between 200 and 100 000"),
        (HiringSettings(n_people=1_000_000), "between 200 and 100 000"),
        (HiringSettings(n_people=4000.5), "whole number"),  # type: ignore[arg-type]
        (HiringSettings(minority_share=0.0), "strictly between 0 and 1"),
        (HiringSettings(minority_share=1.0), "strictly between 0 and 1"),
        (HiringSettings(n_people=200, minority_share=0.1), "at least 50"),
        (HiringSettings(n_people=1000, minority_share=0.99), "at least 50"),
        (HiringSettings(label_bias=-0.1), "Label bias must be between 0 and 1"),
        (HiringSettings(label_bias=1.5), "Label bias must be between 0 and 1"),
        (HiringSettings(proxy_strength=2.0), "Proxy strength must be between 0 and 1"),
        (HiringSettings(label_bias=math.nan), "must be a number"),
        (HiringSettings(minority_share=math.nan), "must be a number"),
    ],
)
def test_bad_settings_are_refused_in_plain_words(settings: HiringSettings, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        settings.validate()
    with pytest.raises(ValueError, match=message):
        generate(settings, seed=0)
