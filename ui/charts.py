"""Plotly figures, built with graph_objects: about ten times faster here than the express module.

Every title and trace name is in the session's language (ui.i18n). Words given to a builder (labels, group names,
an attribute, a class) come as they are to be shown, already translated by the caller.
"""

import math

import plotly.graph_objects as go
import streamlit as st

from lab.fairness import GroupRates
from lab.palette import EDGE, LINES, PALETTE
from lab.result import EpochStats, RunResult
from ui.i18n import t
from ui.plain import data_word

# The costs a trade-off chart can plot: each key's axis title (in English: translated where shown) and its value.
COST_AXES = {
    "train_seconds": ("Training time (seconds)", lambda r: r.cost.train_seconds),
    "energy_wh": ("Energy to train (Wh, estimate unless measured)", lambda r: r.cost.energy_kwh * 1000),
    "train_flops": ("Calculations to train (FLOPs)", lambda r: r.cost.train_flops),
    "params": ("Parameters (numbers learned)", lambda r: r.cost.params),
}


def styled(figure: go.Figure, *, title: str, height: int = 320) -> go.Figure:
    """The house style every chart of the app shares: its title, height, margins, legend below, white template."""
    figure.update_layout(
        title=title,
        height=height,
        margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", y=-0.25),
        template="plotly_white",
    )
    return figure


def show(figure: go.Figure, summary: str, **options) -> None:
    """A chart with its text summary under it: what the chart says in one or two sentences, for a screen reader,
    for a reader who cannot tell the colours apart, and for the back row. `options` go to st.plotly_chart."""
    st.plotly_chart(with_edges(figure), **options)
    st.caption(summary)


def with_edges(figure: go.Figure) -> go.Figure:
    """Give markers and bars that have no edge of their own a mid-grey one (lab.palette.EDGE): a light fill such as
    the orange then still stands out 3:1 from the background, in the light theme and in the dark one."""
    for trace in figure.data:
        if trace.type not in ("bar", "scatter") or trace.marker.line.color is not None:
            continue
        if trace.type == "scatter" and "markers" not in (trace.mode or "markers"):
            continue
        trace.marker.line.color = EDGE
        trace.marker.line.width = trace.marker.line.width or 1
    return figure


def history_figure(history: tuple[EpochStats, ...], *, title: str) -> go.Figure:
    """Loss (left axis) and validation accuracy (right axis) per epoch."""
    epochs = [h.epoch for h in history]
    figure = go.Figure()
    figure.add_scatter(x=epochs, y=[h.train_loss for h in history], name=t("training loss"), line_color=LINES[0])
    figure.add_scatter(
        x=epochs,
        y=[h.val_loss for h in history],
        name=t("validation loss"),
        line_color=LINES[1],
        line_dash="dash",
    )
    figure.add_scatter(
        x=epochs,
        y=[h.val_accuracy * 100 for h in history],
        name=t("validation accuracy (%)"),
        line_color=LINES[2],
        yaxis="y2",
    )
    figure.update_layout(
        xaxis_title=t("epoch (one pass over the training data)"),
        yaxis_title=t("loss (lower is better)"),
        yaxis2=dict(title=t("accuracy (%)"), overlaying="y", side="right", range=[0, 100]),
    )
    return styled(figure, title=title)


def tradeoff_figure(results: list[RunResult], *, cost_axis: str, labels: list[str]) -> go.Figure:
    """Accuracy against one cost, one point per run, cost on a log scale (costs span orders of magnitude)."""
    axis_title, value = COST_AXES[cost_axis]
    figure = go.Figure()
    for index, (result, label) in enumerate(zip(results, labels, strict=True)):
        figure.add_scatter(
            x=[value(result)],
            y=[result.metrics.accuracy * 100],
            name=label,
            mode="markers+text",
            text=[label],
            textposition="top center",
            marker=dict(size=14, color=PALETTE[index % len(PALETTE)]),
        )
    # Pad the log axis by a fifth of a decade each side (at least), so the labels of the outer points fit.
    lows, highs = min(value(r) for r in results), max(value(r) for r in results)
    low, high = math.log10(max(lows, 1e-12)), math.log10(max(highs, 1e-12))
    pad = max(0.2, (high - low) * 0.15)
    figure.update_layout(
        xaxis=dict(title=t(axis_title), type="log", range=[low - pad, high + pad]),
        yaxis=dict(title=t("test accuracy (%)")),
        showlegend=False,
    )
    return styled(figure, title=t("Accuracy against cost: up and to the left is better"), height=380)


