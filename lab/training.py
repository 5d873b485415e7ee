"""One training loop for every architecture, and `run`: a RunSpec in, a measured RunResult out."""

from __future__ import annotations

import io
import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from lab.data import Dataset, Split
from lab.result import EpochStats
from lab.spec import RunSpec

if TYPE_CHECKING:
    from lab.dp import PrivateTraining

EVAL_BATCH = 512  # evaluation needs no gradients, so larger batches are cheap and faster
# A loss this many times that of a blind guess (ln of the number of classes) has exploded even if still finite:
# with Adam a huge step size grows the weights linearly, so the loss can reach millions without overflowing.
EXPLODED_FACTOR = 1000


class TrainingStopped(Exception):
    """The run ended before it finished; the message is written for the person who started it."""


class LossExploded(TrainingStopped):
    pass


class Cancelled(TrainingStopped):
    pass


@dataclass(frozen=True)
class Progress:
    stage: str  # what is happening now, in words: "training", "measuring the cost"
    epoch: int  # epochs finished
    epochs: int  # epochs planned
    fraction: float  # 0..1 of the training done
    history: tuple[EpochStats, ...]


ProgressCallback = Callable[[Progress], None]


def seed_everything(seed: int) -> None:
    """Seed every random number generator a run touches, so the same seed gives the same run on CPU."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def make_optimizer(model: nn.Module, spec: RunSpec) -> torch.optim.Optimizer:
    params = [p for p in model.parameters() if p.requires_grad]
    if spec.optimizer == "sgd":
        return torch.optim.SGD(params, lr=spec.lr, momentum=0.9)
    return torch.optim.Adam(params, lr=spec.lr)


@torch.no_grad()
def evaluate(model: nn.Module, split: Split, device: torch.device) -> tuple[float, float]:
    """Mean cross-entropy and accuracy (0..1) of `model` on `split`."""
    model.eval()
    total_loss, correct = 0.0, 0
    for start in range(0, len(split.y), EVAL_BATCH):
        x = split.x[start : start + EVAL_BATCH].to(device)
        y = split.y[start : start + EVAL_BATCH].to(device)
        logits = model(x)  # (B, n_classes)
        total_loss += nn.functional.cross_entropy(logits, y, reduction="sum").item()
        correct += (logits.argmax(dim=1) == y).sum().item()
    return total_loss / len(split.y), correct / len(split.y)


@torch.no_grad()
def predict_proba(model: nn.Module, split: Split, device: torch.device) -> torch.Tensor:
    """The model's probability of every class for every sample of `split`, float (N, n_classes) on the CPU."""
    model.eval()
    batches = [
        model(split.x[start : start + EVAL_BATCH].to(device)).softmax(dim=1).cpu()
        for start in range(0, len(split.y), EVAL_BATCH)
    ]
    return torch.cat(batches)


def fit(
    model: nn.Module,
    data: Dataset,
    spec: RunSpec,
    *,
    device: torch.device,
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    private: PrivateTraining | None = None,
) -> tuple[list[EpochStats], str]:
    """Train `model` on `data.train` as `spec` says; return the per-epoch history and why training ended.

    With `private` (lab.dp.make_private around this model), each step is DP-SGD: opacus' batches, its
    optimizer (per-sample clipping and noise) and its backward pass.

    Raises
    ------
    LossExploded
        when the training loss becomes NaN or infinite.
    Cancelled
        when `should_stop()` turns true (checked between batches).
    """
    optimizer = private.optimizer if private is not None else make_optimizer(model, spec)
    forward = private.model if private is not None else model
    order = torch.Generator().manual_seed(spec.seed)  # the batch order depends on the seed only
    n = len(data.train.y)

    def batches() -> Iterable[tuple[torch.Tensor, torch.Tensor]]:
        if private is not None:
            return private.loader  # each sample joins each batch at random (Poisson sampling), as DP-SGD needs
        return ((data.train.x[i], data.train.y[i]) for i in torch.randperm(n, generator=order).split(spec.batch_size))

    batches_per_epoch = len(private.loader) if private is not None else math.ceil(n / spec.batch_size)
    history: list[EpochStats] = []
    best = EarlyStopping(spec.patience)
    exploded_above = EXPLODED_FACTOR * math.log(max(2, data.inputs.n_classes))
    for epoch in range(1, spec.epochs + 1):
        started = time.perf_counter()
        model.train()
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), dtype=torch.long, device=device)
        seen = 0
        for batch, (x_cpu, y_cpu) in enumerate(batches()):
            if should_stop is not None and should_stop():
                raise Cancelled(f"The run was cancelled during epoch {epoch}.")
            if private is not None and len(y_cpu) == 0:  # a Poisson batch can be empty: a step of noise only
                private.empty_step()
                continue
            x, y = x_cpu.to(device), y_cpu.to(device)
            logits = forward(x)  # (B, n_classes)
            loss = nn.functional.cross_entropy(logits, y)
            loss_value = loss.item()
            if not loss_value < exploded_above:  # also true for NaN
                raise LossExploded(
                    f"The learning rate is too high: the loss exploded at epoch {epoch}. "
                    f"Try a learning rate 10 times smaller than {spec.lr:g}."
                )
            optimizer.zero_grad(set_to_none=True)
            if private is not None:
                private.backward(loss)
            else:
                loss.backward()
            optimizer.step()
            # Running totals stay tensors: converting them to Python numbers every batch costs time.
            loss_sum += loss.detach() * len(y)
            correct += (logits.detach().argmax(dim=1) == y).sum()
            seen += len(y)
            if on_progress is not None:
                done = (epoch - 1 + (batch + 1) / batches_per_epoch) / spec.epochs
                on_progress(Progress("training", epoch - 1, spec.epochs, done, tuple(history)))
        val_loss, val_accuracy = evaluate(model, data.val, device)
        history.append(
            EpochStats(
                epoch,
                loss_sum.item() / max(seen, 1),
                correct.item() / max(seen, 1),
                val_loss,
                val_accuracy,
                time.perf_counter() - started,
            )
        )
        if on_progress is not None:
            on_progress(Progress("training", epoch, spec.epochs, epoch / spec.epochs, tuple(history)))
        if best.should_stop(model, val_loss, epoch):
            best.restore(model)
            return history, best.reason()
    return history, "completed"


class EarlyStopping:
    """Stop when the validation loss has not improved for `patience` epochs; keep the best weights."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.best_loss = math.inf
        self.best_epoch = 0
        self.best_state: dict[str, torch.Tensor] | None = None

    def should_stop(self, model: nn.Module, val_loss: float, epoch: int) -> bool:
        if self.patience <= 0:
            return False
        if val_loss < self.best_loss:
            self.best_loss, self.best_epoch = val_loss, epoch
            self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            return False
        return epoch - self.best_epoch >= self.patience

    def restore(self, model: nn.Module) -> None:
        if self.best_state is not None:
            model.load_state_dict(self.best_state)

    def reason(self) -> str:
        return (
            f"stopped early: no better validation loss for {self.patience} epochs; "
            f"kept the weights of epoch {self.best_epoch}"
        )


def weights_bytes(model: nn.Module) -> bytes:
    """The model's weights as bytes (torch.save of its state dict, on the CPU)."""
    buffer = io.BytesIO()
    torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, buffer)
    return buffer.getvalue()
