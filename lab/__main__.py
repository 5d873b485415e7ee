"""`python -m lab`: the engine from a shell, for scripts, notebooks and checks.

python -m lab datasets
python -m lab archs
python -m lab train --dataset digits --arch cnn [--epochs 10 --lr 0.001 --batch-size 64
                    --optimizer adam --seed 0 --patience 0] [--drop-sensitive] [--dp-epsilon E] [--json]
                    [--export-predictions PATH]
python -m lab predict --run RUN_ID (--image PATH | --text TEXT | --row JSON) [--explain] [--json]
python -m lab generate --prompt TEXT [--max-tokens 60 --temperature 0 --top-p 0.9 --seed 0] [--continue] [--json]
python -m lab sweep --dataset digits --arch mlp --widths 4 16 64 [--depths 1 2 --epochs E --seed 0] [--json]
python -m lab estimate --params 175e9 --tokens 300e9 [--gpu a100 --gpus 1000 --utilisation 0.4 --pue 1.1
                       --grid world --price 2] [--json]
"""

import argparse
import json
import sys
from pathlib import Path
from typing import NoReturn

from lab.spec import RunSpec, SpecError


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument prints one line (no usage block) and exits 2."""

    def error(self, message: str) -> None:
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def parser() -> argparse.ArgumentParser:
    top = OneLineParser(prog="python -m lab", description="AI Impact Lab engine.")
    commands = top.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    commands.add_parser("datasets", help="list the datasets")
    commands.add_parser("archs", help="list the architectures")
    train = commands.add_parser("train", help="train one model and print its result")
    defaults = RunSpec()
    train.add_argument("--dataset", required=True)
    train.add_argument("--arch", required=True)
    train.add_argument("--epochs", type=int, default=defaults.epochs)
    train.add_argument("--lr", type=float, default=defaults.lr)
    train.add_argument("--batch-size", type=int, default=defaults.batch_size)
    train.add_argument("--optimizer", default=defaults.optimizer)
    train.add_argument("--seed", type=int, default=defaults.seed)
    train.add_argument("--patience", type=int, default=defaults.patience)
    train.add_argument(
        "--drop-sensitive",
        action="store_true",
        help="train without the sensitive columns (fairness through unawareness)",
    )
    train.add_argument(
        "--dp-epsilon",
        type=float,
        metavar="E",
        help="train with differential privacy (opacus DP-SGD) to this epsilon, at delta = 1/training samples",
    )
    train.add_argument("--json", action="store_true", help="print the result as one JSON object")
    train.add_argument(
        "--export-predictions",
        metavar="PATH",
        type=Path,
        help="write the test set's labels, predictions, scores and sensitive attributes to this CSV file",
    )
    answer = commands.add_parser("predict", help="a stored run's answer for one image, text or person")
    answer.add_argument("--run", required=True, metavar="RUN_ID", help="a run id from the store")
    given = answer.add_mutually_exclusive_group(required=True)
    given.add_argument("--image", type=Path, metavar="PATH", help="an image of one digit (PNG, JPEG, GIF, BMP, WebP)")
    given.add_argument("--text", help="a review")
    given.add_argument("--row", metavar="JSON", help='one person as a JSON object, e.g. {"age": 30, "sex": "Female"}')
    answer.add_argument(
        "--explain", action="store_true", help="also say which parts of the input moved the answer (captum)"
    )
    answer.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    add_generate_command(commands)
    add_scale_commands(commands)
    return top


def add_scale_commands(commands) -> None:
    """The `sweep` and `estimate` subcommands (the Cost & Scale page from a shell)."""
    from lab.estimate import DEFAULT_GPUS, load_large_models

    sizes = commands.add_parser("sweep", help="train one task at several model sizes and fit a power law")
    sizes.add_argument("--dataset", required=True)
    sizes.add_argument("--arch", required=True, help="mlp or cnn: the models whose size can be set")
    sizes.add_argument("--widths", required=True, type=int, nargs="+", metavar="W", help="units or filters per layer")
    sizes.add_argument("--depths", type=int, nargs="+", metavar="D", help="hidden layers (MLP only)")
    sizes.add_argument("--epochs", type=int, help="epochs per size (default: the dataset's suggestion)")
    sizes.add_argument("--seed", type=int, default=RunSpec().seed)
    sizes.add_argument("--json", action="store_true", help="print the sizes and the fit as one JSON object")
    known = load_large_models()
    calculator = commands.add_parser("estimate", help="training compute, time, energy, CO2 and cost of a large model")
    calculator.add_argument("--params", required=True, type=float, help="parameters, e.g. 175e9")
    calculator.add_argument("--tokens", required=True, type=float, help="training tokens, e.g. 300e9")
    calculator.add_argument("--gpu", default="a100", help=f"one of: {', '.join(known.accelerators)}")
    calculator.add_argument("--gpus", type=float, default=DEFAULT_GPUS, help="how many GPUs share the work")
    calculator.add_argument("--utilisation", type=float, default=known.utilisation.value, help="share of peak speed")
    calculator.add_argument("--pue", type=float, default=known.pue.value, help="data-centre overhead, 1 or more")
    calculator.add_argument("--grid", default="world", help=f"one of: {', '.join(known.grids)}")
    calculator.add_argument("--price", type=float, default=known.price_per_gpu_hour.value, help="USD per GPU-hour")
    calculator.add_argument("--json", action="store_true", help="print the estimate as one JSON object")


def fail(message: str) -> NoReturn:
    """One line on stderr and exit code 2: the person's input or arguments are at fault."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(2)


