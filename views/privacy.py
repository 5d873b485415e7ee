"""Privacy: what a trained model leaks about the people in its training data, and what differential privacy buys."""

import streamlit as st

from lab.privacy_notes import load_privacy_notes
from ui import state
from ui.i18n import t
from ui.privacy_page import attack_ui, notes_ui, overfitting_ui, sweep_ui
from ui.progress import jobs_ui

st.title(t("Privacy"))
st.write(
    t(
        "Can someone tell, from a trained model alone, whether a given person's record was used to train it? "
        "Here you run that attack on real models, watch it get better as a model memorises, and see what "
        "differential privacy costs to stop it."
    )
)
st.info(t(load_privacy_notes().app.attack), icon=":material/policy:")
jobs_ui(page="privacy")

attack, overfitting, sweep, notes = st.tabs(
    [t("The attack on your models"), t("Memorising makes it worse"), t("Differential privacy"), t("Privacy notes")]
)
with attack:
    attack_ui()
with overfitting:
    overfitting_ui(seed=state.seed())
with sweep:
    sweep_ui(seed=state.seed())
with notes:
    notes_ui()
