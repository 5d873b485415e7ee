"""What the language model assumes and where it errs: the pronoun probe over jobs, and confident mistakes on
questions with known answers."""

import plotly.graph_objects as go
import streamlit as st

from lab.bias_probe import CLASSES, BiasProbeResult, CheckedAnswer, check_answer, load_probes, run_bias_probe
from lab.llm import LanguageModel
from ui import presenter, url_state
from ui.charts import PALETTE, show
from ui.i18n import quoted, t, t_message
from ui.language_model import candidates_figure, candidates_summary

BIAS_RESULT = "language_bias_result"  # this session's last bias probe
ANSWERS = "language_answers"  # the checked questions, once asked


@st.cache_data(show_spinner=False, max_entries=64)
def _bias_probe(_lm: LanguageModel, template: str, groups: tuple[str, ...], n_samples: int, seed: int):
    """The probe's counts, computed once per template, words, samples and seed for the whole server."""
    return run_bias_probe(_lm, load_probes().templates[template], groups, n_samples=n_samples, seed=seed)


def _pronoun_label(pronoun: str) -> str:
    return t("none of these") if pronoun == "other" else t(f"“{pronoun}”")


def bias_figure(result: BiasProbeResult) -> go.Figure:
    """A group of bars per group word: how many continuations had each pronoun first."""
    figure = go.Figure()
    names = [t(g.group) for g in result.groups]
    for pronoun, colour in zip(CLASSES, PALETTE, strict=False):
        counts = [g.counts[pronoun] for g in result.groups]
        figure.add_bar(x=names, y=counts, name=_pronoun_label(pronoun), marker_color=colour, text=counts)
    figure.update_layout(
        title=t("First pronoun in {n} continuations of each prompt", n=result.n_samples),
        barmode="group",
        height=360,
        margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", y=-0.2),
        template="plotly_white",
        yaxis=dict(title=t("continuations (count)"), range=[0, result.n_samples]),
    )
    return figure


def bias_summary(result: BiasProbeResult) -> str:
    """The probe's chart in a sentence or two: after which word “he”, and after which “she”, came most often."""
    sentences = []
    for pronoun in ("he", "she"):
        most = max(result.groups, key=lambda g: g.counts[pronoun])
        if most.counts[pronoun] == 0:
            sentences.append(t("No continuation went on with {pronoun}.", pronoun=_pronoun_label(pronoun)))
            continue
        sentences.append(
            t(
                "{pronoun} came first most often after {group}: {count} of {n} continuations.",
                pronoun=_pronoun_label(pronoun),
                group=t(most.group),
                count=most.counts[pronoun],
                n=result.n_samples,
            )
        )
    return " ".join(sentences)


def bias_probe_ui(lm: LanguageModel, *, seed: int) -> None:
    """Choose a prompt and words; many continuations each; the pronouns counted and charted."""
    templates = load_probes().templates
    url_state.start("language_bias_template", next(iter(templates)), allowed=templates)
    name = st.selectbox(
        t("Prompt"), list(templates), format_func=lambda n: t(templates[n].text), key="language_bias_template"
    )
    url_state.remember("language_bias_template", next(iter(templates)))
    template = templates[name]
    st.write(t(template.reading))
    groups_key = f"language_bias_groups_{name}"
    url_state.start_list(groups_key, list(template.groups[:2]), allowed=template.groups)
    groups = st.multiselect(t("Words to compare"), template.groups, format_func=t, key=groups_key)
    url_state.remember(groups_key, list(template.groups[:2]))
    with presenter.details():
        n_samples = st.number_input(t("Continuations per word"), value=20, step=10, key="language_bias_samples")
    if st.button(t("Run the probe"), key="language_bias_run"):
        try:
            with st.spinner(t("The model continues each prompt many times")):
                st.session_state[BIAS_RESULT] = _bias_probe(lm, name, tuple(groups), int(n_samples), seed)
        except ValueError as problem:
            st.error(t_message(str(problem)))
    result: BiasProbeResult | None = st.session_state.get(BIAS_RESULT)
    if result is None:
        return
    show(bias_figure(result), bias_summary(result), key="language_bias_chart")
    st.caption(
        t(
            "Each prompt was continued {n} times by drawing each next token at the model's own odds (temperature "
            "1), {max_tokens} tokens at most; the first “he”, “she” or “they” word (him, her, their...) was counted. "
            "Seed {seed}: the same seed gives the same counts. A few dozen continuations show a strong lean, not a "
            "small one: run it with another seed to see how much the counts move.",
            n=result.n_samples,
            max_tokens=result.max_tokens,
            seed=result.seed,
        )
    )
    with st.expander(t("Read the continuations")):
        for group in result.groups:
            st.markdown(t("**{prompt}** …", prompt=group.prompt))
            st.code("\n".join(f"… {c.strip()}" for c in group.completions[:10]), language=None, wrap_lines=True)


@st.cache_data(show_spinner=False)
def _checked_answers(_lm: LanguageModel) -> tuple[CheckedAnswer, ...]:
    """Every question asked once per server (greedy answers: the same every time)."""
    return tuple(check_answer(_lm, question) for question in load_probes().questions)


def mistakes_ui(lm: LanguageModel) -> None:
    """Questions with known answers: the model's answer, how sure it was, and the right answer's share."""
    if st.button(t("Ask the model the questions"), key="language_mistakes_run"):
        with st.spinner(t("Asking each question")):
            st.session_state[ANSWERS] = _checked_answers(lm)
    answers: tuple[CheckedAnswer, ...] | None = st.session_state.get(ANSWERS)
    if answers is None:
        return
    st.dataframe(
        [
            {
                t("Question"): t(a.question.question),
                t("The model answered"): a.said,  # the model's own words: never translated
                t("Right answer"): a.question.answer,
                t("Right?"): t("yes") if a.correct else t("no"),
                t("Its probability for its answer (%)"): round(a.said_probability * 100, 1),
                t("Its probability for the right answer (%)"): round(a.right_probability * 100, 1),
            }
            for a in answers
        ],
        hide_index=True,
        key="language_mistakes_table",
    )
    wrong = [a for a in answers if not a.correct]
    if wrong:
        sure = sum(a.said_probability for a in wrong) / len(wrong)
        st.markdown(
            t(
                "It got {wrong} of {total} questions wrong, and on those it gave its own wrong answer {sure} "
                "probability on average. The probability is how likely the model finds a word, not how likely the "
                "word is to be true: a model can be sure and wrong.",
                wrong=len(wrong),
                total=len(answers),
                sure=f"{sure:.0%}",
            )
        )
    chosen = st.selectbox(
        t("Look at one question"),
        range(len(answers)),
        format_func=lambda i: t(answers[i].question.question),
        key="language_mistakes_question",
    )
    answer = answers[chosen]
    title = t("After {lead}: the likeliest next tokens", lead=quoted(answer.question.lead))
    first = answer.likeliest[0].token if answer.likeliest else None
    show(
        candidates_figure(answer.likeliest, chosen=first, title=title),
        candidates_summary(answer.likeliest),
        key="language_mistakes_chart",
    )
    st.caption(t(answer.question.note))
