"""Engine training time / bare PyTorch loop time, same model, data, seed and batches (target <= 1.05).

.venv/bin/python benchmarks/train_overhead.py
"""

import statistics
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lab.data import load_dataset  # noqa: E402
from lab.spec import RunSpec  # noqa: E402
from lab.training import fit, seed_everything  # noqa: E402
from models import build_model  # noqa: E402

CPU = torch.device("cpu")
# (dataset, arch, epochs, repeats). Engine and bare runs alternate, so a slow spell of the machine hits both
# alike; short runs are repeated more, since a 0.06 s run moves by 10 % with the machine's noise alone.
CASES = (("digits", "mlp", 3, 60), ("digits", "cnn", 3, 15), ("mnist", "cnn", 1, 9), ("reviews", "lstm", 1, 9))


def engine(data, spec: RunSpec) -> float:
    seed_everything(spec.seed)
    model = build_model(spec.arch, data.inputs)
    started = time.perf_counter()
    fit(model, data, spec, device=CPU, on_progress=lambda progress: None)  # progress on, as in a real job
    return time.perf_counter() - started


def bare(data, spec: RunSpec) -> float:
    """The same work written as the textbook loop, validation pass included."""
    torch.manual_seed(spec.seed)
    model = build_model(spec.arch, data.inputs)
    optimizer = torch.optim.Adam(model.parameters(), lr=spec.lr)
    order = torch.Generator().manual_seed(spec.seed)
    started = time.perf_counter()
    for _ in range(spec.epochs):
        model.train()
        for index in torch.randperm(len(data.train.y), generator=order).split(spec.batch_size):
            loss = nn.functional.cross_entropy(model(data.train.x[index]), data.train.y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            nn.functional.cross_entropy(model(data.val.x), data.val.y)
    return time.perf_counter() - started


def main() -> None:
    torch.set_num_threads(2)
    print(f"{'arch':12} {'dataset':8} {'repeats':>7} {'engine s':>9} {'bare s':>9} {'ratio':>7}")
    for dataset, arch, epochs, repeats in CASES:
        data = load_dataset(dataset, seed=0)
        spec = RunSpec(dataset, arch, epochs=epochs, seed=0)
        engine(data, spec), bare(data, spec)  # warm-up
        pairs = [(engine(data, spec), bare(data, spec)) for _ in range(repeats)]
        engine_s = statistics.median(e for e, _ in pairs)
        bare_s = statistics.median(b for _, b in pairs)
        print(f"{arch:12} {dataset:8} {repeats:7d} {engine_s:9.3f} {bare_s:9.3f} {engine_s / bare_s:7.3f}")


if __name__ == "__main__":
    main()
