"""`python -m lab`: JSON contract, listing, and one-line errors with exit code 2."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lab", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_train_json_has_the_documented_keys():
    done = cli("train", "--dataset", "digits", "--arch", "mlp", "--epochs", "2", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["spec"]["arch"] == "mlp" and 0.5 < result["metrics"]["accuracy"] <= 1
    for key in (
        "params",
        "flops_per_sample",
        "train_flops",
        "train_seconds",
        "latency_ms",
        "peak_memory_mb",
        "energy_kwh",
        "energy_method",
        "energy_per_epoch_kwh",
        "energy_per_1000_predictions_kwh",
        "predictions_energy_method",
        "co2_g",
    ):
        assert key in result["cost"], key
    assert result["device"] == "cpu" and result["fairness"] is None  # digits record nothing about people
    assert [epoch["epoch"] for epoch in result["history"]] == [1, 2]


def test_lists():
    assert "digits" in cli("datasets").stdout and "reviews" in cli("datasets").stdout
    archs = cli("archs").stdout
    assert all(name in archs for name in ("mlp", "cnn", "lstm", "transformer", "minilm"))


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["train", "--dataset", "nope", "--arch", "cnn"], "Unknown dataset"),
        (["train", "--dataset", "digits", "--arch", "resnet"], "Unknown architecture"),
        (["train", "--dataset", "digits", "--arch", "cnn", "--epochs", "-3"], "epochs must be between"),
        (["train", "--dataset", "digits", "--arch", "cnn", "--lr", "nan"], "learning rate must be a number"),
        (["train", "--dataset", "digits", "--arch", "cnn", "--epochs", "many"], "invalid int value"),
        (["train", "--dataset", "digits"], "required"),
        (["fly"], "invalid choice"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, words):
    done = cli(*args)
    assert done.returncode == 2
    assert words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_exported_predictions_reproduce_the_fairness_figures_with_fairlearn(tmp_path):
    from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

    path = tmp_path / "predictions.csv"
    done = cli(
        "train", "--dataset", "compas", "--arch", "mlp", "--epochs", "2", "--json", "--export-predictions", str(path)
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    table = pd.read_csv(path)
    assert list(table.columns) == ["y_true", "y_pred", "score", "race", "sex"]
    assert len(table) == result["metrics"]["n_test"]
    assert (table["y_pred"] == table["y_true"]).mean() == pytest.approx(result["metrics"]["accuracy"])
    assert ((table["score"] > 0.5) == (table["y_pred"] == 1)).all()
    names = [attribute["attribute"] for attribute in result["fairness"]["attributes"]]
    assert names == ["race", "sex", "race × sex"]
    for attribute in result["fairness"]["attributes"]:
        groups = table[attribute["attribute"].split(" × ")]  # one column, or both for the intersection
        # the gaps leave out groups with fewer than 5 people in the test set (when two larger ones remain)
        sizes = groups.value_counts()
        large = sizes[sizes >= 5].index
        kept = groups.apply(tuple, axis=1).isin(large) if len(large) >= 2 else groups.index == groups.index
        y_true, y_pred, groups = table["y_true"][kept], table["y_pred"][kept], groups[kept]
        assert attribute["dp_difference"] == pytest.approx(
            demographic_parity_difference(y_true, y_pred, sensitive_features=groups)
        )
        assert attribute["eo_difference"] == pytest.approx(
            equalized_odds_difference(y_true, y_pred, sensitive_features=groups)
        )
    # COMPAS has races with a handful of people in the test set: the case above is exercised
    assert any(min(g["size"] for g in a["groups"]) < 5 for a in result["fairness"]["attributes"])


def test_export_to_a_missing_folder_is_refused_before_training(tmp_path):
    done = cli("train", "--dataset", "compas", "--arch", "mlp", "--export-predictions", str(tmp_path / "no" / "x.csv"))
    assert done.returncode == 2 and "does not exist" in done.stderr and len(done.stderr.splitlines()) == 1


def test_adult_logistic_regression_prints_the_sex_gap_and_the_threshold_fix():
    """Acceptance: the CLI shows a gap by sex above 0.1 and demographic-parity thresholds bring it below 0.05."""
    done = cli("train", "--dataset", "adult", "--arch", "logreg")
    assert done.returncode == 0, done.stderr
    sex = next(line for line in done.stdout.splitlines() if "fairness       sex:" in line)
    assert float(sex.split("demographic parity difference ")[1].split(",")[0]) > 0.1
    fixed = next(line for line in done.stdout.splitlines() if "mitigation     threshold_dp on sex" in line)
    assert float(fixed.split("demographic parity difference ")[1].split(",")[0]) < 0.05


def test_drop_sensitive_trains_without_the_columns_and_is_refused_where_there_are_none():
    done = cli("train", "--dataset", "compas", "--arch", "logreg", "--drop-sensitive", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["spec"]["drop_sensitive"] is True and result["fairness"]["attributes"]  # groups still measured
    refused = cli("train", "--dataset", "digits", "--arch", "mlp", "--drop-sensitive")
    assert refused.returncode == 2 and "no sensitive columns" in refused.stderr
