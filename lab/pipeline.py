"""The life of one run, in-process: spec -> data -> model -> training under the cost meter -> RunResult."""

from __future__ import annotations

import platform
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import torch

from lab.config import Settings, load_settings
from lab.data import Dataset, Split
from lab.fairness import FairnessReport, fairness_report
from lab.privacy import PrivacyReport
from lab.result import CostReport, EpochStats, Metrics, RunResult
from lab.spec import RunSpec, SpecError
from lab.training import (
    Cancelled,
    Progress,
    ProgressCallback,
    evaluate,
    fit,
    make_optimizer,
    predict_proba,
    seed_everything,
    weights_bytes,
)

if TYPE_CHECKING:
    from lab.dp import PrivateTraining

VERSIONED = ("torch", "transformers", "numpy", "scikit-learn", "codecarbon", "fairlearn", "opacus", "streamlit")


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
    data = load_dataset(spec.dataset, seed=spec.seed, drop_sensitive=spec.drop_sensitive)
    if not REGISTRY[spec.arch].needs_embeddings:
        return data

    def encoding(done: float) -> None:  # called after every batch of texts: minutes on a small CPU
        if should_stop is not None and should_stop():
            raise Cancelled("The run was cancelled while the texts were being read.")
        stage = f"reading the texts with the pretrained encoder, once for all runs ({done:.0%})"
        report(Progress(stage, 0, spec.epochs, 0.0, ()))

    return embed_dataset(data, device=device, on_batch=encoding)


class _Trained(NamedTuple):
    """What training produced, whatever the model family: the figures a RunResult needs, and the model."""

    model: Any  # a torch nn.Module, or a fitted scikit-learn estimator
    history: list[EpochStats]
    stop_reason: str
    test_loss: float
    test_accuracy: float
    cost: CostReport
    weights: bytes
    scores: Callable[[Split], np.ndarray]  # a split -> the probability of every class, (N, n_classes)
    private: PrivateTraining | None = None  # opacus' state when trained with differential privacy


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
    from lab.device import describe, pick_device
    from models import REGISTRY

    spec.validate()
    settings = settings or load_settings()
    report = on_progress or (lambda progress: None)
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    device = pick_device()

    data = prepare_data(spec, device, report=report, should_stop=should_stop)
    seed_everything(spec.seed)
    if REGISTRY[spec.arch].family == "sklearn":
        report(Progress("fitting the model in one go", 0, 1, 0.0, ()))
        trained = _train_baseline(spec, data, settings)
        device = torch.device("cpu")  # scikit-learn runs on the CPU only
    else:
        trained = _train_network(spec, data, device, settings, on_progress, should_stop)
    report(Progress("measuring fairness and privacy", len(trained.history), spec.epochs, 1.0, tuple(trained.history)))
    result = RunResult(
        run_id=uuid.uuid4().hex[:12],
        spec=spec,
        metrics=Metrics(
            trained.test_accuracy, trained.test_loss, len(data.test.y), len(trained.history), trained.stop_reason
        ),
        cost=trained.cost,
        history=tuple(trained.history),
        device=device.type,
        device_name=describe(device),
        versions=library_versions(),
        started_at=started_at,
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        fairness=measure_fairness(trained.scores, data, spec=spec, model=trained.model),
        privacy=measure_privacy(trained.scores, data, spec=spec, private=trained.private),
    )
    return result, trained.weights


