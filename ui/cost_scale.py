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
from ui import plain, presenter, url_state
from ui.charts import PALETTE, show
from ui.i18n import number, t, t_message
from ui.progress import jobs_ui, submit
from ui.services import run_store

DEPTHS = (1, 2, 3, 4)  # the MLP's hidden layers a sweep offers
# one colour per depth, none of them the fitted line's blue or the extrapolation's red
POINT_COLOURS = (PALETTE[1], PALETTE[2], PALETTE[4], PALETTE[7])
# what a sweep's width counts, by architecture (the sizable ones: lab.spec.SIZED)
WIDTHS_LABELS = {
    "mlp": "Widths (units in each hidden layer)",
    "cnn": "Widths (filters in the first block, twice as many in the second)",
}


# --- How cost grows with size ---------------------------------------------------------------------------------


def sweep_ui(*, seed: int) -> None:
    """Pick a task and sizes, train them through the job queue, and show the power law through the results."""
    st.write(
        t(
            "Train the same model at several sizes on the same data, and see how its test loss falls as its size and "
            "its training compute grow. Large language models follow a straight line on these log-log charts, a "
            "*power law* (Kaplan et al. 2020): each ten times more compute divides the loss by the same factor."
        )
    )
    dataset, arch, widths, depths = sweep_choices_ui()
    try:
        specs = sweep_specs(dataset, arch, widths=widths, depths=depths, seed=seed)
    except SpecError as problem:
        st.error(t_message(str(problem)))
        return
    st.caption(
        t(
            "Every size trains {epochs} epochs in batches of {batch_size} at a learning rate of {lr:g}, seed {seed}: "
            "only the size changes.",
            epochs=specs[0].epochs,
            batch_size=specs[0].batch_size,
            lr=specs[0].lr,
            seed=seed,
        )
    )
    limit = load_settings().max_jobs_per_person
    if st.button(t("Train {n} sizes", n=len(specs)), key="cost_sweep_train", type="primary"):
        if len(specs) > limit:
            st.error(
                t("At most {limit} sizes at a time: each person may queue {limit} runs. Pick fewer sizes.", limit=limit)
            )
        else:
            submit(specs, page="cost")
    jobs_ui(page="cost")
    points = [sweep_point(r) for r in (run_store().find_by_key(s.key()) for s in specs) if r is not None]
    if not points:
        st.caption(t("None of these sizes has been trained yet."))
        return
    try:
        fit = fit_sweep(points)
    except FitError as problem:
        fit = None
        st.info(t("{problem} The chart shows the sizes trained so far.", problem=t_message(str(problem))))
    show(scaling_figure(points, fit), scaling_summary(points, fit), key="cost_sweep_chart")
    st.dataframe(
        sweep_table(points),
        hide_index=True,
        column_config={t("Training FLOPs (estimate)"): st.column_config.NumberColumn(format="scientific")},
        key="cost_sweep_table",
    )
    if fit is not None:
        st.markdown(scaling_sentence(fit))
        st.markdown(extrapolation_sentence(fit))


def sweep_choices_ui() -> tuple[str, str, list[int], list[int] | None]:
    """The task and the model, kept in the page's address, and the sizes to train, under Details while presenting."""
    left, right = st.columns(2)
    names = list(DATASETS)
    url_state.start("cost_sweep_data", "digits", allowed=names)
    dataset = left.selectbox(t("Data"), names, format_func=lambda n: t(DATASETS[n].title), key="cost_sweep_data")
    url_state.remember("cost_sweep_data", "digits")
    readers = [a for a in SIZED if DATASETS[dataset].modality in REGISTRY[a].modalities]
    url_state.start("cost_sweep_arch", readers[0], allowed=readers)
    arch = right.selectbox(t("Model"), readers, format_func=lambda n: t(REGISTRY[n].title), key="cost_sweep_arch")
    url_state.remember("cost_sweep_arch", readers[0])
    with presenter.details():
        widths = st.multiselect(
            t(WIDTHS_LABELS[arch]), WIDTHS, default=DEFAULT_WIDTHS[arch], key=f"cost_sweep_widths_{arch}"
        )
        depths = None  # the CNN's depth is fixed
        if arch == "mlp":
            depths = st.multiselect(
                t("Depths (hidden layers)"), DEPTHS, default=[SIZED["mlp"][1]], key="cost_sweep_depths"
            )
    return dataset, arch, widths, depths


def sweep_table(points: list[SweepPoint]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("Width"): p.width,
                t("Depth"): p.depth,
                t("Parameters"): p.params,
                t("Training FLOPs (estimate)"): p.train_flops,
                t("Test loss (lower is better)"): round(p.loss, 4),
                t("Test accuracy (%)"): round(p.accuracy * 100, 1),
            }
            for p in sorted(points, key=lambda p: p.train_flops)
        ]
    )


