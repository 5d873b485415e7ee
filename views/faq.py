"""FAQ & glossary: plain answers to the questions people ask about large models, and the words this app uses."""

import streamlit as st

from ui.faq import faq_ui, glossary_ui
from ui.i18n import t

st.title(t("FAQ & glossary"))
st.write(
    t(
        "Short answers in plain words to the questions people ask about large models: how big they are, what they "
        "cost, where their bias comes from, what they reveal about people. Figures from outside this app name their "
        "source and year; most of them are estimates by researchers, and the answers say so."
    )
)

st.header(t("Questions"))
faq_ui()

st.header(t("Glossary"))
st.write(t("The words used on this app's pages, each in one sentence."))
glossary_ui()
