"""The Language model page's parts: load the model once, write with it, and see how it chose each token.

What it assumes and where it errs (the pronoun probe, the confident mistakes) are in ui/language_probes.py.
"""

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from lab.bias_probe import load_probes
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
from ui import i18n, plain, presenter, url_state
from ui.charts import PALETTE, show
from ui.i18n import quoted, t, t_message

GENERATION = "language_generation"  # this session's last generation (not a widget key)


@st.cache_resource(show_spinner=False)
def language_model() -> LanguageModel:
    """The model, loaded once per server and shared by every session: it is only read, never trained."""
    return load_language_model()


def load_model_ui() -> LanguageModel | None:
    """The shared model, with a spinner while it loads; None and a message if it cannot be loaded."""
    try:
        with st.spinner(t("Loading the language model (the very first time, it is converted: about half a minute)")):
            return language_model()
    except OSError as problem:  # the package is missing, or the cache cannot be written
        st.error(t("The language model cannot be loaded: {problem}", problem=t_message(str(problem))))
        return None


def size_ui(lm: LanguageModel) -> None:
    """The model's size next to GPT-3's."""
    reference = load_probes().reference
    left, right = st.columns(2)
    left.metric(t("{model}: parameters", model=MODEL_NAME), plain.big(lm.params))
    right.metric(t("{model}: parameters", model=reference.title), plain.big(reference.params))
    st.caption(
        t(
            "Parameters are the numbers a model learned from its training text. {reference} has about {times} "
            "times as many as this model, which takes {megabytes} MB of memory here (4 bytes per parameter) and "
            "runs on a laptop. Source for {reference}: {source} ({year}).",
            reference=reference.title,
            times=i18n.number(reference.params / lm.params),
            megabytes=i18n.number(lm.params * 4 / 1e6),
            source=t(reference.source),
            year=reference.year,
        )
    )


def _shown(token: str) -> str:
    """A token as a label: a leading space as ␣ and a line break as ↵, so that " he" and "he" differ visibly."""
    return token.replace(" ", "␣").replace("\n", "↵") or t("(empty)")


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
        xaxis=dict(title=t("probability (%)"), range=[0, 100]),
        yaxis=dict(autorange="reversed", type="category"),  # likeliest on top; a token like "1" stays a label
    )
    return figure


def candidates_summary(candidates: tuple[Candidate, ...]) -> str:
    """The next-token chart in a sentence: the two likeliest tokens and their probabilities."""
    if len(candidates) < 2:
        return t("The model gave no other token a chance here.")
    first, second = candidates[:2]
    return t(
        "The likeliest next token is {first} ({first_share}), then {second} ({second_share}).",
        first=quoted(first.token),
        first_share=f"{first.probability:.0%}",
        second=quoted(second.token),
        second_share=f"{second.probability:.0%}",
    )


def _within(low: float, high: float) -> Callable[[str], float]:
    """A reader for url_state: a number from the address, refused outside [low, high], where a slider would fail."""

    def parse(text: str) -> float:
        value = float(text)
        if not low <= value <= high:
            raise ValueError(text)
        return value

    return parse


def _options_ui(seed: int) -> GenerationOptions:
    url_state.start("language_max_tokens", 60, parse=int)
    url_state.start("language_temperature", 0.7, parse=_within(0.0, 2.0))
    url_state.start("language_top_p", 0.9, parse=_within(0.05, 1.0))
    with presenter.details():
        left, middle, right = st.columns(3)
        max_tokens = left.number_input(
            t("New tokens at most (1 to {most})", most=MAX_NEW_TOKENS), step=10, key="language_max_tokens"
        )
        temperature = middle.slider(
            t("Temperature (0 = always the likeliest token)"), 0.0, 2.0, step=0.1, key="language_temperature"
        )
        top_p = right.slider(
            t("Top-p (sample among the likeliest tokens that hold this share)"),
            0.05,
            1.0,
            step=0.05,
            key="language_top_p",
        )
    url_state.remember("language_max_tokens", 60)
    url_state.remember("language_temperature", 0.7)
    url_state.remember("language_top_p", 0.9)
    return GenerationOptions(int(max_tokens), float(temperature), float(top_p), seed)


