"""AI Impact Lab: the router. Page config, the shared sidebar, navigation; every page lives in views/."""

import streamlit as st

from lab.board import MAX_NICKNAME, generate_nickname, nickname_problem
from ui import presenter
from ui.state import NICKNAME, SEED, owner_id

st.set_page_config(page_title="AI Impact Lab", page_icon=":material/science:", layout="wide")

pages = {
    "Learn": [
        st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("views/how_it_works.py", title="How it works", icon=":material/functions:", url_path="how"),
    ],
    "Experiment": [
        st.Page("views/train.py", title="Train & Compare", icon=":material/model_training:", url_path="train"),
        st.Page("views/fairness.py", title="Fairness", icon=":material/balance:", url_path="fairness"),
        st.Page("views/privacy.py", title="Privacy", icon=":material/policy:", url_path="privacy"),
        st.Page("views/try_model.py", title="Try a model", icon=":material/draw:", url_path="try"),
        st.Page("views/language_model.py", title="Language model", icon=":material/chat:", url_path="language"),
        st.Page("views/cost_scale.py", title="Cost & Scale", icon=":material/bolt:", url_path="cost"),
    ],
    "Class": [st.Page("views/board.py", title="Class board", icon=":material/leaderboard:", url_path="board")],
    "Society": [
        st.Page("views/impact.py", title="Impact", icon=":material/public:", url_path="impact"),
        st.Page("views/faq.py", title="FAQ & glossary", icon=":material/help:", url_path="faq"),
    ],
}
navigation = st.navigation(pages)
tour = [page for section in pages.values() for page in section]

with st.sidebar:
    presenting = presenter.switch_ui()
    st.number_input(
        "Seed (same seed, same result)",
        min_value=0,
        max_value=2**31 - 1,
        value=0,
        key=SEED,
        help="Every random choice in training starts from this number, so a run can be repeated.",
    )
    st.session_state.setdefault(NICKNAME, generate_nickname(owner_id()))
    st.text_input(
        "Your nickname on the class board",
        max_chars=MAX_NICKNAME,
        key=NICKNAME,
        help="Made up, never your real name: the whole class sees it next to your runs.",
    )
    if problem := nickname_problem(st.session_state[NICKNAME]):
        st.error(f"{problem} Until you fix it, your runs go on the board as {generate_nickname(owner_id())}.")
    st.caption("AI Impact Lab runs fully offline: no data leaves this server.")

if presenting:  # above the page: the teacher steps through without scrolling the sidebar
    presenter.large_type()
    presenter.tour_ui(tour, navigation)
navigation.run()
