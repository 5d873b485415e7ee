"""The dataset registry: data cards, shapes and ranges, honest 70/15/15 splits, a train-only vocabulary."""

import dataclasses
from collections import Counter

import numpy as np
import pytest
import torch

from lab.data import DATASETS, DataCard, Dataset, Split, _raw, load_dataset, split_indices
from lab.text import PAD, UNK, tokenize

NAMES = sorted(DATASETS)
SIZES = {
    "digits": 1797,
    "mnist": 5000,
    "reviews": 5000,
    "adult": 48_842,
    "compas": 6_172,
    "resume": 4_870,
    "hiring-sim": 4_000,
}


def splits(data: Dataset) -> tuple[Split, Split, Split]:
    return data.train, data.val, data.test


def samples(split: Split) -> list[bytes | str | tuple[str, ...]]:
    """One hashable value per sample: the review text, a person's groups, or the image's pixels as bytes."""
    if split.texts is not None:
        return list(split.texts)
    if split.groups is not None:
        return list(zip(*split.groups.values(), strict=True))
    return [row.numpy().tobytes() for row in split.x]


def test_registry_has_the_seven_datasets() -> None:
    assert NAMES == ["adult", "compas", "digits", "hiring-sim", "mnist", "resume", "reviews"]


@pytest.mark.parametrize("name", NAMES)
def test_every_card_field_is_filled_in(name: str) -> None:
    card = DATASETS[name]
    assert card.name == name
    for field in dataclasses.fields(DataCard):
        value = getattr(card, field.name)
        assert value or field.name == "sensitive", f"{name}.{field.name} is empty"
        if isinstance(value, str):
            assert value.strip() == value and "  " not in value, f"{name}.{field.name} has stray spaces"
    assert all(label.strip() for label in card.classes)


def test_unknown_dataset_raises_keyerror_listing_valid_names() -> None:
    with pytest.raises(KeyError) as excinfo:
        load_dataset("cifar", seed=0)
    message = str(excinfo.value)
    assert "cifar" in message
    assert all(name in message for name in NAMES)


@pytest.mark.parametrize("name", ["digits", "mnist"])
def test_images_are_float_pixels_in_unit_range(name: str) -> None:
    data = load_dataset(name, seed=0)
    side = {"digits": 8, "mnist": 28}[name]
    assert data.inputs.modality == "image" == data.card.modality
    assert data.inputs.shape == (1, side, side)
    assert data.inputs.n_classes == 10 == len(data.card.classes)
    assert data.vocab is None and data.extra_flops_per_sample == 0
    for split in splits(data):
        assert split.x.dtype == torch.float32 and split.y.dtype == torch.int64
        assert split.x.shape == (len(split.y), 1, side, side)
        assert split.texts is None
        assert split.x.min().item() >= 0.0 and split.x.max().item() <= 1.0
        assert set(split.y.unique().tolist()) == set(range(10))
    assert data.train.x.max().item() == 1.0  # scaled from 0..16 or 0..255, not left raw nor halved


def test_digits_pixels_match_scikit_learn() -> None:
    from sklearn.datasets import load_digits

    expected = Counter(row.tobytes() for row in load_digits().data.astype(np.int64))
    data = load_dataset("digits", seed=0)
    got = Counter(
        (split.x.reshape(len(split.x), -1) * 16).round().to(torch.int64).numpy()[i].tobytes()
        for split in splits(data)
        for i in range(len(split.x))
    )
    assert got == expected


def test_reviews_are_padded_token_ids_with_their_texts() -> None:
    data = load_dataset("reviews", seed=0)
    assert data.inputs.modality == "text" == data.card.modality
    assert data.inputs.shape == (128,) and data.inputs.n_classes == 2
    assert data.card.classes == ("other", "great")
    assert data.vocab is not None and data.vocab[:2] == (PAD, UNK)
    assert data.inputs.vocab_size == len(data.vocab) <= 8002
    for split in splits(data):
        assert split.x.dtype == torch.int64 and split.y.dtype == torch.int64
        assert split.x.shape == (len(split.y), 128)
        assert split.texts is not None and len(split.texts) == len(split.y)
        assert split.x.min().item() >= 0 and split.x.max().item() < len(data.vocab)
        filled = split.x != 0
        assert filled[:, 0].all()  # every review has at least one token
        assert (filled[:, :-1] >= filled[:, 1:]).all()  # right padding: no word after a zero
        assert not any("<br" in text or "  " in text for text in split.texts)
    labels = torch.cat([split.y for split in splits(data)])
    assert labels.bincount().tolist() == [1742, 3258]  # "other" = 0, "great" = 1


