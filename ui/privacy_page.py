"""The Privacy page's parts: the attack on a finished run, overfitting made visible, the DP sweep, the notes."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from lab.data import DATASETS
from lab.privacy import risk_level, risk_sentence
from lab.privacy_notes import load_privacy_notes
from lab.result import RunResult
from lab.spec import RunSpec
from models import REGISTRY
from ui import plain_people, presenter, url_state
from ui.charts import overfitting_figure, privacy_sweep_figure, show
from ui.compare import run_picker_ui, spec_title
from ui.i18n import number, t, t_message
from ui.progress import submit
from ui.services import run_store

NETWORKS = [name for name, arch in REGISTRY.items() if arch.family == "torch" and not arch.needs_embeddings]
EPSILONS = (0.5, 1.0, 2.0, 4.0, 8.0)  # the sweep's choices: strong to weak protection
SWEEP_EPSILONS = [1.0, 8.0]  # the sweep's first choice: one strong and one weak protection
# DP-SGD's clipped, noisy steps need a larger learning rate than the default 0.001 (the MLP on digits at ε = 1:
# 11 % at 0.001, 86 % at 0.01); every run of the sweep uses it, with DP or without, so they compare fairly.
SWEEP_LR = 0.01
# The overfitting demonstration: the same model trained longer and longer. On the reviews the MLP's word vectors
# learn its training reviews by heart within 20 epochs (attack AUC about 0.52, 0.57, 0.65 at 1, 5, 20 epochs).
OVERFIT_EPOCHS = (1, 5, 20)


def _dataset_title(name: str) -> str:
    return t(DATASETS[name].title)


def _model_title(name: str) -> str:
    return t(REGISTRY[name].title)


def attack_ui() -> None:
    """The attack's figures on any finished run, explained."""
    runs = [r for r in run_store().recent(200) if r.privacy is not None]
    if not runs:
        st.info(t("No run has been measured yet: train one on Train & Compare, or below."))
        return
    url_state.start("privacy_run", runs[0].run_id, allowed={r.run_id for r in runs})
    result = run_picker_ui(runs, label=t("Model to attack (yours and everyone's runs)"), key="privacy_run")
    url_state.remember("privacy_run", runs[0].run_id)
    membership = result.privacy.membership
    verdict = t_message(risk_sentence(membership.loss))
    st.markdown(t("**{model}**: {verdict}", model=spec_title(result.spec), verdict=verdict))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("Attack"): t(name),
                    t("Right (%) (50 = guessing)"): round(inference.accuracy * 100, 1),
                    t("ROC AUC (0.5 = guessing)"): round(inference.auc, 3),
                    t("Members found at 1% false alarms (%)"): round(inference.tpr_at_1pct_fpr * 100, 1),
                    t("Risk"): t(risk_level(inference)),
                }
                for name, inference in (
                    ("Loss threshold (Yeom et al. 2018)", membership.loss),
                    ("Calibrated per class, no shadow models", membership.calibrated),
                )
            ]
        ),
        hide_index=True,
        key="privacy_attack_table",
    )
    with presenter.details():
        st.caption(
            t(
                "Scored on {members} training records (members) and {non_members} records the model never saw "
                "(non-members). The calibrated attack compares each record's loss with the typical loss of its class "
                "on other unseen records, so a naturally easy record is not taken for a member.",
                members=number(membership.loss.n_members),
                non_members=number(membership.loss.n_non_members),
            )
        )
    if result.privacy.private:
        st.markdown(plain_people.dp_sentence(result.privacy.epsilon, result.privacy.delta))


def _runs_for(specs: list[RunSpec]) -> list[RunResult | None]:
    """The stored result of each spec, None where it has not been trained yet."""
    return [run_store().find_by_key(spec.key()) for spec in specs]


def overfitting_summary(runs: list[tuple[int, RunResult]]) -> str:
    """The overfitting chart in a sentence: how the three lines moved from the shortest training to the longest."""
    (first, short), (last, long) = runs[0], runs[-1]
    if len(runs) == 1:
        return t(
            "So far only the {epochs}-epoch run is trained: right {train:.0%} of the time on its training records, "
            "{test:.0%} on new ones; the attack is right {attack:.0%} of the time (50% is guessing).",
            epochs=first,
            train=short.history[-1].train_accuracy,
            test=short.metrics.accuracy,
            attack=short.privacy.membership.loss.accuracy,
        )
    return t(
        "From {first} to {last} epochs, the model went from {train_first:.0%} to {train_last:.0%} right on its "
        "training records and from {test_first:.0%} to {test_last:.0%} on new ones, while the attack went from "
        "{attack_first:.0%} to {attack_last:.0%} right (50% is guessing).",
        first=first,
        last=last,
        train_first=short.history[-1].train_accuracy,
        train_last=long.history[-1].train_accuracy,
        test_first=short.metrics.accuracy,
        test_last=long.metrics.accuracy,
        attack_first=short.privacy.membership.loss.accuracy,
        attack_last=long.privacy.membership.loss.accuracy,
    )


