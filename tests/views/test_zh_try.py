"""The Try a model page in Chinese: a person, a drawing and a review answered and explained with no English left
but the review's own words (shown as code), and the run and the picture's tab kept in the address."""

import io

import pytest
from language_harness import assert_all_chinese, literal_texts, open_page_in, store_sample_runs
from page_harness import ROOT, open_page
from PIL import Image
from streamlit.testing.v1 import AppTest

from lab.config import load_settings
from lab.data import load_dataset
from lab.pipeline import run
from lab.spec import RunSpec
from lab.store import RunStore
from ui import i18n

SOURCES = [ROOT / "views" / "try_model.py", ROOT / "ui" / "try_model.py"]


@pytest.fixture(scope="module")
def runs() -> dict[str, str]:
    """The shared sample runs (a digit model and COMPAS), and a review model trained for one epoch."""
    digits, compas = store_sample_runs()
    result, weights = run(RunSpec("reviews", "mlp", epochs=1, seed=11))
    RunStore(load_settings().store_url).save(result, weights=weights)
    return {"digits": digits, "compas": compas, "reviews": result.run_id}


def _texts(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.subheader, *at.markdown, *at.caption, *at.info, *at.error])


def _digit_png() -> bytes:
    pixels = load_dataset("digits", seed=0).test.x[0, 0].numpy()  # (8, 8), light ink on black in [0, 1]
    out = io.BytesIO()
    Image.fromarray((pixels * 255).astype("uint8")).resize((160, 160)).save(out, "PNG")
    return out.getvalue()


def test_every_text_the_page_writes_itself_has_its_chinese():
    keys = literal_texts(*SOURCES)
    assert len(keys) > 20  # the parser found the page's texts
    assert sorted(keys - set(i18n.table("zh"))) == []


def test_a_person_is_answered_explained_and_put_in_another_group_in_chinese(runs, chinese):
    at = open_page_in("try_model")
    at.selectbox(key="try_run").set_value(runs["compas"]).run()
    assert_all_chinese(at)
    race = at.selectbox(key="try_field_race")
    assert "非裔美国人" in race.options and race.value == "African-American"  # shown in Chinese, kept in English
    at.number_input(key="try_field_age").set_value(25)
    at.button[0].click().run()  # the form's "问问模型"
    assert_all_chinese(at)
    text = _texts(at)
    assert any(s.value.startswith("模型的回答：") for s in at.subheader)
    assert "对数几率" in text  # the logistic regression's explanation, from lab.explain's sentence
    assert "作为非裔美国人：" in text and "作为西班牙裔：" in text  # the counterfactual, the groups named in Chinese
    assert "只改变种族" in text and "只改变性别" in text
    assert "个人中，只改变种族就让" in text  # the flip rate over the test set


def test_a_drawn_digit_and_a_bad_picture_are_answered_in_chinese(runs, chinese):
    at = open_page_in("try_model")
    at.selectbox(key="try_run").set_value(runs["digits"]).run()
    at.file_uploader(key="try_upload").set_value(("seven.png", _digit_png(), "image/png")).run()
    assert_all_chinese(at)
    assert any(s.value.startswith("模型的回答：") for s in at.subheader)
    assert any("红色方格把回答推向" in c.value for c in at.caption)  # the attribution chart's summary
    assert any("个方格，其中" in c.value for c in at.caption)  # the scaled picture's summary
    at.file_uploader(key="try_upload").set_value(("note.png", b"Dear diary, today I drew a seven.", "image/png")).run()
    assert_all_chinese(at)
    assert at.info[0].value == "这个文件不是可以读取的图片（PNG、JPEG、GIF、BMP、WEBP）。"


def test_a_review_is_answered_with_its_own_words_quoted_as_code(runs, chinese):
    at = open_page_in("try_model")
    at.selectbox(key="try_run").set_value(runs["reviews"]).run()
    at.text_area(key="try_text").set_value("   ")
    at.button(key="try_ask_text").click().run()
    assert at.error[0].value == "文字是空的：请先输入或粘贴一条评论。"
    at.text_area(key="try_text").set_value("Delicious coffee, I buy it every week!")
    at.button(key="try_ask_text").click().run()
    assert_all_chinese(at)
    words = next(c.value for c in at.caption if c.value.startswith("把回答最用力地推向"))
    assert "`" in words  # the review's word, as the model read it, in code
    assert any(m.value.startswith("每个词的数值表示") for m in at.markdown)


def test_the_run_and_the_pictures_tab_come_from_the_address_and_go_back_into_it(runs):
    at = open_page("try_model", {"try_run": runs["digits"], "try_input": "upload"})
    assert not at.exception
    assert at.selectbox(key="try_run").value == runs["digits"]
    assert at.session_state["try_input"] == "Upload a picture"  # the upload tab open
    at.session_state["try_input"] = "Draw a digit"
    at.run()
    assert "try_input" not in at.query_params  # the first tab is the default: a plain link stays plain
    at.selectbox(key="try_run").set_value(runs["compas"]).run()
    assert at.query_params["try_run"] == runs["compas"]


def test_a_mangled_address_opens_the_newest_run_on_its_first_tab(runs):
    at = open_page("try_model", {"try_run": "no-such-run", "try_input": "sideways"})
    assert not at.exception
    newest = RunStore(load_settings().store_url).recent(1)[0].run_id
    assert at.selectbox(key="try_run").value == newest
    assert at.query_params["try_run"] == newest  # written even for the newest: the link keeps its run
