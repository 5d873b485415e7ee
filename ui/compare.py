"""The comparison over a person's runs: labels, the table, and a one-line summary beside the chart."""

from datetime import datetime

import pandas as pd
import streamlit as st

from lab.data import DATASETS
from lab.result import RunResult
from lab.spec import RunSpec
from models import REGISTRY
from ui import i18n
from ui.charts import COST_AXES
from ui.i18n import t
from ui.plain import both, data_word, lab_sentence

# How the table shows its figures: small energies need decimals, FLOPs need powers of ten. Keyed by the English
# column names; `column_formats()` gives them under the names of the session's language.
COLUMN_FORMATS = {
    "Energy (Wh)": st.column_config.NumberColumn(format="%.4f"),
    "CO2 (g, estimate)": st.column_config.NumberColumn(format="%.4f"),
    "Training FLOPs (estimate)": st.column_config.NumberColumn(format="scientific"),
    "Parameters": st.column_config.NumberColumn(format="localized"),
    "Time per answer (ms)": st.column_config.NumberColumn(format="%.3f"),
}


def column_formats() -> dict:
    """COLUMN_FORMATS under the column names `comparison_table` gives in this session's language."""
    return {t(name): config for name, config in COLUMN_FORMATS.items()}


def finished_when(result: RunResult) -> str:
    """'2026-11-22 07:32 UTC' from the stored ISO timestamp; '2026年11月22日 07:32 UTC' in Chinese."""
    if i18n.chinese():
        return f"{i18n.date_time(datetime.fromisoformat(result.finished_at))} UTC"
    return f"{result.finished_at[:16].replace('T', ' ')} UTC"


def spec_title(spec: RunSpec) -> str:
    """'Logistic regression (scikit-learn) on Income (US census, Adult), without sex and race'."""
    dataset = DATASETS[spec.dataset]
    parts = [t("{model} on {data}", model=t(REGISTRY[spec.arch].title), data=t(dataset.title))]
    if spec.drop_sensitive:
        parts.append(t("without {columns}", columns=both([data_word(column) for column in dataset.sensitive])))
    if spec.dp_epsilon is not None:
        parts.append(t("private (ε = {epsilon:g})", epsilon=spec.dp_epsilon))
    if spec.width is not None:
        parts.append(t("width {width}", width=spec.width))
        if spec.depth:
            parts.append(t("{depth} hidden layers", depth=spec.depth))
    return ("，" if i18n.chinese() else ", ").join(parts)


def run_label(result: RunResult) -> str:
    """'CNN · digits · 3f2a': short enough for a chart, unique enough to tell runs apart."""
    spec = result.spec
    size = "" if spec.width is None else f" · {t('width {width}', width=spec.width)}"
    size += "" if spec.depth is None else f"×{spec.depth}"
    parts = [REGISTRY[spec.arch].short, data_word(spec.dataset) + size]
    if spec.drop_sensitive:
        parts.append(t("unaware"))
    if spec.dp_epsilon is not None:
        parts.append(f"ε={spec.dp_epsilon:g}")
    return " · ".join([*parts, result.run_id[:4]])


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
                t("Model"): run_label(r),
                t("Test accuracy (%)"): round(r.metrics.accuracy * 100, 1),
                t("Training time (s)"): round(r.cost.train_seconds, 2),
                t("Energy (Wh)"): r.cost.energy_kwh * 1000,
                t("Energy was"): data_word(r.cost.energy_method),
                t("CO2 (g, estimate)"): r.cost.co2_g,
                t("Training FLOPs (estimate)"): float(r.cost.train_flops),
                t("Parameters"): r.cost.params,
                t("Time per answer (ms)"): r.cost.latency_ms,
                t("Membership attack right (%; 50 = guessing)"): None
                if r.privacy is None
                else round(r.privacy.membership.loss.accuracy * 100, 1),
                t("DP ε (none = not private)"): r.privacy.epsilon if r.privacy and r.privacy.private else None,
                t("Device"): lab_sentence(r.device_name),
            }
            for r in results
        ]
    )


def comparison_summary(results: list[RunResult], *, cost_axis: str) -> str:
    """The chart in one sentence, for those who cannot or do not look at it."""
    best = max(results, key=lambda r: r.metrics.accuracy)
    cheapest = min(results, key=COST_AXES[cost_axis][1])
    return t(
        "Most accurate: {best} ({best_accuracy:.1%}). Cheapest by {cost}: {cheapest} ({cheapest_accuracy:.1%} "
        "accurate).",
        best=run_label(best),
        best_accuracy=best.metrics.accuracy,
        cost=t(COST_AXES[cost_axis][0].split(" (")[0].lower()),  # "training time"
        cheapest=run_label(cheapest),
        cheapest_accuracy=cheapest.metrics.accuracy,
    )
