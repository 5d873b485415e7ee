"""The Privacy page in Chinese: its own texts translated (checked against hand-written Chinese), its main choices in
the address, and its technical details folded away while presenting."""

import re
import tomllib

import pytest
from language_harness import literal_texts, open_page_in, shown_texts, store_sample_runs
from page_harness import ROOT, open_page
from streamlit.testing.v1 import AppTest

from lab.config import load_settings
from lab.privacy import CHANCE_AUC, MembershipInference, risk_level, risk_sentence
from lab.privacy_notes import load_privacy_notes
from lab.spec import RunSpec
from lab.store import RunStore
from ui import i18n
from ui.privacy_page import overfitting_summary

SOURCES = [ROOT / "views" / "privacy.py", ROOT / "ui" / "privacy_page.py"]
LEVELS = {"low": "低", "medium": "中", "high": "高"}


def _literal_keys() -> set[str]:
    """Every string literal the page's two modules pass to t() or t_message() as its text."""
    return literal_texts(*SOURCES)


def _english_phrases() -> list[str]:
    """The page's English, cut at its placeholders into phrases of two words or more: none may show in Chinese."""
    with open(ROOT / "assets" / "i18n" / "zh" / "privacy.toml", "rb") as file:
        english = [entry["en"] for entry in tomllib.load(file)["s"]]
    pieces = [piece for text in english for piece in i18n.PLACEHOLDER.split(text)]
    return sorted({piece.strip() for piece in pieces if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 2})


def _english_shown(at: AppTest) -> list[str]:
    phrases = _english_phrases()
    return [text for text in shown_texts(at) for phrase in phrases if phrase in text]


def _verdict(inference: MembershipInference) -> str:
    """The attack's verdict as the Chinese page must say it (written by hand, not read from the table)."""
    share, level = f"{inference.accuracy:.0%}", LEVELS[risk_level(inference)]
    if inference.auc < CHANCE_AUC:
        return (
            f"手里有某人记录的攻击者，无法判断这个人是否在训练数据里：他最好的猜测也只有 {share} 的时候是对的，"
            f"并不比抛硬币的 50% 更好。风险：{level}。"
        )
    return f"手里有某人记录的攻击者，判断这个人是否在训练数据里，有 {share} 的时候是对的，而瞎猜是 50%。风险：{level}。"


def _stored(spec: RunSpec):
    return RunStore(load_settings().store_url).find_by_key(spec.key())


def test_every_text_the_page_writes_has_its_chinese():
    table = i18n.table("zh")
    notes = load_privacy_notes()
    shown_notes = [
        getattr(note, field)
        for note in notes.datasets.values()
        for field in ("personal_data", "consent", "risk", "licence", "sources")
    ]
    shown_notes += [note.memorisation for note in notes.architectures.values()]
    shown_notes += [notes.app.attack, notes.app.dp, notes.app.data_handling]
    data_words = ["Loss threshold (Yeom et al. 2018)", "Calibrated per class, no shadow models", *LEVELS]
    keys = _literal_keys() | set(shown_notes) | set(data_words)
    assert len(_literal_keys()) > 25  # the scan found the page's texts
    assert sorted(key for key in keys if key not in table) == []


@pytest.mark.parametrize(
    ("auc", "accuracy", "expected"),
    [
        (
            0.50,
            0.51,
            "手里有某人记录的攻击者，无法判断这个人是否在训练数据里：他最好的猜测也只有 51% 的时候是对的，"
            "并不比抛硬币的 50% 更好。风险：低。",
        ),
        (
            0.53,
            0.52,
            "手里有某人记录的攻击者，判断这个人是否在训练数据里，有 52% 的时候是对的，而瞎猜是 50%。风险：低。",
        ),
        (
            0.60,
            0.57,
            "手里有某人记录的攻击者，判断这个人是否在训练数据里，有 57% 的时候是对的，而瞎猜是 50%。风险：中。",
        ),
        (
            0.80,
            0.74,
            "手里有某人记录的攻击者，判断这个人是否在训练数据里，有 74% 的时候是对的，而瞎猜是 50%。风险：高。",
        ),
    ],
)
def test_the_attacks_verdict_from_the_lab_is_translated_with_its_figure_and_risk(chinese, auc, accuracy, expected):
    inference = MembershipInference("loss", auc, 2 * accuracy - 1, 0.02, accuracy, 500, 500)
    assert i18n.t_message(risk_sentence(inference)) == expected


