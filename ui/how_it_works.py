"""The How it works page's sections: each idea in plain words, its formula, its sliders and a live picture."""

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from lab import mechanics
from ui.charts import PALETTE, show
from ui.content import page_text
from ui.i18n import chinese, quoted, t, t_message
from ui.plain import sci

TRAIN_PAGE = "views/train.py"
TRAIN_ICON = ":material/model_training:"

CONVOLUTION = r"(I * K)(i, j) = \sum_{m=0}^{k-1} \sum_{n=0}^{k-1} I(s\,i + m,\ s\,j + n)\; K(m, n)"
POOLING = r"P(i, j) = \max_{0 \le m,\, n < p} F(p\,i + m,\ p\,j + n)"
LSTM = r"""\begin{aligned}
i_t &= \sigma(W_i x_t + U_i h_{t-1} + b_i) & f_t &= \sigma(W_f x_t + U_f h_{t-1} + b_f) \\
o_t &= \sigma(W_o x_t + U_o h_{t-1} + b_o) & g_t &= \tanh(W_g x_t + U_g h_{t-1} + b_g) \\
c_t &= f_t \odot c_{t-1} + i_t \odot g_t & h_t &= o_t \odot \tanh(c_t)
\end{aligned}"""
ATTENTION = (
    r"\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V,"
    r"\qquad Q = X W_Q,\quad K = X W_K,\quad V = X W_V"
)
CROSS_ENTROPY = r"L = -\log p_y = -z_y + \log \sum_j e^{z_j}, \qquad p_y = \frac{e^{z_y}}{\sum_j e^{z_j}}"
SGD = r"\theta \leftarrow \theta - \eta\, \nabla L(\theta)"
ADAM = r"""\begin{aligned}
g_t &= \nabla L(\theta_{t-1}) \\
m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\, g_t, & v_t &= \beta_2 v_{t-1} + (1 - \beta_2)\, g_t^2 \\
\hat m_t &= \frac{m_t}{1 - \beta_1^{\,t}}, & \hat v_t &= \frac{v_t}{1 - \beta_2^{\,t}} \\
\theta_t &= \theta_{t-1} - \eta\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}"""

SEQUENCES = {
    "one blip, then nothing": (0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
    "a step that stays on": (0, 0, 1, 1, 1, 1, 1, 1, 1, 1),
    "up and down": (1, -1, 1, -1, 1, -1, 1, -1, 1, -1),
}
# each quantity of the LSTM trace: its name on the page, and what its value means
GATES = {
    "f": ("forget gate f", "the share of its memory each unit keeps from one step to the next (0 to 1)"),
    "i": ("input gate i", "the share of the candidate each unit writes into its memory (0 to 1)"),
    "g": ("candidate g", "what each unit could write into its memory (−1 to 1)"),
    "o": ("output gate o", "the share of its memory each unit shows as its output (0 to 1)"),
    "c": ("memory c", "what each unit remembers (no fixed range)"),
    "h": ("output h", "what each unit passes on to the next step and the next layer (−1 to 1)"),
}
CLASSES = ("cat", "dog", "bird")
LEARNING_RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
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


def _sentences(*parts: str) -> str:
    """Sentences as one paragraph: a space between them in English; none in Chinese, whose full stop is wide."""
    return ("" if chinese() else " ").join(part for part in parts if part)


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
    return _sentences(digit, kernel, pooling)


def convolution_ui() -> None:
    """A kernel and max pooling on a digit, with the kernel, the stride, the pooling block and the digit to pick."""
    st.markdown(page_text("how_convolution"))
    st.latex(CONVOLUTION)
    st.latex(POOLING)
    st.caption(
        t(
            "I is the picture, K the k × k kernel, s the stride, F the map the kernel made and p the pooling block's "
            "side. Strictly this is a cross-correlation (the kernel is not flipped): it is what PyTorch and every "
            "deep-learning library compute under the name convolution."
        )
    )
    digit_column, kernel_column, stride_column, pool_column = st.columns(4)
    digit = digit_column.slider(t("Digit"), 0, 9, 3, key="how_conv_digit")
    kernel_name = kernel_column.selectbox(t("Kernel"), list(mechanics.KERNELS), format_func=t, key="how_conv_kernel")
    stride = stride_column.slider(t("Stride (pixels per jump)"), 1, 3, 1, key="how_conv_stride")
    pool = pool_column.slider(t("Pooling block (pixels a side)"), 2, 4, 2, key="how_conv_pool")
    image = mechanics.digit_image(digit)
    kernel = np.array(mechanics.KERNELS[kernel_name])
    feature = mechanics.convolve(image, kernel, stride=stride)
    pooled = mechanics.max_pool(feature, pool)
    summary = convolution_summary(image, feature, pooled, stride=stride, pool=pool)
    show(convolution_figure(image, kernel, feature, pooled), summary, key="how_conv_chart")
    st.page_link(TRAIN_PAGE, label=t("Train a CNN, which learns its own kernels, on Train & Compare"), icon=TRAIN_ICON)


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
            line_color=PALETTE[unit],
            row=2,
            col=1,
        )
    figure.update_yaxes(title=t("input x"), row=1, col=1)
    figure.update_yaxes(title=name, row=2, col=1)
    figure.update_xaxes(title=t("step t"), dtick=1, row=2, col=1)
    return _styled(figure, title=t("The {gate} of each memory unit, step by step", gate=name), height=400)


