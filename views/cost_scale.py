"""Cost & Scale: measure how a model's cost grows with its size, and carry that, honestly, to today's largest models."""

import streamlit as st

from ui import state
from ui.cost_scale import sweep_ui
from ui.energy import energy_ui
from ui.giants import calculator_ui, giants_ui
from ui.i18n import t

st.title(t("Cost & Scale"))
st.write(
    t(
        "Large models are powerful, and expensive. Here you measure what small models cost as they grow, see the "
        "pattern in the numbers, and work out what the same arithmetic says at the size of today's largest models."
    )
)
st.info(
    t(
        "Your own runs are real: trained here, their size counted and their test loss measured. Everything about "
        "large models is an estimate: a rule of thumb for the calculations, the makers' figures for the chips, "
        "averages for the electricity grids, and the published figures of the papers named beside them."
    ),
    icon=":material/straighten:",
)

st.header(t("How cost grows with size"))
sweep_ui(seed=state.seed())

st.header(t("Large-model calculator"))
calculator_ui()

st.header(t("Your model next to the giants"))
giants_ui()

st.header(t("Energy, honestly: what each run used"))
energy_ui()