def _train_network(
    spec: RunSpec,
    data: Dataset,
    device: torch.device,
    settings: Settings,
    on_progress: ProgressCallback | None,
    should_stop: Callable[[], bool] | None,
) -> _Trained:
    from lab.cost import build_cost_report, count_params, forward_flops, measure_latency_ms, training_flops
    from lab.meter import CostMeter, measure_model_answer_energy
    from models import build_model

    model = build_model(spec.arch, data.inputs, **spec.model_overrides())
    private = None
    if spec.dp_epsilon is not None:
        from lab.dp import DPUnsupported, make_private, prepare_for_dp

        model = prepare_for_dp(model)  # batch norm becomes group norm, and so on: what opacus can train
    model = model.to(device)
    with CostMeter(settings, device) as meter:  # DP's set-up (finding the noise) is part of its cost
        if spec.dp_epsilon is not None:
            try:
                private = make_private(
                    model,
                    make_optimizer(model, spec),
                    data.train,
                    batch_size=spec.batch_size,
                    epochs=spec.epochs,
                    target_epsilon=spec.dp_epsilon,
                    seed=spec.seed,
                )
            except DPUnsupported as problem:  # an ε too strict for this data's size: the settings' fault
                raise SpecError(str(problem)) from None
        history, stop_reason = fit(
            model, data, spec, device=device, on_progress=on_progress, should_stop=should_stop, private=private
        )
        test_loss, test_accuracy = evaluate(model, data.test, device)
    if private is not None:
        private.model.to_standard_module()  # opacus' hooks off: measuring the cost must not record per-sample data

    if on_progress is not None:
        on_progress(Progress("measuring the cost", len(history), spec.epochs, 1.0, tuple(history)))
    example = data.test.x[:1].to(device)
    flops_per_sample = forward_flops(model, example) + data.extra_flops_per_sample
    train_flops = training_flops(
        flops_per_sample,
        train_samples_seen=len(data.train.y) * len(history),
        eval_samples=len(data.val.y) * len(history) + len(data.test.y),
    )
    latency_ms = measure_latency_ms(model, example)
    cost = build_cost_report(
        params=count_params(model),
        meter=meter,
        flops_per_sample=flops_per_sample,
        train_flops=train_flops,
        latency_ms=latency_ms,
        epochs=len(history),
        answers=measure_model_answer_energy(
            model, example, settings=settings, latency_ms=latency_ms, training_watts=meter.watts
        ),
        settings=settings,
    )
    return _Trained(
        model,
        history,
        stop_reason,
        test_loss,
        test_accuracy,
        cost,
        weights_bytes(model),
        lambda split: predict_proba(model, split, device).numpy(),
        private,
    )


def _train_baseline(spec: RunSpec, data: Dataset, settings: Settings) -> _Trained:
    from lab import baselines
    from lab.cost import build_cost_report
    from lab.meter import CostMeter, measure_answer_energy
    from models import build_model

    model = build_model(spec.arch, data.inputs, seed=spec.seed, **spec.model_overrides())
    with CostMeter(settings, torch.device("cpu")) as meter:
        history = baselines.fit_baseline(model, data)
        test_loss, test_accuracy = baselines.evaluate_baseline(model, data.test)
    example = data.test.x[:1].numpy()
    latency_ms = baselines.baseline_latency_ms(model, example)
    cost = build_cost_report(
        params=baselines.baseline_params(model),
        meter=meter,
        flops_per_sample=baselines.baseline_flops(model),
        train_flops=baselines.baseline_training_flops(
            model,
            n_train=len(data.train.y),
            n_features=data.train.x.shape[1],
            eval_samples=len(data.train.y) + len(data.val.y) + len(data.test.y),
        ),
        latency_ms=latency_ms,
        epochs=len(history),
        answers=measure_answer_energy(
            lambda: model.predict_proba(example),
            device=torch.device("cpu"),
            settings=settings,
            latency_ms=latency_ms,
            training_watts=meter.watts,
        ),
        settings=settings,
    )
    return _Trained(
        model,
        history,
        "completed",
        test_loss,
        test_accuracy,
        cost,
        baselines.baseline_to_bytes(model),
        lambda split: baselines.probabilities(model, split),
    )


