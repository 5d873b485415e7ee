"""The large-model calculator: parameters and training tokens -> FLOPs, GPU-hours, energy, CO2 and money.

Every figure here is an estimate from a few published numbers (assets/large_models.toml, each with its source and
year) and the rule of thumb that training costs about 6 FLOPs per parameter per token: 2 for the forward pass and
4 for the backward pass (Kaplan et al. 2020, "Scaling Laws for Neural Language Models"). No Streamlit and no torch.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

LARGE_MODELS_PATH = Path(__file__).resolve().parent.parent / "assets" / "large_models.toml"
SECONDS_PER_HOUR = 3600
DEFAULT_GPUS = 1000  # the calculator's starting cluster: a thousand GPUs sharing one training run

# Bounds that keep every result a finite number (no overflow to infinity) and catch typing slips, with the words
# for each. 10^15 parameters and 10^16 tokens are far beyond any published model, so no real question is refused.
LIMITS = {
    "params": (1.0, 1e15, "The number of parameters"),
    "tokens": (1.0, 1e16, "The number of training tokens"),
    "utilisation": (0.01, 1.0, "The utilisation (the share of peak speed used; 1 = 100 %)"),
    "pue": (1.0, 3.0, "The PUE (data-centre overhead)"),
    "grid_g_per_kwh": (0.0, 2000.0, "The grid's carbon intensity (g CO2 per kWh)"),
    "price_per_gpu_hour": (0.0, 10_000.0, "The price per GPU-hour"),
    "gpus": (1.0, 1e7, "The number of GPUs"),
}


class EstimateError(ValueError):
    """A calculator input that cannot give a meaningful figure; the message is written for the person who typed it."""


@dataclass(frozen=True)
class Accelerator:
    name: str  # key in the assets: "a100"
    title: str  # "NVIDIA A100 (SXM)"
    peak_flops: float  # peak dense 16-bit tensor FLOP/s, as the maker states it
    watts: float  # the maker's maximum board power (TDP)
    source: str
    year: int


@dataclass(frozen=True)
class Grid:
    name: str  # key in the assets: "france"
    title: str  # "France"
    g_per_kwh: float  # grams of CO2 per kWh of electricity generated
    source: str
    year: int


@dataclass(frozen=True)
class Reference:
    """A published model: its size and training data, and its compute, energy and CO2 where published."""

    name: str  # key in the assets: "gpt-3"
    title: str  # "GPT-3"
    params: float
    tokens: float
    source: str
    year: int
    flops: float | None = None  # published training FLOPs; None: only the 6·N·D estimate is known
    energy_mwh: float | None = None  # published training energy (itself an estimate by the cited authors)
    co2_t: float | None = None  # published training CO2, tonnes
    note: str = ""

    @property
    def training_flops(self) -> float:
        """The published training FLOPs, or 6·N·D where none was published."""
        return self.flops if self.flops is not None else training_flops(self.params, self.tokens)


@dataclass(frozen=True)
class Assumption:
    value: float
    note: str  # what it is and why this figure, in plain words
    source: str = ""
    year: int | None = None


@dataclass(frozen=True)
class LargeModels:
    """Everything in assets/large_models.toml. The mappings are read-only."""

    accelerators: Mapping[str, Accelerator]
    grids: Mapping[str, Grid]
    references: Mapping[str, Reference]
    utilisation: Assumption
    pue: Assumption
    price_per_gpu_hour: Assumption


@dataclass(frozen=True)
class Estimate:
    """What training a model of this size would take: every figure an estimate."""

    flops: float  # 6·N·D floating-point operations
    gpu_hours: float  # hours of one accelerator working at peak x utilisation
    days: float  # wall-clock days on the given number of GPUs working together
    energy_kwh: float  # GPU power x GPU-hours x PUE
    co2_kg: float  # energy x the grid's carbon intensity
    cost_usd: float  # GPU-hours x the price per GPU-hour


@cache
def load_large_models(path: Path = LARGE_MODELS_PATH) -> LargeModels:
    """Read the accelerators, grids, reference models and default assumptions (cached)."""
    raw = tomllib.loads(path.read_text("utf-8"))
    assumptions = raw["assumptions"]
    return LargeModels(
        accelerators=_table(Accelerator, raw["accelerators"]),
        grids=_table(Grid, raw["grids"]),
        references=_table(Reference, raw["references"]),
        utilisation=Assumption(
            assumptions["utilisation"],
            assumptions["utilisation_note"],
            assumptions["utilisation_source"],
            assumptions["utilisation_year"],
        ),
        pue=Assumption(assumptions["pue"], assumptions["pue_note"], assumptions["pue_source"], assumptions["pue_year"]),
        price_per_gpu_hour=Assumption(assumptions["price_usd_per_gpu_hour"], assumptions["price_note"]),
    )


def _table(cls: type, entries: dict[str, dict[str, Any]]) -> Mapping:
    return MappingProxyType({name: cls(name=name, **fields) for name, fields in entries.items()})


def check(name: str, value: float) -> float:
    """Return `value` as a float, or raise EstimateError when it is not a finite number within LIMITS[name]."""
    low, high, words = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise EstimateError(f"{words} must be a number, not {value!r}.")
    if not low <= value <= high:
        raise EstimateError(f"{words} must be between {low:g} and {high:g}, not {value:g}.")
    return float(value)


def training_flops(params: float, tokens: float) -> float:
    """6·N·D: the FLOPs to train N parameters on D tokens (Kaplan et al. 2020). Raises EstimateError on bad input."""
    return 6 * check("params", params) * check("tokens", tokens)


def estimate(
    *,
    params: float,
    tokens: float,
    accelerator: Accelerator,
    utilisation: float,
    pue: float,
    grid_g_per_kwh: float,
    price_per_gpu_hour: float,
    gpus: float = DEFAULT_GPUS,
) -> Estimate:
    """What training N parameters on D tokens would take on this accelerator.

    Parameters
    ----------
    params, tokens : N and D.
    accelerator : its peak FLOP/s and its power.
    utilisation : the share of the peak speed training really uses, 0.01..1.
    pue : the data centre's total electricity over the computers' own, 1..3.
    grid_g_per_kwh : grams of CO2 per kWh of the electricity used.
    price_per_gpu_hour : US dollars per hour of one accelerator.
    gpus : how many accelerators share the work; changes the days, not the GPU-hours.

    Raises
    ------
    EstimateError : an input is not a number, or outside LIMITS.
    """
    flops = training_flops(params, tokens)
    gpu_hours = flops / (accelerator.peak_flops * check("utilisation", utilisation)) / SECONDS_PER_HOUR
    energy_kwh = gpu_hours * accelerator.watts * check("pue", pue) / 1000
    return Estimate(
        flops=flops,
        gpu_hours=gpu_hours,
        days=gpu_hours / check("gpus", gpus) / 24,
        energy_kwh=energy_kwh,
        co2_kg=energy_kwh * check("grid_g_per_kwh", grid_g_per_kwh) / 1000,
        cost_usd=gpu_hours * check("price_per_gpu_hour", price_per_gpu_hour),
    )
