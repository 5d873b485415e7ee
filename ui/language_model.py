"""The Language model page's parts: load the model once, write with it, probe what it assumes and where it errs."""

import plotly.graph_objects as go
import streamlit as st

from lab.bias_probe import CLASSES, BiasProbeResult, CheckedAnswer, check_answer, load_probes, run_bias_probe
from lab.device import describe
from lab.llm import (
    MAX_NEW_TOKENS,
    MAX_PROMPT_TOKENS,
    MODEL_NAME,
    Candidate,
    Generation,
    GenerationOptions,
    LanguageModel,
    PromptError,
    energy_wh_per_1000_tokens,
    load_language_model,
    prepare_prompt,
    stream,
)
from lab.meter import FALLBACK_WATTS
from ui import plain
from ui.charts import PALETTE

GENERATION = "language_generation"  # this session's last generation (not a widget key)
BIAS_RESULT = "language_bias_result"  # this session's last bias probe
ANSWERS = "language_answers"  # the checked questions, once asked


@st.cache_resource(show_spinner=False)
def language_model() -> LanguageModel:
    """The model, loaded once per server and shared by every session: it is only read, never trained."""
    return load_language_model()


def load_model_ui() -> LanguageModel | None:
    """The shared model, with a spinner while it loads; None and a message if it cannot be loaded."""
    try:
        with st.spinner("Loading the language model (the very first time, it is converted: about half a minute)"):
            return language_model()
    except OSError as problem:  # the package is missing, or the cache cannot be written
        st.error(f"The language model cannot be loaded: {problem}")
        return None


def size_ui(lm: LanguageModel) -> None:
    """The model's size next to GPT-3's."""
    reference = load_probes().reference
    left, right = st.columns(2)
    left.metric(f"{MODEL_NAME}: parameters", plain.big(lm.params))
    right.metric(f"{reference.title}: parameters", plain.big(reference.params))
    st.caption(
        f"Parameters are the numbers a model learned from its training text. {reference.title} has about "
        f"{reference.params / lm.params:,.0f} times as many as this model, which takes "
        f"{lm.params * 4 / 1e6:,.0f} MB of memory here (4 bytes per parameter) and runs on a laptop. "
        f"Source for {reference.title}: {reference.source} ({reference.year})."
    )


def _shown(token: str) -> str:
    """A token as a label: a leading space as ␣ and a line break as ↵, so that " he" and "he" differ visibly."""
    return token.replace(" ", "␣").replace("\n", "↵") or "(empty)"


def candidates_figure(candidates: tuple[Candidate, ...], *, chosen: str | None, title: str) -> go.Figure:
    """One bar per likely next token, the chosen one in another colour."""
    colours = [PALETTE[1] if c.token == chosen else PALETTE[0] for c in candidates]
    figure = go.Figure(
        go.Bar(
            x=[c.probability * 100 for c in candidates],
            y=[_shown(c.token) for c in candidates],
            orientation="h",
            marker_color=colours,
            text=[f"{c.probability:.0%}" for c in candidates],
        )
    )
    figure.update_layout(
        title=title,
        height=340,
        margin=dict(l=10, r=10, t=50, b=10),
        template="plotly_white",
        xaxis=dict(title="probability (%)", range=[0, 100]),
        yaxis=dict(autorange="reversed", type="category"),  # likeliest on top; a token like "1" stays a label
    )
    return figure


def _options_ui(seed: int) -> GenerationOptions:
    left, middle, right = st.columns(3)
    max_tokens = left.number_input(
        f"New tokens at most (1 to {MAX_NEW_TOKENS})", value=60, step=10, key="language_max_tokens"
    )
    temperature = middle.slider(
        "Temperature (0 = always the likeliest token)", 0.0, 2.0, 0.7, 0.1, key="language_temperature"
    )
    top_p = right.slider(
        "Top-p (sample among the likeliest tokens that hold this share)", 0.05, 1.0, 0.9, 0.05, key="language_top_p"
    )
    return GenerationOptions(int(max_tokens), float(temperature), float(top_p), seed)


