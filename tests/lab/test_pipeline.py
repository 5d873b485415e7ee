"""Every architecture trains on every dataset it can read, through the whole pipeline, with its measurements."""

import pytest

from lab.data import DATASETS
from lab.pipeline import run
from lab.spec import RunSpec
from models import REGISTRY

PAIRS = [(d, a) for d in DATASETS for a in REGISTRY if DATASETS[d].modality in REGISTRY[a].modalities]
# Three epochs take every model clearly past guessing (10 % on ten digits) and to at least the majority
# class of the reviews (65 % "great"); the slow starters, LSTM and Transformer, need that many.
FLOOR = {"image": 0.2, "text": 0.6}
# Tables: one epoch in batches of 256 (Adult alone has 34 000 training rows; one epoch of the Transformer in
# batches of 64 took 96 s on 2 busy cores, 10 s this way). Floors per dataset; measured with seed 0, MLP /
# Transformer: Adult 0.857 / 0.856, COMPAS 0.678 / 0.650, résumé 0.919 / 0.919.
# Adult above its majority class (76 % earn $50K or less); COMPAS above its majority (54.5 % not re-arrested);
# résumé callbacks are so rare (8 %) that always saying "no" scores 92 %, so accuracy only shows that the
# model did not collapse below that.
# hiring-sim: 35 % were hired in the past, so above 65 % the model has learned from the skill columns.
TABLE_FLOOR = {"adult": 0.80, "compas": 0.60, "resume": 0.90, "hiring-sim": 0.70}


def test_every_architecture_can_read_some_dataset():
    assert {arch for _, arch in PAIRS} == set(REGISTRY)
    assert {"digits", "mnist", "reviews"} <= {dataset for dataset, _ in PAIRS}


@pytest.mark.parametrize(("dataset", "arch"), PAIRS, ids=[f"{a}-{d}" for d, a in PAIRS])
def test_three_epochs_learn_something_and_are_measured(dataset, arch):
    if DATASETS[dataset].modality == "table":
        result, _ = run(RunSpec(dataset, arch, epochs=1, batch_size=256, seed=0))
        assert result.metrics.accuracy > TABLE_FLOOR[dataset]
    else:
        result, _ = run(RunSpec(dataset, arch, epochs=3, seed=0))
        assert result.metrics.accuracy > FLOOR[DATASETS[dataset].modality]
    assert result.cost.flops_per_sample > 0 and result.cost.train_flops > result.cost.flops_per_sample
    assert result.cost.params > 0 and result.cost.energy_kwh > 0


def test_the_cnn_reaches_95_percent_on_digits_with_default_settings():
    result, _ = run(RunSpec("digits", "cnn"))
    assert result.metrics.accuracy >= 0.95


def test_pretrained_minilm_reaches_70_percent_on_reviews_with_default_settings():
    result, _ = run(RunSpec("reviews", "minilm"))
    assert result.metrics.accuracy >= 0.70
    # Its cost per answer includes the frozen encoder, which dwarfs the head it trains.
    assert result.cost.flops_per_sample > 100 * 2 * 384 * 2


def test_cancel_is_honoured_while_the_pretrained_encoder_reads_the_texts(tmp_path, monkeypatch):
    from lab import config, embeddings
    from lab.training import Cancelled

    monkeypatch.setattr(config, "DATA_DIR", tmp_path)  # no cached vectors: the encoder must run
    monkeypatch.setattr(embeddings, "_memory", {})
    stages = []
    with pytest.raises(Cancelled, match="while the texts were being read"):
        run(RunSpec("reviews", "minilm"), on_progress=lambda p: stages.append(p.stage), should_stop=lambda: True)
    assert not list(tmp_path.rglob("*.pt"))  # nothing half-encoded was cached
    assert stages == ["preparing the data"]
