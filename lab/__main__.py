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

from lab.cli import OneLineParser, fail
from lab.cli_generate import add_generate_command, generate_text
from lab.cli_scale import add_scale_commands, estimate_large, sweep_sizes
from lab.spec import RunSpec, SpecError


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
    target = answer.classes.index(answer.predicted)
    explanation = explain_one(spec, data, weights, x, target, text=args.text) if args.explain else None
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


def explain_one(spec: RunSpec, data, weights: bytes, x, target: int, *, text: str | None):
    """captum's attribution for one input of a stored run, on the CPU; `text` as typed, for the pretrained MiniLM."""
    import torch

    from lab.audit import load_trained
    from lab.explain import explain_image, explain_minilm_text, explain_row, explain_text, typical_row

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
    return explain_minilm_text(model, text, target=target, classes=classes)  # its encoder reads the text again


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
