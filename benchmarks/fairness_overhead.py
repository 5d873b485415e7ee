"""Share of a run's time spent on fairness, on Adult, per table model (target: evaluation <= 10 % of the run).

"Evaluation" is the fairness report (fairlearn MetricFrame per attribute and for sex x race); "thresholds" is
ThresholdOptimizer for two constraints per attribute; "retraining" is ExponentiatedGradient (logistic regression
only). Each model trains with the data card's suggested settings, after one warm-up run that loads the data
and the libraries.

.venv/bin/python benchmarks/fairness_overhead.py
"""

import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lab.mitigation  # noqa: E402
import lab.pipeline  # noqa: E402
from lab.data import DATASETS  # noqa: E402
from lab.spec import RunSpec  # noqa: E402

ARCHS = ("logreg", "boosting", "mlp", "transformer")
spent: dict[str, float] = defaultdict(float)


def timed(part: str, function):
    """Wrap `function` so that its wall time adds to spent[part]."""

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[part] += time.perf_counter() - started

    return wrapper


def main() -> None:
    lab.pipeline.fairness_report = timed("evaluation", lab.pipeline.fairness_report)
    lab.mitigation.threshold_mitigations = timed("thresholds", lab.mitigation.threshold_mitigations)
    lab.mitigation.exponentiated_gradient = timed("retraining", lab.mitigation.exponentiated_gradient)
    card = DATASETS["adult"]
    lab.pipeline.run(RunSpec("adult", "logreg", seed=1))  # warm-up: data, fairlearn, scikit-learn
    print(f"{'model':12} {'run s':>7} {'evaluation s':>13} {'share':>6} {'thresholds s':>13} {'retraining s':>13}")
    for arch in ARCHS:
        spent.clear()
        spec = RunSpec("adult", arch, epochs=card.suggested_epochs, batch_size=card.suggested_batch_size)
        started = time.perf_counter()
        lab.pipeline.run(spec)
        total = time.perf_counter() - started
        print(
            f"{arch:12} {total:7.2f} {spent['evaluation']:13.2f} {spent['evaluation'] / total:6.1%} "
            f"{spent['thresholds']:13.2f} {spent['retraining']:13.2f}"
        )


if __name__ == "__main__":
    main()
