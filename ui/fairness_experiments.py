"""The Fairness page's two experiments: the hiring simulator and the word association test on MiniLM."""

import streamlit as st

from lab.hiring import HiringSettings, SimulationResult, simulate
from lab.weat import AssociationResult, AssociationTest, load_tests, run_test
from ui import plain_people, presenter, url_state
from ui.charts import association_figure, hiring_figure, show
from ui.fairness_audit import named
from ui.i18n import number, t, t_message

# Each slider of the simulator: its key, default and the values it can take (in %), also read from the address.
SLIDERS = {
    "fairness_sim_minority": (30, range(5, 51, 5)),
    "fairness_sim_bias": (0, range(0, 101, 25)),
    "fairness_sim_proxy": (50, range(0, 101, 25)),
}


@st.cache_data(max_entries=64, show_spinner=False)
def _simulation(settings: HiringSettings, seed: int) -> SimulationResult:
    return simulate(settings, seed=seed)


def _slider(label: str, key: str, *, help: str | None = None) -> int:
    """One of the simulator's percentage sliders, its value kept in the address."""
    default, values = SLIDERS[key]
    url_state.start(key, default, parse=int, allowed=values)
    value = st.slider(label, values[0], values[-1], step=values.step, format="%d%%", key=key, help=help)
    url_state.remember(key, default)
    return value


def _hiring_summary(historical: dict[str, float], with_group: dict[str, float], without_group: dict[str, float]) -> str:
    """The simulator's chart in words: each group's hiring rate in the past and under each model."""
    return t(
        "In the past decisions, {past_majority:.0f}% of the majority and {past_minority:.0f}% of the minority were "
        "hired. The model reading every column hires {with_majority:.0f}% and {with_minority:.0f}%; the model "
        "never shown the group, {without_majority:.0f}% and {without_minority:.0f}%.",
        past_majority=historical["majority"] * 100,
        past_minority=historical["minority"] * 100,
        with_majority=with_group["majority"] * 100,
        with_minority=with_group["minority"] * 100,
        without_majority=without_group["majority"] * 100,
        without_minority=without_group["minority"] * 100,
    )


