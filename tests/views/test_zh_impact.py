"""The Impact page in Chinese: its texts, the risk register's messages from the lab with their figures, and the open
tab kept in the address. The expected Chinese below is written out by hand: it is the oracle, not the table."""

import re

import pandas as pd
import pytest
from language_harness import assert_all_chinese, english_left, latin_words, open_page_in
from page_harness import ROOT
from streamlit.testing.v1 import AppTest

import ui.impact
from lab.risk_register import HEADERS, MAX_ROWS, Risk, RiskRegisterError, from_csv, to_csv
from ui import i18n

HEADER_LINE = ",".join(HEADERS.values()) + "\n"
LIKELIHOOD_ZH = "1 罕见、2 不太可能、3 有可能、4 很可能、5 几乎肯定"
NEEDS_ZH = (
    "它需要这些列（列名保持英文）：`Use case`、`Risk`、`Who is affected`、`Likelihood (1-5)`、`Severity (1-5)`、"
    "`Mitigation`"
)


def ranking(at: AppTest):
    return next(frame.value for frame in at.dataframe if "得分" in frame.value.columns)


def test_the_page_opens_in_chinese_with_no_english_left():
    at = open_page_in("impact")
    assert_all_chinese(at)
    assert at.title[0].value == "影响"
    assert [tab.label for tab in at.tabs] == ["好处与风险", "你的风险登记表", "负责任的 AI", "工作与技能"]
    assert [header.value for header in at.header] == ["好处", "风险", "挑战"]
    principles = ["安全", "可靠", "公平", "透明"]
    assert [subheader.value for subheader in at.subheader if subheader.value in principles] == principles
    captions = [caption.value for caption in at.caption]
    assert (
        "三个商用人脸分析系统判断深肤色女性的性别时，出错率高达 34.7%；判断浅肤色男性时，出错率最多只有 0.8%。"
        "来源：J. Buolamwini、T. Gebru，《性别阴影：商用性别分类中的交叉准确率差异》，《机器学习研究论文集》（PMLR）"
        "第 81 卷，2018 年。"
    ) in captions
    assert "亲眼看看：招聘模拟器，模型从历史中学到偏见" in [link.value for link in at.page_link]
    assert "- **数据标注员**：给模型学习用的例子打标签" in "\n".join(markdown.value for markdown in at.markdown)
    # The register: its columns in Chinese, its example row too, and its one risk ranked 4 x 4 = 16, "high" (10-16).
    editor = next(frame.value for frame in at.dataframe if "应用场景" in frame.value.columns)
    assert list(editor.columns) == [
        "应用场景",
        "风险",
        "受影响的人",
        "可能性（1-5）",
        "严重程度（1-5）",
        "应对措施",
        "负责人",
    ]
    assert list(editor["应用场景"]) == ["用模型筛选求职申请"]
    assert ranking(at).to_dict("records") == [
        {
            "得分": 16,
            "等级": "高",
            "风险": "模型学到过去招聘中的偏见，更常拒绝某些群体中合格的申请人",
            "受影响的人": "过去被录用较少的群体中的申请人",
        }
    ]
    assert at.download_button(key="impact_register_download").label == "下载登记表（CSV）"


def test_a_bad_csv_is_refused_in_chinese_and_the_register_stays_as_it_was():
    at = open_page_in("impact")
    before = at.session_state[ui.impact.REGISTER].copy()
    no_mitigation = "Use case,Risk,Who is affected,Likelihood (1-5),Severity (1-5)\nLoans,Refuses poor areas,Poor,3,4\n"
    at.file_uploader(key="impact_upload").upload("notes.csv", no_mitigation.encode(), "text/csv")
    at.run()
    assert [error.value for error in at.error] == [
        f"`notes.csv` 没有载入，登记表保持不变。文件缺少这些列：`Mitigation`。{NEEDS_ZH}。"
    ]
    assert at.session_state[ui.impact.REGISTER].equals(before)
    assert_all_chinese(at)


def test_a_loaded_register_is_ranked_with_its_levels_in_chinese():
    at = open_page_in("impact")
    mine = [
        Risk("聊天机器人", "给出错误的医疗建议", "病人", 2, 5, "转给护士"),
        Risk("聊天机器人", "泄露用户输入的内容", "用户", 1, 4, "不保存记录"),
        Risk("聊天机器人", "被人刷屏", "所有人", 5, 4, "限制频率", "信息部"),
    ]
    at.file_uploader(key="impact_upload").upload("ours.csv", to_csv(mine), "text/csv")
    at.run()
    assert [success.value for success in at.success] == ["已从 `ours.csv` 载入登记表。"]
    # 5 x 4 = 20 very high (20-25), 2 x 5 = 10 high (10-16), 1 x 4 = 4 low (1-4)
    assert list(ranking(at)["得分"]) == [20, 10, 4]
    assert list(ranking(at)["等级"]) == ["很高", "高", "低"]
    assert_all_chinese(at)


