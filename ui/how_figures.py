"""The pictures of How it works and their summaries in words: a kernel sliding over a digit and max pooling, the
gates of an LSTM cell step by step, one attention head as a heatmap, the softmax of three scores, and an optimizer's
walk down a loss surface. Each builder returns a plotly figure (graph_objects) in the session's language; each
summary says in one or two sentences what its picture shows, for a screen reader and for the back row."""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lab import mechanics
from lab.palette import LINES, PALETTE
from ui.i18n import quoted, t
from ui.plain import sci, sentences

# GATES, CLASSES and SURFACE_TITLES name things in the pictures and in the page's widgets (ui.how_it_works imports
# them from here, the lower layer). Each quantity of the LSTM trace: its name on the page, and what its value means.
GATES = {
    "f": ("forget gate f", "the share of its memory each unit keeps from one step to the next (0 to 1)"),
    "i": ("input gate i", "the share of the candidate each unit writes into its memory (0 to 1)"),
    "g": ("candidate g", "what each unit could write into its memory (−1 to 1)"),
    "o": ("output gate o", "the share of its memory each unit shows as its output (0 to 1)"),
    "c": ("memory c", "what each unit remembers (no fixed range)"),
    "h": ("output h", "what each unit passes on to the next step and the next layer (−1 to 1)"),
}
CLASSES = ("cat", "dog", "bird")
SURFACE_TITLES = {"bowl": "a long, narrow bowl", "rosenbrock": "Rosenbrock's banana-shaped valley"}
DRAWN = {"bowl": ((-5.0, 5.0), (-2.0, 2.0)), "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0))}  # x and y shown


def _styled(figure: go.Figure, *, title: str, height: int = 340) -> go.Figure:
    figure.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=60, b=10), template="plotly_white")
    return figure


def _heatmap(z: np.ndarray, *, colorscale: str, signed: bool, text: bool = False) -> go.Heatmap:
    """A picture drawn top row first, without its own colour bar (each panel has its own scale)."""
    return go.Heatmap(
        z=z,
        colorscale=colorscale,
        zmid=0 if signed else None,
        showscale=False,
        texttemplate="%{z:.2f}" if text else None,
    )


# --- convolution and pooling ------------------------------------------------------------------------------------


def convolution_figure(image: np.ndarray, kernel: np.ndarray, feature: np.ndarray, pooled: np.ndarray) -> go.Figure:
    """The kernel, the digit, the feature map and the pooled map side by side."""
    figure = make_subplots(
        rows=1,
        cols=4,
        column_widths=[0.13, 0.29, 0.29, 0.29],
        subplot_titles=[
            t("the kernel"),
            t("the digit ({rows} × {columns})", rows=image.shape[0], columns=image.shape[1]),
            t("after the kernel ({rows} × {columns})", rows=feature.shape[0], columns=feature.shape[1]),
            t("after max pooling ({rows} × {columns})", rows=pooled.shape[0], columns=pooled.shape[1]),
        ],
    )
    figure.add_trace(_heatmap(kernel, colorscale="RdBu_r", signed=True, text=True), row=1, col=1)
    figure.add_trace(_heatmap(image, colorscale="Greys", signed=False), row=1, col=2)
    figure.add_trace(_heatmap(feature, colorscale="RdBu_r", signed=True), row=1, col=3)
    figure.add_trace(_heatmap(pooled, colorscale="RdBu_r", signed=True), row=1, col=4)
    figure.update_xaxes(showticklabels=False)
    figure.update_yaxes(showticklabels=False, autorange="reversed")  # row 0 at the top, as the picture is
    for column in range(1, 5):  # square pixels
        figure.update_yaxes(scaleanchor=f"x{column if column > 1 else ''}", row=1, col=column)
    return _styled(figure, title=t("Red: the pattern is there; blue: its opposite is"), height=300)