def group_rates_figure(groups: tuple[GroupRates, ...], *, attribute: str, positive: str) -> go.Figure:
    """Per group: how often the model says yes, and how often it is right about those who are yes or no."""
    names = [g.group for g in groups]
    figure = go.Figure()
    rates = (
        ('said "{positive}" (selection rate)', [g.selection_rate for g in groups]),
        ('found the real "{positive}" (true positive rate)', [g.true_positive_rate for g in groups]),
        ('said "{positive}" wrongly (false positive rate)', [g.false_positive_rate for g in groups]),
    )
    for (name, values), colour in zip(rates, PALETTE, strict=False):
        shares = [None if v is None else v * 100 for v in values]
        figure.add_bar(x=names, y=shares, name=t(name, positive=positive), marker_color=colour)
    figure.update_layout(barmode="group", yaxis=dict(title=t("% of the group"), range=[0, 100]))
    return styled(figure, title=t("How the model treats each group, by {attribute}", attribute=attribute))


def fairness_tradeoff_figure(points: list[tuple[str, float, float]]) -> go.Figure:
    """Accuracy against the gap in selection rate; one point per version of the model, named in the legend."""
    figure = go.Figure()
    for (label, gap, accuracy), colour in zip(points, PALETTE, strict=False):
        figure.add_scatter(
            x=[gap * 100], y=[accuracy * 100], mode="markers", marker=dict(size=14, color=colour), name=label
        )
    figure.update_layout(
        xaxis=dict(title=t("Gap in selection rate between groups (percentage points; 0 = equal)"), rangemode="tozero"),
        yaxis=dict(title=t("Test accuracy (%)")),
    )
    return styled(figure, title=t("What fairness costs: accuracy against the gap"), height=400)


def hiring_figure(historical: dict[str, float], models: dict[str, dict[str, float]]) -> go.Figure:
    """Hiring rate per group: in the past decisions, and as each trained model decides."""
    figure = go.Figure()
    series = {t("past decisions (the labels)"): historical, **models}
    for (name, rates), colour in zip(series.items(), PALETTE, strict=False):
        groups = sorted(rates)
        figure.add_bar(x=groups, y=[rates[g] * 100 for g in groups], name=name, marker_color=colour)
    figure.update_layout(barmode="group", yaxis=dict(title=t("% hired"), range=[0, 100]))
    return styled(figure, title=t("Who gets hired: the past, and the models that learned from it"))


def association_figure(sets: dict[str, tuple[tuple[str, float], ...]], *, toward_a: str, toward_b: str) -> go.Figure:
    """One bar per word, coloured by its set: positive leans toward the A words, negative toward the B words."""
    figure = go.Figure()
    for (name, words), colour in zip(sets.items(), PALETTE, strict=False):
        figure.add_bar(
            x=[s for _, s in words], y=[w for w, _ in words], orientation="h", marker_color=colour, name=name
        )
    n_words = sum(len(words) for words in sets.values())
    figure.update_layout(
        xaxis=dict(
            title=t(
                "← nearer {toward_b} · nearer {toward_a} → (difference in cosine similarity)",
                toward_a=toward_a,
                toward_b=toward_b,
            )
        ),
        yaxis=dict(categoryorder="total ascending"),
    )
    return styled(figure, title=t("Where each word sits between the two sets of words"), height=28 * n_words + 160)


def _epsilon_label(result: RunResult) -> str:
    epsilon = result.spec.dp_epsilon
    return t("no DP") if epsilon is None else f"ε = {epsilon:g}"


def privacy_sweep_figure(results: list[RunResult]) -> go.Figure:
    """Four small panels against ε (strong protection on the left, none on the right)."""
    from plotly.subplots import make_subplots

    ordered = sorted(results, key=lambda r: r.spec.dp_epsilon if r.spec.dp_epsilon is not None else math.inf)
    labels = [_epsilon_label(r) for r in ordered]
    panels = [
        (t("Test accuracy (%)"), [r.metrics.accuracy * 100 for r in ordered]),
        (t("Attack right (%; 50 = guessing)"), [r.privacy.membership.loss.accuracy * 100 for r in ordered]),
        (t("Energy to train (Wh, estimate)"), [r.cost.energy_kwh * 1000 for r in ordered]),
    ]
    if all(r.fairness is not None for r in ordered):
        first = [r.fairness.attributes[0] for r in ordered]
        gap_title = t("Gap by {attribute} (points)", attribute=data_word(first[0].attribute))
        panels.append((gap_title, [a.dp_difference * 100 for a in first]))
    figure = make_subplots(rows=1, cols=len(panels), subplot_titles=[title for title, _ in panels])
    # the percentages on a fixed scale, so that noise of half a point does not look like a cliff
    figure.update_yaxes(range=[0, 101], row=1, col=1)
    figure.update_yaxes(range=[40, 101], row=1, col=2)
    figure.update_yaxes(rangemode="tozero", row=1, col=3)
    for column, ((_, values), colour) in enumerate(zip(panels, LINES, strict=False), start=1):
        figure.add_scatter(
            x=labels,
            y=values,
            mode="lines+markers",
            marker=dict(size=10, color=colour),
            showlegend=False,
            row=1,
            col=column,
        )
    return styled(
        figure, title=t("What differential privacy buys and costs, from strong protection to none"), height=360
    )


