"""The Fairness page in Chinese: its own texts and the data's names translated, its settings in the address, the
simulator's population setting folded under Details while presenting.

Other modules write parts of this page too (the data card, the plain-words sentences, the charts' titles, the run
picker). Each page test first holds the Fairness modules to their own texts (every text they pass to `t` is in the
table, and no text made from one of their Chinese templates shows an English word: a group, a name or a class left
untranslated), so that a failure says whose text it is, then the whole page to the language harness's check.
"""

import re
import tomllib

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
from streamlit.testing.v1 import AppTest

from lab.data import DATASETS
from lab.fairness import AttributeFairness
from lab.hiring import HiringSettings
from lab.mitigation import METHODS
from lab.weat import AssociationResult, load_tests
from ui import i18n
from ui.fairness_audit import named
from ui.i18n import PLACEHOLDER

MODULES = ["views/fairness.py", "ui/fairness_audit.py", "ui/fairness_experiments.py"]
TABLE = ROOT / "assets" / "i18n" / "zh" / "fairness.toml"


def fairness_texts() -> set[str]:
    """Every string constant the Fairness modules pass to `t` or `t_message` (adjacent literals joined)."""
    return literal_texts(*(ROOT / path for path in MODULES))


def data_texts(attribute: AttributeFairness | None = None) -> set[str]:
    """The data's words the page translates at its edge: the tests' texts, the methods, classes and groups."""
    texts = {text for test in load_tests().values() for text in (test.title, test.reading)}
    texts |= {getattr(test, f"{part}_name") for test in load_tests().values() for part in "xyab"}
    texts |= {words for method in METHODS.values() for words in method}
    texts |= {DATASETS[name].classes[-1] for name in DATASETS if DATASETS[name].sensitive}
    texts |= {column for card in DATASETS.values() for column in card.sensitive}
    if attribute is not None:
        texts |= {part for group in attribute.groups for part in group.group.split(" & ")}
    return texts


def own_templates() -> list[re.Pattern]:
    """Each Chinese text of the Fairness table as a pattern matching what the page shows from it."""
    with open(TABLE, "rb") as file:
        entries = tomllib.load(file)["s"]
    patterns = []
    for entry in entries:
        parts = PLACEHOLDER.split(entry["zh"])  # literal, name, literal, name, ...
        patterns.append(re.compile("".join(re.escape(p) if i % 2 == 0 else ".+?" for i, p in enumerate(parts))))
    return patterns


def own_english_left(at: AppTest) -> list[str]:
    """Shown texts made from a Fairness template that still hold English words (a value left untranslated)."""
    patterns = own_templates()
    return [text for text in shown_texts(at) if latin_words(text) and any(p.fullmatch(text) for p in patterns)]


def assert_own_texts_chinese(at: AppTest, attribute: AttributeFairness | None = None) -> None:
    assert not at.exception, [exception.value for exception in at.exception]
    assert not i18n.missing & (fairness_texts() | data_texts(attribute)), sorted(i18n.missing)
    assert not own_english_left(at), own_english_left(at)


def open_fairness(monkeypatch, **settings: str) -> AppTest:
    """The page in Chinese, opened from a link carrying `settings` in its address.

    AppTest formats a selectbox's current option with its format_func in the test's own thread, outside the
    page, where `t` would answer in English and the option would not be found: the whole test speaks Chinese.
    """
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    i18n.missing.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"lang": "zh", **settings})
    at.run()
    return at.switch_page("views/fairness.py").run()


def compas_run():
    """The stored COMPAS logistic regression of the sample runs."""
    from lab.config import load_settings
    from lab.store import RunStore

    store = RunStore(load_settings().store_url)
    return next(run for run in map(store.get, store_sample_runs()) if run.spec.dataset == "compas")


def test_every_text_the_fairness_modules_write_has_its_chinese():
    table = i18n.table("zh")
    assert "Train both" in fairness_texts()  # the collector finds the page's texts
    assert sorted(fairness_texts() - table.keys()) == []
    assert sorted(data_texts() - table.keys()) == []


def test_fairness_opens_in_chinese_with_its_own_texts_translated():
    store_sample_runs()
    at = open_page_in("fairness")
    assert_own_texts_chinese(at)
    assert_all_chinese(at)  # the other modules' parts of the page (data card, sentences, charts) too
    assert at.title[0].value == "公平性"
    assert [tab.label for tab in at.tabs] == ["审查一个模型", "招聘模拟器", "预训练模型中的偏见"]
    # the simulator's chart in words, its rates from the default history
    hiring = r"在过去的决定中，多数群体有 \d+% 被录用，少数群体有 \d+%。.+"
    assert any(re.fullmatch(hiring, caption.value) for caption in at.caption)


def test_the_audit_of_a_compas_run_in_chinese_names_groups_methods_and_verdicts_in_chinese(monkeypatch):
    store_sample_runs()
    at = open_fairness(monkeypatch, fairness_dataset="compas", fairness_run=compas_run().run_id)
    at.button(key="fairness_unaware").click().run()  # the twin that never sees race and sex
    run_until(at, lambda at: "不使用敏感列" in _mitigation_rows(at) and not at.get("progress"))
    race = compas_run().fairness.attribute("race")
    assert_own_texts_chinese(at, race)

    groups = next(df.value for df in at.dataframe if "测试集中的人数" in df.value.columns)
    assert list(groups.columns) == [
        "种族",
        "测试集中的人数",
        "准确率（%）",
        "说“再次被捕”的比例（%）",
        "真阳性率（%）",
        "假阳性率（%）",
    ]
    assert "非裔美国人" in set(groups["种族"]) and "白人（高加索裔）" in set(groups["种族"])
    assert not any(latin_words(name) for name in groups["种族"])
    rows = _mitigation_rows(at)
    assert rows[:2] == ["原始模型", "不使用敏感列"]
    assert "按群体设阈值：选中率相等" in rows
    verdicts = next(df.value for df in at.dataframe if "模型版本" in df.value.columns)["五分之四规则"]
    assert set(verdicts) <= {"通过", "未通过"}

    at.radio(key="fairness_attribute").set_value("race × sex").run()  # small groups: a note names them
    notes = [warning.value for warning in at.warning]
    assert any(note.startswith("这些群体人数太少，他们的比率不可信：") for note in notes), notes
    assert not any(latin_words(note) for note in notes), notes
    assert_own_texts_chinese(at, compas_run().fairness.attribute("race × sex"))
    assert_all_chinese(at)


