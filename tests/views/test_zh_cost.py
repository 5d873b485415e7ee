"""Cost & Scale in Chinese: every text of its modules translated, the lab's messages with their figures, the
settings in the address, and the technical settings folded under Details while presenting.

AppTest formats a selectbox's options in the test's own thread, where no session says the language, so `t` answers
in English there; the tests that change widgets make it answer in Chinese everywhere (`_chinese_everywhere`).
"""

import re
import tomllib
from datetime import UTC, datetime

import pytest
from language_harness import (
    assert_all_chinese,
    latin_words,
    literal_texts,
    open_page_in,
    shown_texts,
    store_sample_runs,
)
from page_harness import ROOT, run_until

from lab.config import load_settings
from lab.estimate import EstimateError, check
from lab.result import CostReport, Metrics, RunResult
from lab.scaling import FitError, fit_power_law, sweep_specs
from lab.store import RunStore
from ui import i18n
from ui.cost_scale import WIDTHS_LABELS
from ui.energy import MARKERS
from ui.giants import GIANT_LINES
from ui.i18n import PLACEHOLDER
from ui.state import SEED

MODULES = ("views/cost_scale.py", "ui/cost_scale.py", "ui/giants.py", "ui/energy.py")
TABLE = ROOT / "assets" / "i18n" / "zh" / "cost.toml"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
SWEEP_SEED = 424_242  # no other test trains with it: the made-up sweep below answers only this test


def texts_of_the_modules() -> set[str]:
    """What the page's modules pass to `t`: literal texts in their source, their tables of texts, and the texts
    of assets/large_models.toml that they show (read here, independently of the modules)."""
    texts = literal_texts(*(ROOT / module for module in MODULES))
    texts |= {*WIDTHS_LABELS.values(), *GIANT_LINES.values(), *(name for _, name in MARKERS.values())}
    with open(ROOT / "assets" / "large_models.toml", "rb") as file:
        assets = tomllib.load(file)
    notes = assets["assumptions"]
    texts |= {notes[name] for name in ("utilisation_note", "utilisation_source", "pue_note", "pue_source")}
    texts.add(notes["price_note"])
    texts |= {accelerator["source"] for accelerator in assets["accelerators"].values()}
    texts |= {text for grid in assets["grids"].values() for text in (grid["title"], grid["source"])}
    texts |= {reference["source"] for reference in assets["references"].values()}
    texts |= {reference["note"] for reference in assets["references"].values() if "note" in reference}
    return texts


def table_entries() -> list[dict[str, str]]:
    with open(TABLE, "rb") as file:
        return tomllib.load(file)["s"]


def _chinese_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "language", lambda: "zh")


# --- the table ----------------------------------------------------------------------------------------------------


def test_every_text_the_page_writes_has_its_chinese():
    untranslated = sorted(texts_of_the_modules() - set(i18n.table("zh")))
    assert not untranslated, untranslated


def test_the_chinese_of_the_page_is_chinese_except_names_units_and_placeholders():
    for entry in table_entries():
        chinese = PLACEHOLDER.sub(" ", entry["zh"])
        assert CHINESE.search(chinese), entry["en"]
        assert not latin_words(chinese), (entry["en"], latin_words(chinese))


def test_the_labs_messages_are_translated_with_their_figures(monkeypatch):
    _chinese_everywhere(monkeypatch)
    with pytest.raises(EstimateError) as refused:
        check("pue", 5)
    assert i18n.t_message(str(refused.value)) == "PUE（数据中心的额外开销）必须在 1 到 3 之间，而不是 5。"
    with pytest.raises(EstimateError) as refused:
        check("params", 0.0)
    assert i18n.t_message(str(refused.value)) == "参数数量必须在 1 到 1e+15 之间，而不是 0。"
    with pytest.raises(FitError) as refused:
        fit_power_law([1.0, 10.0], [2.0, 1.0])
    assert i18n.t_message(str(refused.value)) == "要画出带不确定性的直线，至少需要 3 种规模；现在只有 2 种。"
    assert i18n.t("{tonnes} tonnes", tonnes="148") == "148 吨"


# --- the page -----------------------------------------------------------------------------------------------------


