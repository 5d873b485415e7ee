"""The FAQ & glossary page through the router with AppTest: the answers, their sources, the glossary search."""

from page_harness import open_page

from ui.faq import faq_content, matching_terms

# Terms the app's pages use, which the glossary must explain.
REQUIRED_TERMS = [
    "Accuracy", "Parameter", "FLOP", "Epoch", "Learning rate", "Overfitting", "Demographic parity", "Equalized odds",
    "Four-fifths rule", "Membership inference", "Differential privacy", "Epsilon (ε)", "CNN", "LSTM", "Transformer",
    "Attention", "Token", "Embedding", "Integrated Gradients", "Counterfactual", "CO2e", "kWh", "PUE",
]  # fmt: skip
# A word from each question the FAQ must answer.
REQUIRED_QUESTIONS = [
    "large language model", "How big", "cost to train", "bias come from", "differential privacy",
    "membership inference", "parameter", "token", "confidently wrong", "explain itself",
]  # fmt: skip


def answer(words: str) -> str:
    return next(q.answer for q in faq_content().questions if words in q.question)


def test_every_question_is_an_expander_with_its_sources():
    at = open_page("faq")
    assert not at.exception
    assert at.title[0].value == "FAQ & glossary"
    questions = [q.question for q in faq_content().questions]
    assert [e.label for e in at.expander] == questions
    for words in REQUIRED_QUESTIONS:
        assert any(words.lower() in q.lower() for q in questions), words
    cost = next(e for e in at.expander if e.label == "What does it cost to train one?")
    assert "Patterson et al." in cost.caption[0].value and "2021" in cost.caption[0].value


def test_gpt3_figures_are_right_and_agree_with_each_other():
    size, cost = answer("How big"), answer("cost to train")
    assert "GPT-3, described in 2020, has 175 billion parameters" in size
    assert "about 300 billion tokens with about 3.14 × 10²³ calculations" in cost
    # The usual estimate of training FLOPs, 6 x parameters x tokens (Kaplan et al. 2020), gives the paper's figure.
    assert abs(6 * 175e9 * 300e9 / 3.14e23 - 1) < 0.01
    assert "1 287 MWh" in cost and "552 tonnes of CO2e" in cost and "4.6 million US dollars" in cost


def test_the_glossary_explains_the_app_words_and_the_search_filters_it():
    at = open_page("faq")
    terms = [t.term for t in faq_content().glossary]
    assert len(terms) >= 20 and terms == sorted(terms, key=str.lower)
    for term in REQUIRED_TERMS:
        assert any(t.startswith(term) for t in terms), term
    shown = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(shown) == len(terms)

    at.text_input(key="faq_search").input("PRIVACY").run()
    shown = [m.value for m in at.markdown if m.value.startswith("**")]
    assert 0 < len(shown) < len(terms)
    assert all("privacy" in line.lower() for line in shown)
    assert any(line.startswith("**Differential privacy**") for line in shown)
    assert f"{len(shown)} of the {len(terms)} terms contain “PRIVACY”." in [c.value for c in at.caption]

    at.text_input(key="faq_search").input("blockchain").run()
    assert not [m.value for m in at.markdown if m.value.startswith("**")]
    assert at.info[0].value.startswith("No term or definition contains “blockchain”.")
    assert not at.exception


def test_matching_ignores_case_and_spaces_and_an_empty_search_keeps_everything():
    glossary = faq_content().glossary
    assert matching_terms(glossary, "") == list(glossary)
    assert [t.term for t in matching_terms(glossary, "  lstm ")] == ["LSTM (long short-term memory)"]
