"""The mechanisms of the How it works page against hand-computed values and PyTorch's own modules."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lab import mechanics

# --- convolution and pooling ------------------------------------------------------------------------------------

IMAGE = np.array([[1, 0, 2, 1], [0, 3, 1, 0], [2, 1, 0, 1], [1, 0, 1, 2]], dtype=np.float32)
KERNEL = np.array([[1, 2, 0], [0, 1, 0], [0, 0, -1]], dtype=np.float32)  # no symmetry: a flip would show


def test_convolution_is_the_cross_correlation_computed_by_hand():
    # (0, 0): 1*1 + 2*0 + 1*3 - 1*0 = 4     (0, 1): 1*0 + 2*2 + 1*1 - 1*1 = 4
    # (1, 0): 1*0 + 2*3 + 1*1 - 1*1 = 6     (1, 1): 1*3 + 2*1 + 1*0 - 1*2 = 3
    # (a flipped kernel, a textbook convolution, would give 1 at (1, 1))
    np.testing.assert_array_equal(mechanics.convolve(IMAGE, KERNEL), [[4, 4], [6, 3]])


def test_a_stride_keeps_every_other_position():
    image = np.arange(49, dtype=np.float32).reshape(7, 7) % 5
    full = mechanics.convolve(image, KERNEL)  # (5, 5)
    np.testing.assert_array_equal(mechanics.convolve(image, KERNEL, stride=2), full[::2, ::2])  # (3, 3)


def test_max_pooling_keeps_the_largest_of_each_block():
    x = np.array([[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 3]], dtype=np.float32)
    np.testing.assert_array_equal(mechanics.max_pool(x, 2), [[5, 8], [9, 7]])
    np.testing.assert_array_equal(mechanics.max_pool(x, 3), [[8]])  # the last row and column do not fill a block


def test_the_digit_is_an_mnist_image_of_that_digit():
    from lab.data import load_dataset

    test = load_dataset("mnist", seed=0).test
    seven = mechanics.digit_image(7)
    assert seven.shape == (28, 28) and seven.min() >= 0 and seven.max() <= 1
    matches = [i for i in range(len(test.y)) if np.array_equal(test.x[i, 0].numpy(), seven)]
    assert matches and all(int(test.y[i]) == 7 for i in matches)


# --- an LSTM cell -----------------------------------------------------------------------------------------------

SEQUENCE = (0.0, 1.0, 0.0, -0.5, 0.0, 2.0)


@pytest.mark.parametrize("forget_bias", [0.0, 2.0])
def test_the_gates_reproduce_torchs_lstm_cell_exactly(forget_bias):
    cell = mechanics.lstm_cell(hidden_size=4, seed=3, forget_bias=forget_bias)
    trace = mechanics.lstm_gates(SEQUENCE, cell)
    h, c = torch.zeros(1, 4), torch.zeros(1, 4)
    with torch.no_grad():
        for t, x in enumerate(SEQUENCE):
            h, c = cell(torch.tensor([[x]]), (h, c))  # the oracle: torch's own cell
            torch.testing.assert_close(torch.from_numpy(trace.h[t]), h[0], rtol=0, atol=0)
            torch.testing.assert_close(torch.from_numpy(trace.c[t]), c[0], rtol=0, atol=0)


def test_the_trace_follows_the_standard_equations_step_by_step():
    trace = mechanics.lstm_gates(SEQUENCE, mechanics.lstm_cell(seed=0))
    assert trace.i.shape == trace.c.shape == (len(SEQUENCE), 4)
    previous = np.vstack([np.zeros((1, 4)), trace.c[:-1]])  # c_{t-1}, with c_0 = 0
    np.testing.assert_allclose(trace.c, trace.f * previous + trace.i * trace.g, rtol=1e-6)
    np.testing.assert_allclose(trace.h, trace.o * np.tanh(trace.c), rtol=1e-6)
    for gate in (trace.i, trace.f, trace.o):
        assert ((gate > 0) & (gate < 1)).all()


def test_a_larger_forget_bias_keeps_more_memory():
    plain = mechanics.lstm_gates(SEQUENCE, mechanics.lstm_cell(seed=0))
    biased = mechanics.lstm_gates(SEQUENCE, mechanics.lstm_cell(seed=0, forget_bias=3.0))
    assert (biased.f[0] > plain.f[0]).all()  # step 1 reads the same x and h_0 = 0: only b_f differs
    assert biased.f.mean() > 0.9 > plain.f.mean()


def test_with_no_input_nothing_is_written_and_a_blip_is_remembered_longer_with_a_larger_forget_bias():
    assert not mechanics.lstm_gates([0.0] * 5, mechanics.lstm_cell(seed=0)).c.any()  # g = tanh(0) = 0 every step
    blip = (0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    memory = {b: np.abs(mechanics.lstm_gates(blip, mechanics.lstm_cell(seed=0, forget_bias=b)).c) for b in (-3, 0, 3)}
    assert (memory[3][-1] > memory[0][-1]).all() and (memory[0][-1] > memory[-3][-1]).all()
    np.testing.assert_array_equal(memory[3][1], memory[0][1])  # the blip is written alike; only its keeping differs


def test_the_cell_does_not_disturb_the_apps_random_numbers():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    mechanics.lstm_cell(seed=0)
    torch.testing.assert_close(torch.rand(3), expected)


# --- attention --------------------------------------------------------------------------------------------------

SENTENCE = "The cat sat on the mat because it was tired."


@pytest.fixture(scope="module")
def eager_minilm():
    """The same MiniLM weights, run "eager" so that it reports its own attention weights."""
    from transformers import AutoModel

    from models.minilm import model_dir

    return AutoModel.from_pretrained(model_dir(), local_files_only=True, attn_implementation="eager").eval()


@pytest.mark.parametrize(("layer", "head"), [(0, 0), (3, 5), (5, 11)])
def test_attention_recomputed_from_q_and_k_is_the_models_own(eager_minilm, layer, head):
    from models.minilm import load_encoder

    result = mechanics.attention(SENTENCE, layer=layer, head=head)
    batch = load_encoder().tokenizer(SENTENCE, return_tensors="pt")
    with torch.inference_mode():
        reported = eager_minilm(**batch, output_attentions=True).attentions[layer][0, head]  # (T, T)
    np.testing.assert_allclose(result.weights, reported.numpy(), atol=1e-5)
    np.testing.assert_allclose(result.weights.sum(axis=1), 1, atol=1e-6)
    assert result.tokens[0] == "[CLS]" and result.tokens[-1] == "[SEP]" and "cat" in result.tokens


def test_the_head_output_is_scaled_dot_product_attention():
    result = mechanics.attention(SENTENCE, layer=2, head=7)
    q, k, v = (torch.from_numpy(a)[None] for a in (result.query, result.key, result.value))  # (1, T, d_k)
    expected = F.scaled_dot_product_attention(q, k, v)[0]  # torch's own softmax(QK^T / sqrt(d_k)) V
    np.testing.assert_allclose(result.output, expected.numpy(), atol=1e-5)
    assert result.query.shape[1] == 32 and mechanics.attention_shape() == (6, 12)


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("   ", "Type a sentence first"),
        ("word " * 100, "keep it under 200"),
        ("a b c d e f g h i j k l m n o p q r s t u v w", "word pieces"),
    ],
)
def test_bad_sentences_are_refused_in_plain_words(sentence, message):
    with pytest.raises(ValueError, match=message):
        mechanics.attention(sentence, layer=0, head=0)


def test_a_layer_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="layers 1 to 6"):
        mechanics.attention(SENTENCE, layer=6, head=0)


# --- gradient descent -------------------------------------------------------------------------------------------


def test_one_sgd_step_by_hand():
    # the bowl 0.5 x^2 + 5 y^2 has gradient (x, 10 y) = (2, 10) at (2, 1): one step of 0.1 lands on (1.8, 0)
    descent = mechanics.descend("bowl", "sgd", lr=0.1, steps=1, start=(2.0, 1.0))
    np.testing.assert_allclose(descent.path, [[2.0, 1.0], [1.8, 0.0]], atol=1e-12)
    np.testing.assert_allclose(descent.losses, [7.0, 0.5 * 1.8**2], atol=1e-12)


def test_adams_first_step_is_the_learning_rate_against_the_gradients_sign():
    # after bias correction m = g and v = g^2, so the step is lr * g / (|g| + eps): 0.1 on each coordinate
    descent = mechanics.descend("bowl", "adam", lr=0.1, steps=1, start=(2.0, 1.0))
    np.testing.assert_allclose(descent.path[1], [1.9, 0.9], atol=1e-8)


def test_rosenbrock_starts_at_its_usual_point():
    descent = mechanics.descend("rosenbrock", "sgd", lr=0.001, steps=1)
    np.testing.assert_allclose(descent.path[0], [-1.2, 1.0])
    assert descent.losses[0] == pytest.approx(2.2**2 + 100 * 0.44**2)  # 24.2


@pytest.mark.parametrize(("surface", "lr"), [("bowl", 0.3), ("bowl", 1.0), ("rosenbrock", 0.01)])
def test_too_high_a_learning_rate_diverges_and_says_so(surface, lr):
    descent = mechanics.descend(surface, "sgd", lr=lr, steps=200)
    assert descent.diverged and 1 <= descent.diverged_at <= 200
    assert np.isfinite(descent.losses).all()  # what blew up is reported as "diverged", never as a number
    assert len(descent.path) == len(descent.losses) == descent.diverged_at
    if descent.diverged_at > 3:
        assert descent.losses[-1] > 1000 * descent.losses[0]  # it grew by orders of magnitude on the way


def test_the_bowls_limit_for_sgd_is_two_over_its_steepest_curvature():
    # the y direction's curvature is 10: each step multiplies y by (1 - 10 lr), which grows in size beyond lr = 0.2
    assert not mechanics.descend("bowl", "sgd", lr=0.19, steps=500).diverged
    assert mechanics.descend("bowl", "sgd", lr=0.21, steps=500).diverged


@pytest.mark.parametrize(
    ("surface", "optimizer", "lr", "steps", "tolerance"),
    [("bowl", "sgd", 0.1, 100, 1e-6), ("bowl", "adam", 0.1, 300, 1e-6), ("rosenbrock", "adam", 0.1, 500, 0.05)],
)
def test_a_small_learning_rate_converges(surface, optimizer, lr, steps, tolerance):
    descent = mechanics.descend(surface, optimizer, lr=lr, steps=steps)
    assert not descent.diverged and len(descent.path) == steps + 1
    assert descent.losses[-1] < tolerance
    np.testing.assert_allclose(descent.path[-1], mechanics.MINIMA[surface], atol=0.3)


def test_adam_does_not_blow_up_where_sgd_does():
    assert mechanics.descend("bowl", "sgd", lr=1.0, steps=100).diverged
    assert not mechanics.descend("bowl", "adam", lr=1.0, steps=100).diverged


def test_the_grid_is_laid_out_as_a_heatmap_draws_it():
    xs, ys = np.array([-1.0, 0.0, 2.0]), np.array([0.5, 1.0])
    grid = mechanics.surface_grid("rosenbrock", xs, ys)
    assert grid.shape == (2, 3)
    assert grid[1, 2] == pytest.approx((1 - 2) ** 2 + 100 * (1 - 4) ** 2)  # x = 2, y = 1: 901


# --- cross-entropy ----------------------------------------------------------------------------------------------


def test_cross_entropy_by_hand():
    # -2 + log(e^2 + e + 1) = 0.4076
    result = mechanics.cross_entropy([2.0, 1.0, 0.0], 0)
    assert result.loss == pytest.approx(0.4076, abs=1e-4)
    assert result.loss == pytest.approx(-2 + math.log(math.e**2 + math.e + 1))
    np.testing.assert_allclose(result.probabilities.sum(), 1)


@pytest.mark.parametrize("target", [0, 1, 2, 3])
def test_cross_entropy_is_torchs(target):
    logits = [0.3, -1.7, 2.4, 0.0]
    expected = F.cross_entropy(torch.tensor([logits], dtype=torch.float64), torch.tensor([target]))
    assert mechanics.cross_entropy(logits, target).loss == pytest.approx(float(expected), rel=1e-12)


def test_cross_entropy_stays_finite_for_huge_logits():
    result = mechanics.cross_entropy([1000.0, 0.0, -1000.0], 1)
    assert result.loss == pytest.approx(1000.0)  # exp(1000) would overflow; log-sum-exp does not


def test_a_true_class_that_does_not_exist_is_refused():
    with pytest.raises(ValueError, match="0 to 2"):
        mechanics.cross_entropy([1.0, 2.0, 3.0], 3)
