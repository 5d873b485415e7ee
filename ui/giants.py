"""The Cost & Scale page's large-model parts: the calculator, and a trained model next to the giants, with their
charts (plotly graph_objects, log axes where the figures span decades). Every figure here is an estimate."""

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lab.estimate import DEFAULT_GPUS, Estimate, EstimateError, Reference, estimate, load_large_models
from lab.result import RunResult
from ui import plain
from ui.charts import PALETTE
from ui.compare import run_label, run_picker_ui
from ui.services import run_store

# --- Large-model calculator -----------------------------------------------------------------------------------


def _fill_in_reference() -> None:
    """Put the chosen published model's size and tokens into the calculator (a callback, before the rerun)."""
    reference = load_large_models().references.get(st.session_state["cost_reference"])
    if reference is not None:
        st.session_state["cost_params_b"] = reference.params / 1e9
        st.session_state["cost_tokens_b"] = reference.tokens / 1e9


def calculator_ui() -> None:
    """Parameters and tokens in; compute, time, energy, CO2 and money out, each an estimate with a comparison."""
    known = load_large_models()
    st.write(
        "Training a model costs about 6 calculations per parameter for every token of text it reads: 2 to compute "
        "its answer, 4 to learn from it (Kaplan et al. 2020). From there, the chips' speed gives the time, their "
        "power the energy, the grid the CO2, and the price the money. Every figure below is an estimate."
    )
    st.selectbox(
        "Start from a published model",
        ["", *known.references],
        format_func=lambda n: "choose one, or type your own figures" if not n else known.references[n].title,
        key="cost_reference",
        on_change=_fill_in_reference,
    )
    size, machine, place = st.columns(3)
    params = size.number_input("Parameters (billions)", value=175.0, format="%g", key="cost_params_b")
    tokens = size.number_input("Training tokens (billions)", value=300.0, format="%g", key="cost_tokens_b")
    names = list(known.accelerators)
    gpu = known.accelerators[
        machine.selectbox(
            "Accelerator",
            names,
            index=names.index("a100"),
            format_func=lambda n: known.accelerators[n].title,
            key="cost_gpu",
        )
    ]
    gpus = machine.number_input("GPUs working together", value=DEFAULT_GPUS, step=100, key="cost_gpus")
    utilisation = machine.number_input(
        "Utilisation (share of peak speed really used: 0.4 = 40 %)",
        value=known.utilisation.value,
        step=0.05,
        format="%g",
        key="cost_utilisation",
        help=known.utilisation.note,
    )
    pue = place.number_input(
        "PUE (data-centre overhead)", value=known.pue.value, format="%g", key="cost_pue", help=known.pue.note
    )
    grid = known.grids[
        place.selectbox(
            "Electricity grid", list(known.grids), format_func=lambda n: known.grids[n].title, key="cost_grid"
        )
    ]
    price = place.number_input(
        "Price per GPU-hour (US dollars)",
        value=known.price_per_gpu_hour.value,
        format="%g",
        key="cost_price",
        help=known.price_per_gpu_hour.note,
    )
    try:
        result = estimate(
            params=params * 1e9,
            tokens=tokens * 1e9,
            accelerator=gpu,
            utilisation=utilisation,
            pue=pue,
            grid_g_per_kwh=grid.g_per_kwh,
            price_per_gpu_hour=price,
            gpus=gpus,
        )
    except EstimateError as problem:
        st.error(f"{problem} Nothing was calculated.")
        return
    estimate_ui(result, gpus=gpus, grid_g_per_kwh=grid.g_per_kwh)
    published_ui(params * 1e9, tokens * 1e9, result)
    with st.expander("Where these figures come from"):
        st.markdown(
            f"**{gpu.title}**: {plain.sci(gpu.peak_flops)} FLOP/s at peak, {gpu.watts:g} W. {gpu.source}, {gpu.year}. "
            "The energy counts the GPUs at this rated power, times the PUE; the servers' own processors, memory and "
            "network are left out.\n\n"
            f"**{grid.title}**: {grid.g_per_kwh:g} g of CO2 per kWh. {grid.source}, {grid.year}.\n\n"
            f"**Utilisation.** {known.utilisation.note} {known.utilisation.source}, {known.utilisation.year}.\n\n"
            f"**PUE.** {known.pue.note} {known.pue.source}, {known.pue.year}.\n\n"
            f"**Price.** {known.price_per_gpu_hour.note}"
        )


def estimate_ui(result: Estimate, *, gpus: float, grid_g_per_kwh: float) -> None:
    """Five metrics, each labelled an estimate, each with a sentence in plain words."""
    columns = st.columns(5)
    figures = (
        (
            "Compute (estimate)",
            f"{plain.sci(result.flops)} FLOPs",
            f"A person doing one sum per second would need {plain.big(result.flops / plain.SECONDS_PER_YEAR)} years.",
        ),
        (
            "Time (estimate)",
            f"{plain.sci(result.gpu_hours)} GPU-hours",
            f"About {plain.duration(result.days * 86400)} on {gpus:,.0f} GPUs working together.",
        ),
        (
            "Energy (estimate)",
            f"{plain.sci(result.energy_kwh / 1000)} MWh",
            f"About {plain.big(result.energy_kwh * 1000 / plain.PHONE_CHARGE_WH)} full smartphone charges.",
        ),
        (
            "CO2 (estimate)",
            f"{plain.sci(result.co2_kg / 1000)} tonnes",
            plain.co2_sentence(result.co2_kg * 1000, grid_g_per_kwh),
        ),
        (
            "Cost (estimate)",
            f"{plain.sci(result.cost_usd)} US dollars",
            f"About {plain.big(result.cost_usd)} dollars of GPU time, before people, failed runs and experiments.",
        ),
    )
    for column, (label, value, words) in zip(columns, figures, strict=True):
        column.metric(label, value)
        column.caption(words)


