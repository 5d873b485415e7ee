"""Home: what the lab shows, the architectures in plain words, how to use it in a class."""

import streamlit as st

from ui.content import architectures, page_text
from ui.i18n import t

st.title(t("AI Impact Lab"))
st.markdown(page_text("home_intro"))
st.page_link("views/train.py", label=t("Start: Train & Compare"), icon=":material/model_training:")
st.page_link("views/fairness.py", label=t("Who is treated unfairly: Fairness"), icon=":material/balance:")
st.page_link("views/privacy.py", label=t("What a model leaks: Privacy"), icon=":material/policy:")
st.page_link("views/try_model.py", label=t("Draw a digit for a model: Try a model"), icon=":material/draw:")
st.page_link("views/language_model.py", label=t("A real language model writes: Language model"), icon=":material/chat:")
st.page_link("views/cost_scale.py", label=t("From your model to GPT-3: Cost & Scale"), icon=":material/bolt:")
st.page_link("views/how_it_works.py", label=t("The formulas, live: How it works"), icon=":material/functions:")
st.page_link("views/board.py", label=t("Everyone's runs side by side: Class board"), icon=":material/leaderboard:")
st.page_link("views/impact.py", label=t("What it means for people: Impact"), icon=":material/public:")
st.page_link("views/faq.py", label=t("Questions and words: FAQ & glossary"), icon=":material/help:")

st.header(t("The models you can train"))
for arch in architectures().values():
    st.subheader(t(arch["title"]))
    st.write(t(arch["summary"]))

st.header(t("Using it in a class"))
st.markdown(page_text("home_class"))
