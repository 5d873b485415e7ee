"""What privacy costs per architecture on digits: DP-SGD's training time against plain training, and the attack's
share of a run (target: the attack adds at most 10 %).

Each architecture trains 3 epochs at a learning rate of 0.01 (the Privacy page's sweep setting), without DP and
with ε = 8, after one warm-up run that loads the data and the libraries. "Train s" is the run's measured
training time (RunResult.cost.train_seconds, DP's noise search included); "attack s" is membership inference.

.venv/bin/python benchmarks/privacy_costs.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lab.pipeline  # noqa: E402
from lab.spec import RunSpec  # noqa: E402

ARCHS = ("mlp", "cnn", "lstm", "transformer")
attack_seconds: list[float] = []


def timed_attack(function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            attack_seconds.append(time.perf_counter() - started)

    return wrapper


def main() -> None:
    lab.pipeline.measure_privacy = timed_attack(lab.pipeline.measure_privacy)
    lab.pipeline.run(RunSpec("digits", "mlp", epochs=1))  # warm-up
    header = f"{'model':12} {'train s':>8} {'DP train s':>11} {'DP/plain':>9} {'run s':>7} {'attack s':>9} {'share':>6}"
    print(header)
    for arch in ARCHS:
        spec = RunSpec("digits", arch, epochs=3, lr=0.01)
        attack_seconds.clear()
        started = time.perf_counter()
        plain, _ = lab.pipeline.run(spec)
        total = time.perf_counter() - started
        private, _ = lab.pipeline.run(RunSpec("digits", arch, epochs=3, lr=0.01, dp_epsilon=8.0))
        plain_s, private_s = plain.cost.train_seconds, private.cost.train_seconds
        print(
            f"{arch:12} {plain_s:8.2f} {private_s:11.2f} {private_s / plain_s:9.1f} {total:7.2f} "
            f"{attack_seconds[0]:9.3f} {attack_seconds[0] / total:6.1%}"
        )


if __name__ == "__main__":
    main()
