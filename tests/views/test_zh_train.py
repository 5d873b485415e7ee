"""Train & Compare in Chinese: the form and every data card, a run from the button to its scorecard, the lab's
messages, the settings in the address, and the finer settings folded away in presenter mode."""

import re

import pytest
from language_harness import assert_all_chinese, english_left, latin_words, open_page_in
from page_harness import ROOT, run_until
from streamlit.testing.v1 import AppTest

from lab.data import DATASETS
from lab.jobs import JobStatus
from lab.spec import RunSpec, SpecError
from ui import i18n
from ui.progress import stage_text
from ui.services import run_store

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def expanders_holding(at: AppTest, key: str) -> list[str]:
    """The labels of the expanders that hold the number input `key`."""
    return [expander.label for expander in at.expander if any(w.key == key for w in expander.number_input)]


def test_the_form_and_every_data_card_are_in_chinese():
    at = open_page_in("train")
    assert at.title[0].value == "训练与比较"
    assert at.button(key="train_start").label == "训练"
    assert at.selectbox(key="train_dataset").value == "digits"  # the value stays English: it is a key
    assert at.selectbox(key="train_dataset").options[0] == "手写数字（8x8）"
    assert at.multiselect(key="train_archs_image").value == ["cnn"]
    assert_all_chinese(at)
    for dataset in DATASETS:
        at.selectbox(key="train_dataset").set_value(dataset).run()
        assert f"关于这个数据集：{i18n.table('zh')[DATASETS[dataset].title]}" in [e.label for e in at.expander]
        assert any(markdown.value.startswith("- **规模**：") for markdown in at.markdown)
        assert_all_chinese(at)


def test_a_scikit_learn_model_and_the_privacy_switch_explain_themselves_in_chinese():
    at = open_page_in("train")
    at.selectbox(key="train_dataset").set_value("adult").run()
    at.multiselect(key="train_archs_table").set_value(["mlp", "logreg", "boosting"])
    at.toggle(key="train_dp").set_value(True).run()
    fitted = (
        "LogReg和Boosting：由 scikit-learn 一次拟合完成，"
        "所以训练轮数、学习率、批次大小、优化器和提前停止对它们都不适用。"
    )
    assert fitted in [caption.value for caption in at.caption]
    assert at.number_input(key="train_dp_epsilon").label.startswith("隐私预算 ε")
    assert_all_chinese(at)


def test_a_learning_rate_of_zero_is_refused_in_chinese_and_starts_nothing():
    at = open_page_in("train")
    at.number_input(key="train_lr").set_value(0.0)
    at.button(key="train_start").click().run()
    # LIMITS["lr"] is 1e-7 to 1e7, written by the lab with :g
    assert at.error[0].value == "学习率必须在 `1e-07` 到 `1e+07` 之间，而不是 `0`。"
    assert at.session_state["train_jobs"] == []
    assert_all_chinese(at)


def test_training_from_the_button_to_the_scorecard_leaves_no_english():
    at = open_page_in("train")
    at.multiselect(key="train_archs_image").set_value(["mlp"])
    at.number_input(key="train_epochs").set_value(1)
    at.button(key="train_start").click().run()
    for bar in at.get("progress"):  # still training (a run already stored is answered at once, with no bar)
        assert "：" in bar.text and not latin_words(bar.text), bar.text
    run_until(at, lambda at: not at.session_state["train_jobs"] and at.session_state["train_results"])
    result = run_store().get(at.session_state["train_results"][0])
    epoch = result.history[0]
    summary = f"训练一轮后，训练损失为 {epoch.train_loss:.3f}，验证准确率为 {epoch.val_accuracy:.1%}。"
    assert summary in [caption.value for caption in at.caption]
    assert "它是怎样一轮一轮学习的" in [expander.label for expander in at.expander]
    assert at.button(key="train_clear").label == "清空我的比较"
    assert_all_chinese(at)

    at.button(key="train_start").click().run()  # the same settings again: answered from the store
    reused = "：同样的设置之前已经训练过，所以直接用了保存的结果。"
    run_until(at, lambda at: any(info.value.endswith(reused) for info in at.info))
    assert not english_left(at), english_left(at)


