"""lab.predict: a person's drawing, upload, review or table row becomes what a stored run reads, and its answer.

The acceptance test draws test digits as a canvas would (big, dark strokes on a transparent background) and checks
the run classifies the drawing as it classifies the original. Bad input gets a plain message and leaves no file.
"""

import dataclasses
import io
import json
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw
from sqlalchemy.engine import make_url

from lab import config
from lab.__main__ import main
from lab.audit import load_trained
from lab.config import load_settings
from lab.data import Dataset, load_dataset, training_rows
from lab.pipeline import run
from lab.predict import InputError, image_to_input, predict, row_to_input, text_to_input
from lab.spec import RunSpec
from lab.store import RunStore
from models.inputs import InputSpec

CPU = torch.device("cpu")
SAMPLES = 50  # test digits drawn per dataset


class Stored(NamedTuple):
    run_id: str
    spec: RunSpec
    weights: bytes
    data: Dataset


@pytest.fixture(scope="module")
def store() -> RunStore:
    return RunStore(load_settings().store_url)  # tests/conftest.py: a throw-away database


def _stored(store: RunStore, spec: RunSpec) -> Stored:
    result, weights = run(spec)
    store.save(result, weights=weights)
    return Stored(result.run_id, spec, weights, load_dataset(spec.dataset, seed=spec.seed))


@pytest.fixture(scope="module")
def digits_cnn(store) -> Stored:
    return _stored(store, RunSpec("digits", "cnn", epochs=3))


@pytest.fixture(scope="module")
def mnist_mlp(store) -> Stored:
    return _stored(store, RunSpec("mnist", "mlp", epochs=2))


@pytest.fixture(scope="module")
def reviews_mlp(store) -> Stored:
    return _stored(store, RunSpec("reviews", "mlp", epochs=1))


@pytest.fixture(scope="module")
def compas_logreg(store) -> Stored:
    return _stored(store, RunSpec("compas", "logreg"))


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def nothing_written(store):
    """Fails the test if a file appears or changes in the data folder or the store's folder, or a run is stored."""
    folders = [config.DATA_DIR, Path(make_url(store.url).database).parent]
    before, runs = [_files(folder) for folder in folders], store.count()
    yield
    assert [_files(folder) for folder in folders] == before and store.count() == runs