def test_review_ids_are_the_encoded_text() -> None:
    data = load_dataset("reviews", seed=0)
    index = {word: i for i, word in enumerate(data.vocab)}
    text, ids = data.val.texts[0], data.val.x[0]
    expected = [index.get(word, 1) for word in tokenize(text)[:128]]
    assert ids[: len(expected)].tolist() == expected


@pytest.mark.parametrize("name", NAMES)
def test_split_is_70_15_15_and_uses_each_sample_exactly_once(name: str) -> None:
    data = load_dataset(name, seed=0)
    n = SIZES[name]
    sizes = [len(split.y) for split in splits(data)]
    assert sum(sizes) == n
    for size, share in zip(sizes, (0.70, 0.15, 0.15), strict=True):
        assert abs(size - share * n) <= 1
    # the three parts together are the raw data, each sample once (a multiset, since a few reviews repeat)
    raw = _raw(name)
    # a table's rows are compared through each person's groups, read from the raw columns
    groups = None if raw.table is None else {a: tuple(raw.table[a]) for a in DATASETS[name].sensitive}
    raw_split = Split(x=torch.from_numpy(raw.x), y=torch.from_numpy(raw.y), texts=raw.texts, groups=groups)
    together = sum((Counter(samples(split)) for split in splits(data)), Counter())
    assert together == Counter(samples(raw_split))
    if DATASETS[name].modality == "image":  # no image appears twice in the source, so the parts share none
        train, val, test = (set(samples(split)) for split in splits(data))
        assert not (train & val or train & test or val & test)


@pytest.mark.parametrize("seed", [0, 7])
def test_split_indices_are_disjoint_and_complete(seed: int) -> None:
    y = np.repeat(np.arange(3), [60, 30, 10])
    train, val, test = split_indices(y, seed=seed)
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(100))


@pytest.mark.parametrize("name", NAMES)
def test_each_split_keeps_the_class_shares(name: str) -> None:
    data = load_dataset(name, seed=3)
    labels = torch.cat([split.y for split in splits(data)])
    overall = labels.bincount() / len(labels)
    for split in splits(data):
        share = split.y.bincount(minlength=len(overall)) / len(split.y)
        assert (share - overall).abs().max().item() < 0.02


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_same_tensors_other_seed_other_split(name: str) -> None:
    cached = load_dataset(name, seed=0)
    assert load_dataset(name, seed=0) is cached
    fresh = load_dataset.__wrapped__(name, seed=0)  # bypass the cache: recompute from scratch
    other = load_dataset(name, seed=1)
    for a, b in zip(splits(cached), splits(fresh), strict=True):
        assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
    assert fresh.vocab == cached.vocab
    assert not torch.equal(cached.train.x, other.train.x)
    assert not torch.equal(cached.test.y, other.test.y)


def test_mnist_splits_are_shuffled_not_sorted_by_label() -> None:
    data = load_dataset("mnist", seed=0)
    for split in splits(data):
        assert (split.y.diff() < 0).any()  # the source is sorted 0..9; a sorted part would never go down
        assert len(split.y[:50].unique()) >= 8  # the first 50 samples already mix most digits


def test_vocabulary_comes_from_training_texts_only() -> None:
    data = load_dataset("reviews", seed=0)
    train_counts = Counter(word for text in data.train.texts for word in tokenize(text))
    held_out = Counter(word for s in (data.val, data.test) for text in s.texts for word in tokenize(text))
    # words seen twice or more outside training but never in it: a vocabulary from all texts would keep them
    unseen = {word for word, n in held_out.items() if n >= 2 and word not in train_counts}
    assert len(unseen) >= 10
    assert not unseen & set(data.vocab)
    assert all(train_counts[word] >= 2 for word in data.vocab[2:])