def list_datasets() -> None:
    from lab.data import DATASETS

    for card in DATASETS.values():
        print(f"{card.name:10} {card.modality:6} {card.title}: {card.size}")


def list_archs() -> None:
    from models import REGISTRY

    for arch in REGISTRY.values():
        print(f"{arch.name:12} {arch.title} (reads {', '.join(sorted(arch.modalities))})")


def train(args: argparse.Namespace) -> None:
    from lab.config import load_settings
    from lab.pipeline import run
    from lab.store import RunStore
    from lab.training import TrainingStopped

    spec = RunSpec(
        args.dataset,
        args.arch,
        args.epochs,
        args.lr,
        args.batch_size,
        args.optimizer,
        args.seed,
        args.patience,
        args.drop_sensitive,
        args.dp_epsilon,
    )
    settings = load_settings()
    export = args.export_predictions
    if export is not None and not export.parent.is_dir():
        sys.stderr.write(f"error: cannot write {export}: the folder {export.parent} does not exist\n")
        raise SystemExit(2)
    try:
        spec.validate()
        result, weights = run(spec, settings=settings)
    except (SpecError, TrainingStopped) as problem:
        sys.stderr.write(f"error: {problem}\n")
        raise SystemExit(2 if isinstance(problem, SpecError) else 1) from None
    RunStore(settings.store_url).save(result, weights=weights)
    if export is not None:
        from lab.audit import predictions_table

        predictions_table(spec, weights).to_csv(export, index=False)
    if args.json:
        print(json.dumps(result.to_dict()))
        return
    cost = result.cost
    print(
        f"run {result.run_id}: {spec.arch} on {spec.dataset}, "
        f"{result.metrics.epochs_run} epochs on {result.device_name}"
    )
    print(f"  test accuracy  {result.metrics.accuracy:.1%} ({result.metrics.n_test} test samples)")
    print(f"  parameters     {cost.params:,}")
    print(f"  FLOPs          {cost.flops_per_sample:,} per prediction, {cost.train_flops:.3g} to train")
    print(f"  time           {cost.train_seconds:.1f} s to train, {cost.latency_ms:.2f} ms per prediction")
    print(f"  memory         {cost.peak_memory_mb:.0f} MB peak")
    print(f"  energy         {cost.energy_kwh * 1000:.3f} Wh ({cost.energy_method}: {cost.energy_source})")
    print(f"  per epoch      {cost.energy_per_epoch_kwh * 1000:.4f} Wh")
    print(f"  1 000 answers  {cost.energy_per_1000_predictions_kwh * 1000:.4f} Wh ({cost.predictions_energy_source})")
    print(f"  CO2            {cost.co2_g:.3f} g (estimate at {cost.grid_g_per_kwh:g} g/kWh)")
    for attribute in result.fairness.attributes if result.fairness else ():
        rates = ", ".join(f"{g.group} {g.selection_rate:.0%}" for g in attribute.groups)
        print(
            f"  fairness       {attribute.attribute}: selected {rates}; demographic parity difference "
            f"{attribute.dp_difference:.3f}, ratio {attribute.dp_ratio:.2f}, equalized odds difference "
            f"{attribute.eo_difference:.3f}"
        )
    if result.privacy is not None:
        attack = result.privacy.membership.loss
        print(
            f"  privacy        membership inference (loss attack): AUC {attack.auc:.3f}, advantage "
            f"{attack.advantage:.3f}, TPR at 1% FPR {attack.tpr_at_1pct_fpr:.3f}"
        )
        if result.privacy.private:
            print(
                f"  privacy        differential privacy: epsilon {result.privacy.epsilon:.3g} at delta "
                f"{result.privacy.delta:.2g}, noise multiplier {result.privacy.noise_multiplier:.3g}, clipping norm "
                f"{result.privacy.max_grad_norm:g}"
            )
        else:
            print("  privacy        not trained with differential privacy")
    for mitigation in result.fairness.mitigations if result.fairness else ():
        print(
            f"  mitigation     {mitigation.method} on {mitigation.fairness.attribute}: accuracy "
            f"{mitigation.accuracy:.1%}, demographic parity difference {mitigation.fairness.dp_difference:.3f}, "
            f"equalized odds difference {mitigation.fairness.eo_difference:.3f}"
        )