def scaling_sentence(fit: ScalingFit) -> str:
    """The fitted exponents in words: what each 10 times more compute bought."""
    law, by_params = fit.by_compute, fit.by_params
    fitted = t(
        "Fitted line: test loss ≈ {a:.3g} × FLOPs^−{exponent:.3f} (exponent {exponent:.2f} ± {se:.2f}, one "
        "standard error; against parameters {params_exponent:.2f} ± {params_se:.2f}). The line explains "
        "{r_squared:.0%} of the spread on the log-log chart.",
        a=law.a,
        exponent=law.exponent,
        se=law.exponent_se,
        params_exponent=by_params.exponent,
        params_se=by_params.exponent_se,
        r_squared=law.r_squared,
    )
    if law.exponent <= 0:
        return t(
            "Here the test loss did not fall as the models grew: too few epochs for the large ones, or a task the "
            "small ones already solve. {fitted}",
            fitted=fitted,
        )
    return t(
        "Each time the training compute grew 10 times, the test loss was divided by about {divided:.2g}. {fitted}",
        divided=10**law.exponent,
        fitted=fitted,
    )


def extrapolation_sentence(fit: ScalingFit) -> str:
    ahead = fit.more_compute
    return t(
        "**An extrapolation, not a measurement:** by this fit, {factor:g} times the largest run's compute "
        "({compute} FLOPs) would bring the test loss from {largest:.3g} to about {loss:.3g} ({level:.0%} band "
        "{low:.3g} to {high:.3g}). It assumes the straight line goes on. Real curves bend: a loss cannot fall below "
        "the noise in the labels, and this data set does not grow with the model.",
        factor=ahead.factor,
        compute=plain.sci(ahead.compute),
        largest=ahead.largest_loss,
        loss=ahead.loss,
        level=CONFIDENCE,
        low=ahead.low,
        high=ahead.high,
    )


def scaling_summary(points: list[SweepPoint], fit: ScalingFit | None) -> str:
    """The chart in words: the smallest and the largest size's loss and accuracy, and how well the line fits."""
    smallest, largest = min(points, key=lambda p: p.params), max(points, key=lambda p: p.params)
    if len(points) == 1:
        return t(
            "One size trained so far: {params} parameters, test loss {loss:.3g}, test accuracy {accuracy:.1%}.",
            params=number(smallest.params),
            loss=smallest.loss,
            accuracy=smallest.accuracy,
        )
    summary = t(
        "From the smallest size ({small} parameters) to the largest ({large} parameters), the test loss went from "
        "{small_loss:.3g} to {large_loss:.3g} and the test accuracy from {small_accuracy:.1%} to {large_accuracy:.1%}.",
        small=number(smallest.params),
        large=number(largest.params),
        small_loss=smallest.loss,
        large_loss=largest.loss,
        small_accuracy=smallest.accuracy,
        large_accuracy=largest.accuracy,
    )
    if fit is None:
        return summary
    return t(
        "{summary} The fitted line against training FLOPs explains {r_squared:.0%} of the spread of the test loss on "
        "the log-log chart.",
        summary=summary,
        r_squared=fit.by_compute.r_squared,
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
        subplot_titles=(t("Test loss against parameters"), t("Test loss against training FLOPs"), "", ""),
    )
    for index, depth in enumerate(sorted({p.depth for p in points}, key=lambda d: d or 0)):
        group = sorted((p for p in points if p.depth == depth), key=lambda p: p.train_flops)
        style = dict(
            marker=dict(size=11, color=POINT_COLOURS[index % len(POINT_COLOURS)]),
            line=dict(width=1),
            name=_trained(depth),
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
            text=[t("extrapolation: {factor:g}x compute", factor=ahead.factor)],
            textposition="top left",
            name=t("extrapolation ({factor:g}x the compute)", factor=ahead.factor),
            row=1,
            col=2,
        )
    figure.update_xaxes(type="log")
    figure.update_xaxes(title=t("parameters (numbers learned)"), row=2, col=1)
    figure.update_xaxes(title=t("training FLOPs (estimate)"), row=2, col=2)
    figure.update_yaxes(type="log", title=t("test loss (log scale)"), row=1, col=1)
    figure.update_yaxes(type="log", row=1, col=2)
    # accuracy stays on a linear scale: it cannot pass 100 %, so it cannot follow a power law for ever
    figure.update_yaxes(title=t("test accuracy (%)"), range=[0, 101], row=2, col=1)
    figure.update_yaxes(range=[0, 101], row=2, col=2)
    figure.update_layout(
        title=t("How test loss and accuracy change with size"),
        height=640,
        margin=dict(l=10, r=10, t=70, b=10),
        legend=dict(orientation="h", y=-0.15),
        template="plotly_white",
    )
    return figure


def _trained(depth: int | None) -> str:
    """The legend's name for the trained sizes of one depth."""
    if depth is None:
        return t("trained")
    if depth == 1:
        return t("trained, 1 hidden layer")
    return t("trained, {depth} hidden layers", depth=depth)


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
        name=t("{level:.0%} band of the fitted line", level=CONFIDENCE),
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
        name=t("fitted power law"),
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
            name=t("the line followed further (extrapolation)"),
            row=1,
            col=column,
        )
