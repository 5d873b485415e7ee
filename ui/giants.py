"""The Cost & Scale page's large-model parts: the calculator, and a trained model next to the giants, with their
charts (plotly graph_objects, log axes where the figures span decades). Every figure here is an estimate."""

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lab.estimate import (
    DEFAULT_GPUS,
    Accelerator,
    Estimate,
    EstimateError,
    Grid,
    LargeModels,
    Reference,
    estimate,
    load_large_models,
)
from lab.result import RunResult
from ui import plain, presenter, url_state
from ui.charts import PALETTE, show
from ui.compare import run_label, run_picker_ui
from ui.i18n import number, t, t_message
from ui.services import run_store

# The calculator's starting point: GPT-3's size, on A100s, at the world's average grid.
START = {"cost_params_b": 175.0, "cost_tokens_b": 300.0, "cost_gpu": "a100", "cost_grid": "world"}

# One line per published model in the giants' sentences: whether its FLOPs are published, and whether it is larger.
GIANT_LINES = {
    (True, True): "- {model}: {flops} (published), {ratio} times more.",
    (True, False): "- {model}: {flops} (published), {ratio} times less.",
    (False, True): "- {model}: {flops} (estimate: 6 × parameters × tokens), {ratio} times more.",
    (False, False): "- {model}: {flops} (estimate: 6 × parameters × tokens), {ratio} times less.",
}

# --- Large-model calculator -----------------------------------------------------------------------------------


def _fill_in_reference() -> None:
    """Put the chosen published model's size and tokens into the calculator (a callback, before the rerun)."""
    reference = load_large_models().references.get(st.session_state["cost_reference"])
    if reference is not None:
        st.session_state["cost_params_b"] = reference.params / 1e9
        st.session_state["cost_tokens_b"] = reference.tokens / 1e9


def _finite(written: str) -> float:
    """A number from the address; 'nan' and 'inf' are refused like any other mangled text."""
    value = float(written)
    if not math.isfinite(value):
        raise ValueError(written)
    return value


def _start_from_address(known: LargeModels) -> None:
    """The calculator's main inputs from the page's address on a first visit, else where it starts."""
    url_state.start("cost_params_b", START["cost_params_b"], parse=_finite)
    url_state.start("cost_tokens_b", START["cost_tokens_b"], parse=_finite)
    url_state.start("cost_gpu", START["cost_gpu"], allowed=known.accelerators)
    url_state.start("cost_grid", START["cost_grid"], allowed=known.grids)


def calculator_ui() -> None:
    """Parameters and tokens in; compute, time, energy, CO2 and money out, each an estimate with a comparison."""
    known = load_large_models()
    st.write(
        t(
            "Training a model costs about 6 calculations per parameter for every token of text it reads: 2 to "
            "compute its answer, 4 to learn from it (Kaplan et al. 2020). From there, the chips' speed gives the "
            "time, their power the energy, the grid the CO2, and the price the money. Every figure below is an "
            "estimate."
        )
    )
    st.selectbox(
        t("Start from a published model"),
        ["", *known.references],
        format_func=lambda n: t("choose one, or type your own figures") if not n else known.references[n].title,
        key="cost_reference",
        on_change=_fill_in_reference,
    )
    _start_from_address(known)
    size, machine, place = st.columns(3)
    params = size.number_input(t("Parameters (billions)"), format="%g", key="cost_params_b")
    tokens = size.number_input(t("Training tokens (billions)"), format="%g", key="cost_tokens_b")
    gpu = known.accelerators[
        machine.selectbox(
            t("Accelerator"),
            list(known.accelerators),
            format_func=lambda n: known.accelerators[n].title,
            key="cost_gpu",
        )
    ]
    gpus = machine.number_input(t("GPUs working together"), value=DEFAULT_GPUS, step=100, key="cost_gpus")
    grid = known.grids[
        place.selectbox(
            t("Electricity grid"), list(known.grids), format_func=lambda n: t(known.grids[n].title), key="cost_grid"
        )
    ]
    for key, default in START.items():
        url_state.remember(key, default)
    with presenter.details():
        utilisation, pue, price = assumptions_ui(known)
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
        st.error(t("{problem} Nothing was calculated.", problem=t_message(str(problem))))
        return
    estimate_ui(result, gpus=gpus, grid_g_per_kwh=grid.g_per_kwh)
    published_ui(params * 1e9, tokens * 1e9, result)
    with st.expander(t("Where these figures come from")):
        st.markdown(sources_text(known, gpu=gpu, grid=grid))


