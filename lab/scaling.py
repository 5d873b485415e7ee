"""The scaling lab: one task trained at several model sizes, a power law fitted through the results, and what
ten times more compute would buy by that fit (an extrapolation, and said to be one).

Large language models lose test loss as a power of their size and their training compute, loss ≈ a · C^(-b)
(Kaplan et al. 2020, "Scaling Laws for Neural Language Models"): a straight line on log-log axes. Here a class
measures the same on models small enough to train in seconds. No Streamlit and no torch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from lab.result import RunResult
from lab.spec import SIZED, RunSpec, SpecError

CONFIDENCE = 0.95  # the band drawn around a fitted line
MIN_POINTS = 3  # a line through two points has no uncertainty to show
# The sizes a sweep offers, doubling: 1 to 1 024 (the largest width a spec allows).
WIDTHS = tuple(2**i for i in range(11))
DEFAULT_WIDTHS = {"mlp": (4, 16, 64, 256), "cnn": (4, 8, 16, 32)}


class FitError(ValueError):
    """The points cannot carry a power law; the message says why, in plain words."""


@dataclass(frozen=True)
class SweepPoint:
    """One trained size: how big it was, what it cost to train, and how well it did."""

    run_id: str
    width: int | None  # units per hidden layer (MLP) or filters in the first block (CNN); None: the default
    depth: int | None  # hidden layers (MLP); None: the default (the CNN's is fixed)
    params: int
    train_flops: float  # estimate: 3 x forward FLOPs per training sample seen + the evaluations
    loss: float  # mean cross-entropy on the test split
    accuracy: float  # on the test split, 0..1


@dataclass(frozen=True)
class PowerLaw:
    """y ≈ a · x^(-exponent), fitted by least squares to log10(y) against log10(x)."""

    a: float  # y at x = 1
    exponent: float  # b: each 10 times more x divides y by 10^b
    exponent_se: float  # the standard error of b
    r_squared: float  # share of the spread of log10(y) the line explains, 0..1
    n: int  # points fitted
    residual_sd: float  # spread of the points around the line, in log10 units
    log_x_mean: float  # mean of log10(x), for the band
    log_x_ss: float  # sum of squared deviations of log10(x), for the band

    def predict(self, x: float | np.ndarray) -> float | np.ndarray:
        """The fitted line at x."""
        return self.a * np.power(x, -self.exponent)

    def band(self, x: float | np.ndarray, *, level: float = CONFIDENCE) -> tuple[float | np.ndarray, ...]:
        """(low, high): where the fitted line lies at x with probability `level`, if the power law holds.

        The usual band of a least-squares line: t(n-2) x s x sqrt(1/n + (log x - mean)^2 / Sxx), in log10 units.
        """
        from scipy import stats

        spread = self.residual_sd * np.sqrt(1 / self.n + (np.log10(x) - self.log_x_mean) ** 2 / self.log_x_ss)
        factor = np.power(10.0, stats.t.ppf((1 + level) / 2, self.n - 2) * spread)
        centre = self.predict(x)
        return centre / factor, centre * factor


@dataclass(frozen=True)
class Extrapolation:
    """The fitted line followed beyond the largest run: a guess that holds only if nothing bends."""

    factor: float  # how many times the largest run's compute
    compute: float  # FLOPs
    loss: float  # the fitted line's test loss there
    low: float  # its band at CONFIDENCE
    high: float
    largest_compute: float  # the largest run measured, for comparison
    largest_loss: float


@dataclass(frozen=True)
class ScalingFit:
    by_params: PowerLaw  # test loss against parameters
    by_compute: PowerLaw  # test loss against training FLOPs
    more_compute: Extrapolation  # ten times the largest run's compute, by `by_compute`


def sweep_specs(
    dataset: str,
    arch: str,
    *,
    widths: Iterable[int],
    depths: Iterable[int | None] | None = None,
    seed: int = 0,
    epochs: int | None = None,
) -> list[RunSpec]:
    """One validated spec per width x depth, smallest first, with the dataset's suggested epochs and batch size.

    Raises SpecError for an architecture whose size cannot be set, no width, or a size out of bounds.
    """
    from lab.data import DATASETS

    if arch not in SIZED:
        raise SpecError(f"Only the {' and the '.join(a.upper() for a in SIZED)} can be trained at several sizes.")
    if dataset not in DATASETS:
        raise SpecError(f"Unknown dataset {dataset!r}. Choose one of: {', '.join(sorted(DATASETS))}.")
    # unset, the depth is the architecture's own, written out: the page and the shell then train the same keys
    depths = sorted(set([SIZED[arch][1]] if depths is None else depths), key=lambda d: d or 0)
    widths = sorted(set(widths))
    if not widths:
        raise SpecError("Pick at least one width.")
    if not depths:
        raise SpecError("Pick at least one depth.")
    card = DATASETS[dataset]
    base = RunSpec(
        dataset,
        arch,
        epochs=card.suggested_epochs if epochs is None else epochs,
        batch_size=card.suggested_batch_size,
        seed=seed,
    )
    return [replace(base, width=width, depth=depth).validate() for depth in depths for width in widths]


def sweep_point(result: RunResult) -> SweepPoint:
    """The figures of one finished run that a scaling fit needs."""
    return SweepPoint(
        run_id=result.run_id,
        width=result.spec.width,
        depth=result.spec.depth,
        params=result.cost.params,
        train_flops=float(result.cost.train_flops),
        loss=result.metrics.loss,
        accuracy=result.metrics.accuracy,
    )


def fit_power_law(x: Sequence[float], y: Sequence[float]) -> PowerLaw:
    """Fit y ≈ a · x^(-b) by least squares in log-log space.

    Raises FitError with fewer than MIN_POINTS points, a value that is not a positive finite number, or x all equal.
    """
    from scipy import stats

    if len(x) != len(y):
        raise FitError(f"Got {len(x)} sizes but {len(y)} losses.")
    if len(x) < MIN_POINTS:
        raise FitError(f"A line with its uncertainty needs at least {MIN_POINTS} sizes; there are {len(x)}.")
    if not all(math.isfinite(v) and v > 0 for v in (*x, *y)):
        raise FitError("Every size and every loss must be a positive number to be drawn on log-log axes.")
    log_x, log_y = np.log10(np.asarray(x, dtype=float)), np.log10(np.asarray(y, dtype=float))
    log_x_ss = float(((log_x - log_x.mean()) ** 2).sum())
    if log_x_ss == 0:
        raise FitError("All the sizes are the same: there is no trend to fit.")
    line = stats.linregress(log_x, log_y)
    residuals = log_y - (line.intercept + line.slope * log_x)
    return PowerLaw(
        a=float(10**line.intercept),
        exponent=float(-line.slope),
        exponent_se=float(line.stderr),
        r_squared=float(line.rvalue**2),
        n=len(x),
        residual_sd=float(np.sqrt((residuals**2).sum() / (len(x) - 2))),
        log_x_mean=float(log_x.mean()),
        log_x_ss=log_x_ss,
    )


def extrapolate(fit: PowerLaw, points: Sequence[SweepPoint], *, factor: float = 10) -> Extrapolation:
    """The fitted loss at `factor` times the largest run's training compute, with its band."""
    largest = max(points, key=lambda p: p.train_flops)
    compute = largest.train_flops * factor
    low, high = fit.band(compute)
    return Extrapolation(
        factor=factor,
        compute=compute,
        loss=float(fit.predict(compute)),
        low=float(low),
        high=float(high),
        largest_compute=largest.train_flops,
        largest_loss=largest.loss,
    )


def fit_sweep(points: Sequence[SweepPoint]) -> ScalingFit:
    """Power laws of test loss against parameters and against training compute, and 10x more compute by the latter.

    Raises FitError when the points cannot carry a fit (see fit_power_law).
    """
    losses = [p.loss for p in points]
    by_compute = fit_power_law([p.train_flops for p in points], losses)
    return ScalingFit(
        by_params=fit_power_law([float(p.params) for p in points], losses),
        by_compute=by_compute,
        more_compute=extrapolate(by_compute, points),
    )
