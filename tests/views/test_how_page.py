"""The How it works page through the router with AppTest: every section renders and follows its widgets."""

import base64
import json
import re

import numpy as np
import pytest
from page_harness import open_page
from streamlit.testing.v1 import AppTest

SECTIONS = ("how_conv_chart", "how_lstm_chart", "how_attn_chart", "how_ce_chart", "how_gd_chart")


@pytest.fixture
def at() -> AppTest:
    return open_page("how_it_works")


def chart(at: AppTest, key: str) -> dict:
    """The plotly figure (data and layout) of the chart with this key, as the browser receives it."""
    return json.loads(next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key)).proto.spec)


def array(field) -> np.ndarray:
    """A figure's numbers: plotly sends a numpy array as base64 with its dtype and shape, a list as it is."""
    if isinstance(field, dict):
        values = np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"])
        return values.reshape([int(n) for n in field["shape"].split(",")]) if "shape" in field else values
    return np.asarray(field)


def errors(at: AppTest) -> str:
    """The page's error messages (the main area's, not the shared sidebar's)."""
    return "\n".join(e.value for e in at.main.error)


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def number_after(text: str, words: str) -> float:
    """The first number written after `words` in `text`."""
    match = re.search(re.escape(words) + r"\D*?(-?\d+(?:\.\d+)?)", text)
    assert match, f"no number after {words!r} in {text!r}"
    return float(match.group(1))


def test_every_section_shows_its_formula_picture_and_a_link_to_training(at):
    assert not at.exception and not errors(at)
    assert at.title[0].value == "How it works"
    assert [key for key in SECTIONS if any(c.proto.id.endswith(key) for c in at.get("plotly_chart"))] == list(SECTIONS)
    formulas = "\n".join(latex.value for latex in at.latex)
    for piece in (
        r"\sum_{m=0}^{k-1}",  # convolution
        r"\max_{0 \le m",  # max pooling
        r"c_t &= f_t \odot c_{t-1} + i_t \odot g_t",  # the LSTM's memory
        r"h_t &= o_t \odot \tanh(c_t)",
        r"\frac{Q K^\top}{\sqrt{d_k}}",  # attention
        r"-z_y + \log \sum_j e^{z_j}",  # cross-entropy
        r"\theta \leftarrow \theta - \eta\, \nabla L(\theta)",  # SGD
        r"\frac{m_t}{1 - \beta_1^{\,t}}",  # Adam's bias correction
    ):
        assert piece in formulas
    assert len(at.get("page_link")) == 5


def test_the_convolution_follows_the_kernel_the_stride_the_pooling_and_the_digit(at):
    before = chart(at, "how_conv_chart")["data"]
    assert "26 × 26 map of 676 numbers" in captions(at) and "keeps 169 numbers" in captions(at)
    at.selectbox(key="how_conv_kernel").set_value("horizontal edges").run()
    after = chart(at, "how_conv_chart")["data"]
    for panel in (0, 2, 3):  # the kernel, what it found, and what pooling kept
        assert not np.array_equal(array(after[panel]["z"]), array(before[panel]["z"]))
    np.testing.assert_array_equal(array(after[1]["z"]), array(before[1]["z"]))  # the same digit
    at.slider(key="how_conv_stride").set_value(2).run()
    assert "13 × 13 map of 169 numbers" in captions(at)  # (28 - 3) // 2 + 1 = 13
    at.slider(key="how_conv_pool").set_value(3).run()
    assert "keeps 16 numbers" in captions(at)  # 13 // 3 = 4 a side
    at.slider(key="how_conv_digit").set_value(0).run()
    assert not np.array_equal(array(chart(at, "how_conv_chart")["data"][1]["z"]), array(after[1]["z"]))
    assert not at.exception