def measure_fairness(
    scores: Callable[[Split], np.ndarray], data: Dataset, *, spec: RunSpec, model: Any = None
) -> FairnessReport | None:
    """Fairness between groups on the test set, and what fairlearn's mitigations change, for yes/no data
    about people (None for other data).

    Parameters
    ----------
    scores : a split -> the trained model's probability of every class, (N, 2).
    data : the run's dataset, with each row's groups.
    spec : the run's settings (its seed fixes the mitigations' random draws).
    model : the trained model: each test person's decision with only their group changed (the flip rate), and a
        logistic regression is also retrained under a constraint (ExponentiatedGradient).
    """
    from lab.counterfactual import flip_rate
    from lab.mitigation import exponentiated_gradient, threshold_mitigations

    if not data.card.sensitive or data.inputs.n_classes != 2 or data.test.groups is None:
        return None
    assert data.val.groups is not None and data.train.groups is not None
    test_scores, val_scores = scores(data.test)[:, 1], scores(data.val)[:, 1]
    y_test = data.test.y.numpy()
    report = fairness_report(y_test, (test_scores > 0.5).astype(np.int64), sensitive_features=data.test.groups)
    mitigations = []
    for attribute in data.card.sensitive:
        mitigations += threshold_mitigations(
            attribute=attribute,
            val_scores=val_scores,
            val_y=data.val.y.numpy(),
            val_groups=data.val.groups[attribute],
            test_scores=test_scores,
            test_y=y_test,
            test_groups=data.test.groups[attribute],
            seed=spec.seed,
        )
        # Retraining under a constraint takes a dozen fits per attribute: done for the first (main) one only.
        if spec.arch == "logreg" and attribute == data.card.sensitive[0]:
            mitigations.append(
                exponentiated_gradient(
                    model,
                    attribute=attribute,
                    train_x=data.train.x.numpy(),
                    train_y=data.train.y.numpy(),
                    train_groups=data.train.groups[attribute],
                    test_x=data.test.x.numpy(),
                    test_y=y_test,
                    test_groups=data.test.groups[attribute],
                    seed=spec.seed,
                )
            )
    flips = () if model is None else tuple(flip_rate(model, data, attribute=a) for a in data.card.sensitive)
    return FairnessReport(report.attributes, tuple(mitigations), flips)


def measure_privacy(
    scores: Callable[[Split], np.ndarray], data: Dataset, *, spec: RunSpec, private: PrivateTraining | None = None
) -> PrivacyReport:
    """Membership inference on the trained model, and the DP guarantee when it was trained with opacus.

    Members are training records, non-members test records, as many of each (at most privacy.CAP, so the
    attack costs a few forward passes whatever the data's size); validation records calibrate the second attack.
    """
    from lab.privacy import CAP, PrivacyReport, membership_inference

    rng = np.random.default_rng(spec.seed)
    size = min(CAP, len(data.train.y), len(data.test.y))

    def sample(split: Split, n: int) -> Split:
        rows = torch.from_numpy(np.sort(rng.choice(len(split.y), size=n, replace=False)))
        return Split(x=split.x[rows], y=split.y[rows])

    def losses(split: Split) -> np.ndarray:
        """Each record's cross-entropy, from the model's probability of its true class."""
        probabilities = scores(split).astype(np.float64)
        labels = split.y.numpy()
        return -np.log(np.clip(probabilities[np.arange(len(labels)), labels], 1e-12, 1.0))

    members, non_members = sample(data.train, size), sample(data.test, size)
    reference = sample(data.val, min(CAP, len(data.val.y)))
    membership = membership_inference(
        losses(members),
        members.y.numpy(),
        losses(non_members),
        non_members.y.numpy(),
        reference_losses=losses(reference),
        reference_labels=reference.y.numpy(),
        seed=spec.seed,
    )
    if private is None:
        return PrivacyReport(membership)
    return PrivacyReport(
        membership,
        epsilon=private.epsilon(),
        delta=private.delta,
        noise_multiplier=private.noise_multiplier,
        max_grad_norm=private.max_grad_norm,
    )
