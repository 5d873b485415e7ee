"""Seconds of training to reach 97 % test accuracy on digits, per architecture (target <= 5 s for the CNN).

    .venv/bin/python benchmarks/time_to_accuracy.py

Test accuracy is checked after every epoch; the time spent checking is not counted.
"""

import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lab.data import load_dataset  # noqa: E402
from lab.spec import RunSpec  # noqa: E402
from lab.training import evaluate, fit, seed_everything  # noqa: E402
from models import REGISTRY, build_model  # noqa: E402

CPU = torch.device("cpu")
TARGET = 0.97
MAX_EPOCHS = 40


class ReachedTarget(Exception):
    pass


def seconds_to_target(arch: str, seed: int = 0) -> tuple[float | None, int, float]:
    """(training seconds until test accuracy >= TARGET or None, epochs, best accuracy)."""
    data = load_dataset("digits", seed=seed)
    spec = RunSpec("digits", arch, epochs=MAX_EPOCHS, seed=seed)
    seed_everything(seed)
    model = build_model(arch, data.inputs)
    clock = {"started": time.perf_counter(), "excluded": 0.0, "best": 0.0, "epoch": 0}

    def check(progress) -> None:
        if progress.epoch == clock["epoch"]:
            return
        paused = time.perf_counter()
        clock["epoch"] = progress.epoch
        accuracy = evaluate(model, data.test, CPU)[1]
        model.train()
        clock["best"] = max(clock["best"], accuracy)
        clock["excluded"] += time.perf_counter() - paused
        if accuracy >= TARGET:
            raise ReachedTarget

    try:
        fit(model, data, spec, device=CPU, on_progress=check)
    except ReachedTarget:
        return time.perf_counter() - clock["started"] - clock["excluded"], clock["epoch"], clock["best"]
    return None, clock["epoch"], clock["best"]


def main() -> None:
    torch.set_num_threads(2)
    print(f"{'arch':12} {'seconds to 97%':>15} {'epochs':>7} {'best accuracy':>14}")
    for arch, info in REGISTRY.items():
        if "image" not in info.modalities:
            continue
        seconds, epochs, best = seconds_to_target(arch)
        shown = f"{seconds:.2f}" if seconds is not None else f"not in {MAX_EPOCHS} ep"
        print(f"{arch:12} {shown:>15} {epochs:7d} {best:14.1%}")


if __name__ == "__main__":
    main()
