"""The mechanisms inside the models, computed on one small input so that a page can draw them.

Each function runs the real PyTorch operation that the models use (conv2d and max_pool2d, an LSTMCell, one
attention head of the pretrained MiniLM, torch.optim's SGD and Adam, cross-entropy) and returns the numbers a
textbook formula names, so that a reader can hold the formula against what the library computed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

KernelName = Literal["vertical edges", "horizontal edges", "blur", "sharpen"]
Surface = Literal["bowl", "rosenbrock"]
OptimizerName = Literal["sgd", "adam"]

KERNELS: dict[KernelName, tuple[tuple[float, ...], ...]] = {
    "vertical edges": ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)),  # Sobel: positive where ink ends on the left
    "horizontal edges": ((-1, -2, -1), (0, 0, 0), (1, 2, 1)),  # Sobel: positive where ink ends above
    "blur": ((1 / 9, 1 / 9, 1 / 9),) * 3,  # the mean of the 3 x 3 neighbourhood
    "sharpen": ((0, -1, 0), (-1, 5, -1), (0, -1, 0)),  # the pixel, minus how much it differs from its neighbours
}
MAX_TOKENS = 24  # word pieces in the attention sentence, [CLS] and [SEP] included: the map stays readable
MAX_CHARACTERS = 200  # checked before tokenizing, so that a pasted book costs nothing
DIVERGED_FACTOR = 1e6  # a loss this many times its starting value (or not finite) has blown up


# --- convolution and pooling ------------------------------------------------------------------------------------


def convolve(image: np.ndarray, kernel: np.ndarray, *, stride: int = 1) -> np.ndarray:
    """Slide the kernel over the image, no padding, summing products (torch's conv2d); (H, W) -> (H', W').

    This is a cross-correlation, as every deep-learning library computes it: the kernel is not flipped.
    H' = (H - k) // stride + 1, and the same across.
    """
    x = torch.as_tensor(image, dtype=torch.float32)[None, None]  # (1, 1, H, W)
    weight = torch.as_tensor(kernel, dtype=torch.float32)[None, None]  # (1, 1, k, k)
    return F.conv2d(x, weight, stride=stride)[0, 0].numpy()  # (H', W')


def max_pool(x: np.ndarray, size: int) -> np.ndarray:
    """The largest value of each size x size block, blocks side by side (torch's max_pool2d); (H, W) -> (H//s, W//s)."""
    return F.max_pool2d(torch.as_tensor(x, dtype=torch.float32)[None, None], kernel_size=size)[0, 0].numpy()


def digit_image(digit: int, *, seed: int = 0) -> np.ndarray:
    """The first test image of `digit` in the MNIST sample, (28, 28), ink in [0, 1]."""
    from lab.data import load_dataset

    test = load_dataset("mnist", seed=seed).test
    index = int(torch.nonzero(test.y == digit)[0, 0])
    return test.x[index, 0].numpy()


# --- an LSTM cell -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LSTMTrace:
    """Every gate and state of an LSTM cell at every step of one sequence; each array is (T, hidden)."""

    inputs: np.ndarray  # (T,): x_t, one number per step
    i: np.ndarray  # input gate: how much of the candidate is written into the memory
    f: np.ndarray  # forget gate: how much of the memory is kept
    g: np.ndarray  # candidate: what could be written, in [-1, 1]
    o: np.ndarray  # output gate: how much of the memory is shown as the output
    c: np.ndarray  # cell state: the memory
    h: np.ndarray  # hidden state: the output, read by the next step and by the next layer


def lstm_cell(*, hidden_size: int = 4, seed: int = 0, forget_bias: float = 0.0) -> nn.LSTMCell:
    """A real LSTM cell reading one number per step: torch's random weights from `seed`, biases 0 but b_f.

    The biases start at 0, so that a step with no input writes nothing into the memory (g = tanh(0) = 0) and the
    gates sit near one half: what the memory does then comes from the input and from `forget_bias` alone. (Keras
    starts them so too, but for b_f = 1, which Jozefowicz et al. 2015 found helps a cell remember.)
    """
    with torch.random.fork_rng(devices=[]):  # the app's other random draws stay as they were
        torch.manual_seed(seed)
        cell = nn.LSTMCell(1, hidden_size)
    with torch.no_grad():
        cell.bias_ih.zero_()
        cell.bias_hh.zero_()
        cell.bias_ih[hidden_size : 2 * hidden_size] = forget_bias  # torch stacks the gates as i, f, g, o
    return cell.eval()


def lstm_gates(sequence: Sequence[float], cell: nn.LSTMCell) -> LSTMTrace:
    """Step `cell` through the sequence from zero states, computing its gates with the standard equations."""
    size = cell.hidden_size
    h = torch.zeros(1, size)  # (1, H)
    c = torch.zeros(1, size)  # (1, H)
    steps: list[tuple[torch.Tensor, ...]] = []
    with torch.no_grad():
        for x in sequence:
            x_t = torch.tensor([[float(x)]])  # (1, 1)
            # W x_t + b_ih + U h_{t-1} + b_hh for the four gates at once, in the order torch's LSTMCell adds them
            z = F.linear(x_t, cell.weight_ih, cell.bias_ih) + F.linear(h, cell.weight_hh, cell.bias_hh)  # (1, 4H)
            i, f, g, o = z.chunk(4, dim=1)  # 4 x (1, H)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            h = o * torch.tanh(c)
            steps.append((i, f, g, o, c, h))
    stacked = [torch.cat(column).numpy() for column in zip(*steps, strict=True)]  # 6 x (T, H)
    return LSTMTrace(np.asarray(sequence, dtype=np.float32), *stacked)


# --- one attention head -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttentionHead:
    """One attention head of MiniLM on one sentence: its Q, K, V and softmax(QK^T / sqrt(d_k))."""

    tokens: tuple[str, ...]  # the T word pieces, [CLS] first and [SEP] last
    weights: np.ndarray  # (T, T): row i is how token i shares out its attention; each row sums to 1
    query: np.ndarray  # (T, d_k)
    key: np.ndarray  # (T, d_k)
    value: np.ndarray  # (T, d_k)
    output: np.ndarray  # (T, d_k): weights @ value, what the head passes on
    layer: int  # 0-based
    head: int  # 0-based


def attention_shape() -> tuple[int, int]:
    """MiniLM's number of layers and of heads per layer."""
    from models.minilm import load_encoder

    config = load_encoder().model.config
    return config.num_hidden_layers, config.num_attention_heads


def attention(sentence: str, *, layer: int, head: int) -> AttentionHead:
    """One MiniLM head on a sentence, recomputed from that layer's own query, key and value projections.

    Parameters
    ----------
    sentence : plain text, at most MAX_CHARACTERS characters and MAX_TOKENS word pieces.
    layer, head : 0-based; MiniLM has 6 layers of 12 heads.

    Raises
    ------
    ValueError : an empty or too long sentence, or no such layer or head; the message says so in plain words.
    """
    from models.minilm import load_encoder

    text = sentence.strip()
    if not text:
        raise ValueError("Type a sentence first: with no words there is nothing to look at.")
    if len(text) > MAX_CHARACTERS:
        raise ValueError(f"That is {len(text)} characters; keep it under {MAX_CHARACTERS}, one short sentence.")
    tokenizer, model = load_encoder()
    n_layers, n_heads = model.config.num_hidden_layers, model.config.num_attention_heads
    if not (0 <= layer < n_layers and 0 <= head < n_heads):
        raise ValueError(f"MiniLM has layers 1 to {n_layers} and heads 1 to {n_heads}.")
    batch = tokenizer(text, return_tensors="pt")
    n_tokens = batch["input_ids"].shape[1]
    if n_tokens > MAX_TOKENS:
        raise ValueError(
            f"That sentence makes {n_tokens} word pieces; keep it to {MAX_TOKENS} so the map stays legible."
        )
    with torch.inference_mode():
        hidden = model(**batch, output_hidden_states=True).hidden_states[layer][0]  # (T, D): what `layer` reads
        projections = model.encoder.layer[layer].attention.self
        d_k = projections.attention_head_size

        def one_head(linear: nn.Linear) -> torch.Tensor:
            return linear(hidden).view(n_tokens, n_heads, d_k)[:, head]  # (T, D) -> (T, heads, d_k) -> (T, d_k)

        q, k, v = one_head(projections.query), one_head(projections.key), one_head(projections.value)
        weights = torch.softmax(q @ k.T / math.sqrt(d_k), dim=-1)  # (T, T)
    return AttentionHead(
        tokens=tuple(tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist())),
        weights=weights.numpy(),
        query=q.numpy(),
        key=k.numpy(),
        value=v.numpy(),
        output=(weights @ v).numpy(),
        layer=layer,
        head=head,
    )


# --- gradient descent on a 2-D loss -----------------------------------------------------------------------------


# The surfaces take numbers, numpy arrays (to draw a grid) or torch tensors (to take gradients) alike.


def bowl(x, y):
    """An elongated bowl, 10 times steeper along y than along x: plain SGD is stable only for lr < 2/10."""
    return 0.5 * x**2 + 5 * y**2


def rosenbrock(x, y):
    """Rosenbrock's banana valley (1960): easy to reach, slow to follow to its minimum at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


SURFACES: dict[Surface, Callable] = {"bowl": bowl, "rosenbrock": rosenbrock}
STARTS: dict[Surface, tuple[float, float]] = {"bowl": (-4.0, 1.5), "rosenbrock": (-1.2, 1.0)}  # Rosenbrock's own
MINIMA: dict[Surface, tuple[float, float]] = {"bowl": (0.0, 0.0), "rosenbrock": (1.0, 1.0)}


@dataclass(frozen=True)
class Descent:
    """The points an optimizer visited on a 2-D loss, and the loss at each."""

    path: np.ndarray  # (n, 2): the start, then the point after each step; stops before a step that blew up
    losses: np.ndarray  # (n,)
    diverged_at: int | None  # the step at which the loss blew up (not finite, or DIVERGED_FACTOR times the start)

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None


def descend(
    surface: Surface, optimizer: OptimizerName, *, lr: float, steps: int, start: tuple[float, float] | None = None
) -> Descent:
    """Minimise a 2-D loss with torch.optim's SGD or Adam from `start` (the surface's usual start by default).

    Parameters
    ----------
    surface : "bowl" (an elongated quadratic) or "rosenbrock".
    optimizer : "sgd" (plain, no momentum) or "adam" (torch's defaults: betas 0.9 and 0.999, eps 1e-8).
    lr : the learning rate, eta.
    steps : how many updates to make at most; the run stops early if the loss blows up.
    """
    loss = SURFACES[surface]
    point = torch.tensor(start or STARTS[surface], dtype=torch.float64, requires_grad=True)  # (2,)
    step = torch.optim.SGD([point], lr=lr) if optimizer == "sgd" else torch.optim.Adam([point], lr=lr)
    path, losses = [point.tolist()], [float(loss(*point.detach()))]
    for t in range(1, steps + 1):
        step.zero_grad()
        loss(*point).backward()
        step.step()
        value = float(loss(*point.detach()))
        if not math.isfinite(value) or value > DIVERGED_FACTOR * max(losses[0], 1.0):
            return Descent(np.array(path), np.array(losses), diverged_at=t)
        path.append(point.tolist())
        losses.append(value)
    return Descent(np.array(path), np.array(losses), diverged_at=None)


def surface_grid(surface: Surface, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The loss at every (x, y) of a grid, (len(ys), len(xs)): row j is y = ys[j], as a heatmap draws it."""
    x, y = np.meshgrid(xs, ys)
    return SURFACES[surface](x, y)


# --- cross-entropy ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrossEntropy:
    """The loss of one prediction: the probabilities the logits give, and -log of the true class's one."""

    probabilities: np.ndarray  # softmax of the logits; sums to 1
    loss: float  # -log p_target, in nats (natural logarithm); 0 for a sure right answer


def cross_entropy(logits: Sequence[float], target: int) -> CrossEntropy:
    """-log softmax(logits)[target], computed as -z_y + log sum_j e^{z_j} (stable for large logits)."""
    z = torch.tensor(logits, dtype=torch.float64)  # (C,)
    if not 0 <= target < len(z):
        raise ValueError(f"The true class must be one of 0 to {len(z) - 1}, not {target}.")
    return CrossEntropy(torch.softmax(z, dim=0).numpy(), float(torch.logsumexp(z, dim=0) - z[target]))
