"""The Fairness page's two experiments: the hiring simulator and the word association test on MiniLM."""

import streamlit as st

from lab.hiring import HiringSettings, SimulationResult, simulate
from lab.weat import AssociationResult, load_tests, run_test
from ui import plain
from ui.charts import association_figure, hiring_figure


@st.cache_data(max_entries=64, show_spinner=False)
def _simulation(settings: HiringSettings, seed: int) -> SimulationResult:
    return simulate(settings, seed=seed)


def hiring_ui(*, seed: int) -> None:
    """Sliders for the injected bias; a logistic regression retrained on each move (a fraction of a second)."""
    st.write(
        "A made-up firm's hiring history: both groups are equally qualified by construction. Move the sliders to "
        "bias the past decisions against the minority, or to let a neighbourhood column give the group away, and "
        "watch what a model trained on that history does. (This one is retrained here on every move; to train "
        "other models on the default history, choose *Hiring (simulated)* in the audit.)"
    )
    left, middle, right = st.columns(3)
    minority = left.slider("Minority share of applicants", 5, 50, 30, 5, format="%d%%", key="fairness_sim_minority")
    bias = middle.slider(
        "Bias in past decisions", 0, 100, 0, 25, format="%d%%", key="fairness_sim_bias", help="0%: merit only."
    )
    proxy = right.slider(
        "How well the neighbourhood reveals the group",
        0,
        100,
        50,
        25,
        format="%d%%",
        key="fairness_sim_proxy",
        help="0%: not at all. 100%: everyone in the south is in the minority.",
    )
    try:
        settings = HiringSettings(minority_share=minority / 100, label_bias=bias / 100, proxy_strength=proxy / 100)
        outcome = _simulation(settings, seed)
    except ValueError as problem:
        st.error(str(problem))
        return
    rates = {
        "model reading every column": {g.group: g.selection_rate for g in outcome.with_group.fairness.groups},
        "model never shown the group": {g.group: g.selection_rate for g in outcome.without_group.fairness.groups},
    }
    st.plotly_chart(hiring_figure(outcome.historical_selection, rates), key="fairness_sim_chart")
    st.markdown(
        plain.hiring_sentence(
            bias / 100, outcome.with_group.fairness.dp_difference, outcome.without_group.fairness.dp_difference
        )
    )
    st.caption(
        f"Accuracy against the past decisions: {outcome.with_group.accuracy:.1%} and "
        f"{outcome.without_group.accuracy:.1%}, on {len(outcome.test_rows)} test applicants. A model can match a "
        "biased history well: accuracy measures agreement with the past, not fairness."
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _association(name: str) -> AssociationResult:
    return run_test(load_tests()[name])


def association_ui() -> None:
    """A word association test (WEAT) on the pretrained MiniLM encoder the Train page uses."""
    st.write(
        "A pretrained model learned from text written by people, and text carries stereotypes. This test asks "
        "the MiniLM encoder (the pretrained model on Train & Compare) which words it places near which, with "
        "the Word Embedding Association Test of Caliskan, Bryson & Narayanan, *Science* 356 (2017) 183-186. "
        "The word lists were written for this project."
    )
    tests = load_tests()
    name = st.selectbox("Test", list(tests), format_func=lambda n: tests[n].title, key="fairness_weat_test")
    test = tests[name]
    st.caption(test.reading)
    st.caption(
        f"**{test.x_name}**: {', '.join(test.x_words)} · **{test.y_name}**: {', '.join(test.y_words)} · "
        f"**{test.a_name}**: {', '.join(test.a_words)} · **{test.b_name}**: {', '.join(test.b_words)}"
    )
    if not st.button("Run the test", key="fairness_weat_run") and name not in st.session_state.get("fairness_weat", ()):
        return
    st.session_state.setdefault("fairness_weat", set()).add(name)
    with st.spinner("Reading the words with the encoder (the first time loads it: a few seconds)"):
        result = _association(name)
    left, right = st.columns(2)
    left.metric("Effect size (-2 to 2)", f"{result.effect_size:.2f}", help="0: no association. ±2: the largest.")
    right.metric("Chance of a gap this large (p-value)", f"{result.p_value:.4f}")
    st.markdown(result.summary())
    st.plotly_chart(
        association_figure(
            {test.x_name: result.x_associations, test.y_name: result.y_associations},
            toward_a=test.a_name,
            toward_b=test.b_name,
        ),
        key="fairness_weat_chart",
    )
    st.caption(
        "Read the two colours against each other: the test asks whether one set sits nearer the "
        f"{test.a_name} than the other does, not whether any word is on one side of zero. "
        "What it does not show: how a system built on this encoder treats people. It shows what the encoder's "
        "vectors hold; whether that harms anyone depends on what the vectors are then used for."
    )