def test_the_page_opens_in_chinese_with_the_calculators_figures():
    store_sample_runs()  # so that the giants and the energy sections have runs to show
    at = open_page_in("cost_scale")
    assert not at.exception
    assert not i18n.missing & texts_of_the_modules()
    english = {entry["en"] for entry in table_entries()}
    assert not [text for text in shown_texts(at) if text in english]
    assert at.title[0].value == "成本与规模"
    figures = {metric.label: metric.value for metric in at.metric}
    assert list(figures) == ["计算量（估算）", "时间（估算）", "能耗（估算）", "CO2（估算）", "费用（估算）"]
    # by hand: 6 x 175e9 x 300e9 = 3.15e23 FLOPs; / (312e12 FLOP/s x 0.4) / 3600 = 701,000 GPU-hours on an A100
    assert figures["计算量（估算）"] == "3.15 × 10^23 FLOPs" and figures["时间（估算）"] == "701,000 GPU 小时"
    assert any("**GPT-3 的公开数字**" in markdown.value for markdown in at.markdown)


def _a_figure(*args, **kwargs) -> str:
    return "42"


def test_nothing_the_page_itself_writes_is_left_in_english(monkeypatch):
    # Figures in words and run labels come from the shared modules (ui/plain.py, ui/compare.py), tested with them:
    # here they are stood in for, so that whatever English is left is this page's own.
    for name in ("big", "duration", "co2_sentence", "energy_sources"):
        monkeypatch.setattr(f"ui.plain.{name}", _a_figure)
    for module in ("ui.compare", "ui.giants", "ui.energy"):
        monkeypatch.setattr(f"{module}.run_label", _a_figure)
    store_sample_runs()
    assert_all_chinese(open_page_in("cost_scale"))


def _made_up_sweep_run(spec, flops: float, accuracy: float) -> RunResult:
    """A finished size whose test loss lies exactly on loss = 2000 x FLOPs^-0.5."""
    cost = CostReport(
        params=int(flops / 1e4),
        flops_per_sample=1000,
        train_flops=int(flops),
        train_seconds=1.0,
        latency_ms=0.1,
        peak_memory_mb=100.0,
        gpu_peak_memory_mb=None,
        energy_kwh=1e-5,
        energy_method="estimated",
        energy_source="test",
        co2_g=4.8e-3,
        grid_g_per_kwh=480.0,
        energy_per_epoch_kwh=1e-6,
    )
    metrics = Metrics(accuracy, 2000 * flops**-0.5, 360, spec.epochs, "completed")
    finished = datetime.now(UTC).isoformat(timespec="seconds")
    return RunResult(f"zhcost{spec.width}", spec, metrics, cost, (), "cpu", "CPU", finished_at=finished)


def test_a_sweep_reads_in_chinese_with_its_fitted_law(monkeypatch):
    _chinese_everywhere(monkeypatch)
    specs = sweep_specs("digits", "mlp", widths=[2, 8, 32], seed=SWEEP_SEED)
    store = RunStore(load_settings().store_url)
    for spec, flops, accuracy in zip(specs, (1e6, 1e7, 1e8), (0.3, 0.6, 0.9), strict=True):
        store.save(_made_up_sweep_run(spec, flops, accuracy))
    at = open_page_in("cost_scale")
    at.sidebar.number_input(key=SEED).set_value(SWEEP_SEED).run()
    at.multiselect(key="cost_sweep_widths_mlp").set_value([2, 8, 32]).run()
    at.button(key="cost_sweep_train").click().run()  # every size is stored already: answered at once
    run_until(at, lambda at: any("拟合直线" in markdown.value for markdown in at.markdown), timeout=60)
    assert not at.exception and not at.error
    text = "\n".join(element.value for element in [*at.markdown, *at.caption])
    # by hand: loss falls as FLOPs^-0.5, so each 10 times the compute divides it by 10^0.5 = 3.2 (two figures);
    # 10 times the largest run's 1e8 FLOPs gives 2000 x (1e9)^-0.5 = 0.0632
    assert "训练计算量每增加到 10 倍，测试损失大约除以 3.2。" in text
    assert "（指数 0.50 ± 0.00，一个标准误；" in text
    assert "测试损失会从 0.2 降到大约 0.0632" in text and "**这是外推，不是测量：**" in text
    assert "从最小的规模（100 个参数）到最大的规模（10,000 个参数），测试损失从 2 变为 0.2" in text
    table = next(frame.value for frame in at.dataframe if "宽度" in frame.value.columns)
    assert list(table["宽度"]) == [2, 8, 32] and list(table["测试准确率（%）"]) == [30.0, 60.0, 90.0]


