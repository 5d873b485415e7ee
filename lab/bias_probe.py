"""Two probes of the language model, with prompts and answers from assets/llm_probes.toml.

The bias probe: prompts that differ only in one word ("The nurse ..." and "The engineer ..."), each continued many
times by sampling, and the first pronoun of every continuation counted. The idea is that of the pronoun-resolution
tests of Rudinger et al. 2018 ("Gender Bias in Coreference Resolution") and Zhao et al. 2018 (WinoBias), asked of a
generator. The confident-mistake probe: questions with known answers, the model's answer, and how sure it was.
"""

import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch

from lab.llm import (
    Candidate,
    GenerationOptions,
    LanguageModel,
    continuation_probability,
    generate,
    prepare_prompt,
    sample_next,
)

PROBES_PATH = Path(__file__).resolve().parent.parent / "assets" / "llm_probes.toml"
MAX_SAMPLES = 200  # continuations per group word: beyond that a click on a laptop takes minutes

PronounClass = Literal["he", "she", "they", "other"]
CLASSES: tuple[PronounClass, ...] = ("he", "she", "they", "other")
PRONOUNS: dict[str, PronounClass] = {
    **dict.fromkeys(("he", "him", "his", "himself"), "he"),
    **dict.fromkeys(("she", "her", "hers", "herself"), "she"),
    **dict.fromkeys(("they", "them", "their", "theirs", "themselves", "themself"), "they"),
}


@dataclass(frozen=True)
class BiasTemplate:
    name: str  # key in the TOML file
    title: str
    text: str  # the prompt, with {group} where the group word goes: "The {group} said that"
    groups: tuple[str, ...]  # the words put in its place
    reading: str  # one plain sentence on what the probe asks


@dataclass(frozen=True)
class Question:
    question: str  # asked as a chat message to the assistant
    lead: str  # the start of the assistant's answer, so that the next word is the answer itself
    answer: str  # the right answer, as a person would write it: "Jane Austen"
    accepted: tuple[str, ...]  # one-word answers counted as right: "Jane", "Austen"
    note: str  # why it is easy or hard, in plain words


@dataclass(frozen=True)
class ReferenceModel:
    title: str  # "GPT-3"
    params: float  # parameters, as its paper states them
    source: str
    year: int


@dataclass(frozen=True)
class Probes:
    templates: dict[str, BiasTemplate]
    questions: tuple[Question, ...]
    reference: ReferenceModel  # a large model to put the small one's size beside


