"""Accuracy against energy over every stored run, with its Pareto front: a section of the Cost & Scale page."""

import math
from collections import Counter

import plotly.graph_objects as go
import streamlit as st

from lab.data import DATASETS
from lab.pareto import pareto_front
from lab.result import RunResult
from ui import plain
from ui.charts import PALETTE, styled
from ui.compare import run_label
from ui.services import run_store

RUNS_READ = 500  # the newest runs of the whole class; enough for a term, light enough to read on every rerun

# A filled marker where a power sensor was read, an open one where the energy is an estimate.
MARKERS = {"measured": ("circle", "measured by a power sensor"), "estimated": ("circle-open", "estimated (no sensor)")}


def pareto_figure(runs: list[RunResult], front: tuple[int, ...]) -> go.Figure:
    """Accuracy against energy to train (log scale), one marker per run, the front as a step line through its runs."""
    figure = go.Figure()
    on_front = set(front)
    off_front = [r for i, r in enumerate(runs) if i not in on_front]
    for method, (symbol, words) in MARKERS.items():
        shown = [r for r in off_front if r.cost.energy_method == method]
        if shown:
            figure.add_scatter(
                x=[r.cost.energy_kwh * 1000 for r in shown],
                y=[r.metrics.accuracy * 100 for r in shown],
                mode="markers",
                name=f"a run, energy {words}",
                marker=dict(size=10, symbol=symbol, color=PALETTE[0], line=dict(width=2, color=PALETTE[0])),
                hovertext=[f"{run_label(r)}: {plain.energy_amount(r.cost.energy_kwh)}" for r in shown],
                hoverinfo="text+y",
            )
    best = [runs[i] for i in front]
    # "hv": from each run on the front, right at its accuracy, then up to the next: what energy buys at best.
    figure.add_scatter(
        x=[r.cost.energy_kwh * 1000 for r in best],
        y=[r.metrics.accuracy * 100 for r in best],
        mode="lines+markers+text",
        line=dict(shape="hv", color=PALETTE[3], width=2),
        marker=dict(size=16, symbol=[MARKERS[r.cost.energy_method][0] for r in best], color=PALETTE[3]),
        marker_line=dict(width=3, color=PALETTE[3]),
        text=[run_label(r) for r in best],
        textposition="top center",
        name="the front: no run is more accurate for less energy",
        hovertext=[f"{run_label(r)}: {plain.energy_amount(r.cost.energy_kwh)}, {r.cost.energy_method}" for r in best],
        hoverinfo="text+y",
    )
    energies = [math.log10(max(r.cost.energy_kwh * 1000, 1e-12)) for r in runs]
    pad = max(0.3, (max(energies) - min(energies)) * 0.15)  # room for the labels of the outer runs
    figure.update_layout(
        xaxis=dict(
            title="Energy to train (Wh, log scale; open markers are estimates)",
            type="log",
            range=[min(energies) - pad, max(energies) + pad],
        ),
        yaxis=dict(title="Test accuracy (%)"),
    )
    return styled(figure, title="Accuracy against energy: up and to the left is better", height=440)


def front_summary(runs: list[RunResult], front: tuple[int, ...], *, dataset_title: str) -> str:
    """The text beside the chart: how many runs, which are on the front, and what the extra energy bought."""
    estimated = sum(r.cost.energy_method == "estimated" for r in runs)
    lines = [f"**{len(runs)} runs** on {dataset_title}; **{len(front)}** of them on the front (the red line)."]
    cheapest, best = runs[front[0]], runs[front[-1]]
    if best.metrics.accuracy == cheapest.metrics.accuracy:  # one run on the front, or copies of one result
        lines.append(
            f"One run is both the most accurate and the most frugal: {run_label(best)}, right "
            f"{best.metrics.accuracy:.1%} of the time for {plain.energy_amount(best.cost.energy_kwh)}."
        )
    else:
        ratio = best.cost.energy_kwh / cheapest.cost.energy_kwh
        points = (best.metrics.accuracy - cheapest.metrics.accuracy) * 100
        lines.append(
            f"The most accurate, {run_label(best)}, is right {best.metrics.accuracy:.1%} of the time and used "
            f"{plain.energy_amount(best.cost.energy_kwh)}; the most frugal on the front, {run_label(cheapest)}, "
            f"{cheapest.metrics.accuracy:.1%} for {plain.energy_amount(cheapest.cost.energy_kwh)}. "
            f"{plain.big(ratio)} times the energy bought {points:.1f} points of accuracy."
        )
    lines.append(
        "Every run off the front is beaten by one on it: at least as accurate for no more energy. "
        + (
            f"{estimated} of the {len(runs)} energy figures are estimates (no power sensor): compare them with care."
            if estimated
            else "Every energy figure here was measured by a power sensor."
        )
    )
    return "\n\n".join(lines)


def front_table(runs: list[RunResult], front: tuple[int, ...]) -> list[dict]:
    """One row per run on the front, cheapest first, each figure with its unit."""
    return [
        {
            "Model": run_label(r),
            "Test accuracy (%)": round(r.metrics.accuracy * 100, 1),
            "Energy to train": plain.energy_amount(r.cost.energy_kwh),
            "Energy per epoch": plain.energy_amount(r.cost.energy_per_epoch_kwh),
            "Energy for 1 000 answers": plain.energy_amount(r.cost.energy_per_1000_predictions_kwh)
            if r.cost.energy_per_1000_predictions_kwh > 0
            else "not measured",
            "Energy was": r.cost.energy_method,
            "Epochs": r.metrics.epochs_run,
        }
        for r in (runs[i] for i in front)
    ]


def energy_ui() -> None:
    """The section: pick a dataset, see accuracy against energy over every stored run on it, and the front."""
    st.subheader("Accuracy against energy, over every run of the class")
    runs = run_store().recent(RUNS_READ)
    if not runs:
        st.info("No runs are stored yet: train a model on **Train & Compare**, then come back.")
        return
    counts = Counter(r.spec.dataset for r in runs)
    dataset = st.selectbox(
        "Dataset (accuracies are comparable only on the same data)",
        sorted(counts, key=lambda name: (-counts[name], name)),
        format_func=lambda name: f"{DATASETS[name].title} ({counts[name]} runs)",
        key="cost_scale_energy_dataset",
    )
    chosen = [r for r in runs if r.spec.dataset == dataset]
    front = pareto_front([r.cost.energy_kwh for r in chosen], [r.metrics.accuracy for r in chosen])
    chart_column, text_column = st.columns([3, 2], gap="large")
    with chart_column:
        st.plotly_chart(pareto_figure(chosen, front), key="cost_scale_energy_chart")
    with text_column:
        st.markdown(front_summary(chosen, front, dataset_title=DATASETS[dataset].title))
    st.markdown("**The runs on the front**, from the least energy to the most")
    st.dataframe(front_table(chosen, front), hide_index=True, key="cost_scale_energy_front")
    if len(runs) == RUNS_READ:
        st.caption(f"Only the {RUNS_READ} newest runs of the class are shown.")
    st.caption(f"Everyday comparisons on this page, with their sources:  \n{plain.energy_sources()}")
