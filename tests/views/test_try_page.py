"""The Try a model page with AppTest: a review, a person with counterfactuals, bad input; stored runs only."""

import io
from pathlib import Path

import pytest
from page_harness import open_page
from PIL import Image
from sqlalchemy.engine import make_url

from lab import config
from lab.config import load_settings
from lab.pipeline import run
from lab.spec import RunSpec
from lab.store import RunStore


@pytest.fixture(scope="module")
def stored() -> dict[str, str]:
    """A review model and a person model in the store the page reads (tests/conftest.py: a throw-away one)."""
    store = RunStore(load_settings().store_url)
    ids = {}
    specs = {
        "reviews": RunSpec("reviews", "mlp", epochs=1),
        "compas": RunSpec("compas", "logreg"),
        "digits": RunSpec("digits", "cnn", epochs=3),
    }
    for name, spec in specs.items():
        result, weights = run(spec)
        store.save(result, weights=weights)
        ids[name] = result.run_id
    return ids


def test_a_review_gets_an_answer_and_the_words_that_moved_it(stored):
    at = open_page("try_model")
    at.selectbox(key="try_run").set_value(stored["reviews"]).run()
    at.text_area(key="try_text").set_value("Delicious coffee, I buy it every week!")
    at.button(key="try_ask_text").click().run()
    assert not at.exception
    assert any(s.value.startswith("The model says: ") for s in at.subheader)
    assert any("Integrated Gradients" in c.value for c in at.caption)  # the explanation, with its method and caveat
    assert any("1 000 answers, one at a time, use" in c.value for c in at.caption)  # the run's measured energy


def test_empty_text_is_refused_in_plain_words(stored):
    at = open_page("try_model")
    at.selectbox(key="try_run").set_value(stored["reviews"]).run()
    at.text_area(key="try_text").set_value("   ")
    at.button(key="try_ask_text").click().run()
    assert "The text is empty" in at.error[0].value
    assert not any(s.value.startswith("The model says: ") for s in at.subheader) and not at.exception


def test_a_person_gets_an_answer_and_the_same_person_in_another_group(stored):
    at = open_page("try_model")
    at.selectbox(key="try_run").set_value(stored["compas"]).run()
    at.number_input(key="try_field_age").set_value(25)
    at.button[0].click().run()  # the form's "Ask the model"
    assert not at.exception
    assert any(s.value.startswith("The model says: ") for s in at.subheader)
    text = "\n".join(m.value for m in [*at.markdown, *at.caption])
    assert "flipped the decision for" in text  # the flip rate over the test set, per attribute
    assert "race" in text and "sex" in text


def test_a_transformer_shows_where_its_attention_went():
    store = RunStore(load_settings().store_url)
    result, weights = run(RunSpec("reviews", "transformer", epochs=1))
    store.save(result, weights=weights)
    at = open_page("try_model")
    at.selectbox(key="try_run").set_value(result.run_id).run()
    at.text_area(key="try_text").set_value("Not good at all, stale and bitter.")
    at.button(key="try_ask_text").click().run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 3  # the probabilities, the words' shares, and the attention map


def _files() -> dict[str, tuple[int, int]]:
    """Every file of the data folder and the store's folder, with its size and modification time."""
    folders = [config.DATA_DIR, Path(make_url(load_settings().store_url).database).parent]
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for f in folders for p in f.rglob("*") if p.is_file()}


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_an_uploaded_digit_is_answered_and_shown_as_the_model_sees_it_without_touching_the_disk(stored):
    from lab.data import load_dataset

    pixels = load_dataset("digits", seed=0).test.x[0, 0].numpy()  # (8, 8), light ink on black in [0, 1]
    picture = _png(Image.fromarray((pixels * 255).astype("uint8")).resize((160, 160)))
    at = open_page("try_model")
    at.selectbox(key="try_run").set_value(stored["digits"]).run()
    before = _files()
    at.file_uploader(key="try_upload").set_value(("seven.png", picture, "image/png")).run()
    assert not at.exception and not at.error
    assert any(s.value.startswith("The model says: ") for s in at.subheader)
    titles = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert any("What the model sees: 8 x 8 pixels" in spec for spec in titles)  # the scaled input beside its heatmap
    assert _files() == before  # the upload stayed in memory: nothing new or changed in the data or the store


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("digit.png", b"Dear diary, today I drew a seven.", "not an image"),
        ("big.png", bytes(50 * 1024 * 1024), "The file is 50.0 MB"),
    ],
)
def test_a_bad_upload_is_refused_in_plain_words_and_nothing_is_written(stored, name, content, words):
    at = open_page("try_model")
    at.selectbox(key="try_run").set_value(stored["digits"]).run()
    before = _files()
    at.file_uploader(key="try_upload").set_value((name, content, "image/png")).run()
    assert not at.exception
    assert any(words in message.value for message in at.info)
    assert not any(s.value.startswith("The model says: ") for s in at.subheader)
    assert _files() == before


def test_the_pretrained_minilm_answers_and_shares_the_answer_among_word_pieces():
    store = RunStore(load_settings().store_url)
    result, weights = run(RunSpec("reviews", "minilm", epochs=1))  # the encoder's vectors are cached on disk
    store.save(result, weights=weights)
    at = open_page("try_model")
    at.selectbox(key="try_run").set_value(result.run_id).run()
    at.text_area(key="try_text").set_value("Stale, bitter and overpriced.")
    at.button(key="try_ask_text").click().run()
    assert not at.exception
    assert any(s.value.startswith("The model says: ") for s in at.subheader)
    assert any("through the pretrained MiniLM encoder" in c.value for c in at.caption)
    assert any("[CLS]" in m.value for m in at.markdown)  # how to read the word pieces
