"""Try a model: draw, upload, type or fill in a person, and see the answer, why, and what it cost."""

import streamlit as st

from ui.compare import spec_title
from ui.i18n import t
from ui.try_model import (
    answer_ui,
    counterfactual_ui,
    explanation_ui,
    image_input_ui,
    pick_run_ui,
    row_input_ui,
    text_input_ui,
)

st.title(t("Try a model"))
st.write(
    t(
        "Give a trained model something of your own: a digit drawn with the mouse, a picture, a review, or a "
        "person. See what it answers, how sure it is, and which parts of your input moved the answer."
    )
)
model = pick_run_ui()
if model is None:
    st.stop()
st.subheader(spec_title(model.result.spec))
readers = {"image": image_input_ui, "text": text_input_ui, "embedding": text_input_ui, "table": row_input_ui}
reader = readers[model.data.inputs.modality]
given = reader(model)
if given is None:
    st.stop()
x, notices = given
answer = answer_ui(model, x, notices)
st.header(t("Why it answered that"))
explanation_ui(model, x, answer)
if model.data.inputs.modality == "table" and model.data.card.sensitive:
    st.header(t("The same person, another group"))
    counterfactual_ui(model, x)