def _mitigation_rows(at: AppTest) -> list[str]:
    table = next((df.value for df in at.dataframe if "模型版本" in df.value.columns), None)
    return [] if table is None else list(table["模型版本"])


def test_a_link_opens_the_audit_and_the_simulator_as_it_was_shared_and_a_bad_value_is_ignored():
    run_id = compas_run().run_id
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(
        fairness_dataset="compas",
        fairness_arch="boosting",
        fairness_run=run_id,
        fairness_attribute="sex",
        fairness_sim_bias="100",
        fairness_sim_proxy="7",  # not a value the slider can take: the default stays
        fairness_weat_test="science_arts_gender",
    )
    at.run()
    at.switch_page("views/fairness.py").run()
    assert not at.exception
    assert at.selectbox(key="fairness_dataset").value == "compas"
    assert at.selectbox(key="fairness_arch").value == "boosting"
    assert at.selectbox(key="fairness_run").value == run_id
    assert at.radio(key="fairness_attribute").value == "sex"
    assert at.slider(key="fairness_sim_bias").value == 100
    assert at.slider(key="fairness_sim_proxy").value == 50
    assert "fairness_sim_proxy" not in at.query_params
    assert at.selectbox(key="fairness_weat_test").value == "science_arts_gender"

    at.selectbox(key="fairness_dataset").set_value("resume").run()
    assert at.query_params["fairness_dataset"] == "resume"  # a link copied now opens the résumé data
    at.selectbox(key="fairness_dataset").set_value("adult").run()
    assert "fairness_dataset" not in at.query_params  # the default leaves the address plain
    at.slider(key="fairness_sim_minority").set_value(10).run()
    assert at.query_params["fairness_sim_minority"] == "10"


@pytest.mark.parametrize("presenting", [False, True])
def test_the_simulators_population_setting_folds_under_details_only_while_presenting(presenting):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if presenting:
        at.query_params["present"] = "1"
    at.run()
    at.switch_page("views/fairness.py").run()
    folded = [slider.key for expander in at.expander if expander.label == "Details" for slider in expander.slider]
    assert folded == (["fairness_sim_minority"] if presenting else [])
    assert at.slider(key="fairness_sim_minority").value == 30  # still there, and still in force
    # the lesson's two levers and the main choices stay in the open
    assert {slider.key for slider in at.slider} >= {"fairness_sim_bias", "fairness_sim_proxy"}
    assert at.selectbox(key="fairness_dataset") is not None and at.button(key="fairness_train") is not None


def test_the_notes_on_small_groups_name_the_groups_in_chinese(monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    note = "Too few people to trust their rates: Native American (2), Asian (3). A gap involving them may be chance."
    assert named(note, ["Native American", "Asian"]) == (
        "这些群体人数太少，他们的比率不可信：美洲原住民 (2), 亚裔 (3)。涉及他们的差距可能只是偶然。"
    )
    single = "Everyone in the test set has the same sex (Female): there is nothing to compare."
    assert named(single, ["Male", "Female", "sex"]) == "测试集中每个人的性别都相同（女性）：没有可以比较的。"


def test_the_encoders_summary_is_translated_whole_with_the_word_sets_named_in_chinese(monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    jobs = load_tests()["occupations_gender"]
    against = AssociationResult(jobs, -0.25, 0.9, "exact", (("nurse", -0.1),), (("pilot", 0.1),))
    assert named(against.summary(), ["male-stereotyped jobs", "female-stereotyped jobs", "male words"]) == (
        "与所测试的模式相反，编码器把刻板印象中的女性职业放得比刻板印象中的男性职业更靠近男性词（效应量 -0.25，"
        "范围从 -2 到 2），所以它没有显示出把刻板印象中的男性职业与男性词联系在一起的迹象。"
    )
    # 2 words per set: C(4, 2) = 6 splits, of which p = 1/6 gives 1 as large by chance
    toward = AssociationResult(jobs, 1.5, 1 / 6, "exact", (("pilot", 0.2), ("plumber", 0.1)), (("nurse", -0.1),) * 2)
    assert named(toward.summary(), ["male-stereotyped jobs", "female-stereotyped jobs", "male words"]) == (
        "编码器把刻板印象中的男性职业放得比刻板印象中的女性职业更靠近男性词（效应量 1.50，范围从 -2 到 2；"
        "在同样这些词的 6 种可能划分中，有 1 种会偶然产生这么大的差距）。"
    )


def test_a_refused_simulator_setting_is_explained_in_chinese(monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    with pytest.raises(ValueError) as refused:
        HiringSettings(minority_share=0.01).validate()
    assert i18n.t_message(str(refused.value)) == (
        "在 4000 人、少数群体占比 0.01 的设置下，有一个群体只有 40 人；每个群体至少需要 50 人，"
        "这样测试集里才会有几个他们的成员。"
    )
