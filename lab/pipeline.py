"""The life of one run, in-process: spec -> data -> model -> training under the cost meter -> RunResult."""

import platform
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata

import torch

from lab.config import Settings, load_settings
from lab.data import Dataset
from lab.fairness import FairnessReport, fairness_report
from lab.result import Metrics, RunResult
from lab.spec import RunSpec
from lab.training import (
    Cancelled,
    Progress,
    ProgressCallback,
    evaluate,
    fit,
    predict,
    seed_everything,
    weights_bytes,
)

VERSIONED = ("torch", "transformers", "numpy", "scikit-learn", "codecarbon", "fairlearn", "streamlit")


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a result depends on, for the record."""
    versions = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def prepare_data(
    spec: RunSpec,
    device,
    *,
    report: ProgressCallback = lambda progress: None,
    should_stop: Callable[[], bool] | None = None,
):
    """The run's dataset split by its seed, as its architecture reads it (texts become MiniLM vectors)."""
    from lab.data import load_dataset
    from lab.embeddings import embed_dataset
    from models import REGISTRY

    report(Progress("preparing the data", 0, spec.epochs, 0.0, ()))
    data = load_dataset(spec.dataset, seed=spec.seed)
    if not REGISTRY[spec.arch].needs_embeddings:
        return data

    def encoding(done: float) -> None:  # called after every batch of texts: minutes on a small CPU
        if should_stop is not None and should_stop():
            raise Cancelled("The run was cancelled while the texts were being read.")
        stage = f"reading the texts with the pretrained encoder, once for all runs ({done:.0%})"
        report(Progress(stage, 0, spec.epochs, 0.0, ()))

    return embed_dataset(data, device=device, on_batch=encoding)


def run(
    spec: RunSpec,
    *,
    settings: Settings | None = None,
    on_progress: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[RunResult, bytes]:
    """Train and measure one run; return its result and its weights.

    Raises SpecError for a spec that cannot run and TrainingStopped when training ends early.
    """
    from lab.cost import CostMeter, build_cost_report, forward_flops, measure_latency_ms, training_flops
    from lab.device import describe, pick_device
    from models import build_model

    spec.validate()
    settings = settings or load_settings()
    report = on_progress or (lambda progress: None)
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    device = pick_device()

    data = prepare_data(spec, device, report=report, should_stop=should_stop)

    seed_everything(spec.seed)
    model = build_model(spec.arch, data.inputs).to(device)
    with CostMeter(settings, device) as meter:
        history, stop_reason = fit(model, data, spec, device=device, on_progress=on_progress, should_stop=should_stop)
        test_loss, test_accuracy = evaluate(model, data.test, device)

    report(Progress("measuring the cost", len(history), spec.epochs, 1.0, tuple(history)))
    example = data.test.x[:1].to(device)
    flops_per_sample = forward_flops(model, example) + data.extra_flops_per_sample
    epochs_run = len(history)
    train_flops = training_flops(
        flops_per_sample,
        train_samples_seen=len(data.train.y) * epochs_run,
        eval_samples=len(data.val.y) * epochs_run + len(data.test.y),
    )
    cost = build_cost_report(
        model=model,
        meter=meter,
        flops_per_sample=flops_per_sample,
        train_flops=train_flops,
        latency_ms=measure_latency_ms(model, example),
        settings=settings,
    )
    result = RunResult(
        run_id=uuid.uuid4().hex[:12],
        spec=spec,
        metrics=Metrics(test_accuracy, test_loss, len(data.test.y), epochs_run, stop_reason),
        cost=cost,
        history=tuple(history),
        device=device.type,
        device_name=describe(device),
        versions=library_versions(),
        started_at=started_at,
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        fairness=measure_fairness(model, data, device),
    )
    return result, weights_bytes(model)


def measure_fairness(model: torch.nn.Module, data: Dataset, device: torch.device) -> FairnessReport | None:
    """Fairness between the groups of each sensitive attribute on the test set, for yes/no data about people."""
    if not data.card.sensitive or data.inputs.n_classes != 2 or data.test.groups is None:
        return None
    predictions = predict(model, data.test, device).numpy()
    return fairness_report(data.test.y.numpy(), predictions, sensitive_features=data.test.groups)
