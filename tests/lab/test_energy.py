"""Energy, honestly: codecarbon's sampling interval, energy per epoch and per 1 000 answers, old stored runs."""

import time

import pytest
import torch

from lab.config import Settings
from lab.cost import build_cost_report
from lab.meter import CostMeter, measure_answer_energy
from lab.pipeline import run
from lab.result import RunResult
from lab.spec import RunSpec

SETTINGS = Settings(workers=1, max_jobs_per_person=4, store_url="sqlite://", grid_g_per_kwh=480.0, country="USA")
CPU = torch.device("cpu")


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_codecarbon_reads_the_power_at_least_once_a_second():
    with CostMeter(SETTINGS, CPU) as meter:
        # codecarbon's own objects: the interval it was given and the timer that runs on it
        assert meter._tracker._measure_power_secs <= 1
        assert meter._tracker._scheduler.interval <= 1
        _busy(0.1)
    assert meter.tracked  # codecarbon's figure was used, not the fallback


@pytest.fixture(scope="module")
def network_run() -> RunResult:
    result, _ = run(RunSpec("digits", "mlp", epochs=2, seed=0))
    return result


def test_energy_per_epoch_is_the_energy_over_the_epochs_run(network_run):
    cost = network_run.cost
    assert network_run.metrics.epochs_run == 2
    assert cost.energy_per_epoch_kwh == pytest.approx(cost.energy_kwh / 2)


def test_energy_of_1000_answers_is_measured_and_plausible_for_a_short_run(network_run):
    cost = network_run.cost
    assert cost.energy_per_1000_predictions_kwh > 0
    assert cost.predictions_energy_method in ("measured", "estimated")
    assert "answers one at a time" in cost.predictions_energy_source  # the loop ran under codecarbon
    # Oracle: 1 000 answers take about 1 000 x the median time of one; at the power seen while training,
    # that is this energy. A factor of 30 each way: the loop runs one thread and training several, and on a
    # busy shared machine the loop's mean time per answer is several times the median (seen here: 12 times).
    # Forgetting to divide by the answers counted, or to scale to 1 000, is off by a factor of 1 000 or more.
    training_watts = cost.energy_kwh * 3.6e6 / cost.train_seconds
    expected_kwh = 1000 * cost.latency_ms / 1000 * training_watts / 3.6e6
    assert expected_kwh / 30 < cost.energy_per_1000_predictions_kwh < expected_kwh * 30


def test_a_model_fitted_in_one_go_has_its_answers_measured_too():
    result, _ = run(RunSpec("compas", "logreg"))
    assert result.cost.energy_per_epoch_kwh == result.cost.energy_kwh  # one fit, one "epoch"
    assert result.cost.energy_per_1000_predictions_kwh > 0 and result.cost.predictions_energy_source


def test_longer_answers_cost_more_energy_each():
    def measure(ms: float):
        return measure_answer_energy(
            lambda: _busy(ms / 1000), device=CPU, settings=SETTINGS, latency_ms=ms, training_watts=10, seconds=0.4
        )

    short, long = measure(1.0), measure(4.0)
    assert short.method in ("measured", "estimated") and "answers one at a time" in short.source
    # Energy per answer follows the time per answer: 4 ms of work costs about 4 times 1 ms of work.
    assert 2 < long.kwh_per_1000 / short.kwh_per_1000 < 8


def test_when_codecarbon_cannot_measure_the_answers_they_are_derived_and_say_so(monkeypatch):
    import codecarbon

    def broken(**kwargs: object) -> None:
        raise RuntimeError("no hardware")

    monkeypatch.setattr(codecarbon, "OfflineEmissionsTracker", broken)
    answers = measure_answer_energy(
        lambda: None, device=CPU, settings=SETTINGS, latency_ms=2.0, training_watts=36.0, seconds=0.05
    )
    # By hand: 2 ms x 36 W = 0.072 J per answer; 1 000 answers 72 J = 0.02 Wh = 2e-5 kWh.
    assert answers.kwh_per_1000 == pytest.approx(2e-5)
    assert answers.method == "estimated"
    assert "derived" in answers.source and "36 W" in answers.source


def test_a_run_has_at_least_one_epoch():
    with CostMeter(SETTINGS, CPU) as meter:
        pass
    answers = measure_answer_energy(lambda: None, device=CPU, settings=SETTINGS, latency_ms=1, training_watts=1)
    with pytest.raises(ValueError, match="at least one epoch"):
        build_cost_report(
            meter=meter,
            params=1,
            flops_per_sample=1,
            train_flops=1,
            latency_ms=1,
            epochs=0,
            answers=answers,
            settings=SETTINGS,
        )


def test_a_run_stored_before_these_figures_still_loads(network_run):
    stored = network_run.to_dict()
    for key in (
        "energy_per_epoch_kwh",
        "energy_per_1000_predictions_kwh",
        "predictions_energy_method",
        "predictions_energy_source",
    ):
        del stored["cost"][key]
    old = RunResult.from_dict(stored)
    assert old.cost.energy_per_epoch_kwh == pytest.approx(old.cost.energy_kwh / 2)  # worked out from the total
    assert old.cost.energy_per_1000_predictions_kwh == 0.0  # unknown, and shown as not measured
    assert old.cost.energy_kwh == network_run.cost.energy_kwh
