"""The scaling lab: the power-law fit against hand-computed values, the sweep's specs, and a real sweep on digits."""

import math

import numpy as np
import pytest

from lab.scaling import FitError, SweepPoint, extrapolate, fit_power_law, fit_sweep, sweep_point, sweep_specs
from lab.spec import SpecError

T_975_1 = 12.7062  # Student's t, 97.5th percentile, 1 degree of freedom (any statistics table)


@pytest.mark.parametrize(("a", "b"), [(3.0, 0.05), (2.5e4, 0.55), (10.0, 1.0)])
def test_the_fit_recovers_known_exponents_from_exact_power_laws(a, b):
    x = np.logspace(6, 11, 6)
    law = fit_power_law(list(x), list(a * x**-b))
    assert law.exponent == pytest.approx(b, abs=1e-9)
    assert law.a == pytest.approx(a, rel=1e-6)
    assert law.exponent_se == pytest.approx(0, abs=1e-9) and law.r_squared == pytest.approx(1)
    assert law.predict(1e12) == pytest.approx(a * 1e12**-b, rel=1e-6)


def test_the_fit_and_its_band_match_a_hand_computed_example():
    # log10 x = 0, 1, 2 and log10 y = 1, 0.5, -0.1. By hand: slope -0.55, intercept 1.01667, residuals
    # -1/60, 2/60, -1/60, so s^2 = (6/3600) / 1 and s = 0.1/sqrt(6); Sxx = 2, so se(slope) = s / sqrt(2).
    law = fit_power_law([1, 10, 100], [10, 10**0.5, 10**-0.1])
    s = 0.1 / math.sqrt(6)
    assert law.exponent == pytest.approx(0.55)
    assert law.a == pytest.approx(10 ** (1.4 / 3 + 0.55))  # intercept = mean log10 y - slope x mean log10 x
    assert law.exponent_se == pytest.approx(s / math.sqrt(2))
    # at the mean of log10 x (x = 10) the band's half-width is t(0.975, 1) x s x sqrt(1/3), in log10 units
    low, high = law.band(10.0)
    half = T_975_1 * s / math.sqrt(3)
    assert math.log10(high) - math.log10(law.predict(10.0)) == pytest.approx(half, rel=1e-4)
    assert math.log10(law.predict(10.0)) - math.log10(low) == pytest.approx(half, rel=1e-4)


def test_noisy_points_give_the_exponent_within_its_uncertainty():
    rng = np.random.default_rng(0)
    x = np.logspace(5, 10, 8)
    y = 4.0 * x**-0.076 * 10 ** rng.normal(0, 0.01, len(x))  # Kaplan et al.'s exponent for parameters, 2 % noise
    law = fit_power_law(list(x), list(y))
    log_x, log_y = np.log10(x), np.log10(y)
    slope, intercept = np.polyfit(log_x, log_y, 1)  # an independent least-squares fit
    residuals = log_y - (intercept + slope * log_x)
    by_hand = math.sqrt((residuals**2).sum() / (len(x) - 2) / ((log_x - log_x.mean()) ** 2).sum())
    assert law.exponent == pytest.approx(-slope) and law.exponent_se == pytest.approx(by_hand)
    assert abs(law.exponent - 0.076) < 3 * law.exponent_se


def test_ten_times_more_compute_is_read_off_the_line_with_a_wider_band():
    points = [SweepPoint(str(i), 4**i, None, 10 * 4**i, 1e6 * 4**i, 2.0 * (1e6 * 4**i) ** -0.3, 0.5) for i in (1, 2, 3)]
    points[1] = SweepPoint("1", 16, None, 160, 1.6e7, 1.05 * 2.0 * 1.6e7**-0.3, 0.5)  # some scatter, so a band
    fit = fit_sweep(points)
    ahead = fit.more_compute
    assert ahead.compute == pytest.approx(10 * 6.4e7) and ahead.largest_compute == pytest.approx(6.4e7)
    assert ahead.loss == pytest.approx(fit.by_compute.a * (6.4e8) ** -fit.by_compute.exponent)
    assert ahead.low < ahead.loss < ahead.high
    low, high = fit.by_compute.band(6.4e7)
    assert ahead.high / ahead.low > high / low  # further from the data, less certain
    assert extrapolate(fit.by_compute, points, factor=100).compute == pytest.approx(6.4e9)


@pytest.mark.parametrize(
    ("x", "y", "words"),
    [
        ([1, 10], [1, 0.5], "at least 3 sizes"),
        ([1, 10, 100], [1, 0.5, 0.0], "positive number"),
        ([1, 10, math.inf], [1, 0.5, 0.2], "positive number"),
        ([5, 5, 5], [1, 0.5, 0.2], "All the sizes are the same"),
        ([1, 10, 100], [1, 0.5], "3 sizes but 2 losses"),
    ],
)
def test_points_that_cannot_carry_a_fit_say_why(x, y, words):
    with pytest.raises(FitError, match=words):
        fit_power_law(x, y)


def test_sweep_specs_cross_widths_and_depths_and_refuse_what_cannot_be_sized():
    specs = sweep_specs("digits", "mlp", widths=[64, 4, 16, 4], depths=[2, 1], seed=7)
    assert [(s.width, s.depth) for s in specs] == [(4, 1), (16, 1), (64, 1), (4, 2), (16, 2), (64, 2)]
    assert {s.seed for s in specs} == {7} and {s.epochs for s in specs} == {10} and len({s.key() for s in specs}) == 6
    assert sweep_specs("mnist", "cnn", widths=[8], epochs=2)[0].epochs == 2
    # unset, the depth is the architecture's own, written out (the MLP's 2), or none where it is fixed (the CNN)
    assert (
        sweep_specs("digits", "mlp", widths=[8])[0].depth == 2
        and sweep_specs("digits", "cnn", widths=[8])[0].depth is None
    )
    with pytest.raises(SpecError, match="Only the MLP and the CNN"):
        sweep_specs("digits", "lstm", widths=[4])
    with pytest.raises(SpecError, match="at least one width"):
        sweep_specs("digits", "mlp", widths=[])
    with pytest.raises(SpecError, match="at least one depth"):
        sweep_specs("digits", "mlp", widths=[4], depths=[])
    with pytest.raises(SpecError, match="The width must be between 1 and 1024"):
        sweep_specs("digits", "mlp", widths=[0, 4])
    with pytest.raises(SpecError, match="depth of the Convolutional"):
        sweep_specs("digits", "cnn", widths=[4], depths=[2])


def test_on_digits_the_test_loss_falls_as_the_mlp_grows():
    """Acceptance: a real sweep (widths 4, 16, 64; checked by hand on seeds 0 to 5, losses about 2.1, 1.2, 0.3)."""
    from lab.pipeline import run

    points = [sweep_point(run(spec)[0]) for spec in sweep_specs("digits", "mlp", widths=[4, 16, 64], seed=0)]
    assert [p.params for p in points] == sorted(p.params for p in points)
    assert points[0].loss > points[1].loss > points[2].loss
    assert points[0].train_flops < points[1].train_flops < points[2].train_flops
    fit = fit_sweep(points)
    assert fit.by_compute.exponent > 0 and fit.by_params.exponent > 0
