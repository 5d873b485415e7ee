"""The engine's loop against a bare PyTorch loop, determinism, explosion, cancel and early stopping."""

import pytest
import torch
from torch import nn

from lab.data import load_dataset
from lab.pipeline import run
from lab.spec import RunSpec
from lab.training import Cancelled, EarlyStopping, LossExploded, fit, seed_everything
from models import build_model

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", seed=3)


def engine_weights(data, spec: RunSpec) -> dict[str, torch.Tensor]:
    seed_everything(spec.seed)
    model = build_model(spec.arch, data.inputs)
    fit(model, data, spec, device=CPU)
    return model.state_dict()


def bare_loop_weights(data, spec: RunSpec) -> dict[str, torch.Tensor]:
    """The textbook PyTorch loop, written out by hand: the oracle for the engine's loop."""
    torch.manual_seed(spec.seed)
    model = build_model(spec.arch, data.inputs)
    optimizer = torch.optim.Adam(model.parameters(), lr=spec.lr)
    order = torch.Generator().manual_seed(spec.seed)
    for _ in range(spec.epochs):
        model.train()
        for index in torch.randperm(len(data.train.y), generator=order).split(spec.batch_size):
            loss = nn.functional.cross_entropy(model(data.train.x[index]), data.train.y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return model.state_dict()


@pytest.mark.parametrize("arch", ["mlp", "cnn"])
def test_engine_matches_a_bare_pytorch_loop(digits, arch):
    spec = RunSpec("digits", arch, epochs=2, lr=1e-3, batch_size=32, seed=3)
    engine, bare = engine_weights(digits, spec), bare_loop_weights(digits, spec)
    assert engine.keys() == bare.keys()
    for name in engine:
        torch.testing.assert_close(engine[name], bare[name], rtol=0, atol=0, msg=name)


def test_same_seed_same_run_and_other_seed_other_run(digits):
    spec = RunSpec("digits", "mlp", epochs=2, batch_size=64, seed=3)
    first, second = engine_weights(digits, spec), engine_weights(digits, spec)
    other = engine_weights(digits, RunSpec("digits", "mlp", epochs=2, batch_size=64, seed=4))
    assert all(torch.equal(first[name], second[name]) for name in first)
    assert not all(torch.equal(first[name], other[name]) for name in first)


def test_a_huge_learning_rate_stops_with_the_explosion_message(digits):
    spec = RunSpec("digits", "mlp", epochs=5, lr=1e6, seed=3)
    seed_everything(spec.seed)
    with pytest.raises(LossExploded, match=r"learning rate is too high: the loss exploded at epoch \d"):
        fit(build_model("mlp", digits.inputs), digits, spec, device=CPU)


def test_cancel_is_honoured_between_batches(digits):
    calls = []

    def stop_after_three_batches() -> bool:
        calls.append(1)
        return len(calls) > 3

    spec = RunSpec("digits", "mlp", epochs=5, seed=3)
    with pytest.raises(Cancelled, match="cancelled during epoch 1"):
        fit(build_model("mlp", digits.inputs), digits, spec, device=CPU, should_stop=stop_after_three_batches)
    assert len(calls) == 4


def test_early_stopping_stops_after_patience_and_keeps_the_best_weights():
    model = nn.Linear(2, 2)
    stopper = EarlyStopping(patience=2)
    weights_at = {}
    for epoch, val_loss in enumerate([1.0, 0.8, 0.9, 0.95], start=1):
        with torch.no_grad():
            model.weight.fill_(epoch)  # mark the weights with the epoch that produced them
        weights_at[epoch] = stopper.should_stop(model, val_loss, epoch)
    assert weights_at == {1: False, 2: False, 3: False, 4: True}
    stopper.restore(model)
    assert torch.all(model.weight == 2)
    assert "epoch 2" in stopper.reason()


def test_patience_zero_never_stops():
    stopper = EarlyStopping(patience=0)
    assert not any(stopper.should_stop(nn.Linear(1, 1), loss, epoch) for epoch, loss in enumerate([1, 2, 3, 4], 1))


def test_run_measures_a_cnn_on_digits():
    result, weights = run(RunSpec("digits", "cnn", epochs=3, seed=0))
    assert result.metrics.accuracy > 0.8
    assert result.metrics.n_test == len(load_dataset("digits", seed=0).test.y)
    assert len(result.history) == 3
    cost = result.cost
    assert cost.params > 0 and cost.flops_per_sample > 0
    assert cost.train_flops >= 3 * cost.flops_per_sample * len(load_dataset("digits", seed=0).train.y) * 3
    assert cost.train_seconds > 0 and cost.latency_ms > 0 and cost.peak_memory_mb > 0
    assert cost.energy_kwh > 0 and cost.energy_method in ("measured", "estimated")
    assert cost.co2_g == pytest.approx(cost.energy_kwh * cost.grid_g_per_kwh)
    assert result.device == "cpu" and result.versions["torch"].startswith("2.13")
    assert len(weights) > 1000