def overfitting_ui(*, seed: int) -> None:
    """The same model trained 1, 5 and 20 epochs: the longer it trains, the better the attack does."""
    st.write(
        t(
            "A model that learns its training records by heart gives them lower losses than records it never saw, "
            "and that gap is what the attack reads. Train the same model for longer and longer and watch the attack "
            "get better, while the accuracy on new records stops improving."
        )
    )
    left, right = st.columns(2)
    choices = ["reviews", "digits", "compas"]
    url_state.start("privacy_overfit_data", choices[0], allowed=choices)
    dataset = left.selectbox(t("Data"), choices, format_func=_dataset_title, key="privacy_overfit_data")
    url_state.remember("privacy_overfit_data", choices[0])
    readers = [a for a in ("mlp", "cnn") if DATASETS[dataset].modality in REGISTRY[a].modalities]
    url_state.start("privacy_overfit_arch", readers[0], allowed=readers)
    arch = right.selectbox(t("Model"), readers, format_func=_model_title, key="privacy_overfit_arch")
    url_state.remember("privacy_overfit_arch", readers[0])
    specs = [
        RunSpec(dataset, arch, epochs=e, batch_size=DATASETS[dataset].suggested_batch_size, seed=seed)
        for e in OVERFIT_EPOCHS
    ]
    if st.button(t("Train it 1, 5 and 20 epochs"), key="privacy_overfit_train"):
        submit(specs, page="privacy")
    results = _runs_for(specs)
    done = [(spec.epochs, r) for spec, r in zip(specs, results, strict=True) if r is not None and r.privacy is not None]
    if done:
        show(overfitting_figure(done), overfitting_summary(done), key="privacy_overfit_chart")
        epochs, last = done[-1]
        after = "After {epochs} epochs: " if epochs > 1 else "After {epochs} epoch: "
        st.markdown(
            t(
                after + "{train:.0%} right on its training records, {test:.0%} on new ones. {risk}",
                epochs=epochs,
                train=last.history[-1].train_accuracy,
                test=last.metrics.accuracy,
                risk=t_message(risk_sentence(last.privacy.membership.loss)),
            )
        )


def sweep_ui(*, seed: int) -> None:
    """Several ε values and no DP for one model and dataset; accuracy, attack, fairness gap and energy against ε."""
    st.write(t(load_privacy_notes().app.dp))
    left, middle, right = st.columns(3)
    url_state.start("privacy_sweep_data", "digits", allowed=list(DATASETS))
    dataset = left.selectbox(t("Data"), list(DATASETS), format_func=_dataset_title, key="privacy_sweep_data")
    url_state.remember("privacy_sweep_data", "digits")
    allowed = [a for a in NETWORKS if DATASETS[dataset].modality in REGISTRY[a].modalities]
    url_state.start("privacy_sweep_arch", allowed[0], allowed=allowed)
    arch = middle.selectbox(t("Model"), allowed, format_func=_model_title, key="privacy_sweep_arch")
    url_state.remember("privacy_sweep_arch", allowed[0])
    url_state.start_list("privacy_sweep_epsilons", SWEEP_EPSILONS, allowed=EPSILONS, parse=float)
    epsilons = right.multiselect(t("ε values"), EPSILONS, key="privacy_sweep_epsilons")
    url_state.remember("privacy_sweep_epsilons", SWEEP_EPSILONS)
    card = DATASETS[dataset]
    base = RunSpec(
        dataset, arch, epochs=card.suggested_epochs, lr=SWEEP_LR, batch_size=card.suggested_batch_size, seed=seed
    )
    with presenter.details():
        st.caption(
            t(
                "Every run of the sweep trains {epochs} epochs with a learning rate of {lr}: DP's clipped, noisy "
                "steps need larger steps than the usual 0.001.",
                epochs=card.suggested_epochs,
                lr=f"{SWEEP_LR:g}",
            )
        )
    specs = [base, *(replace(base, dp_epsilon=float(e)) for e in sorted(epsilons))]
    if st.button(t("Train without DP and at each ε"), key="privacy_sweep_train", type="primary"):
        submit(specs, page="privacy")
    finished = [r for r in _runs_for(specs) if r is not None and r.privacy is not None]
    if finished:
        show(privacy_sweep_figure(finished), plain_people.sweep_summary(finished), key="privacy_sweep_chart")


def notes_ui() -> None:
    """Per dataset and per architecture, and the app's own data handling."""
    notes = load_privacy_notes()
    url_state.start("privacy_notes_dataset", next(iter(notes.datasets)), allowed=list(notes.datasets))
    dataset = st.selectbox(t("Dataset"), list(notes.datasets), format_func=_dataset_title, key="privacy_notes_dataset")
    url_state.remember("privacy_notes_dataset", next(iter(notes.datasets)))
    note = notes.datasets[dataset]
    st.markdown(
        t(
            "**Personal data.** {personal_data}\n\n**Consent.** {consent}\n\n**If a model leaked it.** {risk}\n\n"
            "**Licence.** {licence}",
            personal_data=t(note.personal_data),
            consent=t(note.consent),
            risk=t(note.risk),
            licence=t(note.licence),
        )
    )
    st.caption(t("Sources: {sources}", sources=t(note.sources)))
    with st.expander(t("Which architectures memorise more, and why")):
        for name, arch_note in notes.architectures.items():
            st.markdown(
                t("**{model}.** {memorisation}", model=_model_title(name), memorisation=t(arch_note.memorisation))
            )
    with st.expander(t("How this app handles data")):
        st.markdown(t(notes.app.data_handling))
