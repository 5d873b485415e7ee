"""AI Impact Lab: the router. Page config, the shared sidebar, navigation; every page lives in views/."""

import streamlit as st

from lab.board import MAX_NICKNAME, nickname_problem
from ui import i18n, presenter
from ui.i18n import t, t_message
from ui.state import NICKNAME, SEED, generated_nickname

i18n.start_from_link()
st.set_page_config(page_title=t("AI Impact Lab"), page_icon=":material/science:", layout="wide")

pages = {
    t("Learn"): [
        st.Page("views/home.py", title=t("Home"), icon=":material/home:", default=True),
        st.Page("views/how_it_works.py", title=t("How it works"), icon=":material/functions:", url_path="how"),
    ],
    t("Experiment"): [
        st.Page("views/train.py", title=t("Train & Compare"), icon=":material/model_training:", url_path="train"),
        st.Page("views/fairness.py", title=t("Fairness"), icon=":material/balance:", url_path="fairness"),
        st.Page("views/privacy.py", title=t("Privacy"), icon=":material/policy:", url_path="privacy"),
        st.Page("views/try_model.py", title=t("Try a model"), icon=":material/draw:", url_path="try"),
        st.Page("views/language_model.py", title=t("Language model"), icon=":material/chat:", url_path="language"),
        st.Page("views/cost_scale.py", title=t("Cost & Scale"), icon=":material/bolt:", url_path="cost"),
    ],
    t("Class"): [st.Page("views/board.py", title=t("Class board"), icon=":material/leaderboard:", url_path="board")],
    t("Society"): [
        st.Page("views/impact.py", title=t("Impact"), icon=":material/public:", url_path="impact"),
        st.Page("views/faq.py", title=t("FAQ & glossary"), icon=":material/help:", url_path="faq"),
    ],
}
navigation = st.navigation(pages)
tour = [page for section in pages.values() for page in section]

with st.sidebar:
    i18n.switch_ui()
    presenting = presenter.switch_ui()
    st.number_input(
        t("Seed (same seed, same result)"),
        min_value=0,
        max_value=2**31 - 1,
        value=0,
        key=SEED,
        help=t("Every random choice in training starts from this number, so a run can be repeated."),
    )
    st.session_state.setdefault(NICKNAME, generated_nickname())
    st.text_input(
        t("Your nickname on the class board"),
        max_chars=MAX_NICKNAME,
        key=NICKNAME,
        help=t("Made up, never your real name: the whole class sees it next to your runs."),
    )
    if problem := nickname_problem(st.session_state[NICKNAME]):
        fallback = generated_nickname()
        st.error(t_message(problem) + " " + t("Until you fix it, your runs go on the board as {name}.", name=fallback))
    st.caption(t("AI Impact Lab runs fully offline: no data leaves this server."))

if presenting:  # above the page: the teacher steps through without scrolling the sidebar
    presenter.large_type()
    presenter.tour_ui(tour, navigation)
navigation.run()