def convolution_summary(image: np.ndarray, feature: np.ndarray, pooled: np.ndarray, *, stride: int, pool: int) -> str:
    """The pictures' sizes, where the kernel responds most, and how much pooling keeps."""
    row, column = np.unravel_index(np.argmax(feature), feature.shape)
    jumping = (  # "1 pixel" but "2 pixels": two whole sentences to translate
        "The kernel, jumping 1 pixel at a time, makes a {rows} × {columns} map of {cells} numbers; it responds "
        "most, {top:.2f}, at row {row}, column {column}."
        if stride == 1
        else "The kernel, jumping {stride} pixels at a time, makes a {rows} × {columns} map of {cells} numbers; it "
        "responds most, {top:.2f}, at row {row}, column {column}."
    )
    kernel = t(
        jumping,
        stride=stride,
        rows=feature.shape[0],
        columns=feature.shape[1],
        cells=feature.size,
        top=feature.max(),
        row=row + 1,
        column=column + 1,
    )
    digit = t(
        "The digit is {height} × {width} pixels, each from 0 (no ink) to 1 (full ink).",
        height=image.shape[0],
        width=image.shape[1],
    )
    pooling = t(
        "Pooling {pool} × {pool} blocks keeps {kept} numbers, {share:.0f} % of them, and every strong response "
        "survives.",
        pool=pool,
        kept=pooled.size,
        share=100 * pooled.size / feature.size,
    )
    return sentences(digit, kernel, pooling)


# --- an LSTM cell -----------------------------------------------------------------------------------------------


def lstm_figure(trace: mechanics.LSTMTrace, gate: str) -> go.Figure:
    """The input at each step (bars, above) and the chosen gate or state of every unit (lines, below)."""
    steps = list(range(1, len(trace.inputs) + 1))
    values = getattr(trace, gate)  # (T, H)
    name = t(GATES[gate][0])
    # two panels: on one axis, an input of 1 would flatten a memory of 0.05
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.25, 0.75], vertical_spacing=0.06)
    figure.add_bar(x=steps, y=trace.inputs, name=t("input x"), marker_color="#BBBBBB", row=1, col=1)
    for unit in range(values.shape[1]):
        figure.add_scatter(
            x=steps,
            y=values[:, unit],
            name=t("unit {number}", number=unit + 1),
            mode="lines+markers",
            line_color=LINES[unit % len(LINES)],  # lines only in colours that stand out on both themes
            row=2,
            col=1,
        )
    figure.update_yaxes(title=t("input x"), row=1, col=1)
    figure.update_yaxes(title=name, row=2, col=1)
    figure.update_xaxes(title=t("step t"), dtick=1, row=2, col=1)
    return _styled(figure, title=t("The {gate} of each memory unit, step by step", gate=name), height=400)


# --- attention --------------------------------------------------------------------------------------------------


def attention_figure(head: mechanics.AttentionHead) -> go.Figure:
    """softmax(QK^T / sqrt(d_k)) as a heatmap: row i is where token i looks; positions, so repeated words stay apart."""
    positions = list(range(len(head.tokens)))
    figure = go.Figure(go.Heatmap(z=head.weights * 100, x=positions, y=positions, colorscale="Blues", zmin=0, zmax=100))
    ticks = dict(tickmode="array", tickvals=positions, ticktext=list(head.tokens))
    figure.update_layout(
        xaxis=dict(title=t("looked at (key)"), **ticks),
        yaxis=dict(title=t("word looking (query)"), autorange="reversed", **ticks),
    )
    title = t("MiniLM, layer {layer}, head {head}: % of each row's attention", layer=head.layer + 1, head=head.head + 1)
    return _styled(figure, title=title, height=460)


def strongest_link(head: mechanics.AttentionHead) -> str:
    """The largest attention between two different real words, as a sentence ('' if there is no pair)."""
    real = [i for i, token in enumerate(head.tokens) if token not in ("[CLS]", "[SEP]")]
    pairs = [(head.weights[i, j], i, j) for i in real for j in real if i != j]
    if not pairs:
        return ""
    weight, i, j = max(pairs)
    return t(
        "The strongest link between two different words: {word} gives {share:.0f} % of its attention to {other}.",
        word=quoted(head.tokens[i]),
        share=100 * weight,
        other=quoted(head.tokens[j]),
    )


# --- cross-entropy ----------------------------------------------------------------------------------------------


def probabilities_figure(probabilities: np.ndarray, target: int) -> go.Figure:
    """One bar per class; the true class in its own colour."""
    colours = [PALETTE[3] if k == target else PALETTE[0] for k in range(len(CLASSES))]
    figure = go.Figure(go.Bar(x=[t(name) for name in CLASSES], y=probabilities * 100, marker_color=colours))
    figure.update_layout(yaxis=dict(title=t("probability (%)"), range=[0, 100]))
    return _styled(figure, title=t("The softmax of the scores (red-orange: the true class)"), height=300)


