"""Impact: what these models change for people, how to weigh the risks of a use case, and what it takes to do well."""

import streamlit as st

from ui.i18n import t
from ui.impact import jobs_ui, principles_ui, register_ui, tabs_ui, topics_ui

st.title(t("Impact"))
st.write(
    t(
        "What models like the ones on this app change for people and for society: the benefits, the risks and the "
        "challenges, each with a page of this app where you can see it happen. Then weigh the risks of a use case of "
        "your own, see what responsible use looks like in practice, and which jobs and skills are changing."
    )
)

benefits_and_risks, register, principles, jobs = tabs_ui()
with benefits_and_risks:
    st.header(t("Benefits"))
    topics_ui("benefit")
    st.header(t("Risks"))
    topics_ui("risk")
    st.header(t("Challenges"))
    topics_ui("challenge")
with register:
    st.write(
        t(
            "Pick a use case your group knows (a model that screens job applications, grades essays, approves "
            "loans). List what could go wrong and for whom, rate how likely and how severe each risk is from 1 to "
            "5, and agree what you will do about it. Click the empty last line of the table to add a risk; download "
            "the register to keep it, and load it back later."
        )
    )
    register_ui()
with principles:
    st.write(
        t(
            "Making a model safe, reliable, fair and transparent is the responsibility of the people who build it "
            "and of those who decide to use it. Here is what each of the four looks like in practice."
        )
    )
    principles_ui()
with jobs:
    st.write(
        t(
            "Models change tasks more than whole jobs. Below: which tasks they take over or help with, which roles "
            "grow, and which skills are worth learning in a world where models are a service anyone can call."
        )
    )
    jobs_ui()
