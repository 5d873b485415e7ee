"""The language model: converted offline from the installed GGUF file, cached, generating as transformers does."""

import os
import socket

import pytest
import torch

from lab.llm import (
    MAX_NEW_TOKENS,
    MAX_PROMPT_TOKENS,
    PACKAGE,
    Candidate,
    Generation,
    GenerationOptions,
    Prompt,
    PromptError,
    Step,
    cache_dir,
    continuation_probability,
    energy_wh_per_1000_tokens,
    generate,
    gguf_path,
    load_language_model,
    prepare_prompt,
    read_gguf,
    sample_next,
    save_cache,
)


def _no_network(*args, **kwargs):
    raise AssertionError("the language model tried to open a network connection")


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The GGUF file read, saved into an empty cache folder and loaded from there, with every connection refused."""
    root = tmp_path_factory.mktemp("llm-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _no_network)
        patch.setattr(socket, "create_connection", _no_network)
        model, tokenizer = read_gguf()  # transformers' own reading of the file: the oracle for the cache
        save_cache(model, tokenizer, cache_dir(root))
        lm = load_language_model("cpu", cache_root=root)
    return root, model, tokenizer, lm


@pytest.fixture(scope="module")
def lm(converted):
    return converted[-1]


def test_the_model_comes_from_the_installed_package_and_loads_offline(converted):
    root, _, _, lm = converted
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert gguf_path().suffix == ".gguf" and gguf_path().stat().st_size > 50e6  # the 4-bit file, about 98 MB
    folder = cache_dir(root)
    assert folder.parent == root and PACKAGE.removeprefix("llm-") in folder.name
    assert {"model.safetensors", "config.json", "tokenizer.json", "chat_template.jinja"} <= {
        f.name for f in folder.iterdir()
    }
    assert [p.name for p in root.iterdir()] == [folder.name]  # the temporary folder was renamed, nothing left over
    assert 130e6 < lm.params < 140e6  # SmolLM2-135M
    assert lm.tokenizer.chat_template  # the Instruct model's template came with the file


def test_the_cached_model_gives_the_same_logits_as_the_model_read_from_the_gguf_file(converted):
    _, model, tokenizer, lm = converted
    ids = tokenizer("The nurse said that", return_tensors="pt")["input_ids"]
    assert ids.tolist() == [lm.tokenizer("The nurse said that", add_special_tokens=False)["input_ids"]]
    with torch.inference_mode():
        assert torch.equal(model(ids).logits, lm.model(ids).logits)


def test_greedy_generation_is_deterministic_and_matches_transformers_generate(lm):
    prompt = prepare_prompt(lm, "What is the capital of France?")
    options = GenerationOptions(max_tokens=8, temperature=0)
    first, second = generate(lm, prompt, options), generate(lm, prompt, options)
    assert first.text == second.text and "Paris" in first.text
    ids = torch.tensor([prompt.ids])
    expected = lm.model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=8, do_sample=False)
    assert first.text == lm.tokenizer.decode(expected[0, ids.shape[1] :], skip_special_tokens=True)
    assert 1 <= len(first.steps) <= 8 and all(s.candidates[0].token == s.token for s in first.steps)


def test_sampling_with_a_seed_repeats_and_another_seed_differs(lm):
    prompt = prepare_prompt(lm, "Once upon a time", chat=False)
    runs = [generate(lm, prompt, GenerationOptions(max_tokens=12, temperature=1.2, seed=s)) for s in (1, 1, 2)]
    assert runs[0].text == runs[1].text
    assert runs[0].text != runs[2].text


def test_each_step_records_the_chosen_token_and_its_probability(lm):
    prompt = prepare_prompt(lm, "The capital of France is", chat=False)
    step = generate(lm, prompt, GenerationOptions(max_tokens=1, temperature=0)).steps[0]
    with torch.inference_mode():
        probs = torch.softmax(lm.model(torch.tensor([prompt.ids])).logits[0, -1], dim=-1)  # (V,)
    assert step.probability == pytest.approx(float(probs.max()), rel=1e-5)
    assert step.token == lm.tokenizer.decode([int(probs.argmax())]) == " Paris"
    assert step.candidates[0] == Candidate(" Paris", step.probability)
    top = probs.topk(10).values.tolist()
    assert [c.probability for c in step.candidates] == pytest.approx(top, rel=1e-5)
    # one token: the probability of the continuation is the step's; two tokens: the product of each step's
    assert continuation_probability(lm, prompt, " Paris") == pytest.approx(step.probability, rel=1e-4)
    two = generate(lm, prompt, GenerationOptions(max_tokens=2, temperature=0))
    both = two.steps[0].probability * two.steps[1].probability
    assert continuation_probability(lm, prompt, two.text) == pytest.approx(both, rel=1e-4)


def test_the_chat_template_is_the_tokenizers_own(lm):
    prompt = prepare_prompt(lm, "Hello!")
    expected = lm.tokenizer.apply_chat_template([{"role": "user", "content": "Hello!"}], add_generation_prompt=True)
    expected = expected["input_ids"] if hasattr(expected, "keys") else expected
    assert list(prompt.ids) == list(expected) and prompt.chat and prompt.dropped_tokens == 0
    assert prepare_prompt(lm, "Hello!", chat=False).ids == tuple(lm.tokenizer("Hello!")["input_ids"])


def test_a_very_long_prompt_keeps_its_last_tokens_and_says_how_many_it_left_out(lm):
    text = "word " * 20_000 + "The end."  # 100 008 characters
    prompt = prepare_prompt(lm, text, chat=False)
    total = len(lm.tokenizer(text, add_special_tokens=False)["input_ids"])
    assert prompt.dropped_tokens == total - MAX_PROMPT_TOKENS
    assert abs(len(prompt.ids) - MAX_PROMPT_TOKENS) <= 2  # decoded and encoded again: a token may merge or split
    assert lm.tokenizer.decode(prompt.ids).endswith("The end.")


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_prompt_is_refused_in_plain_words(lm, text):
    with pytest.raises(PromptError, match="The prompt is empty"):
        prepare_prompt(lm, text)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (GenerationOptions(max_tokens=0), "between 1 and"),
        (GenerationOptions(max_tokens=MAX_NEW_TOKENS + 1), f"between 1 and {MAX_NEW_TOKENS}"),
        (GenerationOptions(temperature=-0.1), "temperature must be between"),
        (GenerationOptions(temperature=2.5), "temperature must be between"),
        (GenerationOptions(top_p=0), "Top-p must be above 0"),
        (GenerationOptions(top_p=1.5), "Top-p must be above 0"),
    ],
)
def test_impossible_settings_are_refused_in_plain_words(options, words):
    with pytest.raises(PromptError, match=words):
        options.validate()


def test_top_p_keeps_only_the_likeliest_tokens_that_hold_that_share():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]])).repeat(2000, 1)  # (2000, 4)
    generator = torch.Generator().manual_seed(0)
    only_first = sample_next(logits, temperature=1.0, top_p=0.5, generator=generator)
    assert set(only_first.tolist()) == {0}  # 0.5 alone holds half of the probability
    first_two = sample_next(logits, temperature=1.0, top_p=0.8, generator=generator)
    assert set(first_two.tolist()) == {0, 1}  # 0.5 + 0.3: renormalised to 5/8 and 3/8
    assert (first_two == 0).float().mean().item() == pytest.approx(5 / 8, abs=0.04)
    everything = sample_next(logits, temperature=1.0, top_p=1.0, generator=generator)
    assert (everything == 3).float().mean().item() == pytest.approx(0.05, abs=0.015)
    assert sample_next(logits[:1], temperature=0, top_p=0.1, generator=generator).tolist() == [0]  # greedy


def _step(seconds: float) -> Step:
    return Step(token="a", probability=0.5, text="a", seconds=seconds, candidates=())


def test_speed_and_energy_are_worked_out_from_the_step_times():
    generation = Generation(Prompt((1, 2, 3), chat=False, dropped_tokens=0), tuple(map(_step, (0.5, 0.75, 1.0, 1.25))))
    assert generation.first_token_seconds == 0.5 and generation.seconds == 1.25
    assert generation.tokens_per_second == pytest.approx(3 / 0.75)  # 3 tokens after the first, in 0.75 s
    # 1.25 s for 4 tokens = 0.3125 s per token; x 1 000 tokens x 36 W = 11 250 J = 3.125 Wh
    assert energy_wh_per_1000_tokens(generation, watts=36) == pytest.approx(3.125)
    with pytest.raises(ValueError, match="without tokens"):
        energy_wh_per_1000_tokens(Generation(generation.prompt, ()), watts=36)
