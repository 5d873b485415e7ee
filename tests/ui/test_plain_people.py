"""Fairness and privacy sentences: the gaps, rates and guarantees they state are checked by hand here."""

from types import SimpleNamespace

from ui import plain_people


def test_the_selection_gap_names_both_groups_and_the_gap_in_points():
    sentence = plain_people.selection_gap_sentence(("Female", 0.08), ("Male", 0.23), "more than $50K")
    # 23% - 8% = 15 points
    assert sentence == 'Female: predicted "more than $50K" 8% of the time; Male: 23%. A gap of 15 percentage points.'


def test_the_four_fifths_rule_passes_at_80_percent_and_fails_below():
    assert "chosen 80% as often" in plain_people.four_fifths_sentence(0.8, True)
    assert plain_people.four_fifths_sentence(0.8, True).endswith("so this model passes it.")
    assert plain_people.four_fifths_sentence(0.75, False).endswith("so this model fails it.")


def test_error_rates_are_stated_in_percentage_points():
    assert "differ by up to 12 percentage points" in plain_people.error_rates_sentence(0.124)


def test_unawareness_says_whether_hiding_the_column_removed_the_gap():
    little = plain_people.unawareness_sentence("sex", 0.18, 0.17)
    assert "gap was 18 percentage points; trained without it, 17" in little and "removed little" in little
    assert "removed much of the gap" in plain_people.unawareness_sentence("sex", 0.18, 0.04)


def test_mitigation_states_the_gap_before_and_after_and_its_price_in_accuracy():
    sentence = plain_people.mitigation_sentence("Thresholds", (0.854, 0.178), (0.832, 0.026))
    assert "gap went from 18 to 3 percentage points" in sentence and "cost 2.2 points of accuracy" in sentence
    assert "cost no accuracy" in plain_people.mitigation_sentence("Thresholds", (0.80, 0.2), (0.81, 0.01))


def test_hiring_sentence_names_the_injected_bias():
    assert plain_people.hiring_sentence(0.0, 0.02, 0.02).startswith("The past decisions were fair")
    biased = plain_people.hiring_sentence(1.0, 0.42, 0.17)
    assert "(bias 100%)" in biased and "42 percentage points apart" in biased and "17 points apart" in biased


def test_the_dp_guarantee_states_its_factor_e_to_the_epsilon():
    # e^1 = 2.718..., e^0.5 = 1.6487...
    sentence = plain_people.dp_sentence(1.0, 1e-5)
    assert "ε = 1 at δ = 1e-05" in sentence and "at most a factor of 2.72 (e^ε)" in sentence
    assert "a factor of 1.65 (e^ε)" in plain_people.dp_sentence(0.5, 1e-5)
    assert plain_people.not_private_sentence().startswith("Trained without differential privacy")


def _sweep_run(epsilon, accuracy, attack):
    """A finished run of the privacy sweep, with only the figures the summary reads."""
    membership = SimpleNamespace(loss=SimpleNamespace(accuracy=attack))
    return SimpleNamespace(
        spec=SimpleNamespace(dp_epsilon=epsilon),
        metrics=SimpleNamespace(accuracy=accuracy),
        privacy=SimpleNamespace(membership=membership),
    )


def test_the_privacy_sweep_summary_goes_from_small_to_large_epsilon_then_the_run_without_dp():
    runs = [_sweep_run(8.0, 0.88, 0.58), _sweep_run(None, 0.9, 0.6), _sweep_run(1.0, 0.8, 0.5)]
    assert plain_people.sweep_summary(runs) == (
        "At ε = 1 the model is right 80% of the time and the attack 50%; "
        "at ε = 8 the model is right 88% of the time and the attack 58%; without DP, 90% and 60%."
    )
    assert plain_people.sweep_summary([]) == ""


def test_the_privacy_sweep_summary_joins_its_clauses_the_chinese_way(chinese):
    summary = plain_people.sweep_summary([_sweep_run(None, 0.9, 0.6), _sweep_run(1.0, 0.8, 0.5)])
    assert summary == "ε = 1 时，模型的准确率是 80%，攻击猜对的比例是 50%；不使用差分隐私时，分别是 90% 和 60%。"
