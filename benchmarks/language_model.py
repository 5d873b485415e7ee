"""Load time, time to first token and writing speed of SmolLM2-135M on the CPU; the page's two probes.

Loading: the cold conversion (reading the GGUF file, unpacking its 4-bit weights, saving the cache) into a
temporary folder, then a load from that cache, as every later server start does. Generation: greedy, 64 new
tokens, for a short chat question and for a prompt of the page's longest (512 tokens); the median of 3 runs.
The probes: one click of each on the page (two words x 20 continuations; the nine questions).

.venv/bin/python benchmarks/language_model.py
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lab.bias_probe import check_answer, load_probes, run_bias_probe  # noqa: E402
from lab.llm import (  # noqa: E402
    MAX_PROMPT_TOKENS,
    GenerationOptions,
    cache_dir,
    generate,
    load_language_model,
    prepare_prompt,
    read_gguf,
    save_cache,
)

REPEATS = 3
NEW_TOKENS = 64


def seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    print(f"CPU, {torch.get_num_threads()} threads")
    with tempfile.TemporaryDirectory() as root:
        cold = seconds(lambda: save_cache(*read_gguf(), cache_dir(Path(root))))
        cached = seconds(lambda: load_language_model("cpu", cache_root=Path(root)))
    lm = load_language_model("cpu")
    print(f"{'load':40} {'seconds':>8}")
    print(f"{'cold: convert the GGUF file, save cache':40} {cold:8.1f}")
    print(f"{'from the cache':40} {cached:8.1f}")
    print()
    print(f"{'prompt':24} {'tokens':>6} {'first token s':>14} {'tokens/s':>9}")
    short = prepare_prompt(lm, "Write a short story about a robot who learns to paint.")
    long = prepare_prompt(lm, "word " * 2 * MAX_PROMPT_TOKENS, chat=False)
    generate(lm, short, GenerationOptions(max_tokens=4, temperature=0))  # warm-up: thread pool and allocator
    for name, prompt in (("short chat question", short), ("512-token text", long)):
        runs = [generate(lm, prompt, GenerationOptions(max_tokens=NEW_TOKENS, temperature=0)) for _ in range(REPEATS)]
        first = statistics.median(r.first_token_seconds for r in runs)
        speed = statistics.median(r.tokens_per_second for r in runs)
        print(f"{name:24} {len(prompt.ids):6} {first:14.2f} {speed:9.1f}")
    print()
    probes = load_probes()
    template = probes.templates["late_to_work"]
    probe = seconds(lambda: run_bias_probe(lm, template, template.groups[:2], n_samples=20, seed=0))
    questions = seconds(lambda: [check_answer(lm, q) for q in probes.questions])
    print(f"{'page click':40} {'seconds':>8}")
    print(f"{'bias probe: 2 words x 20 continuations':40} {probe:8.1f}")
    asked = f"the {len(probes.questions)} questions"
    print(f"{asked:40} {questions:8.1f}")


if __name__ == "__main__":
    main()