def _number(value: float) -> str:
    """Two decimals, and never "-0.00"."""
    return f"{round(value, 2) + 0.0:.2f}"


def lstm_ui(*, seed: int) -> None:
    """A real LSTMCell reading a short sequence; the sequence, the gate shown and the forget bias to pick."""
    st.markdown(page_text("how_lstm"))
    st.latex(LSTM)
    st.caption(
        t(
            "σ is the sigmoid 1 / (1 + e^−x), which turns any number into a share between 0 and 1; ⊙ multiplies "
            "element by element. Training learns the W, U and b; here the W and U are random, drawn from the seed in "
            "the sidebar, and the b are 0 but for the forget gate's, which you set."
        )
    )
    sequence_column, gate_column, bias_column = st.columns(3)
    sequence = sequence_column.selectbox(t("Sequence"), list(SEQUENCES), format_func=t, key="how_lstm_sequence")
    gate = gate_column.selectbox(
        t("Show"), list(GATES), index=list(GATES).index("c"), format_func=lambda g: t(GATES[g][0]), key="how_lstm_gate"
    )
    bias = bias_column.slider(t("Forget gate bias (added to b_f)"), -3.0, 3.0, 0.0, 0.5, key="how_lstm_forget_bias")
    trace = mechanics.lstm_gates(SEQUENCES[sequence], mechanics.lstm_cell(seed=seed, forget_bias=bias))
    name, meaning = GATES[gate]
    values = getattr(trace, gate)
    summary = t(
        "The {name} is {meaning}. Over the {steps} steps it goes from {low} to {high}; after the last step it "
        "averages {mean} over the {units} units. The forget gate then keeps about {kept:.0f} % of each unit's "
        "memory for a next step.",
        name=t(name),
        meaning=t(meaning),
        steps=len(values),
        low=_number(values.min()),
        high=_number(values.max()),
        mean=_number(values[-1].mean()),
        units=values.shape[1],
        kept=100 * trace.f[-1].mean(),
    )
    show(lstm_figure(trace, gate), summary, key="how_lstm_chart")
    st.page_link(TRAIN_PAGE, label=t("Train an LSTM on reviews or digits on Train & Compare"), icon=TRAIN_ICON)


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


def _strongest_link(head: mechanics.AttentionHead) -> str:
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


def attention_ui() -> None:
    """One head of MiniLM on a sentence; the sentence, the layer and the head to pick."""
    st.markdown(page_text("how_attention"))
    st.latex(ATTENTION)
    n_layers, n_heads = mechanics.attention_shape()
    sentence = st.text_input(
        t("A sentence"),
        "The cat sat on the mat because it was tired.",  # MiniLM reads English: the sentence is its input, not text
        max_chars=mechanics.MAX_CHARACTERS,
        key="how_attn_sentence",
    )
    layer_column, head_column = st.columns(2)
    layer = layer_column.slider(t("Layer"), 1, n_layers, 1, key="how_attn_layer")
    head_number = head_column.slider(t("Head"), 1, n_heads, 1, key="how_attn_head")
    try:
        head = mechanics.attention(sentence, layer=layer - 1, head=head_number - 1)
    except ValueError as error:
        st.error(t_message(str(error)))
    else:
        d_k = head.query.shape[1]
        pieces = t(
            "Each row adds up to 100 %. Queries and keys have d_k = {d_k} numbers, so the scores are divided by "
            "√{d_k} ≈ {root:.2f} before the softmax. Words are cut into pieces the model knows; [CLS] and [SEP] mark "
            "the start and the end, and many heads park their attention there when they find nothing they look for.",
            d_k=d_k,
            root=math.sqrt(d_k),
        )
        show(attention_figure(head), _sentences(_strongest_link(head), pieces), key="how_attn_chart")
    st.page_link(
        TRAIN_PAGE, label=t("Train a Transformer, or the pretrained MiniLM, on Train & Compare"), icon=TRAIN_ICON
    )


# --- cross-entropy ----------------------------------------------------------------------------------------------