def test_bad_calculator_input_gets_the_chinese_message_and_no_figure(monkeypatch):
    _chinese_everywhere(monkeypatch)
    at = open_page_in("cost_scale")
    at.number_input(key="cost_params_b").set_value(0.0).run()
    assert at.error[0].value == "参数数量必须在 1 到 1e+15 之间，而不是 0。没有进行任何计算。"
    assert not at.metric
    at.number_input(key="cost_params_b").set_value(7.0)
    at.number_input(key="cost_utilisation").set_value(0.0).run()
    assert at.error[0].value == (
        "利用率（用到的峰值速度比例；1 = 100%）必须在 0.01 到 1 之间，而不是 0。没有进行任何计算。"
    )
    assert not at.metric and not at.exception


# --- the address and presenter mode -------------------------------------------------------------------------------


def test_a_link_opens_the_calculator_and_the_sweep_with_its_settings(monkeypatch):
    _chinese_everywhere(monkeypatch)
    link = {"cost_params_b": "7", "cost_tokens_b": "lots", "cost_gpu": "h100", "cost_grid": "atlantis"}
    at = open_page_in("cost_scale", params={**link, "cost_sweep_data": "mnist", "cost_sweep_arch": "cnn"})
    assert at.number_input(key="cost_params_b").value == 7.0
    assert at.number_input(key="cost_tokens_b").value == 300.0  # not a number: the default
    assert at.selectbox(key="cost_gpu").value == "h100"
    assert at.selectbox(key="cost_grid").value == "world"  # no such grid: the default
    assert at.selectbox(key="cost_sweep_data").value == "mnist" and at.selectbox(key="cost_sweep_arch").value == "cnn"
    figures = {metric.label: metric.value for metric in at.metric}
    # by hand: 6 x 7e9 x 300e9 = 1.26e22 FLOPs; / (989e12 FLOP/s x 0.4) / 3600 = 8,847 GPU-hours on an H100
    assert figures["计算量（估算）"] == "1.26 × 10^22 FLOPs" and figures["时间（估算）"] == "8,850 GPU 小时"

    at.selectbox(key="cost_grid").set_value("france").run()
    assert at.query_params["cost_grid"] == "france"
    at.number_input(key="cost_params_b").set_value(175.0).run()
    assert "cost_params_b" not in at.query_params  # back at the default: a plain link stays plain
    at.selectbox(key="cost_sweep_data").set_value("adult").run()  # a table: only the MLP reads it
    assert at.selectbox(key="cost_sweep_arch").value == "mlp" and "cost_sweep_arch" not in at.query_params
    assert at.query_params["cost_sweep_data"] == "adult"
    assert not at.exception


TECHNICAL = ("cost_utilisation", "cost_pue", "cost_price")
MAIN = ("cost_params_b", "cost_tokens_b", "cost_gpus")


def test_presenting_folds_the_technical_settings_under_details_and_keeps_the_main_choices_open():
    at = open_page_in("cost_scale", params={"present": "1"})
    details = [expander for expander in at.expander if expander.label == "详细设置"]
    folded = {widget.key for expander in details for widget in [*expander.number_input, *expander.multiselect]}
    assert folded == {*TECHNICAL, "cost_sweep_widths_mlp", "cost_sweep_depths"}
    in_expanders = {widget.key for expander in at.expander for widget in [*expander.number_input, *expander.button]}
    assert not in_expanders & {*MAIN, "cost_sweep_train"}
    assert {widget.key for widget in at.number_input} >= {*MAIN, *TECHNICAL}

    at = open_page_in("cost_scale", params={})
    assert not [expander for expander in at.expander if expander.label == "详细设置"]
    assert {widget.key for widget in at.number_input} >= {*MAIN, *TECHNICAL}
