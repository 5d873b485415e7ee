"""Counterfactual flips on the made-up hiring history: none when the model cannot see the group, many when it
reads the group on a biased history; each flip rate checked against the raw table re-encoded by hand."""

import numpy as np
import pytest
import torch

from lab.counterfactual import FlipRate, counterfactual_row, flip_rate
from lab.data import DATASETS, Dataset, Split, load_dataset, split_indices
from lab.hiring import HiringSettings, generate
from lab.spec import RunSpec
from lab.tables import TableEncoder
from lab.training import fit, seed_everything
from models import build_model
from models.inputs import InputSpec

SEED = 0


class History:
    """A hiring history split and encoded as lab.data does, with the raw test rows kept to re-encode by hand."""

    def __init__(self, *, label_bias: float, drop_sensitive: bool) -> None:
        frame, y = generate(HiringSettings(proxy_strength=0.0, label_bias=label_bias), seed=SEED)
        parts = split_indices(y, seed=SEED)
        columns = [c for c in frame.columns if not (drop_sensitive and c == "group")]
        self.encoder = TableEncoder.fit(frame.iloc[parts[0]][columns])
        splits = [
            Split(
                x=self.encoder.encode(frame.iloc[rows][columns]),
                y=torch.from_numpy(y[rows]),
                groups={"group": tuple(frame["group"].iloc[rows])},
            )
            for rows in parts
        ]
        inputs = InputSpec("table", (len(columns),), 2, cardinalities=self.encoder.cardinalities)
        self.data = Dataset(DATASETS["hiring-sim"], inputs, *splits, feature_names=self.encoder.columns)
        self.test_frame = frame.iloc[parts[2]][columns]

    def logreg(self):
        model = build_model("logreg", self.data.inputs)
        return model.fit(self.data.train.x.numpy(), self.data.train.y.numpy())

    def mlp(self) -> torch.nn.Module:
        seed_everything(SEED)
        model = build_model("mlp", self.data.inputs)
        fit(
            model,
            self.data,
            RunSpec("hiring-sim", "mlp", epochs=3, lr=1e-2, batch_size=256),
            device=torch.device("cpu"),
        )
        return model.eval()

    def flips_by_hand(self, predict) -> int:
        """Swap every test person's group in the raw table, encode it again, and count changed decisions."""
        swapped = self.test_frame.assign(
            group=self.test_frame["group"].map({"majority": "minority", "minority": "majority"})
        )
        before = predict(self.encoder.encode(self.test_frame).numpy())
        after = predict(self.encoder.encode(swapped).numpy())
        return int(np.sum(before != after))


@pytest.fixture(scope="module")
def aware() -> History:
    return History(label_bias=1.0, drop_sensitive=False)


@pytest.fixture(scope="module")
def unaware() -> History:
    return History(label_bias=1.0, drop_sensitive=True)


def network_predict(model: torch.nn.Module):
    return lambda x: model(torch.from_numpy(x)).argmax(dim=1).detach().numpy()


def test_a_model_trained_without_the_group_and_without_proxies_never_flips(unaware: History) -> None:
    assert "group" not in unaware.data.feature_names
    for model in (unaware.logreg(), unaware.mlp()):
        result = flip_rate(model, unaware.data, attribute="group")
        assert (result.flipped, result.rate, result.people) == (0, 0.0, len(unaware.data.test.y))
        assert "trained without the group column" in result.note and "by construction" in result.note
        assert "proxies" in result.note


def test_a_model_that_reads_the_group_on_a_biased_history_flips_often(aware: History) -> None:
    logreg = aware.logreg()
    result = flip_rate(logreg, aware.data, attribute="group")
    assert result.flipped == aware.flips_by_hand(logreg.predict)
    assert result.rate > 0.10, result.sentence  # the history took 1.5 merit points off every minority applicant
    assert result.note == ""

    mlp = aware.mlp()
    learned = flip_rate(mlp, aware.data, attribute="group")
    assert learned.flipped == aware.flips_by_hand(network_predict(mlp))
    assert learned.rate > 0.05, learned.sentence


def test_a_predict_callable_gives_the_same_flip_rate_as_its_model(aware: History) -> None:
    logreg = aware.logreg()
    assert flip_rate(logreg.predict, aware.data, attribute="group") == flip_rate(logreg, aware.data, attribute="group")


def test_counterfactual_row_agrees_with_the_flip_rate_person_by_person(aware: History) -> None:
    logreg = aware.logreg()
    rows = [counterfactual_row(logreg, aware.data, x, attribute="group") for x in aware.data.test.x]
    assert sum(row.flipped for row in rows) == flip_rate(logreg, aware.data, attribute="group").flipped
    first = rows[0]
    assert first.group == aware.data.test.groups["group"][0]
    assert set(first.decisions) == {"majority", "minority"}
    assert set(first.decisions.values()) <= {"not hired", "hired"}
    flipped = next(row for row in rows if row.flipped)
    assert flipped.sentence.endswith("Changing only group flips the decision.")


def test_counterfactual_row_of_an_unaware_model_keeps_the_decision_and_says_why(unaware: History) -> None:
    row = counterfactual_row(unaware.logreg(), unaware.data, unaware.data.test.x[0], attribute="group")
    assert row.group is None and not row.flipped
    assert set(row.decisions) == {"majority", "minority"}
    assert "by construction" in row.note


def test_the_registered_dataset_without_its_sensitive_column_gives_zero() -> None:
    data = load_dataset("hiring-sim", seed=SEED, drop_sensitive=True)
    result = flip_rate(lambda x: np.zeros(len(x), dtype=np.int64), data, attribute="group")
    assert result.rate == 0.0 and result.note


def test_the_sentence_reads_as_a_person_would_say_it() -> None:
    assert (
        FlipRate("sex", 227, 7326).sentence
        == "Changing only sex flipped the decision for 3.1 % of the 7 326 people in the test set."
    )
    assert FlipRate("race", 0, 0).rate == 0.0


def test_an_attribute_that_is_not_sensitive_is_refused(aware: History) -> None:
    with pytest.raises(ValueError, match="not a sensitive attribute"):
        flip_rate(aware.logreg(), aware.data, attribute="test_score")
    with pytest.raises(ValueError, match="not a sensitive attribute"):
        flip_rate(lambda x: x, load_dataset("digits", seed=SEED), attribute="group")


def test_groups_are_read_in_the_encoders_order(aware: History) -> None:
    row = counterfactual_row(
        lambda x: np.zeros(len(x), dtype=np.int64), aware.data, aware.data.test.x[0], attribute="group"
    )
    assert list(row.decisions) == list(aware.encoder.categories["group"])


def test_every_run_on_people_carries_its_flip_rates_for_the_scorecard():
    from lab.audit import load_trained
    from lab.pipeline import prepare_data, run
    from lab.result import RunResult

    result, weights = run(RunSpec("compas", "logreg"))
    data = prepare_data(result.spec, torch.device("cpu"))
    model = load_trained(result.spec, data.inputs, weights, torch.device("cpu"))
    assert [f.attribute for f in result.fairness.flip_rates] == ["race", "sex"]
    for stored in result.fairness.flip_rates:
        assert stored == flip_rate(model, data, attribute=stored.attribute)  # the same figure, computed again
    assert RunResult.from_dict(result.to_dict()) == result
    unaware, _ = run(RunSpec("compas", "logreg", drop_sensitive=True))
    assert all(f.flipped == 0 and "by construction" in f.note for f in unaware.fairness.flip_rates)
