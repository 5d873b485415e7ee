"""Accuracy against energy over every stored run, with its Pareto front: a section of the Cost & Scale page."""

import math
from collections import Counter

import plotly.graph_objects as go
import streamlit as st

from lab.data import DATASETS
from lab.pareto import pareto_front
from lab.result import RunResult
from ui import plain
from ui.charts import PALETTE, show, styled
from ui.compare import run_label
from ui.i18n import t
from ui.services import run_store

RUNS_READ = 500  # the newest runs of the whole class; enough for a term, light enough to read on every rerun

# A filled marker where a power sensor was read, an open one where the energy is an estimate.
MARKERS = {
    "measured": ("circle", "a run, energy measured by a power sensor"),
    "estimated": ("circle-open", "a run, energy estimated (no sensor)"),
}


def pareto_figure(runs: list[RunResult], front: tuple[int, ...]) -> go.Figure:
    """Accuracy against energy to train (log scale), one marker per run, the front as a step line through its runs."""
    figure = go.Figure()
    on_front = set(front)
    off_front = [r for i, r in enumerate(runs) if i not in on_front]
    for method, (symbol, name) in MARKERS.items():
        shown = [r for r in off_front if r.cost.energy_method == method]
        if shown:
            figure.add_scatter(
                x=[r.cost.energy_kwh * 1000 for r in shown],
                y=[r.metrics.accuracy * 100 for r in shown],
                mode="markers",
                name=t(name),
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
        name=t("the front: no run is more accurate for less energy"),
        hovertext=[
            f"{run_label(r)}: {plain.energy_amount(r.cost.energy_kwh)}, {t(r.cost.energy_method)}" for r in best
        ],
        hoverinfo="text+y",
    )
    energies = [math.log10(max(r.cost.energy_kwh * 1000, 1e-12)) for r in runs]
    pad = max(0.3, (max(energies) - min(energies)) * 0.15)  # room for the labels of the outer runs
    figure.update_layout(
        xaxis=dict(
            title=t("Energy to train (Wh, log scale; open markers are estimates)"),
            type="log",
            range=[min(energies) - pad, max(energies) + pad],
        ),
        yaxis=dict(title=t("Test accuracy (%)")),
    )
    return styled(figure, title=t("Accuracy against energy: up and to the left is better"), height=440)


def front_summary(runs: list[RunResult], front: tuple[int, ...], *, dataset_title: str) -> str:
    """The text beside the chart: how many runs, which are on the front, and what the extra energy bought."""
    estimated = sum(r.cost.energy_method == "estimated" for r in runs)
    lines = [
        t(
            "**{runs} runs** on {dataset}; **{front}** of them on the front (the red line).",
            runs=len(runs),
            dataset=dataset_title,
            front=len(front),
        )
    ]
    cheapest, best = runs[front[0]], runs[front[-1]]
    if best.metrics.accuracy == cheapest.metrics.accuracy:  # one run on the front, or copies of one result
        lines.append(
            t(
                "One run is both the most accurate and the most frugal: {run}, right {accuracy:.1%} of the time for "
                "{energy}.",
                run=run_label(best),
                accuracy=best.metrics.accuracy,
                energy=plain.energy_amount(best.cost.energy_kwh),
            )
        )
    else:
        lines.append(
            t(
                "The most accurate, {best}, is right {best_accuracy:.1%} of the time and used {best_energy}; the most "
                "frugal on the front, {cheapest}, {cheapest_accuracy:.1%} for {cheapest_energy}. {ratio} times the "
                "energy bought {points:.1f} points of accuracy.",
                best=run_label(best),
                best_accuracy=best.metrics.accuracy,
                best_energy=plain.energy_amount(best.cost.energy_kwh),
                cheapest=run_label(cheapest),
                cheapest_accuracy=cheapest.metrics.accuracy,
                cheapest_energy=plain.energy_amount(cheapest.cost.energy_kwh),
                ratio=plain.big(best.cost.energy_kwh / cheapest.cost.energy_kwh),
                points=(best.metrics.accuracy - cheapest.metrics.accuracy) * 100,
            )
        )
    if estimated:
        lines.append(
            t(
                "Every run off the front is beaten by one on it: at least as accurate for no more energy. "
                "{estimated} of the {runs} energy figures are estimates (no power sensor): compare them with care.",
                estimated=estimated,
                runs=len(runs),
            )
        )
    else:
        lines.append(
            t(
                "Every run off the front is beaten by one on it: at least as accurate for no more energy. "
                "Every energy figure here was measured by a power sensor."
            )
        )
    return "\n\n".join(lines)


