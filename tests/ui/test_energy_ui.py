"""Energy in plain words, the accuracy-against-energy section and the scorecard's energy rates (figures by hand)."""

import json
import tomllib
from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from lab.config import load_settings
from lab.pareto import pareto_front
from lab.result import CostReport, EpochStats, Metrics, RunResult
from lab.spec import RunSpec
from lab.store import RunStore
from ui import plain
from ui.compare import run_label
from ui.content import ASSETS
from ui.energy import front_summary, front_table, pareto_figure


def make_run(
    run_id: str,
    accuracy: float,
    energy_kwh: float,
    method: str,
    *,
    arch: str = "mlp",
    seed: int = 0,
    per_1000_kwh: float = 2.4e-7,
    finished_at: str = "2026-11-22T07:32:12+00:00",
) -> RunResult:
    """A run with chosen figures; two epochs."""
    cost = CostReport(
        params=1000,
        flops_per_sample=2000,
        train_flops=6_000_000,
        train_seconds=1.0,
        latency_ms=0.1,
        peak_memory_mb=500.0,
        gpu_peak_memory_mb=None,
        energy_kwh=energy_kwh,
        energy_method=method,
        energy_source="test",
        co2_g=energy_kwh * 480,
        grid_g_per_kwh=480.0,
        energy_per_epoch_kwh=energy_kwh / 2,
        energy_per_1000_predictions_kwh=per_1000_kwh,
        predictions_energy_method="measured",
        predictions_energy_source="measured: 5,000 answers one at a time in 0.50 s, scaled to 1 000",
    )
    history = (EpochStats(1, 1.0, 0.5, 1.0, 0.5, 0.5), EpochStats(2, 0.5, 0.8, 0.6, 0.8, 0.5))
    return RunResult(
        run_id,
        RunSpec("digits", arch, epochs=2, seed=seed),
        Metrics(accuracy, 0.1, 270, 2, "completed"),
        cost,
        history,
        "cpu",
        "CPU, 2 cores",
        finished_at=finished_at,
    )


# --- sentences -------------------------------------------------------------------------------------------


def test_energy_amounts_pick_a_unit_that_never_shows_zero():
    assert plain.energy_amount(2.1) == "2.1 kWh"
    assert plain.energy_amount(4e-4) == "0.4 Wh"
    assert plain.energy_amount(4e-5) == "40 mWh"  # 0.04 Wh
    assert plain.energy_amount(3e-9) == "3 µWh"  # 0.000003 Wh


def test_energy_per_epoch_in_words():
    # 1e-5 kWh = 10 mWh = 36 J; a 10 W bulb uses 36 J in 3.6 s.
    sentence = plain.epoch_energy_sentence(1e-5, 3, "estimated")
    assert "used 10 mWh" in sentence and "done 3 times" in sentence and "left on for 3.6 seconds" in sentence
    assert "estimate" in sentence and "estimate" not in plain.epoch_energy_sentence(1e-5, 1, "measured")


def test_energy_of_1000_answers_against_a_chatbot_question():
    # 2.4e-7 kWh = 0.24 mWh = 0.864 J: a thousandth of a 0.24 Wh question; a 10 W bulb for 0.0864 s.
    sentence = plain.answers_energy_sentence(2.4e-7, "measured", "measured: 5,000 answers")
    assert "use 0.24 mWh" in sentence and "1/1,000 of the energy of one question" in sentence
    assert "0.086 seconds" in sentence and "estimate" not in sentence
    # 2.4e-4 kWh = 0.24 Wh: one whole question; derived figures say how they were derived.
    derived = plain.answers_energy_sentence(2.4e-4, "estimated", "estimated, derived: 0.1 ms x 30 W")
    assert "as much as one question" in derived and "derived from the time per answer" in derived


def test_training_energy_beyond_a_laptop_battery_is_counted_in_laptop_charges():
    assert "2 full charges of a thin laptop's battery" in plain.energy_sentence(0.1052, "measured")  # 105.2 / 52.6


def test_every_everyday_figure_has_a_source_and_a_year():
    with open(ASSETS / "energy.toml", "rb") as file:
        references = tomllib.load(file)
    assert set(references) == {"led_bulb", "smartphone_charge", "laptop_charge", "chatbot_question"}
    for reference in references.values():
        assert reference["unit"] in ("W", "Wh") and reference["value"] > 0
        assert len(reference["source"]) > 40 and 2000 <= reference["year"] <= 2030
    sources = plain.energy_sources()
    assert "0.24 Wh: Google" in sources and "(2025)" in sources and "52.6 Wh: Apple" in sources


# --- the section's parts ---------------------------------------------------------------------------------


@pytest.fixture
def three_runs() -> list[RunResult]:
    """Frugal, best and beaten: a estimated at 0.1 Wh, b measured at 1 Wh, c estimated at 2 Wh and worst."""
    return [
        make_run("aaaa1111", 0.90, 1e-4, "estimated"),
        make_run("bbbb2222", 0.95, 1e-3, "measured"),
        make_run("cccc3333", 0.85, 2e-3, "estimated"),
    ]