def _stream_into(lm: LanguageModel, text: str, chat: bool, options: GenerationOptions, output) -> Generation | None:
    """Generate, showing each token as it comes; None, with the reason shown, for a prompt or setting that fails."""
    try:
        options.validate()
        prompt = prepare_prompt(lm, text, chat=chat)
    except PromptError as problem:
        st.error(t_message(str(problem)))
        return None
    if prompt.dropped_tokens:
        st.warning(
            t(
                "Your text is long: the model reads its last {kept} tokens and left out the first {dropped}, so "
                "that an answer comes within seconds.",
                kept=MAX_PROMPT_TOKENS,
                dropped=i18n.number(prompt.dropped_tokens),
            )
        )
    steps = []
    for step in stream(lm, prompt, options):
        steps.append(step)
        output.markdown(model_text(step.text, cursor=True))
    return Generation(prompt, tuple(steps))


def model_text(text: str, *, cursor: bool = False) -> str:
    """The model's English text as Markdown: as it is on an English page; on a Chinese page in a code block,
    which sets it apart as a quotation of what the model wrote (it is never translated)."""
    shown = text + " ▌" if cursor else text
    if i18n.chinese():
        return f"```text\n{shown}\n```"
    return shown.replace("$", r"\$")  # a dollar sign is money here, not the start of a formula


def generate_ui(lm: LanguageModel, *, seed: int) -> None:
    """A prompt and the sampling settings in, the text streamed out, then its speed, energy and probabilities."""
    text = st.text_area(
        t("Your prompt"), "Write a short story about a robot who learns to paint.", key="language_prompt"
    )
    chat = st.toggle(
        t("Ask the assistant (off: the model simply continues your text)"), value=True, key="language_chat"
    )
    options = _options_ui(seed)
    output = st.empty()
    if st.button(t("Generate"), key="language_generate", type="primary"):
        generation = _stream_into(lm, text, chat, options, output)
        if generation is not None:
            st.session_state[GENERATION] = generation
    generation = st.session_state.get(GENERATION)
    if generation is None:
        return
    if not generation.steps:
        output.info(t("The model ended its answer straight away: try another prompt or another seed."))
        return
    output.markdown(model_text(generation.text))
    speed_ui(lm, generation)
    next_token_ui(generation)


def speed_ui(lm: LanguageModel, generation: Generation) -> None:
    """Time to first token, tokens per second, energy per 1 000 tokens (an estimate) and the device."""
    wh = energy_wh_per_1000_tokens(generation, watts=FALLBACK_WATTS)
    first, speed, energy, device = st.columns(4)
    first.metric(t("Time to first token"), f"{generation.first_token_seconds:.2f} s")
    speed.metric(t("Writing speed"), t("{speed} tokens/s", speed=f"{generation.tokens_per_second:.1f}"))
    energy.metric(t("Energy per 1 000 tokens (estimate)"), plain.energy_amount(wh / 1000))
    device.metric(t("Runs on"), describe(lm.device))
    st.caption(
        t(
            "It read {read} tokens of prompt and wrote {written} tokens (a token is a word or a piece of one). "
            "Before the first token it reads the whole prompt; after that it writes one token per step, each step "
            "going once through the model's {params} parameters. The energy is an estimate: the computing time "
            "per token × {watts} W (a generic 85 W CPU at half load; no power sensor is read, and a GPU's own "
            "power would come on top). 1 000 tokens would keep a {bulb}-watt LED bulb lit for {lit}.",
            read=i18n.number(len(generation.prompt.ids)),
            written=len(generation.steps),
            params=plain.big(lm.params),
            watts=f"{FALLBACK_WATTS:g}",
            bulb=f"{plain.LED_BULB_W:g}",
            lit=plain.duration(wh * 3600 / plain.LED_BULB_W),
        )
    )


def next_token_ui(generation: Generation) -> None:
    """For a chosen step: the tokens the model found likeliest, and the one it took."""
    n = len(generation.steps)
    index = st.slider(t("Step to look at"), 1, n, 1, key="language_step") if n > 1 else 1
    step = generation.steps[index - 1]
    written = "".join(s.token for s in generation.steps[: index - 1])
    where = t("After {quote}", quote=quoted(written[-80:])) if written else t("At the start")
    chart = candidates_figure(
        step.candidates, chosen=step.token, title=t("Step {index}: what could come next", index=index)
    )
    show(chart, candidates_summary(step.candidates), key="language_next_token_chart")
    st.caption(
        t(
            "{where} the model took {token}, which it gave {probability} probability. The bars are the 10 tokens it "
            "found likeliest, at temperature 1; a lower temperature and top-p make the likeliest ones even more "
            "likely to be picked, a higher temperature gives the others more of a chance.",
            where=where,
            token=quoted(step.token),
            probability=f"{step.probability:.1%}",
        )
    )
