"""Tables about people: the published sizes and label rates, a train-only encoding, groups carried row for row."""

import numpy as np
import pandas as pd
import pytest
import torch

from lab.data import DATASETS, Dataset, Split, load_dataset
from lab.tables import TableEncoder

TABLES = ["adult", "compas", "resume"]
SIZES = {"adult": 48_842, "compas": 6_172, "resume": 4_870}
# Published label rates: Adult 23.9 % earn >50K; ProPublica's 45 % re-arrested; 8.05 % of résumés called back.
POSITIVE_RATE = {"adult": 0.239, "compas": 0.455, "resume": 0.0805}
SENSITIVE = {"adult": ("sex", "race"), "compas": ("race", "sex"), "resume": ("race", "gender")}


def splits(data: Dataset) -> tuple[Split, Split, Split]:
    return data.train, data.val, data.test


def column(data: Dataset, name: str) -> int:
    assert data.feature_names is not None
    return data.feature_names.index(name)


@pytest.mark.parametrize("name", TABLES)
def test_size_label_rate_and_card(name: str) -> None:
    data = load_dataset(name, seed=0)
    labels = torch.cat([split.y for split in splits(data)])
    assert len(labels) == SIZES[name]
    assert labels.float().mean().item() == pytest.approx(POSITIVE_RATE[name], abs=0.002)
    assert data.card.modality == data.inputs.modality == "table"
    assert data.card.sensitive == SENSITIVE[name]
    assert data.inputs.n_classes == 2 == len(data.card.classes)


@pytest.mark.parametrize("name", TABLES)
def test_shapes_and_category_indices_fit_the_cardinalities(name: str) -> None:
    data = load_dataset(name, seed=0)
    cards = data.inputs.cardinalities
    assert data.feature_names is not None and len(data.feature_names) == len(cards)
    assert data.inputs.shape == (len(cards),)
    assert any(k == 0 for k in cards) and any(k > 0 for k in cards)
    for split in splits(data):
        assert split.x.dtype == torch.float32 and split.x.shape == (len(split.y), len(cards))
        for c, k in enumerate(cards):
            if k:
                values = split.x[:, c]
                assert torch.equal(values, values.round()) and values.min() >= 0 and values.max() < k


@pytest.mark.parametrize("name", TABLES)
def test_numbers_are_standardised_with_the_training_part_only(name: str) -> None:
    data = load_dataset(name, seed=0)
    numeric = [c for c, k in enumerate(data.inputs.cardinalities) if k == 0]
    train = data.train.x[:, numeric].double()
    torch.testing.assert_close(train.mean(0), torch.zeros(len(numeric), dtype=torch.float64), atol=1e-5, rtol=0)
    torch.testing.assert_close(train.std(0, unbiased=False), torch.ones_like(train[0]), atol=1e-4, rtol=0)
    # the test part is scaled with the training mean, not its own: its means are not all forced to 0
    assert data.test.x[:, numeric].double().mean(0).abs().max() > 1e-3


def test_features_leave_out_the_sampling_weight_and_the_compas_score() -> None:
    assert "fnlwgt" not in load_dataset("adult", seed=0).feature_names
    assert "income" not in load_dataset("adult", seed=0).feature_names
    compas = load_dataset("compas", seed=0).feature_names
    assert not {"decile_score", "score_text", "v_decile_score", "is_recid", "two_year_recid"} & set(compas)
    assert len(compas) == 8
    resume = load_dataset("resume", seed=0).feature_names
    assert {"race", "gender"} <= set(resume) and "firstname" not in resume and "received_callback" not in resume


@pytest.mark.parametrize("name", TABLES)
def test_groups_are_row_aligned_with_the_encoded_columns(name: str) -> None:
    data = load_dataset(name, seed=0)
    for attribute in data.card.sensitive:
        c = column(data, attribute)
        # categories are indexed in sorted order of the values seen in training
        categories = sorted(set(data.train.groups[attribute]))
        assert data.inputs.cardinalities[c] == len(categories) + 1
        for split in splits(data):
            assert split.groups is not None and set(split.groups) == set(data.card.sensitive)
            decoded = [categories[int(i)] for i in split.x[:, c]]
            assert decoded == list(split.groups[attribute])


def test_adult_groups_are_the_census_labels() -> None:
    data = load_dataset("adult", seed=0)
    groups = [g for split in splits(data) for g in split.groups["sex"]]
    assert sorted(set(groups)) == ["Female", "Male"]
    assert groups.count("Female") == 16_192
    assert "White" in data.train.groups["race"] and "Black" in data.train.groups["race"]


def test_same_seed_same_split_other_seed_other_split() -> None:
    fresh = load_dataset.__wrapped__("compas", seed=0)
    cached = load_dataset("compas", seed=0)
    for a, b in zip(splits(fresh), splits(cached), strict=True):
        assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y) and a.groups == b.groups
    assert not torch.equal(load_dataset("compas", seed=1).train.x, cached.train.x)


def test_unseen_or_missing_category_gets_the_reserved_index() -> None:
    train = pd.DataFrame({"age": [20.0, 30.0, 40.0], "job": ["a", "b", "a"]})
    encoder = TableEncoder.fit(train)
    assert encoder.cardinalities == (0, 3)  # "a", "b" and the reserved index 2
    held_out = pd.DataFrame({"age": [30.0, np.nan, 50.0], "job": ["b", np.nan, "never seen"]})
    x = encoder.encode(held_out)
    std = float(np.std([20.0, 30.0, 40.0]))
    torch.testing.assert_close(x[:, 0], torch.tensor([0.0, 0.0, 20.0 / std]))  # a missing number is the mean
    assert x[:, 1].tolist() == [1.0, 2.0, 2.0]


def test_adult_unknowns_are_a_category_of_their_own() -> None:
    data = load_dataset("adult", seed=0)
    assert "?" in data.card.limitations or "unknown" in data.card.limitations
    c = column(data, "workclass")
    # 9 workclass values in the files, "?" among them, plus the reserved index for unseen ones
    assert data.inputs.cardinalities[c] == 9 + 1
    assert data.train.x[:, c].max().item() < 9  # every training value is a known category


def test_image_and_text_datasets_declare_no_sensitive_attributes() -> None:
    for name in ("digits", "mnist", "reviews"):
        assert DATASETS[name].sensitive == ()
    assert load_dataset("digits", seed=0).train.groups is None
    assert load_dataset("digits", seed=0).feature_names is None
