"""Class board: every run of the class by nickname, sorted by what matters, with the best trade-offs; live."""

import streamlit as st

from lab.board import sort_rows
from ui import url_state
from ui.board import (
    SORTS,
    chart_ui,
    nickname_note_ui,
    rows_ui,
    summary_downloads_ui,
    summary_ui,
    table_ui,
    teacher_ui,
    tradeoff_ui,
)
from ui.i18n import t
from ui.services import run_store

st.title(t("Class board"))
st.write(
    t(
        "Every model trained on this server, by everyone in the class, side by side: how accurate it is, what it "
        "cost, how differently it treats groups of people and how much it leaks about its training data. The board "
        "updates itself every few seconds while the class trains."
    )
)
nickname_note_ui()


@st.fragment(run_every=5)
def live_board() -> None:
    """The board, redrawn every 5 seconds so that the class's new runs appear without a click."""
    rows = rows_ui(run_store())
    if not rows:
        st.info(
            t("No run on the board yet: train a model on Train & Compare, Fairness or Privacy and it appears here.")
        )
        return
    summary_ui(rows)
    url_state.start("board_sort", "accuracy", allowed=SORTS)  # a shared link opens the same sort
    sorts = {key: t(label) for key, label in SORTS.items()}  # built now: AppTest formats options again later
    by = st.selectbox(t("Sort by"), list(SORTS), format_func=sorts.get, key="board_sort")
    url_state.remember("board_sort", "accuracy")
    if by == "tradeoff":
        tradeoff_ui(rows)
    else:
        table_ui(sort_rows(rows, by))
    chart_ui(rows)


live_board()
if rows := rows_ui(run_store()):
    summary_downloads_ui(rows)
teacher_ui(run_store())
