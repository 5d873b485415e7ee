"""Differential privacy: every network trains under DP-SGD, and its ε is what opacus' accountant says."""

import math

import pytest
import torch
from opacus.accountants import RDPAccountant
from opacus.accountants.utils import get_noise_multiplier
from opacus.layers import DPLSTM
from torch import nn

from lab.data import Split, load_dataset
from lab.dp import MAX_EPSILON, MIN_EPSILON, DPUnsupported, make_private, prepare_for_dp, validate_epsilon
from lab.training import evaluate
from models import REGISTRY, InputSpec, build_model

N_CLASSES = 3
INPUTS: dict[str, InputSpec] = {
    "image": InputSpec("image", (1, 8, 8), N_CLASSES),
    "text": InputSpec("text", (12,), N_CLASSES, vocab_size=50),
    "embedding": InputSpec("embedding", (384,), N_CLASSES),  # MiniLM's sentence vectors
    "table": InputSpec("table", (4,), N_CLASSES, cardinalities=(0, 3, 0, 5)),  # numbers around categories
}
# Tiny sizes so that the file runs in seconds; no dropout, so that one sample's gradient can be recomputed alone.
TINY: dict[str, dict] = {
    "mlp": {"hidden": (16,), "embed_dim": 8, "dropout": 0.0},
    "cnn": {"channels": (4, 8), "embed_dim": 8, "text_channels": 4, "dropout": 0.0},
    "lstm": {"hidden": 8, "embed_dim": 8, "dropout": 0.0},
    "transformer": {"dim": 16, "layers": 1, "heads": 2, "ffn_dim": 32, "dropout": 0.0},
    "minilm": {"dropout": 0.0},
}


def reads(arch: str, kind: str) -> bool:
    entry = REGISTRY[arch]
    return kind == "embedding" if entry.needs_embeddings else kind in entry.modalities


CASES = [(arch, kind) for arch, entry in REGISTRY.items() if entry.family == "torch" for kind in INPUTS]
CASES = [(arch, kind) for arch, kind in CASES if reads(arch, kind)]
IDS = [f"{arch}-{kind}" for arch, kind in CASES]
UNCHANGED = [case for case in CASES if case != ("cnn", "image")]  # group norm computes something else than batch norm


def random_split(spec: InputSpec, n: int = 48, seed: int = 0) -> Split:
    """n random samples; text rows of 1 to 12 real tokens, right-padded with 0."""
    gen = torch.Generator().manual_seed(seed)
    if spec.modality == "text":
        (length,) = spec.shape
        ids = torch.randint(1, spec.vocab_size, (n, length), generator=gen)
        lengths = torch.randint(1, length + 1, (n, 1), generator=gen)
        x = ids.masked_fill(torch.arange(length) >= lengths, 0)  # (n, T)
    elif spec.modality == "table":
        numbers = torch.randn(n, len(spec.cardinalities), generator=gen)
        categories = torch.stack([torch.randint(0, max(k, 1), (n,), generator=gen) for k in spec.cardinalities], 1)
        x = torch.where(torch.tensor(spec.cardinalities) > 0, categories.float(), numbers)  # (n, C)
    else:
        x = torch.rand((n, *spec.shape), generator=gen)
    return Split(x, torch.randint(0, spec.n_classes, (n,), generator=gen))


def tiny(arch: str, kind: str) -> nn.Module:
    torch.manual_seed(0)
    return build_model(arch, INPUTS[kind], **TINY[arch])


def train_one_epoch(private) -> None:
    for x, y in private.loader:
        private.optimizer.zero_grad()
        if len(y) == 0:
            private.empty_step()
            continue
        loss = nn.functional.cross_entropy(private.model(x), y)
        private.backward(loss)
        private.optimizer.step()


def private_run(arch: str, kind: str, *, seed: int = 0, epochs: int = 1, **kwargs):
    """A prepared tiny model, its optimizer and make_private over a random split of 48 samples, batches of 16."""
    model = prepare_for_dp(tiny(arch, kind))
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    train = random_split(INPUTS[kind])
    kwargs = {"batch_size": 16, "target_epsilon": 3.0, **kwargs}
    return model, make_private(model, optimizer, train, epochs=epochs, seed=seed, **kwargs)


@pytest.mark.parametrize(("arch", "kind"), CASES, ids=IDS)
def test_every_network_trains_privately(arch, kind):
    model, private = private_run(arch, kind)
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    train_one_epoch(private)
    for name, p in model.named_parameters():
        moved = not torch.equal(p, before[name])
        assert moved == p.requires_grad, name  # the trainable weights moved, and no others
    assert 0 < private.epsilon() < 3.0
    for table in (m for m in model.modules() if isinstance(m, nn.Embedding) and m.padding_idx is not None):
        assert not table.weight[table.padding_idx].any()  # the noise did not move the padding vector
    # a stored DP model is rebuilt this way from its weights
    rebuilt = prepare_for_dp(tiny(arch, kind))
    rebuilt.load_state_dict(model.state_dict())
    batch = random_split(INPUTS[kind], n=4, seed=1).x
    with torch.no_grad():
        torch.testing.assert_close(rebuilt.eval()(batch), model.eval()(batch))


