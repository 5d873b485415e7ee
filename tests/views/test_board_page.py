"""The Class board through the router with AppTest: runs of two sessions seen by a third, the teacher area, and
nicknames with HTML in them shown as text everywhere.
"""

import json
import re
import uuid

import pytest
from page_harness import ROOT, open_page, run_until
from streamlit.testing.v1 import AppTest

from lab.config import load_settings
from lab.result import CostReport, EpochStats, Metrics, RunResult
from lab.spec import RunSpec
from lab.store import RunStore

SCRIPT = "<script>alert(1)</script>"  # 25 characters: the sidebar's box keeps 24 of them
SCRIPT_IN_MARKDOWN = r"\<script\>alert\(1\)\<\/script\>"  # every sign backslash-escaped: Markdown shows it as typed
SCRIPT_IN_PLOTLY = "&lt;script&gt;alert(1)&lt;/script&gt;"  # plotly reads a few tags in labels: escaped as entities


def store() -> RunStore:
    """The store the app uses in this test session (tests/conftest.py points it at a temporary file)."""
    return RunStore(load_settings().store_url)


def put_on_board(nickname: str, *, accuracy: float = 0.6, dataset: str = "resume") -> str:
    """A run claimed by a session with this nickname, written straight to the store; its run id."""
    run_id = uuid.uuid4().hex[:12]
    cost = CostReport(100, 200, 10**6, 1.0, 0.1, 100.0, None, 1e-6, "estimated", "estimated", 5e-4, 480.0)
    result = RunResult(
        run_id=run_id,
        spec=RunSpec(dataset, "logreg", seed=int(run_id[:6], 16)),
        metrics=Metrics(accuracy, 0.5, 100, 1, "completed"),
        cost=cost,
        history=(EpochStats(1, 0.6, 0.7, 0.6, 0.7, 1.0),),
        device="cpu",
        device_name="CPU, 2 cores",
        finished_at="2026-01-01T10:00:00+00:00",
    )
    store().save(result)
    store().add_to_board(run_id, owner=uuid.uuid4().hex, nickname=nickname)
    return run_id