def _file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as problem:
        fail(f"cannot read {path}: {problem.strerror or problem}")


def _person(row: str) -> dict:
    """The --row argument as a mapping of field names to values."""
    try:
        person = json.loads(row)
    except json.JSONDecodeError:
        person = None
    if not isinstance(person, dict):
        fail('--row must be a JSON object of fields and values, e.g. {"age": 30, "sex": "Female"}')
    return person


def predict_one(args: argparse.Namespace) -> None:
    import torch

    from lab.config import load_settings
    from lab.pipeline import prepare_data
    from lab.predict import InputError, image_to_input, predict, row_to_input, text_to_input
    from lab.store import RunStore

    store = RunStore(load_settings().store_url)
    result = store.get(args.run)
    weights = None if result is None else store.weights(args.run)
    if result is None or weights is None:
        fail(f"there is no run {args.run!r} with its weights in the store")
    spec = result.spec
    device = torch.device("cpu")  # one input: the CPU has answered before a GPU would have started
    data = prepare_data(spec, device)
    try:
        if args.image is not None:
            x, notices = image_to_input(_file(args.image), data.inputs, dataset=spec.dataset)
        elif args.text is not None:
            x, notices = text_to_input(args.text, data)
        else:
            x, notices = row_to_input(_person(args.row), data, seed=spec.seed)
    except InputError as problem:
        fail(str(problem))
    answer = predict(spec, weights, x, device=device, notices=notices)
    probabilities = dict(zip(answer.classes, answer.probabilities, strict=True))
    explanation = explain_one(spec, data, weights, x, answer.classes.index(answer.predicted)) if args.explain else None
    if args.json:
        record = {"run_id": args.run, "predicted": answer.predicted, "probabilities": probabilities}
        if explanation is not None:
            record["explanation"] = {
                "method": explanation.method,
                "labels": list(explanation.labels),
                "values": explanation.values.tolist(),
                "convergence_delta": explanation.convergence_delta,
                "reading": explanation.reading,
                "caveat": explanation.caveat,
            }
        print(json.dumps({**record, "notices": list(answer.notices)}))
        return
    print(
        f"run {args.run}: {spec.arch} on {spec.dataset} predicts {answer.predicted} "
        f"({probabilities[answer.predicted]:.1%})"
    )
    width = max(len(name) for name in answer.classes)
    for name, probability in probabilities.items():
        print(f"  {name:<{width}}  {probability:6.1%}")
    for notice in answer.notices:
        print(f"  note: {notice}")
    if explanation is not None:
        print(f"  explanation  {explanation.method}: {explanation.reading}")
        if explanation.labels:  # a text's words or a person's columns: the five that moved the answer most
            strongest = sorted(zip(explanation.labels, explanation.values, strict=True), key=lambda p: -abs(p[1]))
            print("  strongest    " + ", ".join(f"{label} {value:+.3f}" for label, value in strongest[:5]))
        print(f"  caveat       {explanation.caveat}")


def explain_one(spec: RunSpec, data, weights: bytes, x, target: int):
    """captum's attribution for one input of a stored run, on the CPU."""
    import torch

    from lab.audit import load_trained
    from lab.explain import explain_image, explain_row, explain_text, typical_row

    model = load_trained(spec, data.inputs, weights, torch.device("cpu"))
    classes = data.card.classes
    if data.inputs.modality == "image":
        return explain_image(model, x, target=target, classes=classes)
    if data.inputs.modality == "table":
        return explain_row(
            model, x, target=target, feature_names=data.feature_names, baseline=typical_row(data), classes=classes
        )
    if data.inputs.modality == "text":
        return explain_text(model, x, target=target, vocab=data.vocab, classes=classes)
    fail("explanations for the pretrained MiniLM model are not available: it reads a 384-number summary of the text")


