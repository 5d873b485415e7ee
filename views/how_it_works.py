"""How it works: the formulas inside the models, each driving a small live picture."""

import streamlit as st

from ui import state
from ui.content import page_text
from ui.how_it_works import attention_ui, convolution_ui, cross_entropy_ui, descent_ui, lstm_ui
from ui.i18n import t

st.title(t("How it works"))
st.markdown(page_text("how_intro"))

st.header(t("Convolution and pooling: how a CNN looks at a picture"))
convolution_ui()

st.header(t("An LSTM cell: a memory with gates"))
lstm_ui(seed=state.seed())

st.header(t("Attention: every word looks at every other word"))
attention_ui()

st.header(t("Cross-entropy: how wrong was one answer?"))
cross_entropy_ui()

st.header(t("Gradient descent: how a model learns, one step downhill at a time"))
descent_ui()
