"""The comparison table and its one-sentence summary pick the right runs."""

from ui.compare import comparison_summary, comparison_table, finished_when, run_label


def test_labels_name_the_model_the_data_and_the_run(two_runs):
    assert run_label(two_runs[0]) == "CNN · digits · aaaa"


def test_table_has_one_row_per_run_with_units(two_runs):
    table = comparison_table(two_runs)
    assert list(table["Model"]) == ["CNN · digits · aaaa", "MLP · digits · bbbb"]
    assert list(table["Test accuracy (%)"]) == [98.0, 93.0]
    assert list(table["Energy was"]) == ["estimated", "estimated"]


def test_summary_names_the_most_accurate_and_the_cheapest(two_runs):
    summary = comparison_summary(two_runs, cost_axis="train_seconds")
    assert summary == (
        "Most accurate: CNN · digits · aaaa (98.0%). Cheapest by training time: MLP · digits · bbbb (93.0% accurate)."
    )


def test_finished_when_is_readable(two_runs):
    assert finished_when(two_runs[0]) == "2026-11-22 07:32 UTC"
