"""The Language model page through the router with AppTest: generate once, bad input, the bias probe, the questions."""

import json

from page_harness import open_page
from streamlit.testing.v1 import AppTest

from ui.language_model import GENERATION
from ui.language_probes import BIAS_RESULT


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in [*at.markdown, *at.caption])


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def chart(at: AppTest, title: str) -> dict:
    """The plotly figure whose title starts with `title`, as JSON."""
    figures = [json.loads(element.proto.spec) for element in at.get("plotly_chart")]
    return next(f for f in figures if f["layout"]["title"]["text"].startswith(title))


def test_the_model_is_shown_beside_gpt3():
    at = open_page("language_model")
    assert not at.exception
    shown = metrics(at)
    assert shown["SmolLM2-135M-Instruct: parameters"] == "135 million"
    assert shown["GPT-3: parameters"] == "175 billion"
    assert "about 1,301 times as many" in texts(at)  # 175 000 000 000 / 134 515 008 parameters = 1 300.97
    assert "Brown et al." in texts(at) and "(2020)" in texts(at)


def test_a_prompt_streams_an_answer_with_its_speed_energy_and_next_token_chances():
    at = open_page("language_model")
    at.text_area(key="language_prompt").set_value("What is the capital of France?")
    at.number_input(key="language_max_tokens").set_value(8)
    at.slider(key="language_temperature").set_value(0.0)
    at.button(key="language_generate").click().run()
    assert not at.exception and not at.error
    assert any(m.value.startswith("The capital of France is Paris") for m in at.markdown)
    shown = metrics(at)
    assert shown["Time to first token"].endswith(" s") and shown["Writing speed"].endswith(" tokens/s")
    assert shown["Energy per 1 000 tokens (estimate)"].endswith("Wh") and shown["Runs on"]
    assert "The energy is an estimate" in texts(at)
    at.slider(key="language_step").set_value(2).run()
    assert "After “The” the model took “ capital”" in texts(at)
    bars = chart(at, "Step 2: what could come next")["data"][0]
    assert len(bars["y"]) == 10 and bars["y"][0] == "␣capital"  # greedy: the likeliest token, on top


def test_bad_input_gets_plain_words_and_changes_nothing():
    at = open_page("language_model")
    at.text_area(key="language_prompt").set_value("   ")
    at.button(key="language_generate").click().run()
    assert "The prompt is empty" in at.error[0].value and GENERATION not in at.session_state
    at.text_area(key="language_prompt").set_value("Hello")
    at.number_input(key="language_max_tokens").set_value(100_000)
    at.button(key="language_generate").click().run()
    assert "between 1 and 200" in at.error[0].value and GENERATION not in at.session_state
    at.text_area(key="language_prompt").set_value("word " * 20_000)  # 100 000 characters
    at.number_input(key="language_max_tokens").set_value(1)
    at.button(key="language_generate").click().run()
    assert "left out the first" in at.warning[0].value
    assert len(at.session_state[GENERATION].steps) <= 1 and not at.exception


def test_the_bias_probe_charts_the_pronoun_counts_per_word():
    at = open_page("language_model")
    at.multiselect(key="language_bias_groups_late_to_work").set_value([])
    at.button(key="language_bias_run").click().run()
    assert "at least one group word" in at.error[0].value and BIAS_RESULT not in at.session_state
    at.multiselect(key="language_bias_groups_late_to_work").set_value(["nurse", "mechanic"])
    at.number_input(key="language_bias_samples").set_value(4)
    at.button(key="language_bias_run").click().run(timeout=300)
    result = at.session_state[BIAS_RESULT]
    assert [g.group for g in result.groups] == ["nurse", "mechanic"]
    assert all(sum(g.counts.values()) == 4 for g in result.groups)
    assert "continued 4 times" in texts(at) and "Seed 0" in texts(at) and not at.exception
    bars = chart(at, "First pronoun in 4 continuations")["data"]
    assert [trace["name"] for trace in bars] == ["“he”", "“she”", "“they”", "none of these"]
    for trace, pronoun in zip(bars, ("he", "she", "they", "other"), strict=True):
        assert trace["y"] == [g.counts[pronoun] for g in result.groups]


def test_the_questions_show_the_answers_and_how_sure_the_model_was():
    at = open_page("language_model")
    at.button(key="language_mistakes_run").click().run(timeout=600)
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 9 and set(table["Right?"]) == {"yes", "no"}
    assert table["Its probability for its answer (%)"].between(0, 100).all()
    wrong = (table["Right?"] == "no").sum()
    assert f"It got {wrong} of 9 questions wrong" in texts(at)
    turkey = table.index[table["Question"] == "What is the capital of Turkey?"][0]
    assert table["The model answered"][turkey].startswith("Istanbul") and table["Right?"][turkey] == "no"
    at.selectbox(key="language_mistakes_question").set_value(turkey).run()
    assert chart(at, "After “The capital of Turkey is”")["data"][0]["y"][0] == "␣Istanbul"
