"""Every registered architecture, built tiny, on every kind of data it accepts (HF tester style)."""

import socket

import pytest
import torch
from torch import nn

from models import REGISTRY, Architecture, InputSpec, build_model

NETWORKS = [name for name, entry in REGISTRY.items() if entry.family == "torch"]  # the sklearn baselines: elsewhere

N_CLASSES = 3
VOCAB = 50

# Tiny sizes so that the whole file runs in seconds; the defaults are benchmarked, not tested.
TINY: dict[str, dict] = {
    "mlp": {"hidden": (16,), "embed_dim": 8},
    "cnn": {"channels": (4, 8), "embed_dim": 8, "text_channels": 4},
    "lstm": {"hidden": 8, "embed_dim": 8},
    "transformer": {"dim": 16, "layers": 1, "heads": 2, "ffn_dim": 32},
    "minilm": {},
}

INPUTS: dict[str, InputSpec] = {
    "digits": InputSpec("image", (1, 8, 8), N_CLASSES),
    "mnist": InputSpec("image", (1, 28, 28), N_CLASSES),
    "text": InputSpec("text", (12,), N_CLASSES, vocab_size=VOCAB),
    "embedding": InputSpec("embedding", (384,), N_CLASSES),
    # two numeric columns around two categorical ones with 3 and 5 categories
    "table": InputSpec("table", (4,), N_CLASSES, cardinalities=(0, 3, 0, 5)),
}
TEXT_ARCHS = ["mlp", "cnn", "lstm", "transformer"]


def accepts(arch: str, spec: InputSpec) -> bool:
    """Whether the architecture reads this spec directly (minilm reads the text's embeddings)."""
    entry = REGISTRY[arch]
    if entry.needs_embeddings:
        return spec.modality == "embedding"
    return spec.modality in entry.modalities


CASES = [(arch, data) for arch in NETWORKS for data, spec in INPUTS.items() if accepts(arch, spec)]


