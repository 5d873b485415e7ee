"""The model architectures a class can train, one file each, and a registry that builds them by name.

This is the bottom layer: no Streamlit and no `lab` imports, so a model can be built anywhere.
"""

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from models.baselines import GradientBoostingConfig, LogisticRegressionConfig, gradient_boosting, logistic_regression
from models.cnn import CNN, CNNConfig
from models.inputs import InputSpec, Modality
from models.lstm import LSTM, LSTMConfig
from models.minilm import MiniLMConfig, MiniLMHead
from models.mlp import MLP, MLPConfig
from models.transformer import Transformer, TransformerConfig

__all__ = ["REGISTRY", "Architecture", "InputSpec", "Modality", "build_model"]


@dataclass(frozen=True)
class Architecture:
    """One trainable architecture, as the app lists and builds it."""

    name: str  # registry key: "cnn"
    short: str  # "CNN", for labels and legends
    title: str  # "Convolutional network (CNN)"
    model_cls: Callable[[Any], Any]  # config -> a torch nn.Module, or a scikit-learn estimator
    config_cls: type  # a dataclass with `inputs: InputSpec` plus the architecture's own sizes
    modalities: frozenset[str]  # dataset modalities it accepts
    needs_embeddings: bool  # True: lab.embeddings.embed_dataset must turn the text into vectors first
    summary: str  # one paragraph in plain words: what it is, what it is good at, what it costs
    family: Literal["torch", "sklearn"] = "torch"  # sklearn: fitted in one call, no epochs, lr or batches


# The words (short name, title, plain-language summary) live in assets/, where the Home page reads them too.
_WORDS = tomllib.loads((Path(__file__).resolve().parent.parent / "assets" / "architectures.toml").read_text("utf-8"))


def _entry(
    name: str,
    model_cls: Callable[[Any], Any],
    config_cls: type,
    modalities: set[str],
    *,
    needs_embeddings: bool = False,
    family: Literal["torch", "sklearn"] = "torch",
) -> Architecture:
    words = _WORDS[name]
    return Architecture(
        name,
        words["short"],
        words["title"],
        model_cls,
        config_cls,
        frozenset(modalities),
        needs_embeddings,
        words["summary"],
        family,
    )


REGISTRY: dict[str, Architecture] = {
    # Only the MLP and the Transformer read tables: columns have no order or neighbours for a CNN or an LSTM.
    "mlp": _entry("mlp", MLP, MLPConfig, {"image", "text", "table"}),
    "cnn": _entry("cnn", CNN, CNNConfig, {"image", "text"}),
    "lstm": _entry("lstm", LSTM, LSTMConfig, {"image", "text"}),
    "transformer": _entry("transformer", Transformer, TransformerConfig, {"image", "text", "table"}),
    "minilm": _entry("minilm", MiniLMHead, MiniLMConfig, {"text"}, needs_embeddings=True),
    "logreg": _entry("logreg", logistic_regression, LogisticRegressionConfig, {"table"}, family="sklearn"),
    "boosting": _entry("boosting", gradient_boosting, GradientBoostingConfig, {"table"}, family="sklearn"),
}


def build_model(arch: str, inputs: InputSpec, **overrides) -> Any:
    """Build a fresh, untrained model: `REGISTRY[arch].config_cls(inputs=inputs, **overrides)`.

    Returns a torch nn.Module, or for the "sklearn" family an unfitted scikit-learn estimator.

    Raises KeyError for an unknown architecture and ValueError when it cannot read this kind of data.
    """
    if arch not in REGISTRY:
        raise KeyError(f"Unknown architecture {arch!r}; choose one of: {', '.join(REGISTRY)}.")
    entry = REGISTRY[arch]
    return entry.model_cls(entry.config_cls(inputs=inputs, **overrides))
