"""`python -m lab sweep` and `python -m lab estimate`: the Cost & Scale page from a shell."""

import argparse
import json
import sys

from lab.cli import fail
from lab.spec import RunSpec, SpecError


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