def example_batch(spec: InputSpec, batch_size: int = 4) -> torch.Tensor:
    """A random batch; text rows have different lengths, right-padded with 0, at least one token each."""
    gen = torch.Generator().manual_seed(0)
    if spec.modality == "text":
        (length,) = spec.shape
        ids = torch.randint(1, spec.vocab_size, (batch_size, length), generator=gen)
        lengths = torch.tensor([length, 1, length // 2, 3])[:batch_size]
        return ids.masked_fill(torch.arange(length) >= lengths[:, None], 0)  # (B, T)
    if spec.modality == "table":
        numbers = torch.randn((batch_size, len(spec.cardinalities)), generator=gen)
        categories = torch.stack(
            [torch.randint(0, max(k, 1), (batch_size,), generator=gen) for k in spec.cardinalities]
        )
        return torch.where(torch.tensor(spec.cardinalities) > 0, categories.T.float(), numbers)  # (B, C)
    return torch.rand((batch_size, *spec.shape), generator=gen)


def tiny(arch: str, data: str) -> nn.Module:
    torch.manual_seed(0)
    return build_model(arch, INPUTS[data], **TINY[arch])


def test_registry_order_and_entries():
    assert list(REGISTRY) == ["mlp", "cnn", "lstm", "transformer", "minilm", "logreg", "boosting"]
    assert NETWORKS == ["mlp", "cnn", "lstm", "transformer", "minilm"]
    for name, entry in REGISTRY.items():
        assert isinstance(entry, Architecture) and entry.name == name
        assert entry.title and len(entry.summary) > 100
        assert entry.needs_embeddings == (name == "minilm")
    assert "22.7" in REGISTRY["minilm"].summary


@pytest.mark.parametrize(("arch", "data"), CASES, ids=[f"{a}-{d}" for a, d in CASES])
def test_forward_returns_logits(arch, data):
    model = tiny(arch, data)
    logits = model(example_batch(INPUTS[data]))
    assert logits.shape == (4, N_CLASSES)
    assert torch.isfinite(logits).all()


@pytest.mark.parametrize(
    ("arch", "data"),
    [
        ("cnn", "embedding"),
        ("minilm", "text"),
        ("mlp", "embedding"),
        ("transformer", "embedding"),
        ("cnn", "table"),
        ("lstm", "table"),
    ],
)
def test_unreadable_modality_is_refused(arch, data):
    with pytest.raises(ValueError, match="data|embeddings"):
        build_model(arch, INPUTS[data])


def test_unknown_architecture():
    with pytest.raises(KeyError, match="mlp"):
        build_model("resnet", INPUTS["digits"])


@pytest.mark.parametrize("arch", TEXT_ARCHS)
def test_padding_does_not_change_the_prediction(arch):
    """Each row alone, cut right after its last real token, must score as it does padded in the batch."""
    model = tiny(arch, "text").eval()
    batch = example_batch(INPUTS["text"])  # (4, 12), rows of 12, 1, 6 and 3 real tokens
    with torch.no_grad():
        padded = model(batch)
        for i, row in enumerate(batch):
            length = int((row != 0).sum())
            alone = model(row[None, :length])  # the same text with no padding at all
            torch.testing.assert_close(alone[0], padded[i], atol=1e-5, rtol=1e-4)


def test_table_models_are_the_mlp_and_the_transformer():
    assert [arch for arch, data in CASES if data == "table"] == ["mlp", "transformer"]


@pytest.mark.parametrize("arch", ["mlp", "transformer"])
@pytest.mark.parametrize("col", [1, 3])
def test_a_table_category_changes_the_prediction(arch, col):
    """The stem is wired: another category in one column gives other logits; the numbers are read too."""
    model = tiny(arch, "table").eval()
    batch = example_batch(INPUTS["table"])
    changed = batch.clone()
    k = INPUTS["table"].cardinalities[col]
    changed[:, col] = (changed[:, col] + 1) % k
    renumbered = batch.clone()
    renumbered[:, 0] += 1.0
    with torch.no_grad():
        logits = model(batch)
        assert not torch.allclose(model(changed), logits)
        assert not torch.allclose(model(renumbered), logits)


def test_transformer_is_a_randomly_initialised_transformers_model(monkeypatch):
    from transformers import PreTrainedModel

    def no_network(*args, **kwargs):
        raise AssertionError("building the transformer tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    model = build_model("transformer", INPUTS["text"], **TINY["transformer"])
    assert isinstance(model.encoder, PreTrainedModel)
    assert model.encoder.config.name_or_path == ""  # built from a config, not loaded from a checkpoint
    assert model.encoder.config._attn_implementation == "eager"
    assert model.encoder.config.hidden_size == TINY["transformer"]["dim"]


@pytest.mark.parametrize(
    ("data", "n_tokens"), [("digits", 1 + 4), ("mnist", 1 + 16), ("text", 1 + 12), ("table", 1 + 4)]
)
def test_transformer_attention_maps(data, n_tokens):
    """[CLS] plus 4 patches of 4x4 for 8x8, 16 patches of 7x7 for 28x28, one per token or one per column."""
    model = tiny("transformer", data).eval()
    logits, attentions = model(example_batch(INPUTS[data]), output_attentions=True)
    assert logits.shape == (4, N_CLASSES)
    assert [a.shape for a in attentions] == [(4, 2, n_tokens, n_tokens)]


def test_minilm_head_has_only_the_head_parameters():
    model = build_model("minilm", INPUTS["embedding"])
    assert sum(p.numel() for p in model.parameters()) == 384 * N_CLASSES + N_CLASSES


@pytest.mark.parametrize(("arch", "data"), CASES, ids=[f"{a}-{d}" for a, d in CASES])
def test_can_overfit_a_tiny_batch(arch, data):
    model = tiny(arch, data)
    x = example_batch(INPUTS[data], batch_size=4)
    y = torch.tensor([0, 1, 2, 1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(40):
        loss = nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
