"""Hand-made RunResults for the ui tests: the figures are chosen, not trained."""

import pytest

from lab.result import CostReport, EpochStats, Metrics, RunResult
from lab.spec import RunSpec


def make_run(run_id: str, arch: str, accuracy: float, seconds: float) -> RunResult:
    cost = CostReport(1000, 2000, 6_000_000, seconds, 0.1, 500.0, None, 1e-6, "estimated", "test", 4.8e-4, 480.0)
    return RunResult(
        run_id,
        RunSpec("digits", arch),
        Metrics(accuracy, 0.1, 270, 1, "completed"),
        cost,
        (EpochStats(1, 1.0, 0.5, 1.0, 0.5, seconds),),
        "cpu",
        "CPU, 2 cores",
        finished_at="2026-11-22T07:32:12+00:00",
    )


@pytest.fixture
def two_runs() -> list[RunResult]:
    """A slow accurate CNN and a quick less accurate MLP."""
    return [make_run("aaaa1111", "cnn", 0.98, 4.0), make_run("bbbb2222", "mlp", 0.93, 0.5)]
