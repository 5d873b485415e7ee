"""Differential privacy for the neural networks: DP-SGD (Abadi et al. 2016, "Deep Learning with Differential
Privacy") with opacus.

DP-SGD clips each sample's gradient to a maximum length and adds Gaussian noise to the batch's sum, so that no
single person's data can move a training step by much. An accountant adds up what every step may reveal into one
number, ε, the privacy budget: the smaller ε, the less anyone can tell from the model whether a given person was
in the training data (with a small chance δ that the promise fails).

opacus needs every layer's gradient one sample at a time: `prepare_for_dp` swaps the layers that cannot give it,
and `make_private` wraps the model, the optimizer and the batches for a target ε.
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lab.data import Split
from models.stems import TableTokens
from models.transformer import Transformer

if TYPE_CHECKING:
    from opacus.accountants import RDPAccountant
    from opacus.optimizers import DPOptimizer

__all__ = [
    "MAX_EPSILON",
    "MIN_EPSILON",
    "DPUnsupported",
    "PrivateTraining",
    "make_private",
    "noise_multiplier",
    "prepare_for_dp",
    "validate_epsilon",
]

# Below 0.1 the noise is 5 to 16 times the clipped gradient on a class-sized dataset (digits: noise multiplier
# 5.3 for 1 epoch, 16 for 10), so nothing can be learned; opacus' accountant cannot even certify ε much below
# 0.05 there.
MIN_EPSILON = 0.1
# Above ~100 the guarantee means nothing: ε bounds how much likelier any outcome becomes, by a factor e^ε, and
# e^100 has 44 digits. Published private models use ε from about 1 to 10.
MAX_EPSILON = 100.0

# Rényi DP accounting (Mironov 2017) rather than opacus' default PRV accountant (Gopi et al. 2021). PRV needs
# 5 to 10 % less noise for the same ε, but finding that noise took 1.5 to 14 s for ε from 1 to 8 here, and over
# 200 s for ε = 100 (RDP: under 2 s), with NumPy overflow warnings. RDP's ε is a proven upper bound.
ACCOUNTANT = "rdp"

# RDP accounting tries a fixed list of orders and warns when the largest one gives the best bound. The ε it
# reports is still a valid upper bound, only a looser one; and the search for the noise tries very large noise
# levels, which always trigger it.
_LOOSE_BOUND_WARNING = "Optimal order is the largest alpha"


class DPUnsupported(ValueError):
    """This model or privacy setting cannot be trained with differential privacy; the message is for the person."""


def prepare_for_dp(model: nn.Module) -> nn.Module:
    """A copy of a freshly built model that opacus can train one sample at a time, in training mode.

    Batch norm becomes group norm (it mixes the samples of a batch, so one sample's gradient would depend on the
    others), `nn.LSTM` becomes opacus' `DPLSTM` (the same maths, built from Linear layers, same weight names),
    and the Transformer gets the tweaks of `_prepare_transformer`. Use it both before training and to rebuild
    a stored DP model from `build_model(...)`: the state dicts match.

    Raises
    ------
    DPUnsupported
        for the scikit-learn baselines, and for any layer opacus cannot make private.
    """
    from opacus.validators import ModuleValidator
    from opacus.validators.errors import UnsupportedModuleError

    if not isinstance(model, nn.Module):
        raise DPUnsupported(
            "Logistic regression and gradient boosting are fitted by scikit-learn, which opacus cannot make "
            "private: pick a neural network."
        )
    private = ModuleValidator.fix(model)  # a copy: the model passed in is left as it was
    if isinstance(private, Transformer):
        _prepare_transformer(private)
    private.train()  # opacus checks the model as it will train
    try:
        ModuleValidator.validate(private, strict=True)
    except UnsupportedModuleError as error:
        raise DPUnsupported(
            f"This {type(model).__name__} has a layer that private training cannot handle yet: "
            f"pick another architecture. ({error})"
        ) from error
    return private


def _prepare_transformer(model: Transformer) -> None:
    """Let opacus compute the Transformer's per-sample gradients with its layer hooks alone.

    opacus hooks layers (Linear, Embedding, LayerNorm). A parameter held directly by a larger module, like the
    learned [CLS] vector, would make it run that whole module through functorch, which refuses modules with
    buffers (BERT keeps its position ids in one). Freezing [CLS] costs nothing: [CLS] always sits at position 0,
    so BERT adds the trained position-0 embedding to it, and that sum can become any vector.
    """
    model.cls.requires_grad_(False)
    if model.patches is not None or model.columns is not None:
        # images and tables never look up BERT's (one-row) word table, so it gets no gradient to clip
        model.encoder.embeddings.word_embeddings.requires_grad_(False)
    model.encoder.embeddings.register_forward_pre_hook(_position_ids_per_sample, with_kwargs=True)


def _position_ids_per_sample(module: nn.Module, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """BERT looks positions up as one (1, T) row shared by the batch; opacus needs one row per sample (B, T)."""
    if kwargs.get("position_ids") is None:
        batch, length = kwargs["inputs_embeds"].shape[:2]  # our Transformer always passes vectors
        positions = torch.arange(length, device=kwargs["inputs_embeds"].device)
        kwargs["position_ids"] = positions.expand(batch, length)  # (B, T)
    return args, kwargs


def _table_tokens_grad_sample(
    layer: TableTokens, activations: list[torch.Tensor], backprops: torch.Tensor
) -> dict[nn.Parameter, torch.Tensor]:
    """Per-sample gradients of the numeric columns' scale and shift (value * weight + bias), for opacus.

    The categorical columns' table is an nn.Embedding, which opacus handles itself.
    """
    values = activations[0][:, layer.numeric].unsqueeze(-1)  # (B, N_num, 1)
    upstream = backprops[:, layer.numeric]  # gradient at the numeric columns' vectors (B, N_num, dim)
    grads = {layer.weight: values * upstream, layer.bias: upstream}  # each (B, N_num, dim)
    return {param: grad for param, grad in grads.items() if param.requires_grad}


def _embedding_grad_sample(
    layer: nn.Embedding, activations: list[torch.Tensor], backprops: torch.Tensor
) -> dict[nn.Parameter, torch.Tensor]:
    """opacus' per-sample gradient of an embedding table, with a zero padding row as in torch's own gradient.

    opacus' version gives the padding row the gradient of every padded position, which makes texts with more
    padding count for less once each sample's gradient is clipped.
    """
    from opacus.grad_sample.embedding import compute_embedding_grad_sample

    grads = compute_embedding_grad_sample(layer, activations, backprops)
    if layer.padding_idx is not None and layer.weight in grads:
        grads[layer.weight][:, layer.padding_idx] = 0.0  # (B, vocab, dim)
    return grads


@dataclass(frozen=True)
class PrivateTraining:
    """What a DP-SGD training loop uses instead of the plain model, optimizer and batches.

    `model` wraps the module given to `make_private` and shares its weights: evaluate and save that module.
    Each step: `optimizer.zero_grad()`, forward, `backward(loss)`, `optimizer.step()`; for an empty batch
    (Poisson sampling draws one with chance about e^-batch_size), `empty_step()` instead.
    """

    model: nn.Module  # an opacus GradSampleModule: called like the model, it also records per-sample gradients
    optimizer: DPOptimizer  # clips each sample's gradient, adds the noise, then steps the wrapped optimizer
    loader: DataLoader  # (x, y) batches; every sample joins each batch with chance batch_size / n (Poisson)
    noise_multiplier: float  # the noise's standard deviation, as a multiple of max_grad_norm
    max_grad_norm: float  # every sample's gradient is clipped to this length
    delta: float  # the chance that the ε promise fails
    accountant: RDPAccountant  # opacus' record of every step taken

    def backward(self, loss: torch.Tensor) -> None:
        """`loss.backward()`, without the warning torch gives for every layer that opacus watches.

        opacus hooks each layer's backward pass to read the gradient of its output. When the layer's input needs
        no gradient (the data itself), torch warns that the hook fires on the output's gradient, which is all
        that opacus reads anyway (pytorch/pytorch#155339).
        """
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Full backward hook is firing", UserWarning)
            loss.backward()

    def empty_step(self) -> None:
        """The step for an empty batch: with no sample to learn from, only the noise moves the weights.

        It must still be taken: the accountant counts every step, and a skipped one would show that the batch was
        empty. (Not every model can even read an empty batch: BERT's attention cannot.)
        """
        self.optimizer.zero_grad(set_to_none=True)
        for param in self.optimizer.params:
            param.grad_sample = param.new_zeros((0, *param.shape))  # (0, ...): nothing to clip, only noise to add
        self.optimizer.step()

    def epsilon(self) -> float:
        """The privacy budget ε spent by the steps taken so far, at `delta`."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _LOOSE_BOUND_WARNING, UserWarning)
            return float(self.accountant.get_epsilon(self.delta))


def make_private(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    train: Split,
    *,
    batch_size: int,
    epochs: int,
    target_epsilon: float,
    delta: float | None = None,
    max_grad_norm: float = 1.0,
    seed: int,
) -> PrivateTraining:
    """Wrap a `prepare_for_dp` model and its optimizer for DP-SGD that spends `target_epsilon` over `epochs`.

    Parameters
    ----------
    model, optimizer
        the prepared model, already on its device, and an optimizer over its trainable parameters.
    train
        the training split; its batches come from `PrivateTraining.loader`.
    batch_size
        the expected batch size: at every step each sample is drawn with chance 1 / ceil(n / batch_size).
    epochs
        how many epochs the budget must last: the noise is set so that ε is reached after exactly these.
    target_epsilon
        the privacy budget ε, from MIN_EPSILON to MAX_EPSILON.
    delta
        the chance that the promise fails; by default 1 / n, for n training samples.
    max_grad_norm
        every sample's gradient is clipped to this length before the noise is added.
    seed
        the batches drawn and the noise depend on it alone, so that a run can be repeated.

    Raises
    ------
    ValueError
        for an ε outside the sane range, or a δ outside (0, 1).
    DPUnsupported
        when the accountant cannot certify so small an ε at this δ, however much noise is added.
    """
    from opacus import GradSampleModule, PrivacyEngine
    from opacus.grad_sample import register_grad_sampler

    validate_epsilon(target_epsilon)
    delta = 1 / len(train.y) if delta is None else delta
    if not 0 < delta < 1:
        raise ValueError(f"δ is a probability between 0 and 1, not {delta}.")
    batches = torch.Generator().manual_seed(2 * seed)  # 2 * seed and 2 * seed + 1: distinct for every seed
    noise = torch.Generator(device=next(model.parameters()).device).manual_seed(2 * seed + 1)
    data = DataLoader(TensorDataset(train.x, train.y), batch_size=batch_size, generator=batches)
    # as opacus' make_private_with_epsilon does, with the search for the noise cached
    sigma = noise_multiplier(target_epsilon, delta, sample_rate=1 / len(data), epochs=epochs)
    with warnings.catch_warnings():
        # A run that can be repeated needs seeded generators, which opacus' secure mode forbids: it warns then.
        warnings.filterwarnings("ignore", "Secure RNG turned off", UserWarning)
        engine = PrivacyEngine(accountant=ACCOUNTANT, secure_mode=False)
    # opacus refuses trainable layers that hold buffers, because batch norm's running statistics would leak the
    # data; prepare_for_dp has removed batch norm. TableTokens' buffers are column indices fixed by the InputSpec,
    # hence strict=False here, and a per-sample gradient of its own. (Registering replaces opacus' rule for
    # nn.Embedding in this process: ours only adds the zero padding row.)
    register_grad_sampler(TableTokens)(_table_tokens_grad_sample)
    register_grad_sampler(nn.Embedding)(_embedding_grad_sample)
    wrapped = GradSampleModule(model, batch_first=True, loss_reduction="mean", strict=False)
    module, dp_optimizer, loader = engine.make_private(
        module=wrapped,
        optimizer=optimizer,
        data_loader=data,
        noise_multiplier=sigma,
        max_grad_norm=max_grad_norm,
        noise_generator=noise,
    )
    _keep_padding_at_zero(model, dp_optimizer.original_optimizer)
    return PrivateTraining(module, dp_optimizer, loader, sigma, max_grad_norm, delta, engine.accountant)


@functools.lru_cache(maxsize=256)
def noise_multiplier(target_epsilon: float, delta: float, *, sample_rate: float, epochs: int) -> float:
    """The least noise, as a multiple of the clipping norm, that keeps ε within `target_epsilon` after `epochs`.

    opacus finds it by bisection over the accountant (0.5 to 3 s); cached, as a class repeats the same settings.
    Raises DPUnsupported when the accountant cannot certify so small an ε at this δ, however much noise is added.
    """
    from opacus.accountants.utils import get_noise_multiplier

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _LOOSE_BOUND_WARNING, UserWarning)
        try:
            return get_noise_multiplier(
                target_epsilon=target_epsilon,
                target_delta=delta,
                sample_rate=sample_rate,
                epochs=epochs,
                accountant=ACCOUNTANT,
            )
        except ValueError as error:
            if "budget is too low" not in str(error):
                raise
            raise DPUnsupported(
                f"ε = {target_epsilon:g} with δ = {delta:.2g} is too strict to certify, however much noise "
                "is added: raise ε."
            ) from error


def _keep_padding_at_zero(model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
    """Put every padding vector back to zero after each step.

    torch never trains an embedding's padding row, but DP-SGD adds noise to every weight, and the CNN's text
    convolutions rely on padding embedding to zeros (see models/cnn.py).
    """
    tables = [m for m in model.modules() if isinstance(m, nn.Embedding) and m.padding_idx is not None]

    @torch.no_grad()
    def reset(*_) -> None:
        for table in tables:
            table.weight[table.padding_idx] = 0.0

    optimizer.register_step_post_hook(reset)


def validate_epsilon(epsilon: float) -> None:
    """Raise a ValueError, in plain words, for a privacy budget ε that is not a sane number to train with."""
    if not isinstance(epsilon, numbers.Real) or not math.isfinite(epsilon):
        raise ValueError(f"The privacy budget ε must be a number, not {epsilon!r}.")
    if epsilon <= 0:
        raise ValueError(f"The privacy budget ε must be above 0, not {epsilon:g}: at 0 nothing could be learned.")
    if epsilon < MIN_EPSILON:
        raise ValueError(
            f"ε = {epsilon:g} is too small: the noise would drown everything the model could learn. "
            f"Pick at least {MIN_EPSILON:g}."
        )
    if epsilon > MAX_EPSILON:
        raise ValueError(
            f"ε = {epsilon:g} promises no privacy at all. Pick at most {MAX_EPSILON:g}; 1 to 10 is the usual range."
        )
