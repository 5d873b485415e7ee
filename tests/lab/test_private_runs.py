"""Privacy through the whole pipeline and the CLI: membership inference on every run, DP-SGD where asked."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lab.audit import predictions_table
from lab.pipeline import run
from lab.result import RunResult
from lab.spec import RunSpec, SpecError

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lab", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_every_run_is_attacked_on_as_many_members_as_non_members():
    result, _ = run(RunSpec("digits", "mlp", epochs=1))
    attack = result.privacy.membership.loss
    assert not result.privacy.private and result.privacy.epsilon is None
    assert attack.n_members == attack.n_non_members == result.metrics.n_test  # 270 test digits, as many members
    assert 0.3 < attack.auc < 0.7  # one epoch memorises nothing much
    assert RunResult.from_dict(result.to_dict()) == result


def test_differential_privacy_hides_who_was_in_the_training_data():
    """Acceptance: the same seeded run with a small ε has a lower attack AUC than without DP."""
    plain, _ = run(RunSpec("reviews", "mlp", epochs=8, seed=3))
    private, weights = run(RunSpec("reviews", "mlp", epochs=8, seed=3, dp_epsilon=1.0))
    assert plain.privacy.membership.loss.auc > 0.58  # the bag of words memorises its reviews
    assert private.privacy.membership.loss.auc < plain.privacy.membership.loss.auc - 0.05
    assert 0.9 < private.privacy.epsilon <= 1.0 and private.privacy.delta == pytest.approx(1 / 3500)
    assert private.privacy.noise_multiplier > 0.5 and private.privacy.max_grad_norm == 1.0
    # the stored private model rebuilds (its layers as opacus trained them) and gives the same test answers
    table = predictions_table(private.spec, weights)
    assert np.mean(table["y_pred"] == table["y_true"]) == pytest.approx(private.metrics.accuracy)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"dp_epsilon": 0.0}, "must be above 0"),
        ({"dp_epsilon": -1.0}, "must be above 0"),
        ({"dp_epsilon": float("nan")}, "must be a number"),
        ({"dp_epsilon": 1e9}, "promises no privacy"),
        ({"dataset": "adult", "arch": "logreg", "dp_epsilon": 1.0}, "scikit-learn"),
    ],
)
def test_impossible_privacy_settings_say_what_is_wrong(changes, words):
    spec = RunSpec(**{"dataset": "digits", "arch": "mlp", **changes})
    with pytest.raises(SpecError, match=words):
        spec.validate()


def test_cli_trains_with_dp_and_prints_the_privacy_object():
    """Acceptance: `--dp-epsilon 1 --json` reports ε <= 1 and a privacy object."""
    done = cli("train", "--dataset", "digits", "--arch", "mlp", "--epochs", "2", "--dp-epsilon", "1", "--json")
    assert done.returncode == 0, done.stderr
    privacy = json.loads(done.stdout)["privacy"]
    assert 0 < privacy["epsilon"] <= 1 and privacy["delta"] > 0
    assert 0 <= privacy["membership"]["loss"]["auc"] <= 1 and "calibrated" in privacy["membership"]
    refused = cli("train", "--dataset", "digits", "--arch", "mlp", "--dp-epsilon", "0")
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1 and "above 0" in refused.stderr
