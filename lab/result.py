"""What a finished run produced: small frozen dataclasses that travel from worker to store to page.

Later parts of the lab add their own sections (fairness, privacy, ...) as optional fields of RunResult;
`to_dict` is the JSON contract of `python -m lab train --json`.
"""

from dataclasses import asdict, dataclass, field, fields
from typing import Literal

from lab.fairness import FairnessReport
from lab.privacy import PrivacyReport
from lab.spec import RunSpec

EnergyMethod = Literal["measured", "estimated"]


@dataclass(frozen=True)
class EpochStats:
    epoch: int  # 1-based
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float  # wall time of this epoch, training and validation


@dataclass(frozen=True)
class Metrics:
    accuracy: float  # on the held-out test split, 0..1
    loss: float  # mean cross-entropy on the test split
    n_test: int  # how many test samples the accuracy is computed on
    epochs_run: int  # fewer than spec.epochs when early stopping ended the run
    stop_reason: str  # "completed" or a plain sentence ("no better validation loss for 3 epochs")


@dataclass(frozen=True)
class CostReport:
    params: int  # trainable numbers in the model
    flops_per_sample: int  # floating-point operations of one forward pass on one sample
    train_flops: int  # estimate: 3 x forward FLOPs per training sample seen + forward FLOPs of every evaluation
    train_seconds: float  # wall time of training, evaluation included
    latency_ms: float  # median time to answer one sample, batch of one
    peak_memory_mb: float  # peak resident memory of the process while training
    gpu_peak_memory_mb: float | None  # peak CUDA memory allocated, None off GPU
    energy_kwh: float  # energy used while training
    energy_method: EnergyMethod  # "measured" by a power sensor (RAPL/NVML) or "estimated" from a power model
    energy_source: str  # what codecarbon read, in words
    co2_g: float  # energy_kwh x grid_g_per_kwh: an estimate
    grid_g_per_kwh: float  # the grid carbon intensity used for co2_g
    # Per epoch and per 1 000 answers, so that a short run or a small model does not show as 0 Wh.
    energy_per_epoch_kwh: float = 0.0  # energy_kwh / epochs run
    energy_per_1000_predictions_kwh: float = 0.0  # 1 000 answers one at a time; 0.0: stored before it was measured
    predictions_energy_method: EnergyMethod = "estimated"  # how the figure above was obtained...
    predictions_energy_source: str = ""  # ...and the same in words ("derived" when computed from the latency)

    @classmethod
    def from_dict(cls, data: dict, *, epochs_run: int) -> "CostReport":
        """A stored cost; a run stored before energy per epoch was recorded gets it from its total."""
        known = {f.name for f in fields(cls)}
        values = {name: value for name, value in data.items() if name in known}
        values.setdefault("energy_per_epoch_kwh", data["energy_kwh"] / max(epochs_run, 1))
        return cls(**values)


@dataclass(frozen=True)
class RunResult:
    run_id: str
    spec: RunSpec
    metrics: Metrics
    cost: CostReport
    history: tuple[EpochStats, ...]
    device: str  # "cpu", "cuda", "mps"
    device_name: str  # what a person recognises: "CPU, 2 cores"
    versions: dict[str, str] = field(default_factory=dict)  # python, torch, transformers, ...
    started_at: str = ""  # ISO 8601, UTC
    finished_at: str = ""
    fairness: FairnessReport | None = None  # only for data about people with declared sensitive attributes
    privacy: PrivacyReport | None = None  # membership inference on every run, and DP's guarantee when trained with it

    def to_dict(self) -> dict:
        """A JSON-ready dict: what the CLI prints and the store keeps."""
        data = asdict(self)
        data["history"] = [asdict(h) for h in self.history]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "RunResult":
        return cls(
            run_id=data["run_id"],
            spec=RunSpec.from_dict(data["spec"]),
            metrics=Metrics(**data["metrics"]),
            cost=CostReport.from_dict(data["cost"], epochs_run=data["metrics"]["epochs_run"]),
            history=tuple(EpochStats(**h) for h in data["history"]),
            device=data["device"],
            device_name=data["device_name"],
            versions=dict(data.get("versions", {})),
            started_at=data.get("started_at", ""),
            finished_at=data.get("finished_at", ""),
            fairness=FairnessReport.from_dict(data["fairness"]) if data.get("fairness") else None,
            privacy=PrivacyReport.from_dict(data["privacy"]) if data.get("privacy") else None,
        )