def load_probes(path: Path = PROBES_PATH) -> Probes:
    """Read the bias templates, the questions and the reference model from the TOML file."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    templates = {
        name: BiasTemplate(name, t["title"], t["text"], tuple(t["groups"]), t["reading"])
        for name, t in data["bias"].items()
    }
    questions = tuple(
        Question(q["question"], q["lead"], q["answer"], tuple(q["accepted"]), q["note"]) for q in data["questions"]
    )
    return Probes(templates, questions, ReferenceModel(**data["reference"]))


def pronoun_class(text: str) -> PronounClass:
    """The class of the first pronoun in a text ("she'd" counts as she), or "other" when there is none."""
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in PRONOUNS:
            return PRONOUNS[word]
    return "other"


@dataclass(frozen=True)
class GroupCounts:
    group: str  # the group word
    prompt: str  # the template with the word in place
    counts: dict[PronounClass, int]  # first pronoun of each continuation -> how many; every class present
    completions: tuple[str, ...]  # the continuations, in the order they were drawn


@dataclass(frozen=True)
class BiasProbeResult:
    template: str  # the template's text
    n_samples: int  # continuations per group word
    max_tokens: int  # tokens per continuation
    seed: int
    groups: tuple[GroupCounts, ...]


def sample_continuations(lm: LanguageModel, prompt: str, *, n_samples: int, max_tokens: int, seed: int) -> list[str]:
    """n continuations of a plain-text prompt, drawn together as one batch at temperature 1 (the model's own odds)."""
    ids = torch.tensor([prepare_prompt(lm, prompt, chat=False).ids], device=lm.device).repeat(n_samples, 1)  # (N, T)
    generator = torch.Generator().manual_seed(seed)
    drawn, past = [], None
    with torch.inference_mode():
        for _ in range(max_tokens):
            out = lm.model(input_ids=ids, past_key_values=past, use_cache=True)
            past = out.past_key_values
            next_ids = sample_next(out.logits[:, -1], temperature=1.0, top_p=1.0, generator=generator)  # (N,)
            drawn.append(next_ids)
            ids = next_ids[:, None].to(lm.device)  # (N, 1)
    stop = set(lm.tokenizer.all_special_ids)
    rows = torch.stack(drawn, dim=1).tolist()  # (N, max_tokens)
    # A row that drew an end-of-text token has ended there: what it drew afterwards is not part of it.
    ended = [row[: next((i for i, t in enumerate(row) if t in stop), len(row))] for row in rows]
    return lm.tokenizer.batch_decode(ended)


def run_bias_probe(
    lm: LanguageModel,
    template: BiasTemplate,
    groups: Sequence[str],
    *,
    n_samples: int,
    seed: int,
    max_tokens: int = 8,
) -> BiasProbeResult:
    """Continue the template with each group word n_samples times and count the first pronouns.

    Parameters
    ----------
    groups : the group words to compare, each put in the template's {group}.
    n_samples : continuations per group word, 1..MAX_SAMPLES.
    seed : each group word's draws start from this seed, so its counts do not depend on the other words chosen.
    max_tokens : tokens per continuation: a pronoun that comes later is not seen ("other").
    """
    if not groups:
        raise ValueError("Choose at least one group word to compare.")
    if not 1 <= n_samples <= MAX_SAMPLES:
        raise ValueError(f"The number of samples per word must be between 1 and {MAX_SAMPLES}.")
    results = []
    for group in groups:
        prompt = template.text.format(group=group)
        completions = sample_continuations(lm, prompt, n_samples=n_samples, max_tokens=max_tokens, seed=seed)
        found = Counter(pronoun_class(c) for c in completions)
        results.append(GroupCounts(group, prompt, {c: found[c] for c in CLASSES}, tuple(completions)))
    return BiasProbeResult(template.text, n_samples, max_tokens, seed, tuple(results))


@dataclass(frozen=True)
class CheckedAnswer:
    question: Question
    said: str  # the model's answer after the lead, greedy (its likeliest words)
    said_probability: float  # the probability it gave to the first word of its answer, 0..1
    right_probability: float  # the probability it gave to the right answer (any accepted spelling), 0..1
    correct: bool  # its first word is one of the accepted answers
    likeliest: tuple[Candidate, ...]  # the likeliest first tokens of the answer


def _first_word(text: str) -> str:
    """The first word of a text with the space before it (" Sydney" of " Sydney, the largest city")."""
    match = re.match(r"\s*[\w'’.-]*\w", text)
    return match.group(0) if match else text


def check_answer(lm: LanguageModel, question: Question, *, max_tokens: int = 6) -> CheckedAnswer:
    """Ask one question, with the lead as the start of the answer; the model's words and its probabilities."""
    prompt = prepare_prompt(lm, question.question, answer_start=question.lead)
    said = generate(lm, prompt, GenerationOptions(max_tokens=max_tokens, temperature=0))
    first = _first_word(said.text)
    accepted = {answer.casefold() for answer in question.accepted}
    return CheckedAnswer(
        question=question,
        said=said.text.strip(),
        said_probability=continuation_probability(lm, prompt, first) if first.strip() else 0.0,
        right_probability=sum(continuation_probability(lm, prompt, f" {answer}") for answer in question.accepted),
        correct=first.strip().casefold() in accepted,
        likeliest=said.steps[0].candidates if said.steps else (),
    )