def _stream_into(lm: LanguageModel, text: str, chat: bool, options: GenerationOptions, output) -> Generation | None:
    """Generate, showing each token as it comes; None, with the reason shown, for a prompt or setting that fails."""
    try:
        options.validate()
        prompt = prepare_prompt(lm, text, chat=chat)
    except PromptError as problem:
        st.error(str(problem))
        return None
    if prompt.dropped_tokens:
        st.warning(
            f"Your text is long: the model reads its last {MAX_PROMPT_TOKENS} tokens and left out the first "
            f"{prompt.dropped_tokens:,}, so that an answer comes within seconds."
        )
    steps = []
    for step in stream(lm, prompt, options):
        steps.append(step)
        output.markdown(_markdown(step.text) + " ▌")
    return Generation(prompt, tuple(steps))


def _markdown(text: str) -> str:
    return text.replace("$", r"\$")  # a dollar sign is money here, not the start of a formula


def generate_ui(lm: LanguageModel, *, seed: int) -> None:
    """A prompt and the sampling settings in, the text streamed out, then its speed, energy and probabilities."""
    text = st.text_area("Your prompt", "Write a short story about a robot who learns to paint.", key="language_prompt")
    chat = st.toggle("Ask the assistant (off: the model simply continues your text)", value=True, key="language_chat")
    options = _options_ui(seed)
    output = st.empty()
    if st.button("Generate", key="language_generate", type="primary"):
        generation = _stream_into(lm, text, chat, options, output)
        if generation is not None:
            st.session_state[GENERATION] = generation
    generation = st.session_state.get(GENERATION)
    if generation is None:
        return
    if not generation.steps:
        output.info("The model ended its answer straight away: try another prompt or another seed.")
        return
    output.markdown(_markdown(generation.text))
    speed_ui(lm, generation)
    next_token_ui(generation)


def speed_ui(lm: LanguageModel, generation: Generation) -> None:
    """Time to first token, tokens per second, energy per 1 000 tokens (an estimate) and the device."""
    wh = energy_wh_per_1000_tokens(generation, watts=FALLBACK_WATTS)
    first, speed, energy, device = st.columns(4)
    first.metric("Time to first token", f"{generation.first_token_seconds:.2f} s")
    speed.metric("Writing speed", f"{generation.tokens_per_second:.1f} tokens/s")
    energy.metric("Energy per 1 000 tokens (estimate)", plain.energy_amount(wh / 1000))
    device.metric("Runs on", describe(lm.device))
    st.caption(
        f"It read {len(generation.prompt.ids):,} tokens of prompt and wrote {len(generation.steps)} tokens (a token "
        "is a word or a piece of one). Before the first token it reads the whole prompt; after that it writes one "
        f"token per step, each step going once through the model's {plain.big(lm.params)} parameters. The energy is "
        f"an estimate: the computing time per token × {FALLBACK_WATTS:g} W (a generic 85 W CPU at half load; no "
        "power sensor is read, and a GPU's own power would come on top). 1 000 tokens would keep a "
        f"{plain.LED_BULB_W:g}-watt LED bulb lit for {plain.duration(wh * 3600 / plain.LED_BULB_W)}."
    )