def hiring_ui(*, seed: int) -> None:
    """Sliders for the injected bias; a logistic regression retrained on each move (a fraction of a second)."""
    st.write(
        t(
            "A made-up firm's hiring history: both groups are equally qualified by construction. Move the sliders to "
            "bias the past decisions against the minority, or to let a neighbourhood column give the group away, and "
            "watch what a model trained on that history does. (This one is retrained here on every move; to train "
            "other models on the default history, choose *Hiring (simulated)* in the audit.)"
        )
    )
    left, middle, right = st.columns(3)
    with left, presenter.details():  # the make-up of the applicants sets the scene; the lesson is in the other two
        minority = _slider(t("Minority share of applicants"), "fairness_sim_minority")
    with middle:
        bias = _slider(t("Bias in past decisions"), "fairness_sim_bias", help=t("0%: merit only."))
    with right:
        proxy = _slider(
            t("How well the neighbourhood reveals the group"),
            "fairness_sim_proxy",
            help=t("0%: not at all. 100%: everyone in the south is in the minority."),
        )
    try:
        settings = HiringSettings(minority_share=minority / 100, label_bias=bias / 100, proxy_strength=proxy / 100)
        outcome = _simulation(settings, seed)
    except ValueError as problem:
        st.error(t_message(str(problem)))
        return
    with_group = {g.group: g.selection_rate for g in outcome.with_group.fairness.groups}
    without_group = {g.group: g.selection_rate for g in outcome.without_group.fairness.groups}
    in_words = {
        t("model reading every column"): {t(group): rate for group, rate in with_group.items()},
        t("model never shown the group"): {t(group): rate for group, rate in without_group.items()},
    }
    past = {t(group): rate for group, rate in outcome.historical_selection.items()}
    show(
        hiring_figure(past, in_words),
        _hiring_summary(outcome.historical_selection, with_group, without_group),
        key="fairness_sim_chart",
    )
    st.markdown(
        plain_people.hiring_sentence(
            bias / 100, outcome.with_group.fairness.dp_difference, outcome.without_group.fairness.dp_difference
        )
    )
    st.caption(
        t(
            "Accuracy against the past decisions: {with_group:.1%} and {without_group:.1%}, on {n} test applicants. "
            "A model can match a biased history well: accuracy measures agreement with the past, not fairness.",
            with_group=outcome.with_group.accuracy,
            without_group=outcome.without_group.accuracy,
            n=number(len(outcome.test_rows)),
        )
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _association(name: str) -> AssociationResult:
    return run_test(load_tests()[name])


def _set_names(test: AssociationTest) -> list[str]:
    return [test.x_name, test.y_name, test.a_name, test.b_name]


def _association_summary(result: AssociationResult) -> str:
    """The word chart in words: how many of each set lean toward the A words, and the words at both ends."""
    test = result.test
    words = [*result.x_associations, *result.y_associations]
    nearest_a = max(words, key=lambda word: word[1])[0]
    nearest_b = min(words, key=lambda word: word[1])[0]
    return t(
        "{x_toward} of the {x_count} {x_name} and {y_toward} of the {y_count} {y_name} sit nearer the {a_name}. "
        "Nearest the {a_name}: `{nearest_a}`; nearest the {b_name}: `{nearest_b}`.",
        x_toward=sum(score > 0 for _, score in result.x_associations),
        x_count=len(result.x_associations),
        x_name=t(test.x_name),
        y_toward=sum(score > 0 for _, score in result.y_associations),
        y_count=len(result.y_associations),
        y_name=t(test.y_name),
        a_name=t(test.a_name),
        b_name=t(test.b_name),
        nearest_a=nearest_a,
        nearest_b=nearest_b,
    )


def association_ui() -> None:
    """A word association test (WEAT) on the pretrained MiniLM encoder the Train page uses."""
    st.write(
        t(
            "A pretrained model learned from text written by people, and text carries stereotypes. This test asks "
            "the MiniLM encoder (the pretrained model on Train & Compare) which words it places near which, with "
            "the Word Embedding Association Test of Caliskan, Bryson & Narayanan, *Science* 356 (2017) 183-186. "
            "The word lists were written for this project."
        )
    )
    tests = load_tests()
    url_state.start("fairness_weat_test", next(iter(tests)), allowed=list(tests))
    name = st.selectbox(t("Test"), list(tests), format_func=lambda n: t(tests[n].title), key="fairness_weat_test")
    url_state.remember("fairness_weat_test", next(iter(tests)))
    test = tests[name]
    st.caption(t(test.reading))
    st.caption(  # the words are the English encoder's input: the Chinese page quotes them as they are
        t(
            "**{x_name}**: {x_words} · **{y_name}**: {y_words} · **{a_name}**: {a_words} · **{b_name}**: {b_words}",
            **{f"{part}_name": t(getattr(test, f"{part}_name")) for part in "xyab"},
            **{f"{part}_words": ", ".join(getattr(test, f"{part}_words")) for part in "xyab"},
        )
    )
    if not st.button(t("Run the test"), key="fairness_weat_run") and name not in st.session_state.get(
        "fairness_weat", ()
    ):
        return
    st.session_state.setdefault("fairness_weat", set()).add(name)
    with st.spinner(t("Reading the words with the encoder (the first time loads it: a few seconds)")):
        result = _association(name)
    left, right = st.columns(2)
    left.metric(t("Effect size (-2 to 2)"), f"{result.effect_size:.2f}", help=t("0: no association. ±2: the largest."))
    right.metric(t("Chance of a gap this large (p-value)"), f"{result.p_value:.4f}")
    st.markdown(named(result.summary(), _set_names(test)))
    show(
        association_figure(
            {t(test.x_name): result.x_associations, t(test.y_name): result.y_associations},
            toward_a=t(test.a_name),
            toward_b=t(test.b_name),
        ),
        _association_summary(result),
        key="fairness_weat_chart",
    )
    st.caption(
        t(
            "Read the two colours against each other: the test asks whether one set sits nearer the {a_name} than "
            "the other does, not whether any word is on one side of zero. What it does not show: how a system "
            "built on this encoder treats people. It shows what the encoder's vectors hold; whether that harms "
            "anyone depends on what the vectors are then used for.",
            a_name=t(test.a_name),
        )
    )
