"""AI Impact Lab: the router. Page config, the shared sidebar, navigation; every page lives in views/."""

import streamlit as st

from ui.state import SEED

st.set_page_config(page_title="AI Impact Lab", page_icon=":material/science:", layout="wide")

pages = {
    "Learn": [st.Page("views/home.py", title="Home", icon=":material/home:", default=True)],
    "Experiment": [
        st.Page("views/train.py", title="Train & Compare", icon=":material/model_training:", url_path="train"),
        st.Page("views/fairness.py", title="Fairness", icon=":material/balance:", url_path="fairness"),
        st.Page("views/privacy.py", title="Privacy", icon=":material/policy:", url_path="privacy"),
        st.Page("views/try_model.py", title="Try a model", icon=":material/draw:", url_path="try"),
    ],
}
navigation = st.navigation(pages)

with st.sidebar:
    st.number_input(
        "Seed (same seed, same result)",
        min_value=0,
        max_value=2**31 - 1,
        value=0,
        key=SEED,
        help="Every random choice in training starts from this number, so a run can be repeated.",
    )
    st.caption("AI Impact Lab runs fully offline: no data leaves this server.")

navigation.run()