@pytest.mark.parametrize(("arch", "kind"), CASES, ids=IDS)
def test_per_sample_gradients_match_one_backward_per_sample(arch, kind):
    """The oracle for opacus' hooks, our Transformer tweaks and TableTokens' gradient: one sample at a time."""
    model, private = private_run(arch, kind)
    reference = prepare_for_dp(tiny(arch, kind))  # the same weights, without opacus' hooks
    batch = random_split(INPUTS[kind], n=4, seed=1)
    private.backward(nn.functional.cross_entropy(private.model(batch.x), batch.y))
    for i in range(4):
        reference.zero_grad()
        nn.functional.cross_entropy(reference(batch.x[i : i + 1]), batch.y[i : i + 1]).backward()
        for (name, p), q in zip(model.named_parameters(), reference.parameters(), strict=True):
            if p.requires_grad:
                torch.testing.assert_close(p.grad_sample[i], q.grad, atol=1e-5, rtol=1e-4, msg=name)


@pytest.mark.parametrize(("arch", "kind"), UNCHANGED, ids=[f"{arch}-{kind}" for arch, kind in UNCHANGED])
def test_preparing_keeps_what_the_model_computes(arch, kind):
    """The LSTM, for one, reads padded text exactly as before."""
    model = tiny(arch, kind).eval()
    private = prepare_for_dp(model).eval()
    batch = random_split(INPUTS[kind], n=4, seed=1).x
    with torch.no_grad():
        expected = model(batch)
        torch.testing.assert_close(private(batch), expected)
    assert expected.shape == (4, N_CLASSES)


def test_layers_swapped_for_private_ones():
    cnn = prepare_for_dp(tiny("cnn", "image"))
    assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in cnn.modules())
    assert any(isinstance(m, nn.GroupNorm) for m in cnn.modules())
    assert isinstance(prepare_for_dp(tiny("lstm", "text")).lstm, DPLSTM)
    original = tiny("lstm", "text")
    prepare_for_dp(original)
    assert isinstance(original.lstm, nn.LSTM)  # the model passed in is left as it was


def test_epsilon_is_what_a_fresh_accountant_says():
    n, batch_size, epochs = 48, 16, 2
    _, private = private_run("mlp", "table", epochs=epochs, batch_size=batch_size, target_epsilon=3.0)
    for _ in range(epochs):
        train_one_epoch(private)
    sample_rate = 1 / math.ceil(n / batch_size)
    assert private.delta == 1 / n
    expected_noise = get_noise_multiplier(
        target_epsilon=3.0, target_delta=1 / n, sample_rate=sample_rate, epochs=epochs, accountant="rdp"
    )
    assert private.noise_multiplier == expected_noise
    accountant = RDPAccountant()
    for _ in range(epochs * math.ceil(n / batch_size)):
        accountant.step(noise_multiplier=expected_noise, sample_rate=sample_rate)
    assert private.epsilon() == pytest.approx(accountant.get_epsilon(delta=1 / n))
    assert 3.0 - 0.05 < private.epsilon() <= 3.0  # the whole budget, and no more, after the planned epochs


def test_same_seed_same_run():
    def weights(seed: int) -> torch.Tensor:
        model, private = private_run("mlp", "image", seed=seed)
        train_one_epoch(private)
        return nn.utils.parameters_to_vector(model.parameters()).detach()

    assert torch.equal(weights(0), weights(0))
    assert not torch.equal(weights(0), weights(1))


def test_empty_batch_step_adds_only_noise():
    model, private = private_run("lstm", "text")
    before = nn.utils.parameters_to_vector(model.parameters()).detach().clone()
    private.empty_step()
    assert not torch.equal(nn.utils.parameters_to_vector(model.parameters()), before)
    assert private.epsilon() > 0  # the step was counted


@pytest.mark.parametrize("arch", ["logreg", "boosting"])
def test_sklearn_baselines_are_refused(arch):
    with pytest.raises(DPUnsupported, match="scikit-learn"):
        prepare_for_dp(build_model(arch, INPUTS["table"]))


def test_too_strict_a_budget_is_refused():
    with pytest.raises(DPUnsupported, match="too strict"):
        private_run("mlp", "image", target_epsilon=MIN_EPSILON, delta=1e-12)


@pytest.mark.parametrize(
    ("epsilon", "message"),
    [
        (0, "above 0"),
        (-1.0, "above 0"),
        (math.nan, "must be a number"),
        (math.inf, "must be a number"),
        ("3", "must be a number"),
        (0.01, "too small"),
        (1000, "no privacy"),
    ],
)
def test_bad_epsilons_are_explained(epsilon, message):
    with pytest.raises(ValueError, match=message):
        validate_epsilon(epsilon)


@pytest.mark.parametrize("epsilon", [MIN_EPSILON, 1, 8.0, MAX_EPSILON])
def test_sane_epsilons_pass(epsilon):
    validate_epsilon(epsilon)


def test_private_mlp_learns_digits():
    data = load_dataset("digits", seed=0)
    torch.manual_seed(0)
    model = prepare_for_dp(build_model("mlp", data.inputs, hidden=(32,)))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    private = make_private(model, optimizer, data.train, batch_size=64, epochs=3, target_epsilon=8.0, seed=0)
    for _ in range(3):
        model.train()
        train_one_epoch(private)
    _, accuracy = evaluate(model, data.test, torch.device("cpu"))
    assert accuracy > 0.6  # chance is 0.1; measured 0.91, and 0.94 for the same model without privacy
