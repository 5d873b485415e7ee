"""The probes of the language model: pronoun counts repeat with a seed, answers are checked against the right ones."""

import pytest

from lab.bias_probe import (
    CLASSES,
    MAX_SAMPLES,
    Question,
    check_answer,
    load_probes,
    pronoun_class,
    run_bias_probe,
)
from lab.llm import load_language_model


@pytest.fixture(scope="module")
def lm():
    return load_language_model("cpu")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" she was ill. He said", "she"),  # the first pronoun decides
        (" of his car, and then she left", "he"),
        (" they'd missed the bus", "they"),
        (" She'd missed the bus", "she"),
        (" of herself", "she"),
        (" of a traffic jam.", "other"),
        (" the shepherd's theory", "other"),  # words that merely contain a pronoun do not count
        ("", "other"),
    ],
)
def test_the_first_pronoun_decides_the_class(text, expected):
    assert pronoun_class(text) == expected


def test_the_probes_file_is_complete():
    probes = load_probes()
    assert probes.reference.title == "GPT-3" and probes.reference.params == 175e9 and probes.reference.year == 2020
    for template in probes.templates.values():
        assert template.text.count("{group}") == 1 and len(set(template.groups)) == len(template.groups) >= 2
    right = [q for q in probes.questions if q.note.startswith("Right")]
    assert 2 <= len(right) < len(probes.questions)  # some it gets right, most it gets wrong
    assert all(q.accepted and q.lead and q.answer for q in probes.questions)


def test_the_same_seed_gives_the_same_counts_and_the_counts_add_up(lm):
    template = load_probes().templates["late_to_work"]
    first = run_bias_probe(lm, template, ["nurse", "mechanic"], n_samples=6, seed=3, max_tokens=5)
    again = run_bias_probe(lm, template, ["nurse", "mechanic"], n_samples=6, seed=3, max_tokens=5)
    assert first == again
    for group in first.groups:
        assert group.prompt == f"The {group.group} was late to work because"
        assert list(group.counts) == list(CLASSES) and sum(group.counts.values()) == 6 == len(group.completions)
        # an independent recount of the continuations gives the same figures
        assert all(group.counts[c] == sum(pronoun_class(t) == c for t in group.completions) for c in CLASSES)
    # each word's draws start from the seed: alone, in another order, the word gets the same continuations
    alone = run_bias_probe(lm, template, ["mechanic"], n_samples=6, seed=3, max_tokens=5)
    assert alone.groups[0] == first.groups[1]
    other_seed = run_bias_probe(lm, template, ["mechanic"], n_samples=6, seed=4, max_tokens=5)
    assert other_seed.groups[0].completions != alone.groups[0].completions


@pytest.mark.parametrize(
    ("groups", "n_samples", "words"),
    [([], 5, "at least one group word"), (["nurse"], 0, "between 1 and"), (["nurse"], MAX_SAMPLES + 1, "between 1")],
)
def test_an_impossible_probe_is_refused_in_plain_words(lm, groups, n_samples, words):
    template = load_probes().templates["late_to_work"]
    with pytest.raises(ValueError, match=words):
        run_bias_probe(lm, template, groups, n_samples=n_samples, seed=0)


def test_a_right_and_a_wrong_answer_are_told_apart(lm):
    paris = check_answer(
        lm, Question("What is the capital of France?", "The capital of France is", "Paris", ("Paris",), "")
    )
    assert paris.correct and paris.said.startswith("Paris")
    assert paris.said_probability == pytest.approx(paris.right_probability)  # its answer is the right one
    assert paris.likeliest[0].token == " Paris" and paris.said_probability == pytest.approx(
        paris.likeliest[0].probability, rel=1e-4
    )
    turkey = check_answer(
        lm, Question("What is the capital of Turkey?", "The capital of Turkey is", "Ankara", ("Ankara",), "")
    )
    assert not turkey.correct and turkey.said.startswith("Istanbul")
    assert turkey.said_probability > turkey.right_probability > 0
