"""`python -m lab generate`: the language model from a shell, JSON out, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "AIL_DEVICE": "cpu"}
    return subprocess.run(
        [sys.executable, "-m", "lab", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, env=env
    )


def test_generate_json_has_the_text_and_its_timing():
    done = cli("generate", "--prompt", "What is the capital of France?", "--max-tokens", "8", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "Paris" in result["text"]  # greedy by default: the model's likeliest answer
    assert 1 <= result["tokens"] <= 8 and result["prompt_tokens"] > 8 and result["dropped_prompt_tokens"] == 0
    assert 0 < result["first_token_seconds"] <= result["seconds"] and result["tokens_per_second"] > 0
    assert result["device"].startswith("CPU") and result["energy_method"] == "estimated"
    # the estimate: seconds per token x 1 000 tokens x 42.5 W (lab.meter's fallback), in Wh
    per_token = result["seconds"] / result["tokens"]
    assert result["energy_wh_per_1000_tokens"] == pytest.approx(per_token * 1000 * 42.5 / 3600)
    again = cli("generate", "--prompt", "What is the capital of France?", "--max-tokens", "8", "--json")
    assert json.loads(again.stdout)["text"] == result["text"]  # greedy: the same text from another process


def test_generate_prints_the_text_then_its_speed_and_energy():
    done = cli("generate", "--prompt", "The cat sat on the", "--continue", "--max-tokens", "3", "--seed", "1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("  tokens ") and "tokens/s" in line for line in lines)
    assert any(line.startswith("  energy ") and "Wh per 1 000 tokens" in line for line in lines)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--prompt", "   "], "The prompt is empty"),
        (["--prompt", "Hi", "--max-tokens", "100000"], "between 1 and 200"),
        (["--prompt", "Hi", "--temperature", "9"], "temperature must be between"),
        (["--prompt", "Hi", "--top-p", "0"], "Top-p must be above 0"),
        (["--max-tokens", "5"], "required"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, words):
    done = cli("generate", *args)
    assert done.returncode == 2
    assert words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
