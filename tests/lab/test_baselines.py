"""A baseline's run reads like a network's: one history row, hand-checkable costs, weights that come back."""

import numpy as np
import pytest

from lab.audit import predictions_table
from lab.baselines import baseline_flops, baseline_params, baseline_training_flops
from lab.data import load_dataset
from lab.pipeline import run
from lab.spec import RunSpec
from models import build_model


def test_logistic_regression_costs_are_its_weights_counted_by_hand():
    data = load_dataset("compas", seed=0)
    model = build_model("logreg", data.inputs).fit(data.train.x.numpy(), data.train.y.numpy())
    weights = model[-1].coef_.size  # one per number and per category seen in training
    n_numbers = sum(1 for k in data.inputs.cardinalities if k == 0)
    n_categories = sum(len(c) for c in model[0].transformers_[0][1].categories_)
    assert weights == n_numbers + n_categories
    assert baseline_params(model) == weights + 1  # and one intercept
    assert baseline_flops(model) == 2 * weights  # a multiply and an add per weight
    steps = int(model[-1].n_iter_[0])
    expected = steps * 100 * (3 * 2 * weights + 2 * weights**2) + 2 * weights * 50
    assert baseline_training_flops(model, n_train=100, n_features=8, eval_samples=50) == expected


def test_boosting_costs_one_walk_down_each_tree():
    data = load_dataset("compas", seed=0)
    model = build_model("boosting", data.inputs, trees=10).fit(data.train.x.numpy(), data.train.y.numpy())
    assert 10 * 2 <= baseline_flops(model) <= 10 * (model.max_leaf_nodes + 1)  # each walk: 1..leaves levels
    assert baseline_params(model) >= 10 * 3  # each tree has at least a split and two leaves


@pytest.mark.parametrize("arch", ["logreg", "boosting"])
def test_a_baseline_run_is_measured_and_its_stored_model_gives_the_same_predictions(arch):
    result, weights = run(RunSpec("compas", arch, seed=1))
    assert len(result.history) == 1 and result.metrics.stop_reason == "completed" and result.device == "cpu"
    assert result.metrics.accuracy > 0.6 and result.cost.train_flops > result.cost.flops_per_sample > 0
    assert result.cost.energy_kwh > 0 and result.fairness is not None
    table = predictions_table(result.spec, weights)
    assert np.mean(table["y_pred"] == table["y_true"]) == pytest.approx(result.metrics.accuracy)
