"""RunSpec: everything that decides what a training run does, and nothing else."""

import hashlib
import json
import math
from dataclasses import asdict, dataclass, fields
from typing import Literal

Optimizer = Literal["adam", "sgd"]

# Bounds that keep one run within a classroom's patience and a laptop's memory, with the words for each.
# The learning rate may be absurdly high on purpose: watching the loss explode is a lesson.
LIMITS = {
    "epochs": (1, 200, "The number of epochs"),
    "lr": (1e-7, 1e7, "The learning rate"),
    "batch_size": (1, 4096, "The batch size"),
    "seed": (0, 2**31 - 1, "The seed"),
    "patience": (0, 50, "The early-stopping patience"),
}


class SpecError(ValueError):
    """A spec that cannot be run; the message is written for the person who chose it."""


@dataclass(frozen=True)
class RunSpec:
    dataset: str = "digits"
    arch: str = "cnn"
    epochs: int = 10
    lr: float = 1e-3
    batch_size: int = 64
    optimizer: Optimizer = "adam"
    seed: int = 0
    patience: int = 0  # early stop after this many epochs without a better validation loss; 0 = never
    drop_sensitive: bool = False  # tables about people: train without the sensitive columns ("unawareness")
    dp_epsilon: float | None = None  # train with differential privacy (opacus DP-SGD) to this ε; None = not private

    def key(self) -> str:
        """A stable hash: two specs that train the same model share a key, and so a stored result.

        A scikit-learn baseline is fitted in one go: epochs, learning rate, batches, optimizer and patience
        do not change it, so they do not change its key either.
        """
        from models import REGISTRY

        settings = asdict(self)
        if self.arch in REGISTRY and REGISTRY[self.arch].family == "sklearn":
            for unused in ("epochs", "lr", "batch_size", "optimizer", "patience"):
                del settings[unused]
        payload = json.dumps(settings, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RunSpec":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def validate(self) -> "RunSpec":
        """Return the spec unchanged, or raise SpecError saying in plain words what is wrong."""
        from lab.data import DATASETS
        from models import REGISTRY

        if self.dataset not in DATASETS:
            raise SpecError(f"Unknown dataset {self.dataset!r}. Choose one of: {', '.join(sorted(DATASETS))}.")
        if self.arch not in REGISTRY:
            raise SpecError(f"Unknown architecture {self.arch!r}. Choose one of: {', '.join(sorted(REGISTRY))}.")
        modality = DATASETS[self.dataset].modality
        if modality not in REGISTRY[self.arch].modalities:
            raise SpecError(f"The {REGISTRY[self.arch].title} cannot read {modality} data; pick another model.")
        if self.drop_sensitive and not DATASETS[self.dataset].sensitive:
            raise SpecError(f"The {DATASETS[self.dataset].title} data has no sensitive columns to leave out.")
        if self.dp_epsilon is not None:
            from lab.dp import validate_epsilon

            if REGISTRY[self.arch].family != "torch":
                raise SpecError(
                    f"The {REGISTRY[self.arch].title} is fitted by scikit-learn, which cannot be trained with "
                    "differential privacy here: pick a neural network."
                )
            try:
                validate_epsilon(self.dp_epsilon)
            except ValueError as problem:
                raise SpecError(str(problem)) from None
        if self.optimizer not in ("adam", "sgd"):
            raise SpecError(f"Unknown optimizer {self.optimizer!r}. Choose adam or sgd.")
        for name, (low, high, words) in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise SpecError(f"{words} must be a number, not {value!r}.")
            if name != "lr" and not float(value).is_integer():
                raise SpecError(f"{words} must be a whole number, not {value}.")
            if not low <= value <= high:
                raise SpecError(f"{words} must be between {low:g} and {high:g}, not {value:g}.")
        return self