def sweep_sizes(args: argparse.Namespace) -> None:
    """Train the task at each size, in-process, save every run, and fit a power law through them."""
    from dataclasses import asdict

    from lab.config import load_settings
    from lab.pipeline import run
    from lab.scaling import FitError, fit_sweep, sweep_point, sweep_specs
    from lab.store import RunStore
    from lab.training import TrainingStopped

    try:
        specs = sweep_specs(
            args.dataset,
            args.arch,
            widths=args.widths,
            depths=args.depths,
            seed=args.seed,
            epochs=args.epochs,
        )
    except SpecError as problem:
        fail(str(problem))
    settings = load_settings()
    store = RunStore(settings.store_url)
    points = []
    for spec in specs:
        try:
            result, weights = run(spec, settings=settings)
        except TrainingStopped as problem:
            sys.stderr.write(f"error: width {spec.width}, depth {spec.depth}: {problem}\n")
            raise SystemExit(1) from None
        store.save(result, weights=weights)
        points.append(sweep_point(result))
    try:
        fit, why_not = fit_sweep(points), ""
    except FitError as problem:
        fit, why_not = None, str(problem)
    if args.json:
        print(
            json.dumps({"points": [asdict(p) for p in points], "fit": asdict(fit) if fit else None, "no_fit": why_not})
        )
        return
    print(f"sweep: {args.arch} on {args.dataset}, {specs[0].epochs} epochs per size, seed {args.seed}")
    print(f"  {'width':>6} {'depth':>6} {'parameters':>11} {'train FLOPs':>12} {'test loss':>10} {'accuracy':>9}")
    for p in points:
        depth = "-" if p.depth is None else p.depth
        print(f"  {p.width:>6} {depth:>6} {p.params:>11,} {p.train_flops:>12.3g} {p.loss:>10.4f} {p.accuracy:>9.1%}")
    if fit is None:
        print(f"  no power law: {why_not}")
        return
    law, ahead = fit.by_compute, fit.more_compute
    print(
        f"  power law      test loss = {law.a:.3g} x FLOPs^-{law.exponent:.3f} "
        f"(exponent ± {law.exponent_se:.3f} standard error, R² {law.r_squared:.2f})"
    )
    print(
        f"  extrapolation  {ahead.factor:g}x the compute ({ahead.compute:.3g} FLOPs): test loss about {ahead.loss:.3g} "
        f"(95% band {ahead.low:.3g} to {ahead.high:.3g}), if the line does not bend"
    )


def estimate_large(args: argparse.Namespace) -> None:
    """The large-model calculator: every figure an estimate."""
    from dataclasses import asdict

    from lab.estimate import EstimateError, estimate, load_large_models

    known = load_large_models()
    if args.gpu not in known.accelerators:
        fail(f"unknown accelerator {args.gpu!r}; choose one of: {', '.join(known.accelerators)}")
    if args.grid not in known.grids:
        fail(f"unknown grid {args.grid!r}; choose one of: {', '.join(known.grids)}")
    gpu, grid = known.accelerators[args.gpu], known.grids[args.grid]
    try:
        result = estimate(
            params=args.params,
            tokens=args.tokens,
            accelerator=gpu,
            utilisation=args.utilisation,
            pue=args.pue,
            grid_g_per_kwh=grid.g_per_kwh,
            price_per_gpu_hour=args.price,
            gpus=args.gpus,
        )
    except EstimateError as problem:
        fail(str(problem))
    if args.json:
        inputs = {k: v for k, v in vars(args).items() if k not in ("command", "json")}
        print(json.dumps({"inputs": inputs, "estimate": asdict(result)}))
        return
    print(f"estimate for {args.params:.3g} parameters trained on {args.tokens:.3g} tokens (every figure an estimate)")
    print(f"  compute  {result.flops:.3g} FLOPs (6 x parameters x tokens)")
    print(
        f"  time     {result.gpu_hours:.3g} GPU-hours on the {gpu.title} at {args.utilisation:.0%} of its peak; "
        f"{result.days:.3g} days on {args.gpus:g} GPUs"
    )
    print(f"  energy   {result.energy_kwh / 1000:.3g} MWh ({gpu.watts:g} W per GPU x PUE {args.pue:g})")
    print(f"  CO2      {result.co2_kg / 1000:.3g} t at {grid.g_per_kwh:g} g/kWh ({grid.title}, {grid.year})")
    print(f"  cost     {result.cost_usd:.3g} USD at {args.price:g} USD per GPU-hour")


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
    from lab.cost import FALLBACK_WATTS
    from lab.device import describe
    from lab.llm import (
        GenerationOptions,
        PromptError,
        energy_wh_per_1000_tokens,
        generate,
        load_language_model,
        prepare_prompt,
    )

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


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    commands = {
        "datasets": lambda: list_datasets(),
        "archs": lambda: list_archs(),
        "train": lambda: train(args),
        "predict": lambda: predict_one(args),
        "generate": lambda: generate_text(args),
        "sweep": lambda: sweep_sizes(args),
        "estimate": lambda: estimate_large(args),
    }
    commands[args.command]()


if __name__ == "__main__":
    main()