def lab_message(data: bytes) -> str:
    with pytest.raises(RiskRegisterError) as error:
        from_csv(data)
    return str(error.value)


# Every way the lab refuses a file, with the Chinese a reader must get (hand-written).
BAD_FILES = {
    "empty": (b"", "文件是空的。"),
    "too big": (b"x" * 1_000_001, "文件有 1,000,001 字节；风险登记表最大只能是 1 MB（1,000,000 字节）。"),
    "binary": (
        b"\x00\x01\x02",
        "这个文件不是 CSV 文本文件。请在电子表格软件里把登记表另存为“CSV UTF-8”格式，再载入那个文件。",
    ),
    "unknown column": (
        b"Risk,Colour\n",
        f"文件里有风险登记表不用的列：`Colour`。{NEEDS_ZH}，还可以有 `Owner`。",
    ),
    "repeated column": (
        (HEADER_LINE.strip() + ",Risk\n").encode(),
        "文件里这些列出现了不止一次：`Risk`。",
    ),
    "extra cells": ((HEADER_LINE + "a,b,c,1,1,d,e,f\n").encode(), "文件第 2 行的格子比文件的列数还多。"),
    "bad likelihood": (
        (HEADER_LINE + "Loans,Refuses,Poor,7,4,Review\n").encode(),
        f"文件第 2 行：可能性必须是 1 到 5 的整数（{LIKELIHOOD_ZH}），而不是 '7'。",
    ),
    "missing severity": (
        (HEADER_LINE + "Loans,Refuses,Poor,3,,Review\n").encode(),
        "文件第 2 行：严重程度必须是 1 到 5 的整数（1 可忽略、2 轻微、3 中等、4 重大、5 严重），但这一格是空的。",
    ),
    "empty risk": (
        (HEADER_LINE + "\nLoans,,Poor,3,4,Review\n").encode(),
        "文件第 3 行：风险是空的；请用几个词说明可能出什么问题。",
    ),
    "too many risks": (
        (HEADER_LINE + "Loans,Refuses,Poor,3,4,Review\n" * (MAX_ROWS + 1)).encode(),
        f"文件里的风险超过 {MAX_ROWS} 个；这里的登记表最多只能容纳这么多。",
    ),
    "unreadable": ((HEADER_LINE + "x" * 200_000 + "\n").encode(), "这个文件不是可以读取的 CSV（第 2 行）。"),
    "no risks": (HEADER_LINE.encode(), "文件里没有任何风险：只有列名，或者只有空行。"),
}


@pytest.mark.parametrize("data, chinese", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_each_message_of_the_lab_is_translated_with_its_figures(monkeypatch, data, chinese):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    i18n.missing.clear()
    english = lab_message(data)
    assert i18n.t_message(english, value_words=str) == chinese  # as the page shows it: the column names as in the file
    assert not i18n.missing and latin_words(chinese) == []
    assert sorted(re.findall(r"\d[\d,]*", english)) == sorted(re.findall(r"\d[\d,]*", chinese))  # the same figures


def test_a_row_being_filled_in_on_the_page_says_why_in_chinese(monkeypatch):
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    i18n.missing.clear()
    row_being_filled = pd.DataFrame([{"use_case": "贷款", "risk": "太慢", "likelihood": 2, "severity": None}])
    _, problems = ui.impact.risks_from_table(row_being_filled)
    assert [i18n.t_message(problem) for problem in problems] == [
        "第 1 行：严重程度必须是 1 到 5 的整数（1 可忽略、2 轻微、3 中等、4 重大、5 严重），但这一格是空的。"
    ]
    assert not i18n.missing


def open_with(query: dict[str, str]) -> AppTest:
    """The Impact page opened from a link with these query parameters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query)
    at.run()
    return at.switch_page("views/impact.py").run()


def test_a_link_opens_the_tab_it_names_in_either_language():
    at = open_with({"lang": "zh", "impact_tab": "register"})
    assert at.session_state[ui.impact.TAB] == "你的风险登记表"
    assert at.query_params["impact_tab"] == "register"
    assert not english_left(at)
    at.sidebar.radio(key="lang").set_value("en").run()  # the name in the address, not the label, keeps the tab
    assert at.session_state[ui.impact.TAB] == "Your risk register"
    assert at.query_params["impact_tab"] == "register"


def test_opening_another_tab_writes_its_name_and_the_first_tab_leaves_the_address_plain():
    at = open_with({"impact_tab": "no-such-tab"})
    assert at.session_state[ui.impact.TAB] == "Benefits and risks"
    assert "impact_tab" not in at.query_params
    at.session_state[ui.impact.TAB] = "Jobs and skills"
    at.run()
    assert at.query_params["impact_tab"] == "jobs"
    at.session_state[ui.impact.TAB] = "Benefits and risks"
    at.run()
    assert "impact_tab" not in at.query_params