def png(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def drawn(pixels: np.ndarray, style: str = "canvas") -> bytes:
    """A digit's pixels (light ink on black, in [0, 1]) as a 280 x 280 file a person could make of it.

    canvas: black strokes on a transparent background (RGBA PNG); paper: dark on white (JPEG); chalk: light on black.
    Bicubic upscaling gives the smooth, anti-aliased edges of a pen on a canvas.
    """
    big = np.asarray(Image.fromarray(pixels.astype(np.float32)).resize((280, 280), Image.Resampling.BICUBIC))
    ink = (big.clip(0, 1) * 255).round().astype(np.uint8)  # (280, 280)
    if style == "canvas":
        rgba = np.zeros((280, 280, 4), dtype=np.uint8)
        rgba[..., 3] = ink
        return png(Image.fromarray(rgba))
    if style == "paper":
        return png(Image.fromarray(255 - ink).convert("RGB"), "JPEG")
    return png(Image.fromarray(ink))


def _image(data: bytes, dataset: str = "mnist"):
    return image_to_input(data, load_dataset(dataset, seed=0).inputs, dataset=dataset)


def person(**changes) -> dict:
    """The first training row of COMPAS (seed 0) as a form would give it, with some fields changed."""
    row = training_rows("compas", seed=0).iloc[0].to_dict()
    return {field: value.item() if hasattr(value, "item") else value for field, value in row.items()} | changes


# --- acceptance: a drawn test digit is read as the original ------------------------------------------------


@pytest.mark.parametrize("stored", ["digits_cnn", "mnist_mlp"])
def test_a_drawn_test_digit_is_classified_as_the_original(stored, request):
    stored = request.getfixturevalue(stored)
    data = stored.data
    originals = data.test.x[:SAMPLES]  # (N, 1, H, W)
    redrawn = torch.cat(
        [image_to_input(drawn(x[0].numpy()), data.inputs, dataset=stored.spec.dataset)[0] for x in originals]
    )
    assert redrawn.shape == originals.shape and redrawn.dtype == torch.float32
    assert redrawn.min() >= 0 and redrawn.max() <= 1
    model = load_trained(stored.spec, data.inputs, stored.weights, CPU)
    with torch.inference_mode():
        agreement = (model(redrawn).argmax(1) == model(originals).argmax(1)).float().mean().item()
    correlation = np.mean([np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(originals, redrawn, strict=True)])
    assert agreement >= 0.9, agreement  # measured: 0.96 for both
    assert correlation > 0.9, correlation  # pixel for pixel; measured: 0.905 (digits), 0.952 (mnist)
    assert redrawn.mean().item() == pytest.approx(originals.mean().item(), abs=0.02)  # as much ink as in training


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize("dataset", ["digits", "mnist"])
def test_dark_on_paper_and_light_on_black_give_the_canvas_pixels(dataset):
    data = load_dataset(dataset, seed=0)
    pixels = data.test.x[0, 0].numpy()
    canvas, paper, chalk = (
        image_to_input(drawn(pixels, style), data.inputs, dataset=dataset)[0] for style in ("canvas", "paper", "chalk")
    )
    assert torch.allclose(canvas, chalk, atol=1e-5)
    assert (canvas - paper).abs().mean() < 0.05  # JPEG's noise only


def test_a_digit_cut_off_at_the_edge_comes_with_a_notice():
    canvas = Image.new("RGBA", (280, 280), (0, 0, 0, 0))
    ImageDraw.Draw(canvas).line([(140, 0), (140, 200)], fill="black", width=20)  # a "1" from the very top
    x, notices = _image(png(canvas))
    assert x.shape == (1, 1, 28, 28) and notices == [
        "The digit touches the edge of the picture: if part of it is cut off, it may be misread."
    ]
    assert _image(drawn(load_dataset("mnist", seed=0).test.x[0, 0].numpy()))[1] == []


def test_a_stored_run_answers_as_its_model(digits_cnn):
    x = digits_cnn.data.test.x[:1]
    answer = predict(digits_cnn.spec, digits_cnn.weights, x, device=CPU, notices=("a notice",))
    model = load_trained(digits_cnn.spec, digits_cnn.data.inputs, digits_cnn.weights, CPU)
    with torch.inference_mode():
        expected = model(x).softmax(dim=1)[0]
    assert answer.classes == digits_cnn.data.card.classes
    assert answer.probabilities == pytest.approx(expected.tolist(), abs=1e-6)
    assert math.fsum(answer.probabilities) == pytest.approx(1.0)
    assert answer.predicted == answer.classes[int(expected.argmax())]
    assert answer.notices == ("a notice",)


def test_a_person_is_encoded_as_in_training_and_a_baseline_answers(compas_logreg):
    data = compas_logreg.data
    x, notices = row_to_input(person(), data, seed=0)
    assert torch.equal(x, data.train.x[:1]) and notices == []
    answer = predict(compas_logreg.spec, compas_logreg.weights, x, device=CPU)
    model = load_trained(compas_logreg.spec, data.inputs, compas_logreg.weights, CPU)
    assert answer.probabilities == pytest.approx(model.predict_proba(x.numpy())[0].tolist())
    assert answer.predicted in data.card.classes


def test_a_model_trained_without_the_sensitive_columns_ignores_them_with_a_notice():
    data = load_dataset("compas", seed=0, drop_sensitive=True)
    x, notices = row_to_input(person(sex="female"), data, seed=0)  # the case of a category does not matter
    assert x.shape == (1, len(data.feature_names))
    assert notices == ["The model does not read sex, race: left out."]


def test_a_long_review_is_cut_with_a_notice_and_any_script_is_read(reviews_mlp):
    data = reviews_mlp.data
    x, notices = text_to_input(("great " * 20_000)[:100_000], data)
    assert x.shape == (1, *data.inputs.shape)
    assert "Only the first 5 000 characters were read; the text has 100 000." in notices
    assert any("reads only the first 128 words" in notice for notice in notices)
    for text in ("😀🍕👍", "这个产品非常好吃，我很喜欢"):
        x, notices = text_to_input(text, data)
        answer = predict(reviews_mlp.spec, reviews_mlp.weights, x, device=CPU, notices=notices)
        assert answer.predicted in data.card.classes and len(answer.notices) == 1
        assert "emoji" in answer.notices[0] or "unknown" in answer.notices[0]


def test_a_minilm_run_reads_the_review_through_the_frozen_encoder():
    from models.minilm import encode_texts

    reviews = load_dataset("reviews", seed=0)
    embedded = dataclasses.replace(reviews, inputs=InputSpec("embedding", (384,), 2))  # as prepare_data makes it
    x, notices = text_to_input("  Lovely tea,<br />will buy again 😀 ", embedded)
    assert torch.allclose(x, encode_texts(["Lovely tea, will buy again 😀"]), atol=1e-6)  # cleaned as in training
    assert x.shape == (1, 384) and notices == []


# --- bad input: a plain message, nothing written ----------------------------------------------------------


BAD_IMAGES = {  # made when a test runs: a 50 MB upload should not sit in memory for the whole session
    "not an image, named .png": (lambda: b"Dear diary, today I drew a seven.", "not an image"),
    "an empty file": (lambda: b"", "empty"),
    "a 50 MB upload": (lambda: bytes(50 * 1024 * 1024), "The file is 50.0 MB"),
    "10 000 x 10 000 pixels": (lambda: png(Image.new("1", (10_000, 10_000), 1)), "too many pixels"),
    "6 000 x 5 000 pixels": (lambda: png(Image.new("1", (6_000, 5_000), 1)), "This one is 6000 x 5000"),
    "a truncated PNG": (lambda: png(Image.new("L", (64, 64), 9))[:-30], "not an image"),
    "an empty canvas": (lambda: png(Image.new("RGBA", (280, 280), (0, 0, 0, 0))), "The drawing is empty"),
    "a white page": (lambda: png(Image.new("RGB", (280, 280), "white"), "JPEG"), "The drawing is empty"),
}


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize("name", BAD_IMAGES)
def test_bad_images_are_refused_in_plain_words(name):
    make, words = BAD_IMAGES[name]
    with pytest.raises(InputError, match=words):
        _image(make())


@pytest.mark.usefixtures("nothing_written")
@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"age": None}, "missing: age"),
        ({"age": -3}, "age must be between 18 and"),
        ({"age": math.nan}, "age must be a number"),
        ({"priors_count": "many"}, "priors_count must be a number"),
        ({"priors_count": 1.5}, "priors_count must be a whole number"),
        ({"race": "Martian"}, "race must be one of: African-American, Asian, Caucasian"),
    ],
)
def test_impossible_people_are_refused_naming_the_field(changes, words):
    with pytest.raises(InputError, match=words):
        row_to_input(person(**changes), load_dataset("compas", seed=0), seed=0)


