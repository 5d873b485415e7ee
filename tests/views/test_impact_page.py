"""The Impact page through the router with AppTest: its links, the register's download, upload and errors."""

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from page_harness import open_page
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

import ui.impact
from lab.risk_register import Risk, from_csv, to_csv

ROOT = Path(__file__).resolve().parents[2]
REGISTERED = set(re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text("utf-8")))
# Pages other engineers are building now: a link to one renders only once app.py registers it.
BEING_BUILT = {"views/cost_scale.py", "views/language_model.py", "views/how_it_works.py"}


def linkable(page: str) -> bool:
    return page in REGISTERED and (ROOT / page).exists()


@pytest.fixture
def impact(monkeypatch) -> AppTest:
    """The Impact page, its links limited to the pages this checkout has and registers."""
    # st.page_link raises for a page that st.navigation does not know; links to pages still being built wait.
    content = ui.impact.impact_content()
    topics = tuple(topic for topic in content.topics if linkable(topic.page))
    monkeypatch.setattr(ui.impact, "impact_content", lambda: replace(content, topics=topics))
    return open_page("impact")


@pytest.fixture
def downloads(monkeypatch) -> list[bytes]:
    """Every file the page offers for download, in order (AppTest keeps them in an in-memory media store)."""
    offered: list[bytes] = []
    keep = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if mimetype == "text/csv":
            offered.append(path_or_data)
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return offered


def texts(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption])


def ranking(at: AppTest) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if "Score" in df.value.columns)


def test_every_link_points_at_a_page_of_the_app():
    for topic in ui.impact.impact_content().topics:
        assert topic.page in REGISTERED | BEING_BUILT, topic.page
        assert topic.link.startswith("See it happen")


def test_the_page_ties_each_topic_to_a_page_and_cites_its_figures(impact):
    at = impact
    assert not at.exception
    assert at.title[0].value == "Impact"
    shown = [link.value for link in at.page_link]
    expected = [t.link for t in ui.impact.impact_content().topics if linkable(t.page)]
    assert shown == expected and len(shown) >= 5  # train, try, privacy, fairness pages exist already
    assert "See it happen: the hiring simulator, where a model learns bias from history" in shown
    assert "Source: E. Brynjolfsson, D. Li, L. R. Raymond" in texts(at) and ", 2023." in texts(at)
    assert [h.value for h in at.header] == ["Benefits", "Risks", "Challenges"]
    assert [s.value for s in at.subheader if s.value in ("Safe", "Reliable", "Fair", "Transparent")] == [
        "Safe",
        "Reliable",
        "Fair",
        "Transparent",
    ]
    assert "**Data annotator**" in texts(at)


def test_the_register_starts_with_an_example_and_downloads_it(downloads, impact):
    at = impact
    examples = list(ui.impact.impact_content().examples)
    assert len(at.data_editor) == 1
    assert list(ranking(at)["Score"]) == [16]  # likelihood 4 x severity 4
    assert not at.download_button(key="impact_register_download").proto.disabled
    assert from_csv(downloads[-1]) == examples


def test_a_register_loads_back_and_is_ranked_by_score(downloads, impact):
    at = impact
    mine = [
        Risk("Chatbot", "Gives wrong medical advice", "Patients", 2, 5, "Refer to a nurse"),
        Risk("Chatbot", "Leaks what people typed", "Users", 1, 4, "Keep no logs"),
        Risk("Chatbot", "=cmd", "Everyone", 5, 4, "Rate limits", "IT"),
    ]
    at.file_uploader(key="impact_upload").upload("ours.csv", to_csv(mine), "text/csv")
    at.run()
    assert not at.exception and not at.error
    assert "Loaded the register from ours.csv." in [s.value for s in at.success]
    assert list(ranking(at)["Score"]) == [20, 10, 4]
    assert list(ranking(at)["Level"]) == ["very high", "high", "low"]
    assert from_csv(downloads[-1]) == mine  # what the page offers back is what was loaded


def test_a_bad_file_says_why_and_leaves_the_register_as_it_was(impact):
    at = impact
    before = at.session_state[ui.impact.REGISTER].copy()
    at.file_uploader(key="impact_upload").upload("notes.csv", b"Dear team, here are our risks\n", "text/csv")
    at.run()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("notes.csv was not loaded, and the register is unchanged.")
    assert "does not use: Dear team" in message
    pd.testing.assert_frame_equal(at.session_state[ui.impact.REGISTER], before)
    assert list(ranking(at)["Score"]) == [16]


def test_rows_being_filled_in_are_left_out_with_a_reason():
    # AppTest does not apply cell edits to st.data_editor, so the function that reads its table is tested directly.
    table = pd.DataFrame(
        [
            {"use_case": "Loans", "risk": "Refuses poorer areas", "likelihood": 3, "severity": 4, "owner": None},
            {"use_case": None, "risk": None, "likelihood": float("nan"), "severity": float("nan")},  # just added
            {"use_case": "Loans", "risk": "Too slow", "likelihood": 2.0, "severity": float("nan")},
        ]
    )
    risks, problems = ui.impact.risks_from_table(table)
    assert [(r.risk, r.score, r.owner) for r in risks] == [("Refuses poorer areas", 12, "")]
    assert len(problems) == 1 and problems[0].startswith("Row 3: the severity must be a whole number from 1 to 5")
