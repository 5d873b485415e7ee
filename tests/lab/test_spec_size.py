"""A run's model size (width, depth): old keys unchanged, bounds in plain words, and the model it builds."""

import math

import pytest

from lab.spec import RunSpec, SpecError
from models import InputSpec, build_model

DIGITS = InputSpec("image", (1, 8, 8), 10)


def test_specs_without_a_size_keep_the_keys_they_had_before_sizes_existed():
    # computed before width and depth were added to RunSpec: every stored run must still be found by its key
    assert RunSpec().key() == "2bd11167f6435951"
    assert RunSpec("digits", "mlp", epochs=5, seed=3).key() == "f18b715217067cf2"
    assert RunSpec("adult", "logreg").key() == "6ab7ed2f4ae76cb8"
    assert RunSpec("digits", "mlp", dp_epsilon=1.0).key() == "ba66ae2b30a71894"


def test_a_size_changes_the_key_and_survives_the_round_trip():
    sized = RunSpec("digits", "mlp", width=16, depth=3)
    assert len({sized.key(), RunSpec("digits", "mlp").key(), RunSpec("digits", "mlp", width=16).key()}) == 3
    assert RunSpec.from_dict(sized.to_dict()) == sized
    assert RunSpec.from_dict({**RunSpec().to_dict(), "width": None}).key() == RunSpec().key()


def test_the_mlp_gets_depth_hidden_layers_of_width_units():
    assert RunSpec("digits", "mlp", width=16, depth=3).model_overrides() == {"hidden": (16, 16, 16)}
    assert RunSpec("digits", "mlp", width=16).model_overrides() == {"hidden": (16, 16)}  # default depth: 2
    assert RunSpec("digits", "mlp", depth=1).model_overrides() == {"hidden": (128,)}  # default width: 128
    assert RunSpec("digits", "mlp").model_overrides() == {}
    model = build_model("mlp", DIGITS, **RunSpec("digits", "mlp", width=4, depth=2).model_overrides())
    # by hand: 64 pixels -> 4 -> 4 -> 10 classes, each layer's weights plus its biases
    assert sum(p.numel() for p in model.parameters()) == (64 * 4 + 4) + (4 * 4 + 4) + (4 * 10 + 10)


def test_the_cnn_width_scales_its_filters_and_32_is_its_default():
    assert RunSpec("digits", "cnn", width=8).model_overrides() == {"channels": (8, 16), "text_channels": 8}
    default = build_model("cnn", DIGITS)
    same = build_model("cnn", DIGITS, **RunSpec("digits", "cnn", width=32).model_overrides())
    assert sum(p.numel() for p in same.parameters()) == sum(p.numel() for p in default.parameters())


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"width": 0}, "The width must be between 1 and 1024, not 0"),
        ({"width": -4}, "The width must be between 1 and 1024"),
        ({"width": 5000}, "The width must be between 1 and 1024, not 5000"),
        ({"width": 2.5}, "The width must be a whole number"),
        ({"width": math.nan}, "The width must be a number"),
        ({"width": 1e30}, "The width must be between 1 and 1024, not 1e\\+30"),
        ({"depth": 0}, "The depth must be between 1 and 8"),
        ({"depth": 9}, "The depth must be between 1 and 8"),
        ({"arch": "cnn", "depth": 3}, "The depth of the Convolutional network .* cannot be changed"),
        ({"arch": "lstm", "width": 16}, "cannot be changed here: pick the MLP or the CNN"),
        ({"arch": "logreg", "dataset": "adult", "width": 16}, "cannot be changed here"),
    ],
)
def test_bad_sizes_say_what_is_wrong(changes, words):
    spec = RunSpec(**{"arch": "mlp", **changes})
    with pytest.raises(SpecError, match=words):
        spec.validate()


def test_sizes_at_their_bounds_are_valid():
    assert RunSpec("digits", "mlp", width=1, depth=8).validate().depth == 8
    assert RunSpec("digits", "cnn", width=1024).validate().width == 1024