def test_the_overfitting_chart_is_summed_up_in_chinese_from_its_figures(chinese):

    def run(train: float, test: float, attack: float):  # only the figures the chart draws
        loss = MembershipInference("loss", 0.5, 0.0, 0.0, attack, 10, 10)
        return type(
            "Run",
            (),
            {
                "history": [type("Epoch", (), {"train_accuracy": train})],
                "metrics": type("Metrics", (), {"accuracy": test}),
                "privacy": type("Privacy", (), {"membership": type("Membership", (), {"loss": loss})}),
            },
        )

    runs = [(1, run(0.81, 0.79, 0.51)), (5, run(0.9, 0.8, 0.55)), (20, run(0.995, 0.78, 0.64))]
    assert overfitting_summary(runs) == (
        "从 1 轮到 20 轮，模型在训练记录上的准确率从 81% 变为 100%，在新记录上从 79% 变为 78%；"
        "与此同时，攻击猜对的比例从 51% 变为 64%（瞎猜是 50%）。"
    )
    assert overfitting_summary(runs[:1]) == (
        "目前只训练好了 1 轮的那次运行：它在训练记录上的准确率是 81%，在新记录上是 79%；"
        "攻击猜对的比例是 51%（瞎猜是 50%）。"
    )


def test_the_privacy_page_opens_in_chinese_with_none_of_its_english_left(chinese):
    digits_run, compas_run = store_sample_runs()
    at = open_page_in("privacy")
    assert not at.exception
    assert at.title[0].value == "隐私"
    assert at.info[0].value.startswith("攻击者手里已经有某个人的记录，他把这条记录拿给训练好的模型看")
    assert [tab.label for tab in at.tabs] == ["对你的模型发起攻击", "死记硬背让情况更糟", "差分隐私", "隐私说明"]
    assert at.selectbox(key="privacy_run").label == "要攻击的模型（你的和所有人的运行）"
    assert at.selectbox(key="privacy_sweep_data").label == "数据"
    assert at.selectbox(key="privacy_overfit_arch").label == "模型"
    assert at.multiselect(key="privacy_sweep_epsilons").label == "ε 取值"
    assert at.button(key="privacy_sweep_train").label == "不加差分隐私训练一次，再在每个 ε 下各训练一次"

    at.selectbox(key="privacy_run").set_value(compas_run).run()
    run = RunStore(load_settings().store_url).get(compas_run)
    assert any(m.value.endswith("**：" + _verdict(run.privacy.membership.loss)) for m in at.markdown)
    table = next(df.value for df in at.dataframe if "攻击方法" in df.value.columns)
    assert list(table.columns) == [
        "攻击方法", "猜对（%）（50 = 瞎猜）", "ROC AUC（0.5 = 瞎猜）", "误报率为 1% 时找出的成员（%）", "风险"
    ]  # fmt: skip
    assert list(table["攻击方法"]) == ["损失阈值（Yeom 等，2018）", "按类别校准，不用影子模型"]
    assert set(table["风险"]) <= {"低", "中", "高"}
    n = run.privacy.membership.loss.n_members
    assert any(c.value.startswith(f"在 {n:,} 条训练记录（成员）") for c in at.caption)
    assert _english_shown(at) == []
    assert not i18n.missing & (_literal_keys() | set(LEVELS))


