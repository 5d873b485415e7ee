"""The Try a model page's parts: pick a stored run, give it one input, show its answer, why, and what it cost."""

import io
import re
import time
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import streamlit as st
import torch

from lab.data import Dataset, training_rows
from lab.device import describe, pick_device
from lab.predict import InputError, Prediction, image_to_input, predict, row_to_input, text_to_input
from lab.result import RunResult
from ui import plain, url_state
from ui.charts import attention_figure, attribution_figure, input_figure, probabilities_figure, show
from ui.compare import run_picker_ui
from ui.content import column_label
from ui.i18n import quoted, t, t_message
from ui.services import run_store

# The explanations and counterfactuals run many small passes on the CPU copy, which every session shares;
# the answer itself runs on the fastest device, which the page reports with its time.
CPU = torch.device("cpu")
INPUT = "try_input"  # which way in an image model's picture comes: "draw" or "upload" in the address


class Trained(NamedTuple):
    result: RunResult
    data: Dataset
    model: object  # an eval-mode nn.Module, or a fitted scikit-learn estimator
    weights: bytes


@st.cache_resource(max_entries=8, show_spinner=False)
def trained(run_id: str) -> Trained:
    """A stored run's model, loaded once per server and shared (it is only read)."""
    from lab.audit import load_trained
    from lab.pipeline import prepare_data

    result, weights = run_store().get(run_id), run_store().weights(run_id)
    data = prepare_data(result.spec, CPU)
    return Trained(result, data, load_trained(result.spec, data.inputs, weights, CPU), weights)


def pick_run_ui() -> Trained | None:
    runs = run_store().recent(200)
    if not runs:
        st.info(t("No model has been trained yet: train one on Train & Compare, then come back."))
        return None
    url_state.start("try_run", runs[0].run_id, allowed={run.run_id for run in runs})
    chosen = run_picker_ui(runs, label=t("Model to try (yours and everyone's runs)"), key="try_run")
    # Written even when it is the newest run: a shared link keeps its run after the class has trained newer ones.
    url_state.remember("try_run", None)
    with st.spinner(t("Loading the model")):
        return trained(chosen.run_id)


def word(name: str) -> str:
    """A class or group name in this session's language; a digit class ("7") is the same in every language."""
    return name if name.isdigit() else t(name)


def image_input_ui(model: Trained) -> tuple[torch.Tensor, list[str]] | None:
    """Draw on a canvas or upload a picture; either is checked and scaled as the training images were."""
    from streamlit_drawable_canvas import st_canvas

    draw, upload = _input_tabs()
    with draw:
        canvas = st_canvas(
            stroke_width=20,
            stroke_color="#000000",
            background_color="#FFFFFF",
            height=280,
            width=280,
            return_image_data=True,  # the pixels, which the page checks and scales as the training images
            key="try_canvas",
        )
        picture = None if canvas.image_data is None else _png(canvas.image_data)
    with upload:
        uploaded = st.file_uploader(t("A picture of one digit"), key="try_upload")
        if uploaded is not None:
            picture = uploaded.getvalue()  # kept in memory only, never written to disk
    if picture is None:
        return None
    try:
        return image_to_input(picture, model.data.inputs, dataset=model.result.spec.dataset)
    except InputError as problem:
        st.info(t_message(str(problem)))
        return None


def _input_tabs():
    """The two tabs, the one open kept in the address. A tab's state is its label, which changes with the
    language, so the address holds the kind ("upload") and the label is looked up from it."""
    labels = {"draw": t("Draw a digit"), "upload": t("Upload a picture")}
    url_state.start(INPUT, labels["draw"], parse=lambda kind: labels.get(kind, ""), allowed=set(labels.values()))
    tabs = st.tabs(list(labels.values()), key=INPUT, on_change="rerun")  # both tabs' content still runs
    kind = {label: kind for kind, label in labels.items()}.get(st.session_state.get(INPUT), "draw")
    if kind == "draw":
        st.query_params.pop(INPUT, None)
    else:
        st.query_params[INPUT] = kind
    return tabs


def _png(rgba: np.ndarray) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgba.astype(np.uint8), mode="RGBA").save(out, format="PNG")
    return out.getvalue()


def text_input_ui(model: Trained) -> tuple[torch.Tensor, list[str]] | None:
    text = st.text_area(
        t("A review, in your own words"), key="try_text", placeholder=t("The best coffee I have ever had.")
    )
    if not st.button(t("Ask the model"), key="try_ask_text"):
        return None
    try:
        return text_to_input(text, model.data)
    except InputError as problem:
        st.error(t_message(str(problem)))
        return None


