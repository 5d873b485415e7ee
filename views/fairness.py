"""Fairness: who a model treats unfairly, why, and what can be done about it."""

import streamlit as st

from ui import state
from ui.fairness_audit import audit_ui
from ui.fairness_experiments import association_ui, hiring_ui
from ui.i18n import t

st.title(t("Fairness"))
st.write(
    t(
        "A model can be accurate and still treat groups of people differently. Here you train models on real data "
        "about people, see which groups they favour, test whether hiding the sensitive column helps, and see what "
        "fixing the gap costs. Every fairness figure is computed by fairlearn on the test set."
    )
)

audit, simulator, pretrained = st.tabs([t("Audit a model"), t("Hiring simulator"), t("Bias in a pretrained model")])
with audit:
    audit_ui(seed=state.seed())
with simulator:
    hiring_ui(seed=state.seed())
with pretrained:
    association_ui()
