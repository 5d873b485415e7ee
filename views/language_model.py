"""Language model: a real small language model writes token by token; what it costs, what it assumes, where it errs."""

import streamlit as st

from ui import state
from ui.i18n import t
from ui.language_model import generate_ui, load_model_ui, size_ui
from ui.language_probes import bias_probe_ui, mistakes_ui

st.title(t("Language model"))
st.write(
    t(
        "SmolLM2 is a real language model, the same kind of program as the chatbots, only thousands of times "
        "smaller. It writes one token (a word or a piece of one) at a time: at each step it gives every possible "
        "next token a probability, and one of the likely ones is drawn. Everything here runs on this server, offline."
    )
)
lm = load_model_ui()
if lm is None:
    st.stop()
size_ui(lm)

write, bias, mistakes = st.tabs([t("Write with it"), t("What it assumes"), t("Sure, and wrong")])
with write:
    st.write(
        t(
            "Type a prompt and watch the answer arrive token by token. The temperature decides how adventurous the "
            "draw is; with the same seed (in the sidebar) and settings, the same text comes back."
        )
    )
    generate_ui(lm, seed=state.seed())
with bias:
    st.write(
        t(
            "The model learned from text written by people, and it repeats what that text takes for granted. Here "
            "the same sentence starts with different jobs, the model finishes each one many times, and we count "
            "whether it goes on with “he”, “she” or “they”."
        )
    )
    bias_probe_ui(lm, seed=state.seed())
with mistakes:
    st.write(
        t(
            "A language model always answers in fluent, confident sentences, whether it knows or not. These "
            "questions have one right answer each: see what the model says, and how much probability it gave to "
            "its answer and to the right one."
        )
    )
    mistakes_ui(lm)