def test_the_stages_of_a_run_read_in_chinese(chinese):
    spec = RunSpec("digits", "mlp")
    assert stage_text(JobStatus("a", spec, "queued", queue_position=2)).endswith("：排队中，排在第 2 位")
    training = JobStatus("a", spec, "running", stage="training", epoch=3, epochs=10)
    assert stage_text(training).endswith("：正在训练，第 3 轮，共 10 轮")
    fitting = JobStatus("a", RunSpec("adult", "logreg"), "running", stage="fitting the model in one go")
    assert stage_text(fitting).endswith("：正在一次性拟合模型")
    encoding = "reading the texts with the pretrained encoder, once for all runs (45%)"
    assert i18n.t_message(encoding) == "正在用预训练编码器读取文本，所有运行只需读一次（45%）"


def test_every_stage_the_lab_reports_has_its_chinese(chinese):
    sources = {name: (ROOT / "lab" / name).read_text() for name in ("pipeline.py", "training.py", "jobs.py")}
    stages = set(re.findall(r'Progress\("([^"]+)"', sources["pipeline.py"] + sources["training.py"]))
    stages |= set(re.findall(r'stage="([^"]+)"', sources["jobs.py"]))
    stages |= set(re.findall(r'"(?:done|failed|cancelled)": "([^"]+)"', sources["jobs.py"]))
    assert {"preparing the data", "training", "answered from an earlier identical run", "cancelled"} <= stages
    for stage in stages:
        assert CHINESE.search(i18n.t_message(stage)), stage


@pytest.mark.parametrize(
    ("spec", "chinese_message"),
    [
        (RunSpec(epochs=0), "训练轮数必须在 1 到 200 之间，而不是 0。"),
        (RunSpec(batch_size=5000), "批次大小必须在 1 到 4096 之间，而不是 5000。"),
        (RunSpec(epochs=2.5), "训练轮数必须是整数，而不是 2.5。"),
        (RunSpec(dp_epsilon=0.0), "隐私预算 ε 必须大于 0，而不是 0：等于 0 时什么也学不到。"),
        (RunSpec(dp_epsilon=500.0), "ε = 500 根本不提供任何隐私保护。请最多选 100；通常的范围是 1 到 10。"),
    ],
)
def test_the_spec_s_own_messages_come_out_in_chinese(chinese, spec, chinese_message):
    with pytest.raises(SpecError) as refused:
        spec.validate()
    assert i18n.t_message(str(refused.value)) == chinese_message


def test_the_address_opens_the_form_with_its_dataset_models_and_epochs():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(train_dataset="adult", train_archs_table="logreg,boosting", train_epochs="2")
    at.run().switch_page("views/train.py").run()
    assert at.selectbox(key="train_dataset").value == "adult"
    assert at.multiselect(key="train_archs_table").value == ["logreg", "boosting"]
    assert at.number_input(key="train_epochs").value == 2
    assert at.number_input(key="train_batch_size").value == DATASETS["adult"].suggested_batch_size
    assert not at.exception and not at.warning

    at.selectbox(key="train_dataset").set_value("digits").run()  # the dataset's own suggestion: out of the link
    assert "train_dataset" not in at.query_params and "train_epochs" not in at.query_params
    assert "train_archs_table" not in at.query_params
    at.multiselect(key="train_archs_image").set_value(["mlp", "cnn"]).run()
    at.number_input(key="train_epochs").set_value(4).run()
    assert at.query_params["train_archs_image"] == "mlp,cnn" and at.query_params["train_epochs"] == "4"


def test_a_mangled_address_opens_the_usual_form():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(train_dataset="nonsense", train_archs_image="gpt5", train_epochs="many")
    at.run().switch_page("views/train.py").run()
    assert at.selectbox(key="train_dataset").value == "digits"
    assert at.multiselect(key="train_archs_image").value == ["cnn"]
    assert at.number_input(key="train_epochs").value == DATASETS["digits"].suggested_epochs
    assert not at.exception and not at.error


def test_presenter_mode_folds_the_finer_settings_under_details_and_keeps_the_main_ones_in_the_open():
    at = open_page_in("train")
    assert expanders_holding(at, "train_lr") == []  # not presenting: everything in the open

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(lang="zh", present="1")
    at.run().switch_page("views/train.py").run()
    for key in ("train_lr", "train_batch_size", "train_patience"):
        assert expanders_holding(at, key) == ["详细设置"], key
    assert expanders_holding(at, "train_epochs") == []
    assert not any(button.key == "train_start" for e in at.expander for button in e.button)  # the action stays out
    assert at.button(key="train_start").label == "训练"
    assert not at.exception and not i18n.missing, sorted(i18n.missing)
    # The presenter's large-type CSS (an st.html <style>) is code, not words: the word check does not know it yet.
    assert not [left for left in english_left(at) if "<style>" not in left], english_left(at)
