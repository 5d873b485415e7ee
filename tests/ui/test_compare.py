"""The comparison table and its one-sentence summary pick the right runs."""

from lab.result import CostReport, EpochStats, Metrics, RunResult
from lab.spec import RunSpec
from ui.compare import comparison_summary, comparison_table, run_label


def fake_run(run_id: str, arch: str, accuracy: float, seconds: float) -> RunResult:
    cost = CostReport(1000, 2000, 6_000_000, seconds, 0.1, 500.0, None, 1e-6, "estimated", "test", 4.8e-4, 480.0)
    return RunResult(
        run_id,
        RunSpec("digits", arch),
        Metrics(accuracy, 0.1, 270, 1, "completed"),
        cost,
        (EpochStats(1, 1.0, 0.5, 1.0, 0.5, seconds),),
        "cpu",
        "CPU, 2 cores",
    )


RUNS = [fake_run("aaaa1111", "cnn", 0.98, 4.0), fake_run("bbbb2222", "mlp", 0.93, 0.5)]


def test_labels_name_the_model_the_data_and_the_run():
    assert run_label(RUNS[0]) == "CNN · digits · aaaa"


def test_table_has_one_row_per_run_with_units():
    table = comparison_table(RUNS)
    assert list(table["Model"]) == ["CNN · digits · aaaa", "MLP · digits · bbbb"]
    assert list(table["Test accuracy (%)"]) == [98.0, 93.0]
    assert list(table["Energy was"]) == ["estimated", "estimated"]


def test_summary_names_the_most_accurate_and_the_cheapest():
    summary = comparison_summary(RUNS, cost_axis="train_seconds")
    assert summary == (
        "Most accurate: CNN · digits · aaaa (98.0%). Cheapest by training time: MLP · digits · bbbb (93.0% accurate)."
    )