def row_input_ui(model: Trained) -> tuple[torch.Tensor, list[str]] | None:
    """One field per column the model reads, starting from a typical person of the training data."""
    spec = model.result.spec
    frame = training_rows(spec.dataset, seed=spec.seed)[list(model.data.feature_names)]
    person = {}
    with st.form("try_person"):
        columns = st.columns(3)
        for i, name in enumerate(frame.columns):
            values = frame[name]
            with columns[i % 3]:
                if values.dtype.kind in "if":
                    median = float(values.median())
                    person[name] = st.number_input(column_label(name), value=median, key=f"try_field_{name}")
                else:
                    options = sorted(values.dropna().astype(str).unique())
                    common = options.index(str(values.mode().iloc[0]))
                    person[name] = st.selectbox(
                        column_label(name), options, index=common, format_func=word, key=f"try_field_{name}"
                    )
        asked = st.form_submit_button(t("Ask the model"))
    if not asked:
        return None
    try:
        return row_to_input(person, model.data, seed=spec.seed)
    except InputError as problem:
        st.error(t_message(str(problem)))
        return None


def answer_ui(model: Trained, x: torch.Tensor, notices: list[str]) -> Prediction:
    """The answer with every class's probability, what was changed in the input, and what answering cost."""
    device = pick_device()
    started = time.perf_counter()
    answer = predict(model.result.spec, model.weights, x, device=device, notices=notices)
    seconds = time.perf_counter() - started
    share = max(answer.probabilities)
    st.subheader(t("The model says: {answer} ({share} sure)", answer=word(answer.predicted), share=f"{share:.0%}"))
    for notice in answer.notices:
        st.caption(f"ℹ️ {t_message(notice)}")  # the emoji, not its English shortcode
    classes = tuple(word(name) for name in answer.classes)
    show(
        probabilities_figure(classes, answer.probabilities),
        probabilities_summary(classes, answer.probabilities),
        key="try_probabilities",
    )
    st.caption(
        t(
            "Answering took {ms} ms on the {device} (loading the model included).",
            ms=f"{seconds * 1000:.0f}",
            device=describe(device),
        )
    )
    cost = model.result.cost
    if cost.energy_per_1000_predictions_kwh > 0:  # measured after training, on the device it trained on; 0: older run
        st.caption(
            plain.answers_energy_sentence(
                cost.energy_per_1000_predictions_kwh, cost.predictions_energy_method, cost.predictions_energy_source
            )
        )
    return answer


def probabilities_summary(classes: Sequence[str], probabilities: Sequence[float]) -> str:
    """The probabilities chart in a sentence: the answer it is surest of, and the one after it."""
    first, second = np.argsort(probabilities)[::-1][:2]
    return t(
        "It is surest of {first} ({first_share}); next comes {second} ({second_share}).",
        first=classes[first],
        first_share=f"{probabilities[first]:.0%}",
        second=classes[second],
        second_share=f"{probabilities[second]:.0%}",
    )


def explanation_ui(model: Trained, x: torch.Tensor, answer: Prediction) -> None:
    """captum's attribution for the answer, with how to read it and what it does not prove."""
    from lab.explain import explain_image, explain_minilm_text, explain_row, explain_text, typical_row

    target = answer.classes.index(answer.predicted)
    inputs, classes = model.data.inputs, model.data.card.classes
    name = quoted_class(answer.predicted)
    if inputs.modality == "image":
        why = explain_image(model.model, x, target=target, classes=classes)
        pixels = x[0].sum(dim=0).clamp(0, 1).numpy()
        seen, moved = st.columns(2)
        with seen:
            show(input_figure(pixels), input_summary(pixels), key="try_seen")
        with moved:
            show(attribution_figure(why.values, why.labels), pixels_summary(why.values, name), key="try_explanation")
    else:
        if inputs.modality == "table":
            baseline, features = typical_row(model.data), model.data.feature_names
            why = explain_row(model.model, x, target=target, feature_names=features, baseline=baseline, classes=classes)
            labels = tuple(column_label(label) for label in why.labels)
            parts = labels
        else:
            if inputs.modality == "embedding":  # the pretrained MiniLM: the text goes through its encoder again
                why = explain_minilm_text(model.model, st.session_state["try_text"], target=target, classes=classes)
            else:
                why = explain_text(model.model, x, target=target, vocab=model.data.vocab, classes=classes)
            labels = why.labels
            parts = tuple(quoted(label) for label in labels)
        show(attribution_figure(why.values, labels), parts_summary(why.values, parts, name), key="try_explanation")
    st.markdown(with_classes(why.reading, classes))
    # The method's full stop goes with its translation ("。" in Chinese)
    st.caption(t_message(f"{why.method}. ") + t_message(why.caveat))
    if model.result.spec.arch == "transformer":
        from lab.attention import attention_map

        attention = attention_map(model.model, x, vocab=model.data.vocab, feature_names=model.data.feature_names)
        show(
            attention_figure(attention.mean, attention.labels),
            attention_summary(attention.mean[0], attention.labels, inputs.modality),
            key="try_attention",
        )
        st.markdown(t_message(attention.reading))
        st.caption(t_message(attention.caveat))