def next_token_ui(generation: Generation) -> None:
    """For a chosen step: the tokens the model found likeliest, and the one it took."""
    n = len(generation.steps)
    index = st.slider("Step to look at", 1, n, 1, key="language_step") if n > 1 else 1
    step = generation.steps[index - 1]
    written = "".join(s.token for s in generation.steps[: index - 1])
    where = f"After “{written[-80:]}”" if written else "At the start"
    chart = candidates_figure(step.candidates, chosen=step.token, title=f"Step {index}: what could come next")
    st.plotly_chart(chart, key="language_next_token_chart")
    st.caption(
        f"{where} the model took “{step.token}”, which it gave {step.probability:.1%} probability. "
        "The bars are the 10 tokens it found likeliest, at temperature 1; a lower temperature and top-p make the "
        "likeliest ones even more likely to be picked, a higher temperature gives the others more of a chance."
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _bias_probe(_lm: LanguageModel, template: str, groups: tuple[str, ...], n_samples: int, seed: int):
    """The probe's counts, computed once per template, words, samples and seed for the whole server."""
    return run_bias_probe(_lm, load_probes().templates[template], groups, n_samples=n_samples, seed=seed)


def bias_figure(result: BiasProbeResult) -> go.Figure:
    """A group of bars per group word: how many continuations had each pronoun first."""
    figure = go.Figure()
    names = [g.group for g in result.groups]
    for pronoun, colour in zip(CLASSES, PALETTE, strict=False):
        counts = [g.counts[pronoun] for g in result.groups]
        label = "none of these" if pronoun == "other" else f"“{pronoun}”"
        figure.add_bar(x=names, y=counts, name=label, marker_color=colour, text=counts)
    figure.update_layout(
        title=f"First pronoun in {result.n_samples} continuations of each prompt",
        barmode="group",
        height=360,
        margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", y=-0.2),
        template="plotly_white",
        yaxis=dict(title="continuations (count)", range=[0, result.n_samples]),
    )
    return figure


def bias_probe_ui(lm: LanguageModel, *, seed: int) -> None:
    """Choose a prompt and words; many continuations each; the pronouns counted and charted."""
    templates = load_probes().templates
    name = st.selectbox(
        "Prompt", list(templates), format_func=lambda n: templates[n].text, key="language_bias_template"
    )
    template = templates[name]
    st.write(template.reading)
    groups = st.multiselect(
        "Words to compare", template.groups, default=template.groups[:2], key=f"language_bias_groups_{name}"
    )
    n_samples = st.number_input("Continuations per word", value=20, step=10, key="language_bias_samples")
    if st.button("Run the probe", key="language_bias_run"):
        try:
            with st.spinner("The model continues each prompt many times"):
                st.session_state[BIAS_RESULT] = _bias_probe(lm, name, tuple(groups), int(n_samples), seed)
        except ValueError as problem:
            st.error(str(problem))
    result: BiasProbeResult | None = st.session_state.get(BIAS_RESULT)
    if result is None:
        return
    st.plotly_chart(bias_figure(result), key="language_bias_chart")
    st.caption(
        f"Each prompt was continued {result.n_samples} times by drawing each next token at the model's own odds "
        f"(temperature 1), {result.max_tokens} tokens at most; the first “he”, “she” or “they” word (him, her, "
        f"their...) was counted. Seed {result.seed}: the same seed gives the same counts. A few dozen continuations "
        "show a strong lean, not a small one: run it with another seed to see how much the counts move."
    )
    with st.expander("Read the continuations"):
        for group in result.groups:
            st.markdown(f"**{group.prompt}** …")
            st.text("\n".join(f"… {c.strip()}" for c in group.completions[:10]))


@st.cache_data(show_spinner=False)
def _checked_answers(_lm: LanguageModel) -> tuple[CheckedAnswer, ...]:
    """Every question asked once per server (greedy answers: the same every time)."""
    return tuple(check_answer(_lm, question) for question in load_probes().questions)


def mistakes_ui(lm: LanguageModel) -> None:
    """Questions with known answers: the model's answer, how sure it was, and the right answer's share."""
    if st.button("Ask the model the questions", key="language_mistakes_run"):
        with st.spinner("Asking each question"):
            st.session_state[ANSWERS] = _checked_answers(lm)
    answers: tuple[CheckedAnswer, ...] | None = st.session_state.get(ANSWERS)
    if answers is None:
        return
    st.dataframe(
        [
            {
                "Question": a.question.question,
                "The model answered": a.said,
                "Right answer": a.question.answer,
                "Right?": "yes" if a.correct else "no",
                "Its probability for its answer (%)": round(a.said_probability * 100, 1),
                "Its probability for the right answer (%)": round(a.right_probability * 100, 1),
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
            f"It got {len(wrong)} of {len(answers)} questions wrong, and on those it gave its own wrong answer "
            f"{sure:.0%} probability on average. The probability is how likely the model finds a word, not how likely "
            "the word is to be true: a model can be sure and wrong."
        )
    chosen = st.selectbox(
        "Look at one question",
        range(len(answers)),
        format_func=lambda i: answers[i].question.question,
        key="language_mistakes_question",
    )
    answer = answers[chosen]
    title = f"After “{answer.question.lead}”: the likeliest next tokens"
    first = answer.likeliest[0].token if answer.likeliest else None
    st.plotly_chart(candidates_figure(answer.likeliest, chosen=first, title=title), key="language_mistakes_chart")
    st.caption(answer.question.note)