def test_the_overfitting_chart_and_the_notes_in_chinese_after_choosing_them(chinese):
    store_sample_runs()
    at = open_page_in("privacy")
    at.number_input(key="seed").set_value(11).run()  # the seed of the stored digits MLP: its 1-epoch run is there
    at.selectbox(key="privacy_overfit_data").set_value("digits").run()
    at.selectbox(key="privacy_overfit_arch").set_value("mlp").run()
    run = _stored(RunSpec("digits", "mlp", epochs=1, batch_size=64, seed=11))
    train, test = run.history[-1].train_accuracy, run.metrics.accuracy
    attack = run.privacy.membership.loss
    assert at.get("plotly_chart")
    assert any(
        c.value == f"目前只训练好了 1 轮的那次运行：它在训练记录上的准确率是 {train:.0%}，在新记录上是 {test:.0%}；"
        f"攻击猜对的比例是 {attack.accuracy:.0%}（瞎猜是 50%）。"
        for c in at.caption
    )
    assert any(
        m.value == f"训练 1 轮后：在训练记录上的准确率是 {train:.0%}，在新记录上是 {test:.0%}。{_verdict(attack)}"
        for m in at.markdown
    )

    at.selectbox(key="privacy_notes_dataset").set_value("compas").run()
    note = next(m.value for m in at.markdown if m.value.startswith("**个人数据。**"))
    assert "**知情同意。** 没有任何人同意过。ProPublica 通过申请公开政府记录" in note
    assert "**如果模型泄露了这些数据。** 高。" in note and "**许可证。** 由 ProPublica 为分析而公布" in note
    assert any(
        c.value.startswith("来源：J. Angwin、J. Larson、S. Mattu、L. Kirchner，《机器偏见》") for c in at.caption
    )
    assert [e.label for e in at.expander] == ["哪些架构更容易死记硬背，为什么", "本应用如何处理数据"]
    assert any(m.value.startswith("**多层感知机（MLP）**：很容易死记硬背。") for m in at.expander[0].markdown)
    assert _english_shown(at) == []
    assert not i18n.missing & _literal_keys()
    assert not at.exception


def test_a_link_opens_the_page_on_its_choices_and_changing_them_writes_the_address():
    digits_run, _ = store_sample_runs()
    at = open_page(
        "privacy",
        {
            "privacy_run": digits_run,
            "privacy_overfit_data": "digits",
            "privacy_overfit_arch": "cnn",
            "privacy_sweep_data": "compas",
            "privacy_sweep_arch": "transformer",
            "privacy_sweep_epsilons": "0.5,4.0",
            "privacy_notes_dataset": "adult",
        },
    )
    assert not at.exception
    assert at.selectbox(key="privacy_run").value == digits_run
    assert at.selectbox(key="privacy_overfit_data").value == "digits"
    assert at.selectbox(key="privacy_overfit_arch").value == "cnn"
    assert at.selectbox(key="privacy_sweep_data").value == "compas"
    assert at.selectbox(key="privacy_sweep_arch").value == "transformer"
    assert at.multiselect(key="privacy_sweep_epsilons").value == [0.5, 4.0]
    assert at.selectbox(key="privacy_notes_dataset").value == "adult"

    at.multiselect(key="privacy_sweep_epsilons").set_value([2.0]).run()
    assert at.query_params["privacy_sweep_epsilons"] == "2.0"
    at.selectbox(key="privacy_notes_dataset").set_value("compas").run()
    assert at.query_params["privacy_notes_dataset"] == "compas"
    at.selectbox(key="privacy_sweep_data").set_value("digits").run()  # back to the default: a plain link again
    assert "privacy_sweep_data" not in at.query_params


def test_a_mangled_link_opens_the_page_on_its_defaults():
    at = open_page(
        "privacy",
        {"privacy_sweep_data": "nonsense", "privacy_sweep_arch": "logreg", "privacy_sweep_epsilons": "0,x,99"},
    )
    assert not at.exception
    assert at.selectbox(key="privacy_sweep_data").value == "digits"
    assert at.selectbox(key="privacy_sweep_arch").value == "mlp"  # not a network: DP cannot train it
    assert at.multiselect(key="privacy_sweep_epsilons").value == [1.0, 8.0]


def _settings_captions(container) -> list[str]:
    return [c.value for c in container.caption if c.value.startswith("Every run of the sweep trains")]


def test_presenting_folds_the_sweeps_training_settings_under_details():
    at = open_page("privacy", {"present": "1"})
    details = [e for e in at.expander if e.label == "Details"]
    assert any(_settings_captions(e) for e in details)
    assert not [b for e in details for b in e.button]  # the main choices and the action stay in the open

    at.toggle(key="present").set_value(False).run()
    assert not [e for e in at.expander if e.label == "Details"]
    assert _settings_captions(at)  # in the open
