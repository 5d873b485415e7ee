"""Both languages: the string tables are whole and consistent, and pages render in Chinese with no English left.

Each page's own Chinese test (tests/views/test_zh_*.py) drives that page further; here every page is opened once,
after two real runs are stored, as a class would find it.
"""

import re
import tomllib

import pytest
from language_harness import assert_all_chinese, latin_words, literal_texts, open_page_in, store_sample_runs
from page_harness import ROOT

from ui import i18n
from ui.i18n import PLACEHOLDER

PAGES = sorted((ROOT / "views").glob("*.py"))


def test_every_text_the_code_passes_to_t_has_its_chinese():
    sources = [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
    texts = literal_texts(*sources)
    assert len(texts) > 500  # the scan found the app's texts
    assert sorted(texts - set(i18n.table("zh"))) == []


def test_every_translation_keeps_the_placeholders_of_its_english():
    for english, chinese in i18n.table("zh").items():
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(chinese)), english


def test_no_english_text_is_translated_twice_in_different_ways():
    seen: dict[str, tuple[str, str]] = {}
    for path in sorted((i18n.TABLES / "zh").glob("*.toml")):
        with open(path, "rb") as file:
            for entry in tomllib.load(file).get("s", []):
                earlier = seen.setdefault(entry["en"], (entry["zh"], path.name))
                assert earlier[0] == entry["zh"], f"{entry['en']!r}: {path.name} and {earlier[1]} differ"


def test_every_page_text_has_its_chinese_file():
    english = {path.name for path in (ROOT / "assets" / "pages").glob("*.md")}
    chinese = {path.name for path in (ROOT / "assets" / "pages" / "zh").glob("*.md")}
    assert english == chinese


def test_the_word_check_finds_english_and_lets_names_units_and_formulas_pass():
    assert latin_words("Train a model", frozenset()) == ["Train", "model"]
    assert latin_words("训练一个 CNN，用时 3 ms，$\\mathrm{softmax}(x)$，`python -m lab`") == []


def test_messages_from_the_lab_are_translated_with_their_figures(monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    message = "A nickname can be at most 40 characters long; this one has 45."
    assert i18n.t_message(message) == "昵称最多 40 个字符；这个有 45 个。"
    assert i18n.t("Until you fix it, your runs go on the board as {name}.", name="X") == (
        "在你改好之前，你的运行会以 X 的名字显示在看板上。"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda path: path.stem)
def test_every_page_renders_in_chinese_with_no_english_left(page):
    store_sample_runs()
    at = open_page_in(page.stem)
    assert at.query_params["lang"] == "zh"
    assert_all_chinese(at)
    assert re.search(r"[\u4e00-\u9fff]", at.title[0].value)


def test_english_is_the_default_and_the_sidebar_switch_writes_the_language_into_the_address():
    at = open_page_in("home", lang="en")
    assert at.title[0].value == "AI Impact Lab"
    assert "lang" not in at.query_params
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "AI 影响力实验室"
    assert at.query_params["lang"] == "zh"  # a link copied now opens in Chinese