def nicknames_on_board(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Nickname"]) if at.dataframe else []


def train_on_the_fairness_page(nickname: str, seed: int) -> AppTest:
    at = open_page("fairness")
    at.sidebar.text_input(key="nickname").input(nickname)
    at.sidebar.number_input(key="seed").set_value(seed)
    at.selectbox(key="fairness_dataset").set_value("compas")
    at.selectbox(key="fairness_arch").set_value("logreg").run()
    return at.button(key="fairness_train").click().run()


def test_runs_from_two_sessions_appear_in_a_third():
    """Acceptance 5: each session trains through the page under its own nickname; a third session sees both."""
    first, second = f"Brave Fox {uuid.uuid4().hex[:6]}", f"Calm Owl {uuid.uuid4().hex[:6]}"
    sessions = [train_on_the_fairness_page(first, seed=0), train_on_the_fairness_page(second, seed=1)]
    for at in sessions:
        run_until(at, lambda at: at.session_state["fairness_jobs"] == [], timeout=480)
        assert not at.exception
    board = open_page("board")
    assert not board.exception
    table = board.dataframe[0].value
    for nickname in (first, second):
        runs = table[table["Nickname"] == nickname]
        assert len(runs) == 2  # "Train both": with and without the sensitive columns
        assert set(runs["Data"]) == {"Re-arrest within two years (COMPAS, Broward County)"}
        assert runs["Accuracy (%)"].between(40, 100).all()
    downloads = {button.proto.id.split("-")[-1] for button in board.get("download_button")}
    assert {"board_report_pdf", "board_report_html", "board_report_md"} <= downloads  # the class on one page


def test_the_teacher_area_is_absent_when_no_password_is_set(monkeypatch):
    monkeypatch.delenv("AIL_TEACHER_PASSWORD", raising=False)
    put_on_board(f"Kind Seal {uuid.uuid4().hex[:6]}")
    at = open_page("board")
    assert not at.exception and at.dataframe
    assert not [e for e in at.expander if e.label == "Teacher"]
    assert "board_teacher_password" not in [t.key for t in at.text_input]


def test_a_wrong_password_is_refused_and_changes_nothing(monkeypatch):
    monkeypatch.setenv("AIL_TEACHER_PASSWORD", "right horse battery")
    nickname = f"Calm Owl {uuid.uuid4().hex[:6]}"
    put_on_board(nickname)
    at = open_page("board")
    assert [e.label for e in at.expander] == ["Teacher"]
    at.text_input(key="board_teacher_password").input("wrong horse").run()
    assert "not the teacher password" in at.error[0].value
    assert not [b for b in at.button if b.key in ("board_hide", "board_clear")]
    assert nickname in nicknames_on_board(at)


def test_the_right_password_hides_a_nickname_then_clears_the_board(monkeypatch):
    monkeypatch.setenv("AIL_TEACHER_PASSWORD", "right horse battery")
    rude, kept = f"Rude {uuid.uuid4().hex[:6]}", f"Kept {uuid.uuid4().hex[:6]}"
    put_on_board(rude)
    put_on_board(rude)
    kept_run = put_on_board(kept)
    at = open_page("board")
    at.text_input(key="board_teacher_password").input("right horse battery").run()
    assert at.get("download_button")  # every run as CSV (its content is tested in tests/lab/test_board.py)
    at.selectbox(key="board_hide_choice").set_value(rude)
    at.button(key="board_hide").click().run()
    assert "Hidden: 2 runs" in at.success[0].value
    assert rude not in nicknames_on_board(at) and kept in nicknames_on_board(at)

    assert at.button(key="board_clear").disabled  # not without the confirmation
    at.checkbox(key="board_clear_confirm").check().run()
    at.button(key="board_clear").click().run()
    assert "The board was cleared" in at.success[0].value
    assert not at.checkbox(key="board_clear_confirm").value  # asked again before another clear
    assert kept not in nicknames_on_board(at)
    assert store().get(kept_run) is not None  # off the board, still stored: the same settings are answered at once


def test_the_password_can_come_from_streamlit_secrets(monkeypatch):
    monkeypatch.delenv("AIL_TEACHER_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["teacher_password"] = "from secrets"
    at.run().switch_page("views/board.py").run()
    at.text_input(key="board_teacher_password").input("from secrets").run()
    assert not at.error and at.button(key="board_clear")


def test_a_nickname_with_html_or_script_is_shown_as_text_everywhere(monkeypatch):
    """Acceptance 3: in the table, the sentences, the chart and the teacher's list, never as markup."""
    monkeypatch.setenv("AIL_TEACHER_PASSWORD", "right horse battery")
    put_on_board(SCRIPT, accuracy=0.999)  # the most accurate run: named in the sentences beside the chart
    at = open_page("board")
    at.selectbox(key="board_chart_dataset").set_value("resume").run()
    at.text_input(key="board_teacher_password").input("right horse battery").run()
    assert not at.exception

    assert SCRIPT in nicknames_on_board(at)  # a table cell is data: shown exactly as typed
    assert SCRIPT in at.selectbox(key="board_hide_choice").options  # an option is plain text
    summary = next(m.value for m in at.markdown if "Most accurate" in m.value)
    assert f"by {SCRIPT_IN_MARKDOWN}" in summary
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    labels = [label for trace in chart["data"] for label in trace["hovertext"]]
    assert any(label.startswith(f"{SCRIPT_IN_PLOTLY} · ") for label in labels)
    assert not any("<" in label for label in labels)
    assert_no_markup(at)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<b>x</b>", r"**\<b\>x\<\/b\>**"),
        (SCRIPT, r"**\<script\>alert\(1\)\<\/script**"),  # the box keeps the first 24 characters
    ],
)
def test_a_nickname_typed_with_html_is_shown_as_text(typed, shown):
    at = open_page("board")
    at.sidebar.text_input(key="nickname").set_value(typed).run()
    assert not at.exception and not at.sidebar.error
    note = next(m.value for m in at.markdown if m.value.startswith("You appear on the board as"))
    assert shown in note
    assert_no_markup(at)


def assert_no_markup(at: AppTest) -> None:
    """No Markdown element holds a tag's "<" without its escaping backslash, and none may render HTML."""
    for element in [*at.markdown, *at.caption, *at.sidebar.markdown, *at.sidebar.caption]:
        assert not re.search(r"(?<!\\)<", element.value), element.value
        assert not element.proto.allow_html


@pytest.mark.parametrize(("typed", "reason"), [("   ", "at least one"), ("two\tcolumns", "control characters")])
def test_a_bad_nickname_gets_a_message_and_the_generated_one_is_used(typed, reason):
    at = open_page("board")
    generated = at.sidebar.text_input(key="nickname").value
    at.sidebar.text_input(key="nickname").set_value(typed).run()
    assert reason in at.sidebar.error[0].value
    assert generated in at.sidebar.error[0].value  # meanwhile the runs go on the board under the generated nickname
    note = next(m.value for m in at.markdown if m.value.startswith("You appear on the board as"))
    assert f"**{generated}**" in note and not at.exception
