"""The Cost & Scale page's sweep: model sizes trained through the job queue, a power law fitted to their test loss,
and its charts (plotly graph_objects, log-log axes). The calculator and the giants are in ui/giants.py."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lab.config import load_settings
from lab.data import DATASETS
from lab.scaling import (
    CONFIDENCE,
    DEFAULT_WIDTHS,
    WIDTHS,
    FitError,
    PowerLaw,
    ScalingFit,
    SweepPoint,
    fit_sweep,
    sweep_point,
    sweep_specs,
)
from lab.spec import SIZED, SpecError
from models import REGISTRY
from ui import plain
from ui.charts import PALETTE
from ui.progress import jobs_ui, submit
from ui.services import run_store

DEPTHS = (1, 2, 3, 4)  # the MLP's hidden layers a sweep offers
# one colour per depth, none of them the fitted line's blue or the extrapolation's red
POINT_COLOURS = (PALETTE[1], PALETTE[2], PALETTE[4], PALETTE[7])


# --- How cost grows with size ---------------------------------------------------------------------------------


def sweep_ui(*, seed: int) -> None:
    """Pick a task and sizes, train them through the job queue, and show the power law through the results."""
    st.write(
        "Train the same model at several sizes on the same data, and see how its test loss falls as its size and "
        "its training compute grow. Large language models follow a straight line on these log-log charts, a "
        "*power law* (Kaplan et al. 2020): each ten times more compute divides the loss by the same factor."
    )
    left, right = st.columns(2)
    names = list(DATASETS)
    dataset = left.selectbox(
        "Data", names, index=names.index("digits"), format_func=lambda n: DATASETS[n].title, key="cost_sweep_data"
    )
    readers = [a for a in SIZED if DATASETS[dataset].modality in REGISTRY[a].modalities]
    arch = right.selectbox("Model", readers, format_func=lambda n: REGISTRY[n].title, key="cost_sweep_arch")
    unit = "units in each hidden layer" if arch == "mlp" else "filters in the first block, twice as many in the second"
    widths = st.multiselect(f"Widths ({unit})", WIDTHS, default=DEFAULT_WIDTHS[arch], key=f"cost_sweep_widths_{arch}")
    depths = None  # the CNN's depth is fixed
    if arch == "mlp":
        depths = st.multiselect("Depths (hidden layers)", DEPTHS, default=[SIZED["mlp"][1]], key="cost_sweep_depths")
    try:
        specs = sweep_specs(dataset, arch, widths=widths, depths=depths, seed=seed)
    except SpecError as problem:
        st.error(str(problem))
        return
    st.caption(
        f"Every size trains {specs[0].epochs} epochs in batches of {specs[0].batch_size} at a learning rate of "
        f"{specs[0].lr:g}, seed {seed}: only the size changes."
    )
    limit = load_settings().max_jobs_per_person
    if st.button(f"Train {len(specs)} sizes", key="cost_sweep_train", type="primary"):
        if len(specs) > limit:
            st.error(f"At most {limit} sizes at a time: each person may queue {limit} runs. Pick fewer sizes.")
        else:
            submit(specs, page="cost")
    jobs_ui(page="cost")
    points = [sweep_point(r) for r in (run_store().find_by_key(s.key()) for s in specs) if r is not None]
    if not points:
        st.caption("None of these sizes has been trained yet.")
        return
    try:
        fit = fit_sweep(points)
    except FitError as problem:
        fit = None
        st.info(f"{problem} The chart shows the sizes trained so far.")
    st.plotly_chart(scaling_figure(points, fit), key="cost_sweep_chart")
    st.dataframe(
        sweep_table(points),
        hide_index=True,
        column_config={"Training FLOPs (estimate)": st.column_config.NumberColumn(format="scientific")},
        key="cost_sweep_table",
    )
    if fit is not None:
        st.markdown(scaling_sentence(fit))
        st.markdown(extrapolation_sentence(fit))


def sweep_table(points: list[SweepPoint]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Width": p.width,
                "Depth": p.depth,
                "Parameters": p.params,
                "Training FLOPs (estimate)": p.train_flops,
                "Test loss (lower is better)": round(p.loss, 4),
                "Test accuracy (%)": round(p.accuracy * 100, 1),
            }
            for p in sorted(points, key=lambda p: p.train_flops)
        ]
    )


def scaling_sentence(fit: ScalingFit) -> str:
    """The fitted exponents in words: what each 10 times more compute bought."""
    law, by_params = fit.by_compute, fit.by_params
    fitted = (
        f"Fitted line: test loss ≈ {law.a:.3g} × FLOPs^−{law.exponent:.3f} (exponent {law.exponent:.2f} ± "
        f"{law.exponent_se:.2f}, one standard error; against parameters {by_params.exponent:.2f} ± "
        f"{by_params.exponent_se:.2f}). The line explains {law.r_squared:.0%} of the spread on the log-log chart."
    )
    if law.exponent <= 0:
        return (
            f"Here the test loss did not fall as the models grew: too few epochs for the large ones, or a task the "
            f"small ones already solve. {fitted}"
        )
    divided = 10**law.exponent
    return f"Each time the training compute grew 10 times, the test loss was divided by about {divided:.2g}. {fitted}"


def extrapolation_sentence(fit: ScalingFit) -> str:
    ahead = fit.more_compute
    return (
        f"**An extrapolation, not a measurement:** by this fit, {ahead.factor:g} times the largest run's compute "
        f"({plain.sci(ahead.compute)} FLOPs) would bring the test loss from {ahead.largest_loss:.3g} to about "
        f"{ahead.loss:.3g} ({CONFIDENCE:.0%} band {ahead.low:.3g} to {ahead.high:.3g}). It assumes the straight "
        "line goes on. Real curves bend: a loss cannot fall below the noise in the labels, and this data set does not "
        "grow with the model."
    )


def scaling_figure(points: list[SweepPoint], fit: ScalingFit | None) -> go.Figure:
    """Test loss (log) and accuracy against parameters and training FLOPs (log), the fitted lines with their bands,
    and the point ten times the compute away, marked as an extrapolation."""
    from plotly.subplots import make_subplots

    figure = make_subplots(
        rows=2,
        cols=2,
        shared_xaxes="columns",
        vertical_spacing=0.08,
        subplot_titles=("Test loss against parameters", "Test loss against training FLOPs", "", ""),
    )
    for index, depth in enumerate(sorted({p.depth for p in points}, key=lambda d: d or 0)):
        group = sorted((p for p in points if p.depth == depth), key=lambda p: p.train_flops)
        name = "trained" if depth is None else f"trained, {depth} hidden layer{'s' * (depth > 1)}"
        style = dict(
            marker=dict(size=11, color=POINT_COLOURS[index % len(POINT_COLOURS)]), line=dict(width=1), name=name
        )
        for column, x in ((1, [p.params for p in group]), (2, [p.train_flops for p in group])):
            loss = [p.loss for p in group]
            figure.add_scatter(x=x, y=loss, mode="markers", showlegend=column == 1, row=1, col=column, **style)
            accuracy = [p.accuracy * 100 for p in group]
            figure.add_scatter(x=x, y=accuracy, mode="markers+lines", showlegend=False, row=2, col=column, **style)
    if fit is not None:
        _add_fit(figure, fit.by_params, [p.params for p in points], column=1, legend=True)
        _add_fit(figure, fit.by_compute, [p.train_flops for p in points], column=2, reach=fit.more_compute.factor)
        ahead = fit.more_compute
        figure.add_scatter(
            x=[ahead.compute],
            y=[ahead.loss],
            error_y=dict(
                type="data", symmetric=False, array=[ahead.high - ahead.loss], arrayminus=[ahead.loss - ahead.low]
            ),
            mode="markers+text",
            marker=dict(size=14, symbol="diamond-open", color=PALETTE[3]),
            text=[f"extrapolation: {ahead.factor:g}x compute"],
            textposition="top left",
            name=f"extrapolation ({ahead.factor:g}x the compute)",
            row=1,
            col=2,
        )
    figure.update_xaxes(type="log")
    figure.update_xaxes(title="parameters (numbers learned)", row=2, col=1)
    figure.update_xaxes(title="training FLOPs (estimate)", row=2, col=2)
    figure.update_yaxes(type="log", title="test loss (log scale)", row=1, col=1)
    figure.update_yaxes(type="log", row=1, col=2)
    # accuracy stays on a linear scale: it cannot pass 100 %, so it cannot follow a power law for ever
    figure.update_yaxes(title="test accuracy (%)", range=[0, 101], row=2, col=1)
    figure.update_yaxes(range=[0, 101], row=2, col=2)
    figure.update_layout(
        title="How test loss and accuracy change with size",
        height=640,
        margin=dict(l=10, r=10, t=70, b=10),
        legend=dict(orientation="h", y=-0.15),
        template="plotly_white",
    )
    return figure


def _add_fit(
    figure: go.Figure, law: PowerLaw, xs: list[float], *, column: int, reach: float = 1, legend: bool = False
) -> None:
    """The fitted line over the measured sizes (solid) and beyond them (dotted), with its band, in the top row."""
    low, high = min(xs), max(xs)
    grid = np.logspace(math.log10(low), math.log10(high * reach), 60)
    band_low, band_high = law.band(grid)
    figure.add_scatter(
        x=[*grid, *grid[::-1]],
        y=[*band_high, *band_low[::-1]],
        fill="toself",
        fillcolor="rgba(0, 114, 178, 0.15)",
        line=dict(width=0),
        hoverinfo="skip",
        name=f"{CONFIDENCE:.0%} band of the fitted line",
        showlegend=legend,
        row=1,
        col=column,
    )
    measured = grid[grid <= high * 1.0001]
    figure.add_scatter(
        x=measured,
        y=law.predict(measured),
        mode="lines",
        line=dict(color=PALETTE[0]),
        name="fitted power law",
        showlegend=legend,
        row=1,
        col=column,
    )
    if reach > 1:
        beyond = grid[grid >= measured[-1]]
        figure.add_scatter(
            x=beyond,
            y=law.predict(beyond),
            mode="lines",
            line=dict(color=PALETTE[0], dash="dot"),
            name="the line followed further (extrapolation)",
            row=1,
            col=column,
        )
