"""The large-model calculator against hand-computed values, its published references, and bad input."""

import math
from dataclasses import astuple

import pytest

from lab.estimate import Accelerator, EstimateError, estimate, load_large_models, training_flops

# a made-up accelerator with round figures, so every step can be done by hand
ROUND = Accelerator("round", "Round GPU", peak_flops=1e14, watts=500, source="this test", year=2026)
SETTINGS = dict(accelerator=ROUND, utilisation=0.5, pue=1.5, grid_g_per_kwh=400, price_per_gpu_hour=2.0, gpus=10)


def test_six_n_d():
    assert training_flops(175e9, 300e9) == pytest.approx(3.15e23)  # 6 x 175e9 x 300e9
    assert training_flops(1, 1) == 6


def test_every_unit_conversion_against_a_hand_computed_example():
    result = estimate(params=1e9, tokens=1e10, **SETTINGS)
    # 6 x 1e9 x 1e10 = 6e19 FLOPs; at 1e14 x 0.5 = 5e13 FLOP/s that is 1.2e6 s = 333.33 GPU-hours
    assert result.flops == pytest.approx(6e19)
    assert result.gpu_hours == pytest.approx(1.2e6 / 3600)
    assert result.days == pytest.approx(1.2e6 / 3600 / 10 / 24)  # 10 GPUs share the hours: 1.39 days
    assert result.energy_kwh == pytest.approx(1.2e6 / 3600 * 500 * 1.5 / 1000)  # 250 kWh
    assert result.co2_kg == pytest.approx(250 * 400 / 1000)  # 100 kg
    assert result.cost_usd == pytest.approx(1.2e6 / 3600 * 2.0)  # 666.67 dollars


def test_gpt3_reproduces_its_published_compute_within_ten_percent():
    """Acceptance: 6·N·D for GPT-3 against Brown et al. 2020's 3.14e23 FLOPs."""
    gpt3 = load_large_models().references["gpt-3"]
    assert (gpt3.params, gpt3.tokens, gpt3.flops) == (175e9, 300e9, 3.14e23)
    assert abs(training_flops(gpt3.params, gpt3.tokens) - gpt3.flops) / gpt3.flops < 0.10
    llama = load_large_models().references["llama-3-405b"]
    assert abs(training_flops(llama.params, llama.tokens) - llama.flops) / llama.flops < 0.10


def test_the_published_energy_figures_agree_with_their_own_arithmetic():
    references = load_large_models().references
    # Strubell et al. 2019, BERT-base: 12 041.51 W for 79.2 hours at a PUE of 1.58; 0.954 lb of CO2 per kWh
    assert references["bert-base"].energy_mwh == pytest.approx(12.04151 * 79.2 * 1.58 / 1000, rel=1e-3)
    assert references["bert-base"].co2_t == pytest.approx(1507 * 0.954 * 0.45359237 / 1000, rel=1e-3)
    # Patterson et al. 2021, GPT-3: 0.429 kg of CO2 per kWh
    assert references["gpt-3"].co2_t == pytest.approx(1287 * 0.429, rel=1e-3)
    # a reference without a published figure falls back on 6·N·D
    assert references["chinchilla"].flops is None
    assert references["chinchilla"].training_flops == pytest.approx(6 * 70e9 * 1.4e12)


def test_every_outside_figure_has_a_source_and_a_year():
    known = load_large_models()
    for entry in [*known.accelerators.values(), *known.grids.values(), *known.references.values()]:
        assert entry.source.strip() and 2000 < entry.year <= 2026, entry.name
    assert all(a.peak_flops > 1e12 and a.watts > 0 for a in known.accelerators.values())
    assert all(0 < g.g_per_kwh < 1000 for g in known.grids.values())
    for assumption in (known.utilisation, known.pue, known.price_per_gpu_hour):
        assert assumption.value > 0 and assumption.note.strip()
    assert known.utilisation.source and known.pue.source


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"params": 0}, "The number of parameters must be between 1 and 1e\\+15, not 0"),
        ({"params": -5e9}, "The number of parameters must be between"),
        ({"params": 1e30}, "The number of parameters must be between 1 and 1e\\+15, not 1e\\+30"),
        ({"params": math.nan}, "The number of parameters must be a number"),
        ({"params": math.inf}, "The number of parameters must be a number"),
        ({"params": True}, "The number of parameters must be a number"),
        ({"tokens": 0}, "The number of training tokens must be between"),
        ({"tokens": 1e300}, "The number of training tokens must be between"),
        ({"utilisation": 0}, "The utilisation .*must be between 0.01 and 1"),
        ({"utilisation": 1.5}, "The utilisation .*must be between 0.01 and 1"),
        ({"pue": 0.5}, "The PUE"),
        ({"grid_g_per_kwh": -1}, "carbon intensity"),
        ({"price_per_gpu_hour": -2}, "The price per GPU-hour"),
        ({"gpus": 0}, "The number of GPUs"),
    ],
)
def test_bad_input_is_refused_in_plain_words(changes, words):
    inputs = {"params": 1e9, "tokens": 1e10, **SETTINGS, **changes}
    with pytest.raises(EstimateError, match=words):
        estimate(**inputs)


def test_the_largest_accepted_inputs_still_give_finite_numbers():
    slowest = min(load_large_models().accelerators.values(), key=lambda a: a.peak_flops)
    result = estimate(
        params=1e15,
        tokens=1e16,
        accelerator=slowest,
        utilisation=0.01,
        pue=3,
        grid_g_per_kwh=2000,
        price_per_gpu_hour=10_000,
        gpus=1,
    )
    assert all(math.isfinite(value) for value in astuple(result))
