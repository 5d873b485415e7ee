"""FAQ & glossary in Chinese: the answers and their sources, the glossary and its search, the search in the link."""

import pytest
from language_harness import assert_all_chinese, open_page_in
from page_harness import ROOT
from streamlit.testing.v1 import AppTest

from ui import i18n
from ui.faq import Citation, faq_content, sources_line

NAMES = {"ROC AUC", "Transformer"}  # terms that are names in both languages


def terms_shown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**")]


def test_every_text_of_the_faq_has_its_chinese():
    content = faq_content()
    texts = [text for q in content.questions for text in (q.question, q.answer, *(c.source for c in q.sources))]
    texts += [text for g in content.glossary for text in (g.term, g.definition, *(c.source for c in g.sources))]
    table = i18n.table("zh")
    assert [text for text in texts if text not in table] == []
    assert [text for text in texts if table[text] == text] == sorted(NAMES)


def test_the_page_opens_in_chinese_with_the_answers_and_their_sources():
    at = open_page_in("faq")
    assert_all_chinese(at)
    assert at.title[0].value == "常见问题与术语表"
    table = i18n.table("zh")
    assert [e.label for e in at.expander] == [table[q.question] for q in faq_content().questions]
    cost = next(e for e in at.expander if e.label == "训练一个这样的模型要花多少？")
    assert "1 287 MWh" in cost.markdown[0].value and "552 吨 CO2e" in cost.markdown[0].value
    assert "6 × 1750 亿 × 3000 亿 ≈ 3.15 × 10²³" in cost.markdown[0].value  # 175 billion = 1750 亿
    assert cost.caption[0].value.startswith("来源：T. Brown 等（OpenAI），《语言模型是少样本学习者》，NeurIPS，2020；")
    assert "D. Patterson 等" in cost.caption[0].value and "2021" in cost.caption[0].value
    assert len(terms_shown(at)) == len(faq_content().glossary)
    assert "**训练轮数**：训练时把所有训练样本完整过一遍，叫作一轮；训练轮数就是一共过几遍。" in terms_shown(at)


def test_a_source_line_in_chinese_uses_chinese_punctuation(monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    brown = Citation('T. Brown et al. (OpenAI), "Language Models are Few-Shot Learners", NeurIPS', 2020)
    vaswani = Citation('A. Vaswani et al., "Attention Is All You Need", NeurIPS', 2017)
    assert sources_line((vaswani,)) == "来源：A. Vaswani 等，《注意力就是你所需要的一切》，NeurIPS，2017。"
    assert sources_line((brown, vaswani)) == (
        "来源：T. Brown 等（OpenAI），《语言模型是少样本学习者》，NeurIPS，2020；"
        "A. Vaswani 等，《注意力就是你所需要的一切》，NeurIPS，2017。"
    )


def test_the_search_looks_in_the_chinese_words_and_still_finds_an_english_name():
    at = open_page_in("faq")
    table = i18n.table("zh")
    expected = [g for g in faq_content().glossary if "隐私" in table[g.term] + table[g.definition]]  # the oracle
    at.text_input(key="faq_search").input("隐私").run()
    assert [line.split("**")[1] for line in terms_shown(at)] == [table[g.term] for g in expected]
    assert len(expected) >= 3  # differential privacy, epsilon (its budget), ROC AUC (the Privacy page)
    total = len(faq_content().glossary)
    assert f"{total} 个术语中有 {len(expected)} 个与“隐私”相符。" in [c.value for c in at.caption]

    at.text_input(key="faq_search").input("epoch").run()  # in no Chinese text: found by the term's English name
    assert [line.split("**")[1] for line in terms_shown(at)] == ["训练轮数"]

    at.text_input(key="faq_search").input("区块链").run()
    assert not terms_shown(at)
    assert at.info[0].value == "没有哪个术语或解释包含“区块链”。试试短一点的词，或者清空搜索。"
    assert not i18n.missing and not at.exception


# "differential" is in the name of Differential privacy and in Epsilon's English definition; in Chinese only the name
@pytest.mark.parametrize(("lang", "found"), [("zh", ["差分隐私"]), ("en", ["Differential privacy", "Epsilon (ε)"])])
def test_a_link_with_a_search_opens_the_glossary_searched_and_the_search_writes_the_link(lang, found):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["faq_search"] = "differential"
    at.run()
    at.switch_page("views/faq.py").run()
    assert at.text_input(key="faq_search").value == "differential"
    assert [line.split("**")[1] for line in terms_shown(at)] == found
    at.text_input(key="faq_search").input("token").run()
    assert at.query_params["faq_search"] == "token"
    at.text_input(key="faq_search").input("").run()  # the default: a plain link
    assert "faq_search" not in at.query_params
    assert not at.exception