@pytest.mark.usefixtures("nothing_written")
def test_empty_text_and_input_of_the_wrong_kind_are_refused():
    reviews = load_dataset("reviews", seed=0)
    with pytest.raises(InputError, match="The text is empty"):
        text_to_input(" \n\t<br />", reviews)
    with pytest.raises(InputError, match="This model reads text, not images"):
        image_to_input(drawn(np.eye(8)), reviews.inputs, dataset="reviews")
    with pytest.raises(InputError, match="reads images, not text"):
        text_to_input("seven", load_dataset("digits", seed=0))
    with pytest.raises(InputError, match="not a person's details"):
        row_to_input(person(), reviews, seed=0)


# --- the command line -------------------------------------------------------------------------------------


def cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(["predict", *args])
        code = 0
    except SystemExit as done:
        code = done.code
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_predicts_an_image_a_text_and_a_person(capsys, tmp_path, digits_cnn, reviews_mlp, compas_logreg):
    image = tmp_path / "seven.png"
    image.write_bytes(drawn(digits_cnn.data.test.x[0, 0].numpy()))
    code, out, _ = cli(capsys, "--run", digits_cnn.run_id, "--image", str(image))
    assert code == 0 and out.startswith(f"run {digits_cnn.run_id}: cnn on digits predicts ")
    rows = out.splitlines()[1:11]  # each class's probability, then notices (this digit touches the edge)
    assert [row.split()[0] for row in rows] == list(digits_cnn.data.card.classes)

    code, out, _ = cli(capsys, "--run", reviews_mlp.run_id, "--text", "Delicious, I buy it every week!", "--json")
    answer = json.loads(out)
    assert code == 0 and answer["predicted"] in reviews_mlp.data.card.classes
    assert math.fsum(answer["probabilities"].values()) == pytest.approx(1.0)

    code, out, _ = cli(capsys, "--run", compas_logreg.run_id, "--row", json.dumps(person()), "--json")
    assert code == 0 and json.loads(out)["notices"] == []


