"""What a run costs: parameters, FLOPs and latency counted on the model, and the cost report of a run.

Wall time, memory and energy are measured around the run by lab.meter.
"""

import statistics
from time import perf_counter
from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence
from torch.utils.flop_counter import FlopCounterMode

from lab.config import Settings
from lab.device import synchronize
from lab.meter import AnswerEnergy, CostMeter
from lab.result import CostReport

# Matrix multiplies per time step of each recurrent cell: one per gate (LSTM 4, GRU 3, plain RNN 1).
_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def count_params(model: nn.Module) -> int:
    """The number of trainable parameters (the numbers training changes)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _recurrent_flops(module: nn.RNNBase, example: torch.Tensor | PackedSequence) -> int:
    """FLOPs of the matrix multiplies of a recurrent module on one sequence (bias not counted).

    torch's FlopCounterMode has no formula for the fused RNN kernels (`aten._lstm`, cuDNN) and counts
    them as 0, so we count them by hand with the same convention: a multiply-add is 2 FLOPs.
    """
    if isinstance(example, PackedSequence):
        steps = example.data.shape[0]  # a batch of one sequence: its real (unpadded) steps
    else:
        steps = example.shape[1] if module.batch_first else example.shape[0]
    gates = _GATES[module.mode]
    directions = 2 if module.bidirectional else 1
    h_size = module.proj_size or module.hidden_size  # the size of the state fed back each step
    total = 0
    for layer in range(module.num_layers):
        in_size = module.input_size if layer == 0 else h_size * directions
        per_step = 2 * gates * module.hidden_size * (in_size + h_size)
        per_step += 2 * module.hidden_size * module.proj_size  # the projection, 0 when unused
        total += per_step * steps * directions
    return total


def _remember_input(inputs: dict[str, Any], name: str):
    """A forward pre-hook that keeps a module's first input; it returns None, so the input is unchanged."""

    def hook(module: nn.Module, args: tuple) -> None:
        inputs.setdefault(name, args[0])

    return hook


def forward_flops(model: nn.Module, example: torch.Tensor) -> int:
    """FLOPs of one forward pass on one sample, counted by torch's FlopCounterMode.

    Parameters
    ----------
    model : the model; its train/eval mode is restored afterwards.
    example : a batch of one sample, on the model's device.

    Returns
    -------
    int : a multiply-add counts as 2 FLOPs, so Linear(in, out) gives 2 * in * out. Only matrix
        multiplies, convolutions and attention are counted: bias additions, activations and
        normalisation are left out, as torch's counter does (they are a small share).
    """
    if example.shape[0] != 1:
        raise ValueError(f"forward_flops needs a batch of one sample, got a batch of {example.shape[0]}.")
    inputs: dict[str, torch.Tensor] = {}
    hooks = [
        module.register_forward_pre_hook(_remember_input(inputs, name))
        for name, module in model.named_modules()
        if isinstance(module, nn.RNNBase)
    ]
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad(), FlopCounterMode(display=False) as counter:
            model(example)
    finally:
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    counted = counter.get_flop_counts()
    root = type(model).__name__
    total = counter.get_total_flops()
    for name, module_input in inputs.items():
        fqn = f"{root}.{name}" if name else root
        # Add our count only where torch counted nothing, so a future torch formula is not doubled.
        if not sum(counted.get(fqn, {}).values()):
            total += _recurrent_flops(model.get_submodule(name), module_input)
    return int(total)


def training_flops(flops_per_sample: int, *, train_samples_seen: int, eval_samples: int) -> int:
    """Estimated FLOPs of a whole run: 3 x forward per training sample + 1 x forward per evaluated one.

    The backward pass costs about twice the forward pass (Kaplan et al. 2020, "Scaling Laws for
    Neural Language Models", C ~ 6N per token = 2N forward + 4N backward).
    """
    return 3 * flops_per_sample * train_samples_seen + flops_per_sample * eval_samples


def measure_latency_ms(model: nn.Module, example: torch.Tensor, *, repeats: int = 30) -> float:
    """Median wall time, in milliseconds, of a forward pass on a batch of one, after a warm-up.

    The median, not the mean, so one call slowed by another process or the garbage collector does
    not move the figure. The model's train/eval mode is restored afterwards.
    """
    was_training = model.training
    model.eval()
    samples = []
    try:
        with torch.no_grad():
            for _ in range(3):  # warm-up: lazy initialisation, allocator and kernel caches
                model(example)
            for _ in range(repeats):
                synchronize(example.device)
                start = perf_counter()
                model(example)
                synchronize(example.device)
                samples.append((perf_counter() - start) * 1000)
    finally:
        model.train(was_training)
    return statistics.median(samples)


def co2_grams(energy_kwh: float, grid_g_per_kwh: float) -> float:
    """Grams of CO2 for this energy at this grid carbon intensity (an estimate)."""
    return energy_kwh * grid_g_per_kwh


def build_cost_report(
    *,
    meter: CostMeter,
    params: int,
    flops_per_sample: int,
    train_flops: int,
    latency_ms: float,
    epochs: int,
    answers: AnswerEnergy,
    settings: Settings,
) -> CostReport:
    """Assemble a run's CostReport from the meter's figures and those measured on the model.

    Parameters
    ----------
    meter : the CostMeter that was wrapped around training and evaluation (already exited).
    params : the trained model's parameter count (`count_params`, or a baseline's own count).
    flops_per_sample : from `forward_flops`, plus any work done before the model (a frozen encoder).
    train_flops : from `training_flops`.
    latency_ms : from `measure_latency_ms`.
    epochs : the epochs run (1 for a model fitted in one go), for the energy per epoch.
    answers : from `measure_answer_energy`.
    settings : for the grid carbon intensity that turns energy into CO2.
    """
    if epochs < 1:
        raise ValueError(f"A run has at least one epoch, got {epochs}.")
    return CostReport(
        params=params,
        flops_per_sample=flops_per_sample,
        train_flops=train_flops,
        train_seconds=meter.seconds,
        latency_ms=latency_ms,
        peak_memory_mb=meter.peak_memory_mb,
        gpu_peak_memory_mb=meter.gpu_peak_memory_mb,
        energy_kwh=meter.energy_kwh,
        energy_method=meter.energy_method,
        energy_source=meter.energy_source,
        co2_g=co2_grams(meter.energy_kwh, settings.grid_g_per_kwh),
        grid_g_per_kwh=settings.grid_g_per_kwh,
        energy_per_epoch_kwh=meter.energy_kwh / epochs,
        energy_per_1000_predictions_kwh=answers.kwh_per_1000,
        predictions_energy_method=answers.method,
        predictions_energy_source=answers.source,
    )
