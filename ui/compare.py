"""The comparison over a person's runs: labels, the table, and a one-line summary beside the chart."""

import pandas as pd
import streamlit as st

from lab.data import DATASETS
from lab.result import RunResult
from lab.spec import RunSpec
from models import REGISTRY
from ui.charts import COST_AXES

# How the table shows its figures: small energies need decimals, FLOPs need powers of ten.
COLUMN_FORMATS = {
    "Energy (Wh)": st.column_config.NumberColumn(format="%.4f"),
    "CO2 (g, estimate)": st.column_config.NumberColumn(format="%.4f"),
    "Training FLOPs (estimate)": st.column_config.NumberColumn(format="scientific"),
    "Parameters": st.column_config.NumberColumn(format="localized"),
    "Time per answer (ms)": st.column_config.NumberColumn(format="%.3f"),
}


def finished_when(result: RunResult) -> str:
    """'2026-11-22 07:32 UTC' from the stored ISO timestamp."""
    return f"{result.finished_at[:16].replace('T', ' ')} UTC"


def spec_title(spec: RunSpec) -> str:
    """'Logistic regression (scikit-learn) on Income (US census, Adult), without sex and race'."""
    title = f"{REGISTRY[spec.arch].title} on {DATASETS[spec.dataset].title}"
    if spec.drop_sensitive:
        title += f", without {' and '.join(DATASETS[spec.dataset].sensitive)}"
    if spec.dp_epsilon is not None:
        title += f", private (ε = {spec.dp_epsilon:g})"
    if spec.width is not None:
        title += f", width {spec.width}" + (f", {spec.depth} hidden layers" if spec.depth else "")
    return title


def run_label(result: RunResult) -> str:
    """'CNN · digits · 3f2a': short enough for a chart, unique enough to tell runs apart."""
    unaware = " · unaware" if result.spec.drop_sensitive else ""
    private = f" · ε={result.spec.dp_epsilon:g}" if result.spec.dp_epsilon is not None else ""
    size = "" if result.spec.width is None else f" · width {result.spec.width}"
    size += "" if result.spec.depth is None else f"×{result.spec.depth}"
    return f"{REGISTRY[result.spec.arch].short} · {result.spec.dataset}{size}{unaware}{private} · {result.run_id[:4]}"


def run_picker_ui(runs: list[RunResult], *, label: str, key: str) -> RunResult:
    """A selectbox over stored runs (newest first), each as 'CNN · digits · 3f2a · 98.9% · <when it finished>'."""
    by_id = {r.run_id: r for r in runs}
    run_id = st.selectbox(
        label,
        list(by_id),
        format_func=lambda i: f"{run_label(by_id[i])} · {by_id[i].metrics.accuracy:.1%} · {finished_when(by_id[i])}",
        key=key,
    )
    return by_id[run_id]


def comparison_table(results: list[RunResult]) -> pd.DataFrame:
    """One row per run, every figure with its unit in the column name."""
    return pd.DataFrame(
        [
            {
                "Model": run_label(r),
                "Test accuracy (%)": round(r.metrics.accuracy * 100, 1),
                "Training time (s)": round(r.cost.train_seconds, 2),
                "Energy (Wh)": r.cost.energy_kwh * 1000,
                "Energy was": r.cost.energy_method,
                "CO2 (g, estimate)": r.cost.co2_g,
                "Training FLOPs (estimate)": float(r.cost.train_flops),
                "Parameters": r.cost.params,
                "Time per answer (ms)": r.cost.latency_ms,
                "Membership attack right (%; 50 = guessing)": None
                if r.privacy is None
                else round(r.privacy.membership.loss.accuracy * 100, 1),
                "DP ε (none = not private)": r.privacy.epsilon if r.privacy and r.privacy.private else None,
                "Device": r.device_name,
            }
            for r in results
        ]
    )


def comparison_summary(results: list[RunResult], *, cost_axis: str) -> str:
    """The chart in one sentence, for those who cannot or do not look at it."""
    best = max(results, key=lambda r: r.metrics.accuracy)
    cheapest = min(results, key=COST_AXES[cost_axis][1])
    return (
        f"Most accurate: {run_label(best)} ({best.metrics.accuracy:.1%}). Cheapest by "
        f"{COST_AXES[cost_axis][0].split(' (')[0].lower()}: {run_label(cheapest)} "
        f"({cheapest.metrics.accuracy:.1%} accurate)."
    )