def test_cli_refuses_in_one_line(capsys, tmp_path, digits_cnn, compas_logreg):
    fake = tmp_path / "fake.png"
    fake.write_text("not a picture")
    for args, words in [
        (["--run", "nope", "--text", "hello"], "there is no run 'nope'"),
        (["--run", digits_cnn.run_id, "--image", str(fake)], "not an image"),
        (["--run", digits_cnn.run_id, "--image", str(tmp_path / "missing.png")], "cannot read"),
        (["--run", digits_cnn.run_id, "--text", "a seven"], "reads images, not text"),
        (["--run", compas_logreg.run_id, "--row", '{"age": -3}'], "missing: sex"),
        (["--run", compas_logreg.run_id, "--row", "[1, 2]"], "must be a JSON object"),
        (["--run", compas_logreg.run_id], "one of the arguments --image --text --row is required"),
    ]:
        code, out, err = cli(capsys, *args)
        assert code == 2 and out == "", args
        assert words in err and len(err.strip().splitlines()) == 1, err


def test_cli_explains_an_image_and_a_person_with_captum(capsys, tmp_path, digits_cnn, compas_logreg):
    image = tmp_path / "digit.png"
    image.write_bytes(drawn(digits_cnn.data.test.x[0, 0].numpy()))
    code, out, _ = cli(capsys, "--run", digits_cnn.run_id, "--image", str(image), "--explain", "--json")
    explanation = json.loads(out)["explanation"]
    assert code == 0 and np.asarray(explanation["values"]).shape == (8, 8)  # one share per pixel
    assert abs(explanation["convergence_delta"]) < 0.05 and "Integrated Gradients" in explanation["method"]

    code, out, _ = cli(capsys, "--run", compas_logreg.run_id, "--row", json.dumps(person()), "--explain")
    assert code == 0 and "  strongest    " in out and "  caveat       " in out
    strongest = out.split("  strongest    ")[1].splitlines()[0]
    assert len(strongest.split(", ")) == 5  # the five columns that moved the answer most, with their shares


def test_cli_explains_a_review_for_the_pretrained_minilm_word_piece_by_word_piece(capsys, store):
    minilm = _stored(store, RunSpec("reviews", "minilm", epochs=1))  # the encoder's vectors are cached on disk
    code, out, _ = cli(capsys, "--run", minilm.run_id, "--text", "Stale and bitter.", "--explain", "--json")
    answer = json.loads(out)
    explanation = answer["explanation"]
    assert code == 0 and explanation["labels"] == ["[CLS]", "stale", "and", "bitter", ".", "[SEP]"]
    assert "pretrained MiniLM encoder" in explanation["method"] and abs(explanation["convergence_delta"]) < 0.01