def probabilities_figure(probabilities: np.ndarray, target: int) -> go.Figure:
    """One bar per class; the true class in its own colour."""
    colours = [PALETTE[3] if k == target else PALETTE[0] for k in range(len(CLASSES))]
    figure = go.Figure(go.Bar(x=[t(name) for name in CLASSES], y=probabilities * 100, marker_color=colours))
    figure.update_layout(yaxis=dict(title=t("probability (%)"), range=[0, 100]))
    return _styled(figure, title=t("The softmax of the scores (orange: the true class)"), height=300)


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


def cross_entropy_ui() -> None:
    """The loss of one prediction; the three logits and the true class to pick."""
    st.markdown(page_text("how_cross_entropy"))
    st.latex(CROSS_ENTROPY)
    columns = st.columns(len(CLASSES) + 1)
    logits = [
        column.slider(t("Score z for “{name}”", name=t(name)), -5.0, 5.0, float(2 - k), 0.5, key=f"how_ce_logit_{k}")
        for k, (column, name) in enumerate(zip(columns, CLASSES, strict=False))
    ]
    target = columns[-1].selectbox(
        t("True class y"), range(len(CLASSES)), format_func=lambda k: t(CLASSES[k]), key="how_ce_target"
    )
    result = mechanics.cross_entropy(logits, target)
    chart, numbers = st.columns([2, 1])
    with chart:
        show(
            probabilities_figure(result.probabilities, target),
            probabilities_summary(result.probabilities),
            key="how_ce_chart",
        )
    numbers.metric(t("Loss for this answer"), f"{result.loss:.3f} nats")
    p = result.probabilities[target]
    guessing = math.log(len(CLASSES))
    loss = t(
        "The model gives the true class, “{name}”, a probability of {share:.1f} %, so the loss is −log({p:.3f}) = "
        "{loss:.3f} nats (the unit of the natural logarithm). A sure right answer costs 0; guessing evenly among the "
        "{classes} classes costs {guessing:.3f}.",
        name=t(CLASSES[target]),
        share=100 * p,
        p=p,
        loss=result.loss,
        classes=len(CLASSES),
        guessing=guessing,
    )
    worse = t("This answer is worse than guessing.") if result.loss > guessing else ""
    numbers.caption(_sentences(loss, worse))
    st.page_link(TRAIN_PAGE, label=t("Watch the loss fall, epoch by epoch, on Train & Compare"), icon=TRAIN_ICON)


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
        line_color=PALETTE[1],
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
        line_color=PALETTE[0],
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


def descent_ui() -> None:
    """SGD or Adam on a 2-D loss; the surface, the optimizer, the learning rate and the steps to pick."""
    st.markdown(page_text("how_descent"))
    sgd_column, adam_column = st.columns([1, 2])
    sgd_column.latex(SGD)
    adam_column.latex(ADAM)
    st.caption(
        t(
            "θ is the model's numbers (here the point x, y), η the learning rate, ∇L the gradient. Adam keeps a "
            "running average m of the gradients and v of their squares (β₁ = 0.9, β₂ = 0.999), corrects both for "
            "starting at 0, and divides: its steps are about η long wherever it is (ε = 10⁻⁸ only avoids dividing by "
            "0)."
        )
    )
    surface_column, optimizer_column, lr_column, steps_column = st.columns(4)
    surface = surface_column.selectbox(
        t("Loss surface"), list(mechanics.SURFACES), format_func=lambda s: t(SURFACE_TITLES[s]), key="how_gd_surface"
    )
    optimizer = optimizer_column.radio(
        t("Optimizer"),
        ["sgd", "adam"],
        format_func={"sgd": t("SGD (plain)"), "adam": "Adam"}.get,
        key="how_gd_optimizer",
    )
    lr = lr_column.select_slider(t("Learning rate η"), LEARNING_RATES, value=0.03, key="how_gd_lr")
    steps = steps_column.slider(t("Steps"), 10, 500, 100, 10, key="how_gd_steps")
    descent = mechanics.descend(surface, optimizer, lr=lr, steps=steps)
    show(descent_figure(surface, descent), descent_summary(surface, descent, steps=steps), key="how_gd_chart")
    if descent.diverged:
        st.error(
            t(
                "Diverged at step {step}: the loss passed a million times its starting value of {first:.3g}, so the "
                "walk was stopped there. A learning rate of {lr:g} is too high for this surface: every step "
                "overshoots the valley and lands higher up the other side. Try a smaller one.",
                step=descent.diverged_at,
                first=descent.losses[0],
                lr=lr,
            )
        )
    st.page_link(
        TRAIN_PAGE, label=t("Pick the optimizer and learning rate of a real model on Train & Compare"), icon=TRAIN_ICON
    )
