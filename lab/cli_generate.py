"""`python -m lab generate`: the Language model page's SmolLM2 from a shell."""

import argparse
import json

from lab.cli import fail


def add_generate_command(commands) -> None:
    """The `generate` subcommand: the Language model page's SmolLM2 from a shell."""
    text = commands.add_parser("generate", help="answer or continue a prompt with the small language model SmolLM2")
    text.add_argument("--prompt", required=True, help="a question for the assistant (or text, with --continue)")
    text.add_argument("--max-tokens", type=int, metavar="N", help="new tokens at most, 1 to 200 (default 60)")
    # Greedy by default, unlike the page: a script gets the same text every time without choosing a seed.
    text.add_argument("--temperature", type=float, default=0.0, metavar="T", help="0 = greedy (default); up to 2")
    text.add_argument("--top-p", type=float, metavar="P", help="sample among the likeliest tokens holding this share")
    text.add_argument("--seed", type=int, default=0, help="the same seed and settings give the same text")
    text.add_argument("--continue", dest="plain", action="store_true", help="continue the text instead of answering")
    text.add_argument("--json", action="store_true", help="print the text and its timing as one JSON object")


def generate_text(args: argparse.Namespace) -> None:
    from lab.device import describe
    from lab.llm import (
        GenerationOptions,
        PromptError,
        energy_wh_per_1000_tokens,
        generate,
        load_language_model,
        prepare_prompt,
    )
    from lab.meter import FALLBACK_WATTS

    defaults = GenerationOptions()
    options = GenerationOptions(
        defaults.max_tokens if args.max_tokens is None else args.max_tokens,
        args.temperature,
        defaults.top_p if args.top_p is None else args.top_p,
        args.seed,
    )
    try:
        options.validate()  # before the model loads: a wrong setting is refused at once
        lm = load_language_model()
        generation = generate(lm, prepare_prompt(lm, args.prompt, chat=not args.plain), options)
    except PromptError as problem:
        fail(str(problem))
    energy = energy_wh_per_1000_tokens(generation) if generation.steps else None
    if args.json:
        record = {
            "text": generation.text,
            "tokens": len(generation.steps),
            "seconds": generation.seconds,
            "tokens_per_second": generation.tokens_per_second,
            "first_token_seconds": generation.first_token_seconds,
            "prompt_tokens": len(generation.prompt.ids),
            "dropped_prompt_tokens": generation.prompt.dropped_tokens,
            "device": describe(lm.device),
            "energy_wh_per_1000_tokens": energy,
            "energy_method": "estimated",
        }
        print(json.dumps(record))
        return
    print(generation.text)
    print(
        f"  tokens         {len(generation.steps)} in {generation.seconds:.2f} s on {describe(lm.device)}: the first "
        f"after {generation.first_token_seconds:.2f} s, then {generation.tokens_per_second:.1f} tokens/s"
    )
    if energy is not None:
        print(
            f"  energy         about {energy:.2g} Wh per 1 000 tokens (an estimate: the time per token x "
            f"{FALLBACK_WATTS:g} W, a generic CPU at half load)"
        )
    if generation.prompt.dropped_tokens:
        print(f"  note           the prompt was long: its first {generation.prompt.dropped_tokens} tokens were cut")
