"""Fitting and measuring the scikit-learn baselines (models/baselines.py) so that their runs read like any other.

A baseline is fitted in one call, so its history has a single "epoch"; its cost is counted with the same
conventions as a network's (lab.cost): operations per sample for one answer, and an estimate of the training
work. Its weights are the pickled estimator: they are only ever written by the lab's own workers into its own
store and read back by the lab, never loaded from elsewhere.
"""

import pickle
import statistics
import time

import numpy as np

from lab.data import Dataset, Split
from lab.result import EpochStats


def probabilities(model, split: Split) -> np.ndarray:
    """The model's probability of every class for every sample of `split`, float (N, n_classes)."""
    return model.predict_proba(split.x.numpy())


def evaluate_baseline(model, split: Split) -> tuple[float, float]:
    """Mean cross-entropy and accuracy (0..1) of a fitted baseline on `split`, as lab.training.evaluate."""
    from sklearn.metrics import log_loss

    proba = probabilities(model, split)
    y = split.y.numpy()
    return float(log_loss(y, proba, labels=model.classes_)), float(np.mean(proba.argmax(axis=1) == y))


def fit_baseline(model, data: Dataset) -> list[EpochStats]:
    """Fit on the training split; one EpochStats with the training and validation loss and accuracy."""
    started = time.perf_counter()
    model.fit(data.train.x.numpy(), data.train.y.numpy())
    train_loss, train_accuracy = evaluate_baseline(model, data.train)
    val_loss, val_accuracy = evaluate_baseline(model, data.val)
    return [EpochStats(1, train_loss, train_accuracy, val_loss, val_accuracy, time.perf_counter() - started)]


def _trees(model) -> list:
    # scikit-learn keeps the fitted trees in a private attribute (stable since 0.21); the public API has no
    # node counts, and the cost of a forest is its nodes.
    return [tree for round_ in model._predictors for tree in round_]


def baseline_params(model) -> int:
    """Numbers the fitted model learned: weights and intercepts, or per tree node a threshold or a leaf value."""
    if hasattr(model, "_predictors"):
        return sum(len(tree.nodes) for tree in _trees(model))
    classifier = model[-1]
    return int(classifier.coef_.size + classifier.intercept_.size)


def baseline_flops(model) -> int:
    """Operations for one answer: a multiply and an add per weight, or a comparison per tree level plus an add."""
    if hasattr(model, "_predictors"):
        # each tree is walked from its root to one leaf; the mean leaf depth is the typical walk
        return sum(int(round(tree.nodes["depth"][tree.nodes["is_leaf"] == 1].mean())) + 1 for tree in _trees(model))
    return 2 * int(model[-1].coef_.size)


def baseline_training_flops(model, *, n_train: int, n_features: int, eval_samples: int) -> int:
    """An estimate of the training work, with lab.cost.training_flops' conventions.

    Logistic regression (Newton steps): each step reads every training sample forwards and backwards
    (3 x forward) and builds the curvature matrix, 2 x samples x weights^2.
    Boosting: each round sums a gradient and a curvature per training sample and column into histograms
    (2 x samples x columns), then updates each sample's score (about 10 operations).
    """
    forward = baseline_flops(model)
    if hasattr(model, "_predictors"):
        work = model.n_iter_ * n_train * (2 * n_features + 10)
    else:
        steps, weights = int(np.max(model[-1].n_iter_)), model[-1].coef_.size
        work = steps * n_train * (3 * forward + 2 * weights**2)
    return int(work + forward * eval_samples)


def baseline_latency_ms(model, example: np.ndarray, *, repeats: int = 30) -> float:
    """Median time to answer one sample (a batch of one), in milliseconds."""
    model.predict_proba(example)  # the first call pays one-off set-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        model.predict_proba(example)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def baseline_to_bytes(model) -> bytes:
    return pickle.dumps(model)


def baseline_from_bytes(weights: bytes):
    return pickle.loads(weights)  # only the lab's own store, written by its own workers (module docstring)
