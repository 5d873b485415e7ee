"""The Cost & Scale page through the router with AppTest: the calculator, bad input, a sweep, and the giants."""

from page_harness import open_page, run_until
from streamlit.testing.v1 import AppTest

from lab.config import load_settings
from lab.store import RunStore
from ui.compare import run_label


def text(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.caption, *at.info])


def figures(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_calculator_labels_every_figure_an_estimate_and_shows_the_published_ones():
    at = open_page("cost_scale")
    assert not at.exception
    shown = figures(at)
    assert list(shown) == [
        "Compute (estimate)",
        "Time (estimate)",
        "Energy (estimate)",
        "CO2 (estimate)",
        "Cost (estimate)",
    ]
    assert shown["Compute (estimate)"] == "3.15 × 10^23 FLOPs"  # 6 x 175e9 x 300e9, GPT-3's size by default
    # by hand: 3.15e23 / (312e12 FLOP/s x 0.4) / 3600 = 701,000 GPU-hours on the default A100
    assert shown["Time (estimate)"] == "701,000 GPU-hours"
    assert "Published figures for GPT-3" in text(at) and "1,287 MWh" in text(at)

    at.selectbox(key="cost_reference").set_value("bert-base").run()
    assert at.number_input(key="cost_params_b").value == 0.11 and at.number_input(key="cost_tokens_b").value == 128
    assert "Published figures for BERT-base" in text(at) and "1.507 MWh" in text(at)
    at.selectbox(key="cost_grid").set_value("france").run()
    assert "56 g of CO2 per kWh" in text(at)
    assert not at.exception


def test_zero_negative_and_absurd_sizes_get_a_plain_message_and_no_number():
    at = open_page("cost_scale")
    for billions, words in ((0.0, "not 0"), (-3.0, "not -3e+09"), (1e21, "not 1e+30")):
        at.number_input(key="cost_params_b").set_value(billions).run()
        assert "The number of parameters must be between 1 and 1e+15" in at.error[0].value
        assert words in at.error[0].value
        assert not at.metric  # nothing calculated, so no overflow shown as a number
        assert "inf" not in at.error[0].value
    at.number_input(key="cost_params_b").set_value(7.0).run()
    at.number_input(key="cost_utilisation").set_value(0.0).run()
    assert (
        "utilisation (the share of peak speed used; 1 = 100 %) must be between 0.01 and 1" in at.error[0].value
        and not at.metric
    )
    assert not at.exception


def test_a_sweep_on_digits_draws_the_power_law_and_the_model_next_to_the_giants():
    at = open_page("cost_scale")
    at.selectbox(key="cost_sweep_data").set_value("digits").run()
    at.selectbox(key="cost_sweep_arch").set_value("mlp").run()
    at.multiselect(key="cost_sweep_widths_mlp").set_value([4, 16, 64]).run()
    at.button(key="cost_sweep_train").click().run()
    run_until(at, lambda at: "Fitted line" in text(at), timeout=480)
    assert "An extrapolation, not a measurement" in text(at)
    assert "Each time the training compute grew 10 times, the test loss was divided by" in text(at)
    table = next(df.value for df in at.dataframe if "Width" in df.value.columns)
    assert list(table["Width"]) == [4, 16, 64]
    assert table["Test loss (lower is better)"].is_monotonic_decreasing

    # the sweep's largest size: sizes can finish within the same second, so the newest is not always it
    sweep = [
        r for r in RunStore(load_settings().store_url).recent(10) if (r.spec.dataset, r.spec.arch) == ("digits", "mlp")
    ]
    largest = next(r for r in sweep if r.spec.width == 64)
    at.selectbox(key="cost_run").set_value(largest.run_id).run()
    assert f"**Your {run_label(largest)}**: " in text(at) and run_label(largest).startswith("MLP · digits")
    assert "GPT-3: 3.14 × 10^23 (published)" in text(at) and "times more" in text(at)
    assert not at.exception


def test_too_many_sizes_at_once_are_refused_before_anything_is_queued():
    at = open_page("cost_scale")
    at.multiselect(key="cost_sweep_widths_mlp").set_value([1, 2, 4, 8, 16]).run()
    at.button(key="cost_sweep_train").click().run()
    assert "At most 4 sizes at a time" in at.error[0].value
    assert at.session_state["cost_jobs"] == []
    at.multiselect(key="cost_sweep_widths_mlp").set_value([]).run()
    assert "Pick at least one width" in at.error[0].value
    assert not at.exception