def quoted_class(name: str) -> str:
    """A class as lab.explain names it in its sentences (“great”), in this session's language."""
    return f"“{word(name)}”"


def with_classes(message: str, classes: Sequence[str]) -> str:
    """A lab sentence in this session's language, the class names quoted in it (“great”) translated too."""
    text = t_message(message)
    for name in classes:
        text = text.replace(f"“{name}”", quoted_class(name))
    return text


def input_summary(pixels: np.ndarray) -> str:
    """The scaled picture in a sentence: its size and how much of it is ink."""
    height, width = pixels.shape
    return t(
        "Your picture as the model reads it: {width} x {height} squares, {ink} of them with ink.",
        width=width,
        height=height,
        ink=f"{(pixels > 0.1).mean():.0%}",
    )


def pixels_summary(values: np.ndarray, name: str) -> str:
    """The pixels' attributions in a sentence: how much the red ones add and the blue ones take away."""
    return t(
        "Red squares pushed the answer towards {name}, blue ones away from it: together the red ones add "
        "{toward} percentage points to its probability and the blue ones take {away} away.",
        name=name,
        toward=f"{values[values > 0].sum() * 100:.0f}",
        away=f"{-values[values < 0].sum() * 100:.0f}",
    )


def parts_summary(values: Sequence[float], parts: Sequence[str], name: str) -> str:
    """The bars of words or columns in a sentence: which one pushed hardest each way."""
    values = np.asarray(values)
    sentences = []
    if values.max(initial=0) > 0:
        sentences.append(t("Pushed hardest towards {name}: {part}.", name=name, part=parts[int(np.argmax(values))]))
    if values.min(initial=0) < 0:
        sentences.append(t("Pushed hardest away from it: {part}.", part=parts[int(np.argmin(values))]))
    return " ".join(sentences) or t("No part of the input moved the answer.")


def attention_summary(cls_row: np.ndarray, labels: Sequence[str], modality: str) -> str:
    """The attention map in a sentence: where the [CLS] position, the one the classifier reads, looked most."""
    looked = int(np.argmax(cls_row))
    label = labels[looked]
    if label == "[CLS]" or modality == "text":
        position = quoted(label)
    elif modality == "table":
        position = column_label(label)
    else:  # "patch 2,3"
        row, column = re.findall(r"\d+", label)
        position = t("the square in row {row}, column {column}", row=row, column=column)
    return t(
        "The [CLS] row, the only one the classifier reads, gives its largest share of attention, {share}, to "
        "{position}.",
        share=f"{cls_row[looked]:.0%}",
        position=position,
    )


def counterfactual_ui(model: Trained, x: torch.Tensor) -> None:
    """The same person as each group of each sensitive attribute: does the decision change?"""
    from lab.counterfactual import counterfactual_row, flip_rate

    for attribute in model.data.card.sensitive:
        if model.result.spec.drop_sensitive:
            st.caption(
                t(
                    "This model was trained without {attribute}: changing it cannot change the decision.",
                    attribute=t(attribute),
                )
            )
            continue
        row = counterfactual_row(model.model, model.data, x[0], attribute=attribute)
        # The sentences of lab.counterfactual, made here from their parts so the groups are translated too
        parts = [t("As {group}: {decision}.", group=word(g), decision=word(d)) for g, d in row.decisions.items()]
        verdict = (
            "Changing only {attribute} flips the decision."
            if row.flipped
            else "Changing only {attribute} does not change the decision."
        )
        st.markdown(" ".join([*parts, t(verdict, attribute=t(attribute))]))
        flips = flip_rate(model.model, model.data, attribute=attribute)
        st.caption(
            t(
                "Changing only {attribute} flipped the decision for {share} % of the {people} people in the test set.",
                attribute=t(attribute),
                share=f"{100 * flips.rate:.1f}",
                people=f"{flips.people:,}".replace(",", " "),
            )
        )