def test_the_summary_says_what_the_extra_energy_bought(three_runs):
    front = pareto_front([r.cost.energy_kwh for r in three_runs], [r.metrics.accuracy for r in three_runs])
    assert front == (0, 1)
    text = front_summary(three_runs, front, dataset_title="Handwritten digits")
    assert "**3 runs** on Handwritten digits; **2** of them on the front" in text
    assert "right 95.0% of the time and used 1 Wh" in text and "90.0% for 0.1 Wh" in text
    assert "10 times the energy bought 5.0 points of accuracy" in text  # 1 Wh / 0.1 Wh; 95 - 90
    assert "2 of the 3 energy figures are estimates" in text
    alone = front_summary(three_runs[1:2], (0,), dataset_title="Handwritten digits")
    assert "both the most accurate and the most frugal" in alone and "Every energy figure here was measured" in alone


def test_the_table_lists_the_front_cheapest_first_with_units(three_runs):
    three_runs[1] = make_run("bbbb2222", 0.95, 1e-3, "measured", per_1000_kwh=0.0)  # stored before it was measured
    rows = front_table(three_runs, (0, 1))
    assert [row["Model"] for row in rows] == [run_label(three_runs[0]), run_label(three_runs[1])]
    assert rows[0]["Energy to train"] == "0.1 Wh" and rows[0]["Energy per epoch"] == "50 mWh"
    assert rows[0]["Energy for 1 000 answers"] == "0.24 mWh" and rows[1]["Energy for 1 000 answers"] == "not measured"


def test_the_chart_marks_the_method_and_draws_the_front_as_steps(three_runs):
    runs = [*three_runs, make_run("dddd4444", 0.80, 3e-3, "measured")]  # measured, and beaten
    figure = pareto_figure(runs, (0, 1))
    traces = {trace.name: trace for trace in figure.data}
    measured = next(t for name, t in traces.items() if "measured by a power sensor" in name)
    estimated = next(t for name, t in traces.items() if "estimated" in name)
    front = next(t for name, t in traces.items() if "front" in name)
    # the runs off the front, filled where measured and open where estimated
    assert list(measured.x) == [3.0] and measured.marker.symbol == "circle"
    assert list(estimated.x) == [2.0] and estimated.marker.symbol == "circle-open"
    # the front, in Wh and %, as steps through its runs, each marked by its method
    assert list(front.x) == [0.1, 1.0] and list(front.y) == [90.0, 95.0] and front.line.shape == "hv"
    assert list(front.marker.symbol) == ["circle-open", "circle"]
    assert figure.layout.xaxis.type == "log"


# --- the section and the scorecard, rendered -------------------------------------------------------------


def _section() -> None:
    from ui.energy import energy_ui

    energy_ui()


def test_the_section_shows_the_stored_runs_and_their_front():
    # Chosen so that they beat any real run on the digits: a real run uses far more than 1e-8 kWh. Unusual
    # seeds, so that no other test's spec is answered with these made-up results.
    now = datetime.now(UTC).isoformat(timespec="seconds")
    frugal = make_run("energyui1", 0.999, 1e-9, "estimated", seed=987_001, finished_at=now)
    beaten = make_run("energyui2", 0.5, 1e-6, "measured", seed=987_002, finished_at=now)
    perfect = make_run("energyui3", 1.0, 1e-8, "measured", seed=987_003, finished_at=now)
    store = RunStore(load_settings().store_url)
    for result in (frugal, beaten, perfect):
        store.save(result)
    on_digits = sum(r.spec.dataset == "digits" for r in store.recent(500))

    at = AppTest.from_function(_section, default_timeout=30).run()
    at.selectbox(key="cost_scale_energy_dataset").set_value("digits").run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["Model"]) == [run_label(frugal), run_label(perfect)]
    assert list(table["Energy was"]) == ["estimated", "measured"]
    text = "\n".join(m.value for m in at.markdown)
    assert f"**{on_digits} runs** on Handwritten digits" in text and "**2** of them on the front" in text
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert any(trace["name"].startswith("the front") for trace in chart["data"])
    assert "Google" in "\n".join(c.value for c in at.caption)  # the comparisons' sources


def _rates(result) -> None:  # no annotation: AppTest runs this body as a script, without this module's imports
    from ui.scorecard import energy_rates_ui

    energy_rates_ui(result)


def test_the_scorecard_shows_energy_per_epoch_and_per_1000_answers_with_their_method():
    result = make_run("rates1", 0.9, 2e-5, "estimated")
    at = AppTest.from_function(_rates, args=(result,), default_timeout=30).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Energy per epoch (estimated)"] == "10 mWh"  # 20 mWh over 2 epochs
    assert metrics["Energy for 1 000 answers (measured)"] == "0.24 mWh"
    assert any("1/1,000 of the energy of one question" in c.value for c in at.caption)


def test_the_scorecard_says_when_a_stored_run_has_no_energy_per_answer():
    old = make_run("rates2", 0.9, 2e-5, "estimated", arch="logreg", per_1000_kwh=0.0)
    at = AppTest.from_function(_rates, args=(old,), default_timeout=30).run()
    assert not at.metric  # fitted in one go: no epochs; and no figure for the answers
    assert "stored before the lab measured the energy of its answers" in at.caption[0].value
