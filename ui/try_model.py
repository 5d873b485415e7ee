"""The Try a model page's parts: pick a stored run, give it one input, show its answer, why, and what it cost."""

import io
import time
from typing import NamedTuple

import numpy as np
import streamlit as st
import torch

from lab.data import Dataset, training_rows
from lab.device import describe, pick_device
from lab.predict import InputError, Prediction, image_to_input, predict, row_to_input, text_to_input
from lab.result import RunResult
from ui import plain
from ui.charts import attention_figure, attribution_figure, input_figure, probabilities_figure
from ui.compare import run_picker_ui
from ui.content import column_label
from ui.services import run_store

# The explanations and counterfactuals run many small passes on the CPU copy, which every session shares;
# the answer itself runs on the fastest device, which the page reports with its time.
CPU = torch.device("cpu")


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
        st.info("No model has been trained yet: train one on Train & Compare, then come back.")
        return None
    chosen = run_picker_ui(runs, label="Model to try (yours and everyone's runs)", key="try_run")
    with st.spinner("Loading the model"):
        return trained(chosen.run_id)


def image_input_ui(model: Trained) -> tuple[torch.Tensor, list[str]] | None:
    """Draw on a canvas or upload a picture; either is checked and scaled as the training images were."""
    from streamlit_drawable_canvas import st_canvas

    draw, upload = st.tabs(["Draw a digit", "Upload a picture"])
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
        uploaded = st.file_uploader("A picture of one digit", key="try_upload")
        if uploaded is not None:
            picture = uploaded.getvalue()  # kept in memory only, never written to disk
    if picture is None:
        return None
    try:
        return image_to_input(picture, model.data.inputs, dataset=model.result.spec.dataset)
    except InputError as problem:
        st.info(str(problem))
        return None


def _png(rgba: np.ndarray) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(rgba.astype(np.uint8), mode="RGBA").save(out, format="PNG")
    return out.getvalue()


def text_input_ui(model: Trained) -> tuple[torch.Tensor, list[str]] | None:
    text = st.text_area("A review, in your own words", key="try_text", placeholder="The best coffee I have ever had.")
    if not st.button("Ask the model", key="try_ask_text"):
        return None
    try:
        return text_to_input(text, model.data)
    except InputError as problem:
        st.error(str(problem))
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
                    person[name] = st.selectbox(column_label(name), options, index=common, key=f"try_field_{name}")
        asked = st.form_submit_button("Ask the model")
    if not asked:
        return None
    try:
        return row_to_input(person, model.data, seed=spec.seed)
    except InputError as problem:
        st.error(str(problem))
        return None


def answer_ui(model: Trained, x: torch.Tensor, notices: list[str]) -> Prediction:
    """The answer with every class's probability, what was changed in the input, and what answering cost."""
    device = pick_device()
    started = time.perf_counter()
    answer = predict(model.result.spec, model.weights, x, device=device, notices=notices)
    seconds = time.perf_counter() - started
    share = max(answer.probabilities)
    st.subheader(f"The model says: {answer.predicted} ({share:.0%} sure)")
    for notice in answer.notices:
        st.caption(f":information_source: {notice}")
    st.plotly_chart(probabilities_figure(answer.classes, answer.probabilities), key="try_probabilities")
    st.caption(f"Answering took {seconds * 1000:.0f} ms on the {describe(device)} (loading the model included).")
    cost = model.result.cost
    if cost.energy_per_1000_predictions_kwh > 0:  # measured after training, on the device it trained on; 0: older run
        st.caption(
            plain.answers_energy_sentence(
                cost.energy_per_1000_predictions_kwh, cost.predictions_energy_method, cost.predictions_energy_source
            )
        )
    return answer


def explanation_ui(model: Trained, x: torch.Tensor, answer: Prediction) -> None:
    """captum's attribution for the answer, with how to read it and what it does not prove."""
    from lab.explain import explain_image, explain_minilm_text, explain_row, explain_text, typical_row

    target = answer.classes.index(answer.predicted)
    inputs, classes = model.data.inputs, model.data.card.classes
    if inputs.modality == "image":
        why = explain_image(model.model, x, target=target, classes=classes)
        seen, moved = st.columns(2)
        seen.plotly_chart(input_figure(x[0].sum(dim=0).clamp(0, 1).numpy()), key="try_seen")
        moved.plotly_chart(attribution_figure(why.values, why.labels), key="try_explanation")
    else:
        if inputs.modality == "table":
            baseline, features = typical_row(model.data), model.data.feature_names
            why = explain_row(model.model, x, target=target, feature_names=features, baseline=baseline, classes=classes)
            labels = tuple(column_label(name) for name in why.labels)
        elif inputs.modality == "embedding":  # the pretrained MiniLM: the text goes through its encoder again
            why = explain_minilm_text(model.model, st.session_state["try_text"], target=target, classes=classes)
            labels = why.labels
        else:
            why = explain_text(model.model, x, target=target, vocab=model.data.vocab, classes=classes)
            labels = why.labels
        st.plotly_chart(attribution_figure(why.values, labels), key="try_explanation")
    st.markdown(why.reading)
    st.caption(f"{why.method}. {why.caveat}")
    if model.result.spec.arch == "transformer":
        from lab.attention import attention_map

        attention = attention_map(model.model, x, vocab=model.data.vocab, feature_names=model.data.feature_names)
        st.plotly_chart(attention_figure(attention.mean, attention.labels), key="try_attention")
        st.markdown(attention.reading)
        st.caption(attention.caveat)


def counterfactual_ui(model: Trained, x: torch.Tensor) -> None:
    """The same person as each group of each sensitive attribute: does the decision change?"""
    from lab.counterfactual import counterfactual_row, flip_rate

    for attribute in model.data.card.sensitive:
        if model.result.spec.drop_sensitive:
            st.caption(f"This model was trained without {attribute}: changing it cannot change the decision.")
            continue
        st.markdown(counterfactual_row(model.model, model.data, x[0], attribute=attribute).sentence)
        st.caption(flip_rate(model.model, model.data, attribute=attribute).sentence)
