"""The How it works page's sections: each idea in plain words, its formula, its sliders and a live picture."""

import math

import numpy as np
import streamlit as st

from lab import mechanics
from ui.charts import show
from ui.content import page_text
from ui.how_figures import (
    CLASSES,
    GATES,
    SURFACE_TITLES,
    attention_figure,
    convolution_figure,
    convolution_summary,
    descent_figure,
    descent_summary,
    lstm_figure,
    probabilities_figure,
    probabilities_summary,
    strongest_link,
)
from ui.i18n import t, t_message
from ui.plain import sentences

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
LEARNING_RATES = (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)


# --- convolution and pooling ------------------------------------------------------------------------------------


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
        show(attention_figure(head), sentences(strongest_link(head), pieces), key="how_attn_chart")
    st.page_link(
        TRAIN_PAGE, label=t("Train a Transformer, or the pretrained MiniLM, on Train & Compare"), icon=TRAIN_ICON
    )


# --- cross-entropy ----------------------------------------------------------------------------------------------


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
    numbers.caption(sentences(loss, worse))
    st.page_link(TRAIN_PAGE, label=t("Watch the loss fall, epoch by epoch, on Train & Compare"), icon=TRAIN_ICON)


# --- gradient descent -------------------------------------------------------------------------------------------


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