def assumptions_ui(known: LargeModels) -> tuple[float, float, float]:
    """Utilisation, PUE and price per GPU-hour: technical settings, each starting from a published figure."""
    left, middle, right = st.columns(3)
    utilisation = left.number_input(
        t("Utilisation (share of peak speed really used: 0.4 = 40 %)"),
        value=known.utilisation.value,
        step=0.05,
        format="%g",
        key="cost_utilisation",
        help=t(known.utilisation.note),
    )
    pue = middle.number_input(
        t("PUE (data-centre overhead)"), value=known.pue.value, format="%g", key="cost_pue", help=t(known.pue.note)
    )
    price = right.number_input(
        t("Price per GPU-hour (US dollars)"),
        value=known.price_per_gpu_hour.value,
        format="%g",
        key="cost_price",
        help=t(known.price_per_gpu_hour.note),
    )
    return utilisation, pue, price


def sources_text(known: LargeModels, *, gpu: Accelerator, grid: Grid) -> str:
    """Where the accelerator's, the grid's and the assumptions' figures come from, one paragraph each."""
    utilisation, pue = known.utilisation, known.pue
    paragraphs = (
        t(
            "**{gpu}**: {peak} FLOP/s at peak, {watts:g} W. {source}, {year}. The energy counts the GPUs at this "
            "rated power, times the PUE; the servers' own processors, memory and network are left out.",
            gpu=gpu.title,
            peak=plain.sci(gpu.peak_flops),
            watts=gpu.watts,
            source=t(gpu.source),
            year=gpu.year,
        ),
        t(
            "**{grid}**: {intensity:g} g of CO2 per kWh. {source}, {year}.",
            grid=t(grid.title),
            intensity=grid.g_per_kwh,
            source=t(grid.source),
            year=grid.year,
        ),
        t(
            "**Utilisation.** {note} {source}, {year}.",
            note=t(utilisation.note),
            source=t(utilisation.source),
            year=utilisation.year,
        ),
        t("**PUE.** {note} {source}, {year}.", note=t(pue.note), source=t(pue.source), year=pue.year),
        t("**Price.** {note}", note=t(known.price_per_gpu_hour.note)),
    )
    return "\n\n".join(paragraphs)


