"""The frozen MiniLM encoder, offline, and the on-disk cache of its sentence vectors."""

import os

import pytest
import torch

from lab import config, embeddings
from lab.data import DataCard, Dataset, Split
from models.inputs import InputSpec
from models.minilm import ENCODER_PARAMS_M, encode_texts, encoder_flops_per_sample, load_encoder

TEXTS = (
    "The coffee was rich and smooth, I will buy it again.",
    "Stale crackers, they arrived broken and tasted of cardboard.",
    "My dog loves these treats.",
    "Too sweet for me.",
    "Great tea, lovely aroma.",
    "The package was damaged but the candy was fine.",
)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A fresh DATA_DIR and an empty in-process cache for each test."""
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    monkeypatch.setattr(embeddings, "_memory", {})
    return tmp_path / "cache"


def text_dataset(texts: tuple[str, ...] = TEXTS) -> Dataset:
    card = DataCard("tiny", "Tiny reviews", "text", "d", "s", "l", "6 texts", ("other", "great"), "none")
    y = torch.tensor([1, 0, 1, 0, 1, 0])
    splits = [
        Split(x=torch.ones(len(rows), 4, dtype=torch.long), y=y[rows], texts=tuple(texts[i] for i in rows))
        for rows in ([0, 1, 2, 3], [4], [5])
    ]
    return Dataset(card, InputSpec("text", (4,), 2, vocab_size=10), *splits, vocab=("<pad>", "<unk>"))


def test_encoder_loads_offline_from_the_package():
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    encoder = load_encoder()
    assert not encoder.model.training
    assert not any(p.requires_grad for p in encoder.model.parameters())
    n_params = sum(p.numel() for p in encoder.model.parameters())
    assert round(n_params / 1e6, 1) == ENCODER_PARAMS_M


def test_sentence_vectors_are_unit_length_and_similar_meanings_are_close():
    vectors = encode_texts(["A man is eating food.", "A man is eating a piece of bread.", "The stock market fell."])
    assert vectors.shape == (3, 384) and vectors.dtype == torch.float32
    torch.testing.assert_close(vectors.norm(dim=1), torch.ones(3))
    similar, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > unrelated + 0.3


def test_vectors_do_not_depend_on_batching():
    """Texts are sorted by length into batches; each must still get its own vector back."""
    one_by_one = torch.cat([encode_texts([t]) for t in TEXTS])
    torch.testing.assert_close(encode_texts(TEXTS, batch_size=4), one_by_one, atol=1e-5, rtol=1e-4)


def test_encoder_flops_match_a_count_by_hand():
    """6 layers of 384 wide (feed-forward 1536), attention over T tokens, and BERT's pooler."""
    t, d, ffn, layers = 32, 384, 1536, 6
    per_token = layers * (4 * d * d + 2 * d * ffn)  # multiply-adds: Q, K, V, output, two feed-forward
    attention = layers * 2 * t * t * d  # multiply-adds: scores Q K^T and the weighted sum of V
    pooler = d * d  # BERT's pooler, run on [CLS] once
    assert encoder_flops_per_sample(t) == 2 * (per_token * t + attention + pooler)  # 2 FLOPs per multiply-add


def test_embed_dataset_replaces_text_by_vectors(cache_dir):
    dataset = text_dataset()
    embedded = embeddings.embed_dataset(dataset)
    assert embedded.inputs == InputSpec("embedding", (384,), 2)
    pairs = zip((dataset.train, dataset.val, dataset.test), (embedded.train, embedded.val, embedded.test), strict=True)
    for before, after in pairs:
        assert after.x.shape == (len(before.y), 384) and after.x.dtype == torch.float32
        assert torch.equal(after.y, before.y) and after.texts == before.texts
        torch.testing.assert_close(after.x, encode_texts(before.texts), atol=1e-5, rtol=1e-4)
    counts = [len(load_encoder().tokenizer(t)["input_ids"]) for t in TEXTS]
    assert embedded.extra_flops_per_sample == encoder_flops_per_sample(round(sum(counts) / len(counts)))


def test_second_call_and_other_processes_reuse_the_cache(cache_dir, monkeypatch):
    first = embeddings.embed_dataset(text_dataset())
    files = list(cache_dir.glob("minilm-*.pt"))
    assert len(files) == 1 and not list(cache_dir.glob("*.tmp"))

    def no_encoding(*args, **kwargs):
        raise AssertionError("the encoder ran although the vectors were cached")

    monkeypatch.setattr(embeddings, "encode_texts", no_encoding)
    again = embeddings.embed_dataset(text_dataset())  # from this process's memory
    monkeypatch.setattr(embeddings, "_memory", {})  # what a fresh worker process sees: only the file
    from_disk = embeddings.embed_dataset(text_dataset())
    for result in (again, from_disk):
        assert torch.equal(result.train.x, first.train.x) and torch.equal(result.test.x, first.test.x)


def test_other_splits_of_the_same_texts_share_the_cache_and_other_texts_do_not(cache_dir):
    embeddings.embed_dataset(text_dataset())
    reshuffled = text_dataset(TEXTS[::-1])  # another seed: the same texts in other splits
    embeddings.embed_dataset(reshuffled)
    assert len(list(cache_dir.glob("minilm-*.pt"))) == 1
    embeddings.embed_dataset(text_dataset(TEXTS[:5] + ("A different review.",)))
    assert len(list(cache_dir.glob("minilm-*.pt"))) == 2


def test_image_dataset_is_refused(cache_dir):
    card = DataCard("img", "Images", "image", "d", "s", "l", "2", ("a", "b"), "none")
    split = Split(x=torch.zeros(2, 1, 8, 8), y=torch.tensor([0, 1]))
    dataset = Dataset(card, InputSpec("image", (1, 8, 8), 2), split, split, split)
    with pytest.raises(ValueError, match="text"):
        embeddings.embed_dataset(dataset)


def test_encoding_reports_its_progress_after_every_batch():
    done: list[float] = []
    encode_texts(["one", "two words", "three small words"], batch_size=2, on_batch=done.append)
    assert done == pytest.approx([2 / 3, 1.0])
