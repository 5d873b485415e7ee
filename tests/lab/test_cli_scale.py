"""`python -m lab sweep` and `python -m lab estimate`: the JSON contract, the table, one-line errors (exit 2)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lab", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_sweep_json_has_a_point_per_size_and_a_fit():
    done = cli("sweep", "--dataset", "digits", "--arch", "mlp", "--widths", "16", "4", "64", "--epochs", "2", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert [p["width"] for p in answer["points"]] == [4, 16, 64]
    # parameters by hand for 64 pixels -> w -> w -> 10 classes
    assert [p["params"] for p in answer["points"]] == [(64 * w + w) + (w * w + w) + (w * 10 + 10) for w in (4, 16, 64)]
    law = answer["fit"]["by_compute"]
    assert set(law) >= {"a", "exponent", "exponent_se", "r_squared"} and law["n"] == 3
    ahead = answer["fit"]["more_compute"]
    largest = max(p["train_flops"] for p in answer["points"])
    assert ahead["compute"] == pytest.approx(10 * largest) and ahead["low"] < ahead["loss"] < ahead["high"]
    assert answer["no_fit"] == ""


def test_sweep_table_says_when_there_are_too_few_sizes_to_fit():
    done = cli("sweep", "--dataset", "digits", "--arch", "cnn", "--widths", "4", "--epochs", "1")
    assert done.returncode == 0, done.stderr
    assert "parameters" in done.stdout and "no power law: A line with its uncertainty needs at least 3" in done.stdout


def test_estimate_json_for_gpt3_on_a_v100():
    done = cli("estimate", "--params", "175e9", "--tokens", "300e9", "--gpu", "v100", "--gpus", "10000", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    result, inputs = answer["estimate"], answer["inputs"]
    assert result["flops"] == pytest.approx(3.15e23)
    # by hand: 3.15e23 / (125e12 FLOP/s x 0.4) / 3600 = 1.75e6 GPU-hours; x 300 W x 1.1 / 1000 = 577.5 MWh
    assert result["gpu_hours"] == pytest.approx(1.75e6)
    assert result["days"] == pytest.approx(1.75e6 / 10_000 / 24)
    assert result["energy_kwh"] == pytest.approx(577_500)
    assert result["co2_kg"] == pytest.approx(577_500 * 480 / 1000) and result["cost_usd"] == pytest.approx(3.5e6)
    assert inputs["gpu"] == "v100" and inputs["grid"] == "world"


def test_estimate_table_labels_every_figure_an_estimate():
    done = cli("estimate", "--params", "110e6", "--tokens", "128e9", "--grid", "france")
    assert done.returncode == 0, done.stderr
    assert "every figure an estimate" in done.stdout
    assert "8.45e+19 FLOPs" in done.stdout and "56 g/kWh (France, 2023)" in done.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["estimate", "--params", "1e30", "--tokens", "300e9"], "must be between 1 and 1e+15, not 1e+30"),
        (["estimate", "--params", "0", "--tokens", "300e9"], "must be between 1 and 1e+15, not 0"),
        (["estimate", "--params", "-1", "--tokens", "300e9"], "The number of parameters must be between"),
        (["estimate", "--params", "nan", "--tokens", "300e9"], "must be a number"),
        (["estimate", "--params", "1e9", "--tokens", "1e10", "--gpu", "tpu"], "unknown accelerator 'tpu'"),
        (["estimate", "--params", "1e9", "--tokens", "1e10", "--grid", "mars"], "unknown grid 'mars'"),
        (["estimate", "--params", "many", "--tokens", "1e10"], "invalid float value"),
        (["sweep", "--dataset", "digits", "--arch", "mlp", "--widths", "0"], "The width must be between 1 and 1024"),
        (["sweep", "--dataset", "digits", "--arch", "lstm", "--widths", "4"], "Only the MLP and the CNN"),
        (["sweep", "--dataset", "digits", "--arch", "cnn", "--widths", "4", "--depths", "2"], "depth of the Conv"),
        (["sweep", "--dataset", "digits", "--arch", "mlp"], "required"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, words):
    done = cli(*args)
    assert done.returncode == 2
    assert words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert "inf" not in done.stderr  # no overflow shown as a number