def probabilities_summary(probabilities: np.ndarray) -> str:
    """Which class the bars make most and least likely."""
    top, bottom = int(np.argmax(probabilities)), int(np.argmin(probabilities))
    return t(
        "“{top}” gets the highest probability, {top_share:.1f} %, and “{bottom}” the lowest, {bottom_share:.1f} %.",
        top=t(CLASSES[top]),
        top_share=100 * probabilities[top],
        bottom=t(CLASSES[bottom]),
        bottom_share=100 * probabilities[bottom],
    )


# --- gradient descent -------------------------------------------------------------------------------------------


def descent_figure(surface: mechanics.Surface, descent: mechanics.Descent) -> go.Figure:
    """The loss surface with the optimizer's path (left) and the loss at each step (right)."""
    (x_low, x_high), (y_low, y_high) = DRAWN[surface]
    xs, ys = np.linspace(x_low, x_high, 120), np.linspace(y_low, y_high, 120)
    titles = [t("the path on the loss surface"), t("the loss at each step")]
    figure = make_subplots(rows=1, cols=2, subplot_titles=titles)
    figure.add_contour(
        x=xs,
        y=ys,
        z=np.log10(1 + mechanics.surface_grid(surface, xs, ys)),
        colorscale="Viridis",
        showscale=False,
        name=t("log10(1 + loss)"),
        row=1,
        col=1,
    )
    path = descent.path
    figure.add_scatter(
        x=path[:, 0],
        y=path[:, 1],
        mode="lines+markers",
        marker=dict(size=4),
        line_color=LINES[1],  # vermillion stands out more than blue from the dark valley floor where paths end
        name=t("path"),
        row=1,
        col=1,
    )
    minimum = mechanics.MINIMA[surface]
    figure.add_scatter(
        x=[minimum[0]],
        y=[minimum[1]],
        mode="markers",
        marker=dict(symbol="star", size=14, color="white"),
        name=t("the lowest point"),
        row=1,
        col=1,
    )
    figure.add_scatter(
        x=list(range(len(descent.losses))),
        y=descent.losses,
        mode="lines",
        line_color=LINES[0],
        name=t("loss"),
        row=1,
        col=2,
    )
    figure.update_xaxes(title="x", range=[x_low, x_high], row=1, col=1)
    figure.update_yaxes(title="y", range=[y_low, y_high], row=1, col=1)
    figure.update_xaxes(title=t("step"), row=1, col=2)
    figure.update_yaxes(title=t("loss (log scale)"), type="log", row=1, col=2)
    figure.update_layout(showlegend=False)
    return _styled(figure, title=t("Gradient descent on {surface}", surface=t(SURFACE_TITLES[surface])), height=400)


def descent_summary(surface: mechanics.Surface, descent: mechanics.Descent, *, steps: int) -> str:
    """Where the walk ended and how the loss changed, or how far it got before it blew up."""
    first, last = descent.losses[0], descent.losses[-1]
    if descent.diverged:
        return t(
            "The chart shows the walk up to step {drawn}, where the loss was {last}, from {first} at the start; the "
            "next step blew it up.",
            drawn=len(descent.losses) - 1,
            last=sci(last),
            first=sci(first),
        )
    x, y = descent.path[-1]
    lowest_x, lowest_y = mechanics.MINIMA[surface]
    ended = (
        "After {steps} steps the loss is {last:.3g}, down from {first:.3g} at the start (a loss has no unit here: "
        "it is the height of the surface). The point ended at ({x:.2f}, {y:.2f}); the lowest point is at "
        "({lowest_x:g}, {lowest_y:g})."
        if last < first
        else "After {steps} steps the loss is {last:.3g}, up from {first:.3g} at the start (a loss has no unit here: "
        "it is the height of the surface). The point ended at ({x:.2f}, {y:.2f}); the lowest point is at "
        "({lowest_x:g}, {lowest_y:g})."
    )
    return t(ended, steps=steps, last=last, first=first, x=x, y=y, lowest_x=lowest_x, lowest_y=lowest_y)