def published_ui(params: float, tokens: float, result: Estimate) -> None:
    """Where the calculator's inputs are a published model's, its published figures beside the estimate."""
    for reference in load_large_models().references.values():
        if not (math.isclose(reference.params, params) and math.isclose(reference.tokens, tokens)):
            continue
        lines = [f"**Published figures for {reference.title}** ({reference.source}):"]
        if reference.flops is not None:
            published, rule = plain.sci(reference.flops), plain.sci(result.flops)
            lines.append(f"- training compute {published} FLOPs; the 6·N·D rule gives {rule}.")
        if reference.energy_mwh is not None:
            lines.append(
                f"- energy {reference.energy_mwh:,g} MWh and {reference.co2_t:,g} tonnes of CO2 (the authors' own "
                f"estimates); the calculator gives {plain.sci(result.energy_kwh / 1000)} MWh with the settings above."
            )
        st.markdown("\n".join(lines))
        st.caption(
            f"{reference.note} Published figures are what the authors worked out for the machines they used; the "
            "calculator's differ as far as the accelerator, the utilisation or the data centre differ."
        )


# --- Your model next to the giants ----------------------------------------------------------------------------


def giants_ui() -> None:
    """A stored run's training compute next to the published models', on one log chart."""
    runs = [r for r in run_store().recent(200) if r.cost.train_flops > 0]  # a log axis has no room for 0
    if not runs:
        st.info("No model has been trained yet: train one above or on Train & Compare, then come back.")
        return
    result = run_picker_ui(runs, label="Your model (yours and everyone's runs)", key="cost_run")
    references = sorted(load_large_models().references.values(), key=lambda r: r.training_flops)
    st.plotly_chart(giants_figure(result, references), key="cost_giants_chart")
    st.markdown(giants_sentences(result, references))
    st.dataframe(references_table(references), hide_index=True, key="cost_references_table")


def giants_sentences(result: RunResult, references: list[Reference]) -> str:
    """'Your CNN: 2.6 × 10^10 training FLOPs (an estimate).' then one line per published model: how many times more."""
    yours = float(result.cost.train_flops)
    lines = [f"**Your {run_label(result)}**: {plain.sci(yours)} training FLOPs (an estimate)."]
    for reference in references:
        ratio = reference.training_flops / yours
        how = f"{plain.big(ratio)} times more" if ratio >= 1 else f"{plain.big(1 / ratio)} times less"
        kind = "published" if reference.flops is not None else "estimate: 6 × parameters × tokens"
        lines.append(f"- {reference.title}: {plain.sci(reference.training_flops)} ({kind}), {how}.")
    return "\n".join(lines)


def giants_figure(result: RunResult, references: list[Reference]) -> go.Figure:
    """One horizontal bar per model, training FLOPs on a log axis: yours, then the published ones."""
    names = [f"your {run_label(result)}", *(r.title for r in references)]
    values = [float(result.cost.train_flops), *(r.training_flops for r in references)]
    colours = [PALETTE[1], *(PALETTE[0] if r.flops is not None else PALETTE[5] for r in references)]
    figure = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker_color=colours,
            text=[_superscript(plain.sci(v)) for v in values],
            textposition="outside",
        )
    )
    # bars on a log axis start at its left edge: a decade below the smallest, and room for the labels on the right
    low, high = math.log10(min(values)) - 1, math.log10(max(values)) + 1.5
    figure.update_layout(
        xaxis=dict(
            title="training FLOPs (log scale: each step is 10 times more)",
            type="log",
            range=[low, high],
            exponentformat="power",
        ),
        yaxis=dict(autorange="reversed"),
        title="Training compute: your model and published ones (light blue: 6 × parameters × tokens estimates)",
        height=80 + 45 * len(names),
        margin=dict(l=10, r=10, t=50, b=10),
        template="plotly_white",
    )
    return figure


def _superscript(text: str) -> str:
    """'2.57 × 10^10' as plotly writes a power: '2.57 × 10<sup>10</sup>'."""
    return text.replace("10^", "10<sup>") + "</sup>" if "10^" in text else text


def references_table(references: list[Reference]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Model": r.title,
                "Parameters": plain.big(r.params),
                "Training tokens": plain.big(r.tokens),
                "Training FLOPs": plain.sci(r.training_flops),
                "FLOPs are": "published" if r.flops is not None else "estimate (6·N·D)",
                "Energy (MWh, published estimate)": r.energy_mwh,
                "CO2 (tonnes, published estimate)": r.co2_t,
                "Source": r.source,
            }
            for r in references
        ]
    )