def estimate_ui(result: Estimate, *, gpus: float, grid_g_per_kwh: float) -> None:
    """Five metrics, each labelled an estimate, each with a sentence in plain words."""
    columns = st.columns(5)
    figures = (
        (
            t("Compute (estimate)"),
            f"{plain.sci(result.flops)} FLOPs",
            t(
                "A person doing one sum per second would need {years} years.",
                years=plain.big(result.flops / plain.SECONDS_PER_YEAR),
            ),
        ),
        (
            t("Time (estimate)"),
            t("{hours} GPU-hours", hours=plain.sci(result.gpu_hours)),
            t(
                "About {duration} on {gpus} GPUs working together.",
                duration=plain.duration(result.days * 86400),
                gpus=number(gpus),
            ),
        ),
        (
            t("Energy (estimate)"),
            f"{plain.sci(result.energy_kwh / 1000)} MWh",
            t(
                "About {charges} full smartphone charges.",
                charges=plain.big(result.energy_kwh * 1000 / plain.PHONE_CHARGE_WH),
            ),
        ),
        (
            t("CO2 (estimate)"),
            t("{tonnes} tonnes", tonnes=plain.sci(result.co2_kg / 1000)),
            plain.co2_sentence(result.co2_kg * 1000, grid_g_per_kwh),
        ),
        (
            t("Cost (estimate)"),
            t("{dollars} US dollars", dollars=plain.sci(result.cost_usd)),
            t(
                "About {dollars} dollars of GPU time, before people, failed runs and experiments.",
                dollars=plain.big(result.cost_usd),
            ),
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
        lines = [t("**Published figures for {model}** ({source}):", model=reference.title, source=t(reference.source))]
        if reference.flops is not None:
            lines.append(
                t(
                    "- training compute {published} FLOPs; the 6·N·D rule gives {rule}.",
                    published=plain.sci(reference.flops),
                    rule=plain.sci(result.flops),
                )
            )
        if reference.energy_mwh is not None:
            lines.append(
                t(
                    "- energy {energy:,g} MWh and {co2:,g} tonnes of CO2 (the authors' own estimates); the "
                    "calculator gives {ours} MWh with the settings above.",
                    energy=reference.energy_mwh,
                    co2=reference.co2_t,
                    ours=plain.sci(result.energy_kwh / 1000),
                )
            )
        st.markdown("\n".join(lines))
        st.caption(
            t(
                "{note} Published figures are what the authors worked out for the machines they used; the "
                "calculator's differ as far as the accelerator, the utilisation or the data centre differ.",
                note=t(reference.note) if reference.note else "",
            )
        )


# --- Your model next to the giants ----------------------------------------------------------------------------


def giants_ui() -> None:
    """A stored run's training compute next to the published models', on one log chart."""
    runs = [r for r in run_store().recent(200) if r.cost.train_flops > 0]  # a log axis has no room for 0
    if not runs:
        st.info(t("No model has been trained yet: train one above or on Train & Compare, then come back."))
        return
    result = run_picker_ui(runs, label=t("Your model (yours and everyone's runs)"), key="cost_run")
    references = sorted(load_large_models().references.values(), key=lambda r: r.training_flops)
    show(giants_figure(result, references), giants_summary(result, references), key="cost_giants_chart")
    st.markdown(giants_sentences(result, references))
    st.dataframe(references_table(references), hide_index=True, key="cost_references_table")


def giants_sentences(result: RunResult, references: list[Reference]) -> str:
    """'Your CNN: 2.6 × 10^10 training FLOPs (an estimate).' then one line per published model: how many times more."""
    yours = float(result.cost.train_flops)
    lines = [t("**Your {run}**: {flops} training FLOPs (an estimate).", run=run_label(result), flops=plain.sci(yours))]
    for reference in references:
        ratio = reference.training_flops / yours
        line = GIANT_LINES[reference.flops is not None, ratio >= 1]
        flops = plain.sci(reference.training_flops)
        lines.append(t(line, model=reference.title, flops=flops, ratio=plain.big(max(ratio, 1 / ratio))))
    return "\n".join(lines)


def giants_summary(result: RunResult, references: list[Reference]) -> str:
    """The chart in words: the longest and the shortest bar, and how many times apart they are."""
    bars = [(t("your {run}", run=run_label(result)), float(result.cost.train_flops))]
    bars += [(r.title, r.training_flops) for r in references]
    (top, most), (bottom, least) = max(bars, key=lambda bar: bar[1]), min(bars, key=lambda bar: bar[1])
    return t(
        "Most training compute: {top}, {most} FLOPs. Least: {bottom}, {least} FLOPs, {ratio} times less. Each "
        "step of the axis is 10 times more.",
        top=top,
        most=plain.sci(most),
        bottom=bottom,
        least=plain.sci(least),
        ratio=plain.big(most / least),
    )


def giants_figure(result: RunResult, references: list[Reference]) -> go.Figure:
    """One horizontal bar per model, training FLOPs on a log axis: yours, then the published ones."""
    names = [t("your {run}", run=run_label(result)), *(r.title for r in references)]
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
            title=t("training FLOPs (log scale: each step is 10 times more)"),
            type="log",
            range=[low, high],
            exponentformat="power",
        ),
        yaxis=dict(autorange="reversed"),
        title=t("Training compute: your model and published ones (light blue: 6 × parameters × tokens estimates)"),
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
                t("Model"): r.title,
                t("Parameters"): plain.big(r.params),
                t("Training tokens"): plain.big(r.tokens),
                t("Training FLOPs"): plain.sci(r.training_flops),
                t("FLOPs are"): t("published") if r.flops is not None else t("estimate (6·N·D)"),
                t("Energy (MWh, published estimate)"): r.energy_mwh,
                t("CO2 (tonnes, published estimate)"): r.co2_t,
                t("Source"): t(r.source),
            }
            for r in references
        ]
    )