def test_the_lstm_follows_the_sequence_the_gate_and_the_forget_bias(at):
    memory = chart(at, "how_lstm_chart")
    assert memory["layout"]["yaxis2"]["title"]["text"] == "memory c"
    kept = number_after(captions(at), "keeps about")
    at.slider(key="how_lstm_forget_bias").set_value(3.0).run()
    assert number_after(captions(at), "keeps about") > max(kept, 90)
    assert not np.array_equal(array(chart(at, "how_lstm_chart")["data"][1]["y"]), array(memory["data"][1]["y"]))
    at.selectbox(key="how_lstm_gate").set_value("f").run()
    assert chart(at, "how_lstm_chart")["layout"]["yaxis2"]["title"]["text"] == "forget gate f"
    np.testing.assert_array_equal(array(chart(at, "how_lstm_chart")["data"][0]["y"]), [0, 1] + [0] * 8)  # one blip
    at.selectbox(key="how_lstm_sequence").set_value("up and down").run()
    np.testing.assert_array_equal(array(chart(at, "how_lstm_chart")["data"][0]["y"]), [1, -1] * 5)
    assert not at.exception


def test_attention_follows_the_sentence_the_layer_and_the_head(at):
    first = chart(at, "how_attn_chart")
    assert "cat" in first["layout"]["xaxis"]["ticktext"]
    at.slider(key="how_attn_layer").set_value(4).run()
    at.slider(key="how_attn_head").set_value(9).run()
    moved = chart(at, "how_attn_chart")
    assert "layer 4, head 9" in moved["layout"]["title"]["text"]
    weights = array(moved["data"][0]["z"])
    assert not np.array_equal(weights, array(first["data"][0]["z"]))
    np.testing.assert_allclose(weights.sum(axis=1), 100, atol=1e-3)  # every row shares out all of its attention
    at.text_input(key="how_attn_sentence").set_value("Dogs chase cats.").run()
    tokens = chart(at, "how_attn_chart")["layout"]["xaxis"]["ticktext"]
    assert tokens == ["[CLS]", "dogs", "chase", "cats", ".", "[SEP]"]
    assert not at.exception


@pytest.mark.parametrize(
    ("sentence", "message"), [("", "Type a sentence first"), ("a very long sentence " * 50, "word pieces")]
)
def test_an_empty_or_huge_sentence_gets_a_message_and_the_rest_of_the_page_still_works(at, sentence, message):
    # the box keeps at most 200 characters (lab.mechanics refuses more, too): those still make too many word pieces
    at.text_input(key="how_attn_sentence").set_value(sentence).run()
    assert message in errors(at)
    assert not any(c.proto.id.endswith("how_attn_chart") for c in at.get("plotly_chart"))
    assert len(at.get("plotly_chart")) == len(SECTIONS) - 1 and not at.exception


def test_cross_entropy_follows_the_scores_and_the_true_class(at):
    loss = next(m for m in at.metric if m.label == "Loss for this answer")
    assert loss.value == "0.408 nats"  # logits 2, 1, 0 and the first class: -2 + log(e^2 + e + 1)
    at.selectbox(key="how_ce_target").set_value(1).run()
    assert at.metric[0].value == "1.408 nats"  # the same logits, the second class: -1 + log(e^2 + e + 1)
    at.slider(key="how_ce_logit_1").set_value(5.0).run()
    assert float(at.metric[0].value.split()[0]) < 0.1
    probabilities = array(chart(at, "how_ce_chart")["data"][0]["y"])
    assert probabilities[1] > 90 and probabilities.sum() == pytest.approx(100)
    assert not at.exception


def test_gradient_descent_follows_its_settings_and_a_too_high_learning_rate_diverges(at):
    assert "After 100 steps" in captions(at) and "down from" in captions(at)
    path = chart(at, "how_gd_chart")["data"][1]
    assert len(array(path["x"])) == 101  # the start and one point per step
    at.slider(key="how_gd_steps").set_value(200).run()
    assert len(array(chart(at, "how_gd_chart")["data"][1]["x"])) == 201
    at.select_slider(key="how_gd_lr").set_value(1.0).run()
    assert "Diverged at step" in errors(at) and "too high" in errors(at)
    at.radio(key="how_gd_optimizer").set_value("adam").run()
    assert not errors(at)  # Adam's steps stay about as long as the learning rate: it does not blow up
    at.selectbox(key="how_gd_surface").set_value("rosenbrock").run()
    assert "Rosenbrock" in chart(at, "how_gd_chart")["layout"]["title"]["text"]
    assert not at.exception