def pareto_summary(runs: list[RunResult], front: tuple[int, ...], *, dataset_title: str) -> str:
    """The chart in words, for those who cannot see it: the spread of accuracy and energy, and the front."""
    accuracies = [r.metrics.accuracy for r in runs]
    energies = [r.cost.energy_kwh for r in runs]
    return t(
        "{runs} runs on {dataset}, one marker each: test accuracy from {low:.1%} to {high:.1%}, energy to train "
        "from {least} to {most}. A step line joins the {front} runs on the front.",
        runs=len(runs),
        dataset=dataset_title,
        low=min(accuracies),
        high=max(accuracies),
        least=plain.energy_amount(min(energies)),
        most=plain.energy_amount(max(energies)),
        front=len(front),
    )


def front_table(runs: list[RunResult], front: tuple[int, ...]) -> list[dict]:
    """One row per run on the front, cheapest first, each figure with its unit."""
    return [
        {
            t("Model"): run_label(r),
            t("Test accuracy (%)"): round(r.metrics.accuracy * 100, 1),
            t("Energy to train"): plain.energy_amount(r.cost.energy_kwh),
            t("Energy per epoch"): plain.energy_amount(r.cost.energy_per_epoch_kwh),
            t("Energy for 1 000 answers"): plain.energy_amount(r.cost.energy_per_1000_predictions_kwh)
            if r.cost.energy_per_1000_predictions_kwh > 0
            else t("not measured"),
            t("Energy was"): t(r.cost.energy_method),
            t("Epochs"): r.metrics.epochs_run,
        }
        for r in (runs[i] for i in front)
    ]


def energy_ui() -> None:
    """The section: pick a dataset, see accuracy against energy over every stored run on it, and the front."""
    st.subheader(t("Accuracy against energy, over every run of the class"))
    runs = run_store().recent(RUNS_READ)
    if not runs:
        st.info(t("No runs are stored yet: train a model on **Train & Compare**, then come back."))
        return
    counts = Counter(r.spec.dataset for r in runs)
    dataset = st.selectbox(
        t("Dataset (accuracies are comparable only on the same data)"),
        sorted(counts, key=lambda name: (-counts[name], name)),
        format_func=lambda name: t("{dataset} ({n} runs)", dataset=t(DATASETS[name].title), n=counts[name]),
        key="cost_scale_energy_dataset",
    )
    chosen = [r for r in runs if r.spec.dataset == dataset]
    front = pareto_front([r.cost.energy_kwh for r in chosen], [r.metrics.accuracy for r in chosen])
    title = t(DATASETS[dataset].title)
    chart_column, text_column = st.columns([3, 2], gap="large")
    with chart_column:
        show(
            pareto_figure(chosen, front),
            pareto_summary(chosen, front, dataset_title=title),
            key="cost_scale_energy_chart",
        )
    with text_column:
        st.markdown(front_summary(chosen, front, dataset_title=title))
    st.markdown(t("**The runs on the front**, from the least energy to the most"))
    st.dataframe(front_table(chosen, front), hide_index=True, key="cost_scale_energy_front")
    if len(runs) == RUNS_READ:
        st.caption(t("Only the {n} newest runs of the class are shown.", n=RUNS_READ))
    st.caption(t("Everyday comparisons on this page, with their sources:  \n{sources}", sources=plain.energy_sources()))
