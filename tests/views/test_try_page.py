"""The Try a model page with AppTest: a review, a person with counterfactuals, bad input; stored runs only."""

import pytest
from page_harness import open_page

from lab.config import load_settings
from lab.pipeline import run
from lab.spec import RunSpec
from lab.store import RunStore


@pytest.fixture(scope="module")
def stored() -> dict[str, str]:
    """A review model and a person model in the store the page reads (tests/conftest.py: a throw-away one)."""
    store = RunStore(load_settings().store_url)
    ids = {}
    for name, spec in {"reviews": RunSpec("reviews", "mlp", epochs=1), "compas": RunSpec("compas", "logreg")}.items():
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
    assert any("energy for 1 000 such answers" in c.value for c in at.caption)


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
