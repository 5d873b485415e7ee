"""What many pages share, in Chinese: run labels and titles, the comparison table and chart, and the scorecard.

The labels are checked against strings written out by hand; the Train page is then opened in Chinese with two real
runs added to its comparison from the earlier runs, and every text of their scorecards must be Chinese.
"""

import re
from types import SimpleNamespace

from language_harness import latin_words, open_page_in, shown_texts, store_sample_runs

from lab.result import CostReport, EpochStats, Metrics, RunResult
from lab.spec import RunSpec
from ui import i18n
from ui.compare import column_formats, comparison_summary, comparison_table, finished_when, run_label, spec_title
from ui.services import run_store

CHINESE_COLUMNS = [
    "模型",
    "测试准确率（%）",
    "训练时间（秒）",
    "能耗（Wh）",
    "能耗为",
    "CO2（克，估算）",
    "训练计算量（FLOPs，估算）",
    "参数",
    "每次回答的用时（ms）",
    "成员推断攻击猜对的比例（%；50 = 瞎猜）",
    "差分隐私 ε（空白 = 未使用差分隐私）",
    "设备",
]


def hand_made_run(run_id: str, spec: RunSpec, accuracy: float, seconds: float) -> RunResult:
    """A run with chosen figures, finished on 22 November 2026 at 07:32 UTC."""
    cost = CostReport(1000, 2000, 6_000_000, seconds, 0.1, 500.0, None, 1e-6, "estimated", "test", 4.8e-4, 480.0)
    history = (EpochStats(1, 1.0, 0.5, 1.0, 0.5, seconds),)
    metrics = Metrics(accuracy, 0.1, 270, 1, "completed")
    finished = "2026-11-22T07:32:12+00:00"
    return RunResult(run_id, spec, metrics, cost, history, "cpu", "CPU, 2 cores", finished_at=finished)


def test_run_labels_and_titles_read_in_chinese_word_order(chinese):
    unaware = RunSpec("adult", "logreg", drop_sensitive=True)
    assert spec_title(unaware) == "逻辑回归（scikit-learn），数据集：收入（美国人口普查，Adult），不含性别和种族"
    sized = RunSpec("digits", "mlp", width=64, depth=2, dp_epsilon=2.0)
    assert spec_title(sized) == "多层感知机（MLP），数据集：手写数字（8x8），差分隐私（ε = 2），宽度 64，2 个隐藏层"
    run = hand_made_run("aaaa1111", sized, 0.98, 4.0)
    assert run_label(run) == "MLP · 手写数字 · 宽度 64×2 · ε=2 · aaaa"
    assert run_label(hand_made_run("bbbb2222", unaware, 0.8, 1.0)) == "LogReg · Adult · 不看敏感属性 · bbbb"
    assert finished_when(run) == "2026年11月22日 07:32 UTC"


def test_the_same_labels_stay_as_they_were_in_english():
    sized = RunSpec("digits", "mlp", width=64, depth=2, dp_epsilon=2.0)
    assert spec_title(sized) == (
        "Multilayer perceptron (MLP) on Handwritten digits (8x8), private (ε = 2), width 64, 2 hidden layers"
    )
    assert run_label(hand_made_run("aaaa1111", sized, 0.98, 4.0)) == "MLP · digits · width 64×2 · ε=2 · aaaa"
    unaware = RunSpec("adult", "logreg", drop_sensitive=True)
    assert spec_title(unaware) == (
        "Logistic regression (scikit-learn) on Income (US census, Adult), without sex and race"
    )


def test_the_comparison_table_and_its_summary_in_chinese(chinese):
    runs = [
        hand_made_run("aaaa1111", RunSpec("digits", "cnn"), 0.98, 4.0),
        hand_made_run("bbbb2222", RunSpec("digits", "mlp"), 0.93, 0.5),
    ]
    table = comparison_table(runs)
    assert list(table.columns) == CHINESE_COLUMNS
    assert set(column_formats()) == {CHINESE_COLUMNS[i] for i in (3, 5, 6, 7, 8)}  # the figures that need a format
    assert list(table["能耗为"]) == ["估算", "估算"] and list(table["设备"]) == ["CPU，2 核", "CPU，2 核"]
    assert comparison_summary(runs, cost_axis="train_seconds") == (
        "最准确的：CNN · 手写数字 · aaaa（98.0%）。按训练时间算最便宜的：MLP · 手写数字 · bbbb（准确率 93.0%）。"
    )


def scorecard_texts(at, run_id: str) -> list[str]:
    """Every text shown inside the scorecard of `run_id` (its bordered container, found by its key)."""
    card = next(node for node in at._tree if f"scorecard_{run_id}" in getattr(getattr(node, "proto", None), "id", ""))
    return shown_texts(SimpleNamespace(_tree=card))


def test_the_train_page_in_chinese_compares_earlier_runs_on_chinese_scorecards():
    digits_id, compas_id = store_sample_runs()
    at = open_page_in("train")
    earlier = at.multiselect(key="train_earlier")
    picked = re.compile(r"(MLP · 手写数字|LogReg · COMPAS) · \w{4} · \d+\.\d% · \d{4}年\d+月\d+日 \d\d:\d\d UTC")
    assert len([label for label in earlier.options if picked.fullmatch(label)]) >= 2, earlier.options

    earlier.set_value([digits_id, compas_id]).run()
    at.button(key="train_add_earlier").click().run()

    digits = run_store().get(digits_id)
    right = round(digits.metrics.accuracy * 100)
    digits_card = scorecard_texts(at, digits_id)
    assert "测试准确率" in digits_card
    sentence = f"在它从未见过的图片中，每 100 张它大约答对 {right} 张（在 {digits.metrics.n_test} 张测试图片上测得）。"
    assert sentence in digits_card
    assert "这个数据集没有记录任何关于人群的信息，所以没有可以比较的群体。" in digits_card
    compas_card = scorecard_texts(at, compas_id)
    assert {"按种族划分的选中率差距", "按性别划分的选中率差距"} <= set(compas_card)
    for text in digits_card + compas_card:
        assert not latin_words(text), text

    assert [list(table.value.columns) for table in at.dataframe] == [CHINESE_COLUMNS]
    assert any(caption.value.startswith("最准确的：") for caption in at.caption)
    assert not at.exception and not i18n.missing, sorted(i18n.missing)
    # The whole page is Chinese, but for the picker of earlier runs: it lists every stored run, those that other
    # tests stored under made-up ids ("energyui1") too.
    page = [node for node in at._tree if getattr(node, "key", None) != "train_earlier"]
    assert [words for text in shown_texts(SimpleNamespace(_tree=page)) if (words := latin_words(text))] == []