def overfitting_figure(runs: list[tuple[int, RunResult]]) -> go.Figure:
    """Against epochs: accuracy on training and on new records, and how often the attack is right."""
    epochs = [e for e, _ in runs]
    figure = go.Figure()
    series = (
        (t("right on its training records (%)"), [r.history[-1].train_accuracy * 100 for _, r in runs]),
        (t("right on new records (%)"), [r.metrics.accuracy * 100 for _, r in runs]),
        (t("attack right (%; 50 = guessing)"), [r.privacy.membership.loss.accuracy * 100 for _, r in runs]),
    )
    for (name, values), colour in zip(series, LINES, strict=False):
        figure.add_scatter(x=epochs, y=values, name=name, mode="lines+markers", line_color=colour)
    figure.update_layout(
        xaxis=dict(title=t("Epochs (passes over the training data)"), type="log", tickvals=epochs),
        yaxis=dict(title="%", range=[40, 101]),
    )
    return styled(figure, title=t("Training longer: the model memorises, and the attack notices"))


def probabilities_figure(classes: tuple[str, ...], probabilities: tuple[float, ...]) -> go.Figure:
    """One bar per class: how sure the model is of each answer."""
    figure = go.Figure(go.Bar(x=list(classes), y=[p * 100 for p in probabilities], marker_color=PALETTE[0]))
    figure.update_layout(yaxis=dict(title=t("probability (%)"), range=[0, 100]), xaxis=dict(type="category"))
    return styled(figure, title=t("How sure it is of each answer"), height=280)


def input_figure(pixels) -> go.Figure:
    """The picture as the model reads it, after scaling: dark ink on white, one square per input pixel."""
    import numpy as np

    pixels = np.asarray(pixels)
    height, width = pixels.shape
    figure = go.Figure(go.Heatmap(z=pixels[::-1], colorscale="Greys", zmin=0, zmax=1, showscale=False))
    figure.update_layout(yaxis=dict(scaleanchor="x", showticklabels=False), xaxis=dict(showticklabels=False))
    title = t("What the model sees: {width} x {height} pixels", width=width, height=height)
    return styled(figure, title=title, height=360)


def attribution_figure(values, labels: tuple[str, ...], *, top: int = 15) -> go.Figure:
    """An image's attributions as a heatmap (red: toward the answer); words or columns as the `top` strongest bars."""
    import numpy as np

    values = np.asarray(values)
    if values.ndim == 2:
        figure = go.Figure(go.Heatmap(z=values[::-1], colorscale="RdBu_r", zmid=0))
        figure.update_layout(yaxis=dict(scaleanchor="x", showticklabels=False), xaxis=dict(showticklabels=False))
    else:
        order = np.argsort(np.abs(values))[-top:]
        colours = [PALETTE[3] if v > 0 else PALETTE[0] for v in values[order]]
        figure = go.Figure(go.Bar(x=values[order], y=[labels[i] for i in order], orientation="h", marker_color=colours))
        figure.update_layout(xaxis=dict(title=t("← away from the answer · toward it →")))
    return styled(figure, title=t("What moved the answer"), height=360)


def attention_figure(mean, labels: tuple[str, ...]) -> go.Figure:
    """Where each position looked (rows), averaged over the Transformer's layers and heads: each row sums to 1."""
    figure = go.Figure(go.Heatmap(z=mean, x=list(labels), y=list(labels), colorscale="Blues", zmin=0))
    figure.update_layout(
        xaxis=dict(title=t("looked at"), type="category"),
        yaxis=dict(title=t("position"), type="category", autorange="reversed"),
    )
    return styled(figure, title=t("Attention: where each position looked"), height=480)
