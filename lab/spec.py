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
# A model's size, when a run sets it (None = the architecture's default). 1 024 wide keeps the largest CNN
# (1 024 and 2 048 filters, about 19 million parameters) within a classroom server's memory.
SIZE_LIMITS = {
    "width": (1, 1024, "The width"),
    "depth": (1, 8, "The depth"),
}
# The architectures whose size a run can set, and their default width and depth where only one is set.
# The MLP: `depth` hidden layers of `width` units. The CNN: `width` filters in its first block, twice as many in
# its second (or per kernel size, for text); its depth stays at two blocks.
SIZED = {"mlp": (128, 2), "cnn": (32, None)}


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
    width: int | None = None  # units per hidden layer (MLP) or filters (CNN); None = the architecture's default
    depth: int | None = None  # hidden layers (MLP only); None = the architecture's default

    def key(self) -> str:
        """A stable hash: two specs that train the same model share a key, and so a stored result.

        A scikit-learn baseline is fitted in one go: epochs, learning rate, batches, optimizer and patience
        do not change it, so they do not change its key either.
        """
        from models import REGISTRY

        settings = asdict(self)
        for size in ("width", "depth"):  # unset, they leave the key as it was before sizes existed
            if settings[size] is None:
                del settings[size]
        if self.arch in REGISTRY and REGISTRY[self.arch].family == "sklearn":
            for unused in ("epochs", "lr", "batch_size", "optimizer", "patience"):
                del settings[unused]
        payload = json.dumps(settings, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    def model_overrides(self) -> dict:
        """The model config fields this spec's width and depth set (empty when neither is set)."""
        if self.width is None and self.depth is None:
            return {}
        default_width, default_depth = SIZED[self.arch]
        width = int(self.width or default_width)
        if self.arch == "mlp":
            return {"hidden": (width,) * int(self.depth or default_depth)}
        return {"channels": (width, 2 * width), "text_channels": width}

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
        self._validate_size()
        if self.optimizer not in ("adam", "sgd"):
            raise SpecError(f"Unknown optimizer {self.optimizer!r}. Choose adam or sgd.")
        for name, bounds in LIMITS.items():
            _check_number(getattr(self, name), bounds, whole=name != "lr")
        return self

    def _validate_size(self) -> None:
        """Raise SpecError when a width or depth is set for a model that cannot take it, or is out of bounds."""
        from models import REGISTRY

        title = REGISTRY[self.arch].title
        if (self.width is not None or self.depth is not None) and self.arch not in SIZED:
            raise SpecError(f"The size of the {title} cannot be changed here: pick the MLP or the CNN.")
        if self.depth is not None and SIZED[self.arch][1] is None:
            raise SpecError(f"The depth of the {title} cannot be changed here: change its width instead.")
        for name, bounds in SIZE_LIMITS.items():
            if getattr(self, name) is not None:
                _check_number(getattr(self, name), bounds, whole=True)


def _check_number(value: object, bounds: tuple[float, float, str], *, whole: bool) -> None:
    """Raise SpecError unless `value` is a finite number within `bounds` (low, high, words), whole if asked."""
    low, high, words = bounds
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SpecError(f"{words} must be a number, not {value!r}.")
    if whole and not float(value).is_integer():
        raise SpecError(f"{words} must be a whole number, not {value}.")
    if not low <= value <= high:
        raise SpecError(f"{words} must be between {low:g} and {high:g}, not {value:g}.")
