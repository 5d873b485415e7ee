import math

import pytest

from lab.spec import RunSpec, SpecError


def test_key_is_stable_and_depends_on_every_setting():
    assert RunSpec().key() == RunSpec().key()
    assert RunSpec(seed=1).key() != RunSpec(seed=0).key()
    assert RunSpec(lr=0.01).key() != RunSpec().key()


def test_round_trip_through_dict():
    spec = RunSpec("mnist", "lstm", 3, 0.01, 32, "sgd", 7, 2)
    assert RunSpec.from_dict(spec.to_dict()) == spec


def test_defaults_are_valid():
    assert RunSpec().validate() == RunSpec()


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"dataset": "nope"}, "Unknown dataset 'nope'"),
        ({"arch": "resnet"}, "Unknown architecture 'resnet'"),
        ({"optimizer": "rmsprop"}, "Unknown optimizer"),
        ({"epochs": 0}, "The number of epochs must be between 1 and 200"),
        ({"epochs": 10_000}, "The number of epochs must be between 1 and 200"),
        ({"lr": 0.0}, "The learning rate must be between"),
        ({"lr": math.nan}, "The learning rate must be a number"),
        ({"lr": math.inf}, "The learning rate must be a number"),
        ({"batch_size": -5}, "The batch size must be between 1 and 4096"),
        ({"epochs": 2.5}, "The number of epochs must be a whole number"),
        ({"seed": -1}, "The seed must be between"),
        ({"arch": "minilm", "dataset": "digits"}, "cannot read image data"),
    ],
)
def test_bad_specs_say_what_is_wrong(changes, words):
    spec = RunSpec(**changes)
    with pytest.raises(SpecError, match=words):
        spec.validate()


def test_a_baseline_key_ignores_the_settings_it_does_not_use():
    logreg = RunSpec("adult", "logreg")
    assert (
        RunSpec("adult", "logreg", epochs=3, lr=0.5, batch_size=256, optimizer="sgd", patience=2).key() == logreg.key()
    )
    assert RunSpec("adult", "logreg", seed=1).key() != logreg.key()
    assert RunSpec("adult", "logreg", drop_sensitive=True).key() != logreg.key()
    assert RunSpec("adult", "mlp", epochs=3).key() != RunSpec("adult", "mlp").key()  # a network does use them
