"""The Language model page in Chinese: the page, a short generation and the bias probe with no English left but what
the model reads and writes (shown as code); the sampling settings and the probe's words kept in the address; the
sampling knobs folded under "Details" while presenting."""

import json

from language_harness import assert_all_chinese, literal_texts, open_page_in
from page_harness import ROOT, open_page

from lab.bias_probe import load_probes
from ui import i18n
from ui.language_model import GENERATION
from ui.language_probes import BIAS_RESULT

SOURCES = [ROOT / "views" / "language_model.py", ROOT / "ui" / "language_model.py", ROOT / "ui" / "language_probes.py"]


def test_every_text_the_page_writes_itself_and_every_probe_text_it_shows_has_its_chinese():
    keys = literal_texts(*SOURCES)
    assert len(keys) > 40  # the parser found the page's texts
    probes = load_probes()
    for template in probes.templates.values():
        keys |= {template.text, template.reading, *template.groups}
    for question in probes.questions:
        keys |= {question.question, question.note}
    keys.add(probes.reference.source)
    assert sorted(keys - set(i18n.table("zh"))) == []


def test_the_page_opens_in_chinese_beside_gpt3():
    at = open_page_in("language_model")
    assert_all_chinese(at)
    labels = {metric.label: metric.value for metric in at.metric}
    assert "SmolLM2-135M-Instruct：参数" in labels and "GPT-3：参数" in labels
    caption = next(c.value for c in at.caption if c.value.startswith("参数是模型"))
    assert "大约是这个模型的 1,301 倍" in caption  # 175 000 000 000 / 134 515 008 parameters = 1 300.97
    assert "Brown 等人" in caption and "（2020）" in caption


def test_a_short_generation_is_shown_as_the_models_own_english_in_a_code_block(chinese):
    at = open_page_in("language_model")
    at.text_area(key="language_prompt").set_value("What is the capital of France?")
    at.number_input(key="language_max_tokens").set_value(3)
    at.slider(key="language_temperature").set_value(0.0)
    at.button(key="language_generate").click().run()
    assert_all_chinese(at)
    assert any(m.value.startswith("```text\nThe capital of") for m in at.markdown)
    labels = {metric.label: metric.value for metric in at.metric}
    assert labels["写作速度"].endswith(" 词元/秒")
    at.slider(key="language_step").set_value(2).run()
    assert_all_chinese(at)
    assert any(c.value.startswith("在 `The` 之后，模型选了 ` capital`") for c in at.caption)
    assert any(c.value.startswith("最可能的下一个词元是 ` capital`") for c in at.caption)  # the chart's summary


def test_bad_settings_are_refused_in_chinese_and_change_nothing(chinese):
    at = open_page_in("language_model")
    at.text_area(key="language_prompt").set_value("   ")
    at.button(key="language_generate").click().run()
    assert at.error[0].value == "提示词是空的：输入几个词，让模型续写或回答。" and GENERATION not in at.session_state
    at.text_area(key="language_prompt").set_value("Hello")
    at.number_input(key="language_max_tokens").set_value(500)
    at.button(key="language_generate").click().run()
    assert at.error[0].value == "新词元数必须在 1 到 200 之间。" and GENERATION not in at.session_state
    assert_all_chinese(at)


def test_the_bias_probe_counts_pronouns_under_chinese_labels(chinese):
    at = open_page_in("language_model")
    words = at.multiselect(key="language_bias_groups_late_to_work")
    assert words.options[:2] == ["护士", "机械师"] and words.value == ["nurse", "mechanic"]
    at.multiselect(key="language_bias_groups_late_to_work").set_value([])
    at.button(key="language_bias_run").click().run()
    assert at.error[0].value == "请至少选择一个要比较的词。" and BIAS_RESULT not in at.session_state
    at.multiselect(key="language_bias_groups_late_to_work").set_value(["nurse", "mechanic"])
    at.number_input(key="language_bias_samples").set_value(2)
    at.button(key="language_bias_run").click().run(timeout=300)
    assert_all_chinese(at)
    result = at.session_state[BIAS_RESULT]
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in figure["data"]] == ["“他”", "“她”", "“他们”", "都不是"]
    assert figure["data"][0]["x"] == ["护士", "机械师"]
    assert figure["data"][1]["y"] == [g.counts["she"] for g in result.groups]
    assert any(m.value == "`The nurse was late to work because` …" for m in at.markdown)  # the prompt, as data


def test_the_sampling_settings_and_the_probes_words_come_from_the_address_and_go_back_into_it():
    at = open_page(
        "language_model",
        {
            "language_max_tokens": "20",
            "language_temperature": "0.3",
            "language_bias_template": "finished_shift",
            "language_bias_groups_finished_shift": "nanny,plumber,astronaut",
        },
    )
    assert not at.exception
    assert at.number_input(key="language_max_tokens").value == 20
    assert at.slider(key="language_temperature").value == 0.3
    assert at.slider(key="language_top_p").value == 0.9  # not in the address: its default
    assert at.selectbox(key="language_bias_template").value == "finished_shift"
    assert at.multiselect(key="language_bias_groups_finished_shift").value == ["nanny", "plumber"]  # known words only
    at.slider(key="language_top_p").set_value(0.5).run()
    assert at.query_params["language_top_p"] == "0.5"
    at.slider(key="language_temperature").set_value(0.7).run()
    assert "language_temperature" not in at.query_params  # back to the default: a plain link stays plain


def test_a_mangled_address_opens_the_page_with_its_defaults():
    at = open_page(
        "language_model", {"language_temperature": "9", "language_max_tokens": "many", "language_bias_template": "nope"}
    )
    assert not at.exception
    assert at.slider(key="language_temperature").value == 0.7
    assert at.number_input(key="language_max_tokens").value == 60
    assert at.selectbox(key="language_bias_template").value == "late_to_work"


def test_the_sampling_knobs_fold_under_details_while_presenting_and_the_main_choices_stay_out():
    at = open_page("language_model", {"present": "1"})
    details = [e for e in at.expander if e.label == "Details"]  # one in the writing tab, one in the probe's
    folded = {widget.key for block in details for kind in ("number_input", "slider") for widget in block.get(kind)}
    assert folded == {"language_max_tokens", "language_temperature", "language_top_p", "language_bias_samples"}
    assert not [kind for block in details for kind in ("text_area", "button", "multiselect") if block.get(kind)]
    at = open_page("language_model", {})
    assert not [e for e in at.expander if e.label == "Details"]  # not presenting: the knobs in the open
    assert at.slider(key="language_temperature").value == 0.7


def test_the_questions_are_shown_in_chinese_and_the_models_answers_as_it_wrote_them(chinese):
    at = open_page_in("language_model")
    at.button(key="language_mistakes_run").click().run(timeout=600)  # answered once per server: cached after
    assert_all_chinese(at)
    table = at.dataframe[0].value
    turkey = table.index[table["问题（用英文提问）"] == "土耳其的首都是哪里？"][0]
    assert table["模型的回答"][turkey].startswith("Istanbul") and table["对吗？"][turkey] == "否"
    assert set(table["对吗？"]) == {"是", "否"}
    at.selectbox(key="language_mistakes_question").set_value(turkey).run()
    assert_all_chinese(at)
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["title"]["text"] == "`The capital of Turkey is` 之后：最可能的下一个词元"
    assert any(c.value.startswith("模型说的是伊斯坦布尔（`Istanbul`）") for c in at.caption)
