"""Cost figures against hand-computed oracles; the meter on a real busy loop and a real allocation."""

import time

import psutil
import pytest
import torch
from torch import nn

import lab.cost as cost
import lab.meter as meter_module
from lab.config import Settings
from lab.cost import build_cost_report, co2_grams, count_params, forward_flops, measure_latency_ms, training_flops
from lab.meter import AnswerEnergy, CostMeter, describe_energy

SETTINGS = Settings(workers=1, max_jobs_per_person=4, store_url="sqlite://", grid_g_per_kwh=480.0, country="USA")
CPU = torch.device("cpu")


def test_linear_flops_are_two_per_multiply_add_and_ignore_the_bias() -> None:
    assert forward_flops(nn.Linear(20, 7), torch.randn(1, 20)) == 2 * 20 * 7


def test_conv2d_flops_match_the_hand_count() -> None:
    conv = nn.Conv2d(3, 4, kernel_size=3)  # 8x8 input, no padding -> 6x6 output
    assert forward_flops(conv, torch.randn(1, 3, 8, 8)) == 2 * 3 * 4 * 3 * 3 * 6 * 6


class _Recurrent(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(4, 8, batch_first=True)
        self.head = nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (B, T, 8)
        return self.head(out[:, -1])  # (B, 2)


def test_lstm_flops_are_counted_by_hand_where_torch_counts_none() -> None:
    steps, gates = 6, 4
    lstm = 2 * gates * 8 * (4 + 8) * steps  # input and recurrent matrix per gate, per step
    assert forward_flops(_Recurrent(), torch.randn(1, steps, 4)) == lstm + 2 * 8 * 2


class _PackedRecurrent(nn.Module):
    """Reads only the real steps of a padded sequence, as the text LSTM does."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(4, 8, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor([3]), batch_first=True)
        _, (h_n, _) = self.rnn(packed)
        return h_n[-1]  # (B, 8)


def test_lstm_flops_on_a_packed_sequence_count_only_its_real_steps() -> None:
    real_steps, gates = 3, 4
    assert forward_flops(_PackedRecurrent(), torch.randn(1, 6, 4)) == 2 * gates * 8 * (4 + 8) * real_steps


def test_forward_flops_restores_training_mode_and_wants_one_sample() -> None:
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5)).train()
    forward_flops(model, torch.randn(1, 3))
    assert model.training
    with pytest.raises(ValueError, match="batch of one"):
        forward_flops(model, torch.randn(2, 3))


def test_training_flops_are_three_forwards_per_training_sample_plus_one_per_evaluation() -> None:
    assert training_flops(10, train_samples_seen=100, eval_samples=20) == 10 * (3 * 100 + 20)


def test_count_params_counts_trainable_numbers_only() -> None:
    mlp = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    assert count_params(mlp) == (4 * 3 + 3) + (3 * 2 + 2)
    mlp[0].bias.requires_grad_(False)
    assert count_params(mlp) == (4 * 3) + (3 * 2 + 2)


def test_latency_is_positive() -> None:
    assert measure_latency_ms(nn.Linear(8, 2), torch.randn(1, 8), repeats=5) > 0


def test_latency_is_the_median_so_one_slow_call_does_not_move_it(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = {"now": 0.0, "calls": 0}

    class Ticks(nn.Module):
        """Advances a fake clock by 1 ms a call, and by 1 s on one call."""

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            clock["calls"] += 1
            clock["now"] += 1.0 if clock["calls"] == 6 else 0.001
            return x

    monkeypatch.setattr(cost, "perf_counter", lambda: clock["now"])
    assert measure_latency_ms(Ticks(), torch.zeros(1, 1), repeats=7) == pytest.approx(1.0)


def test_co2_is_energy_times_grid_intensity() -> None:
    assert co2_grams(0.5, 480.0) == 240.0


def _fake(kind: str, **attributes: object) -> object:
    """An object that looks to describe_energy like one of codecarbon's hardware classes."""
    return type(kind, (), attributes)()


def test_energy_is_measured_only_when_every_processor_reads_a_sensor() -> None:
    ram = _fake("RAM")
    rapl = _fake("CPU", _mode="intel_rapl", _tdp=None, _is_generic_tdp=False)
    load = _fake("CPU", _mode="cpu_load", _tdp=8, _is_generic_tdp=False)
    gpu = _fake("GPU")
    assert describe_energy([ram, rapl])[0] == "measured"
    assert describe_energy([ram, rapl, gpu])[0] == "measured"
    method, source = describe_energy([ram, load, gpu])
    assert method == "estimated"
    assert "8 W" in source and "GPU" in source and "RAM" in source


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_meter_measures_time_memory_and_energy_and_writes_no_file(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    rss_at_start_mb = psutil.Process().memory_info().rss / 2**20
    with CostMeter(SETTINGS, CPU) as meter:
        _busy(1.2)
        block = torch.ones(50_000_000)  # 200 MB, written so its pages are resident
        time.sleep(0.3)  # several memory samples while it is held
        del block
    assert meter.seconds >= 1.2
    assert meter.energy_kwh > 0
    assert meter.energy_method in ("measured", "estimated")
    assert meter.energy_source
    assert meter.peak_memory_mb >= rss_at_start_mb + 150
    assert meter.gpu_peak_memory_mb is None
    assert list(tmp_path.iterdir()) == []


def test_meter_gives_a_short_run_some_energy() -> None:
    with CostMeter(SETTINGS, CPU) as meter:
        _busy(0.2)
    assert meter.energy_kwh > 0


def test_meter_falls_back_to_a_stated_estimate_when_codecarbon_fails(monkeypatch) -> None:
    import codecarbon

    def broken(**kwargs: object) -> None:
        raise RuntimeError("no hardware")

    monkeypatch.setattr(codecarbon, "OfflineEmissionsTracker", broken)
    with CostMeter(SETTINGS, CPU) as meter:
        _busy(0.1)
    assert meter.energy_method == "estimated"
    assert meter.energy_kwh == pytest.approx(meter.seconds * meter_module.FALLBACK_WATTS / 3.6e6)
    assert "no hardware" in meter.energy_source


def test_build_cost_report_assembles_the_meter_and_model_figures() -> None:
    model = nn.Linear(4, 2)
    with CostMeter(SETTINGS, CPU) as meter:
        _busy(0.1)
    report = build_cost_report(
        meter=meter,
        params=count_params(model),
        flops_per_sample=16,
        train_flops=4800,
        latency_ms=0.5,
        epochs=4,
        answers=AnswerEnergy(2e-6, "measured", "measured: 100 answers"),
        settings=SETTINGS,
    )
    assert report.params == 10
    assert (report.flops_per_sample, report.train_flops, report.latency_ms) == (16, 4800, 0.5)
    assert report.train_seconds == meter.seconds
    assert report.co2_g == pytest.approx(meter.energy_kwh * 480.0)
    assert report.grid_g_per_kwh == 480.0
    assert report.energy_per_epoch_kwh == pytest.approx(meter.energy_kwh / 4)
    assert report.energy_per_1000_predictions_kwh == 2e-6
    assert (report.predictions_energy_method, report.predictions_energy_source) == ("measured", "measured: 100 answers")
