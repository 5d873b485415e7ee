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
from ui import plain
from ui.charts import overfitting_figure, privacy_sweep_figure
from ui.compare import run_picker_ui, spec_title
from ui.progress import submit
from ui.services import run_store

NETWORKS = [name for name, arch in REGISTRY.items() if arch.family == "torch" and not arch.needs_embeddings]
EPSILONS = (0.5, 1.0, 2.0, 4.0, 8.0)  # the sweep's choices: strong to weak protection
# DP-SGD's clipped, noisy steps need a larger learning rate than the default 0.001 (the MLP on digits at ε = 1:
# 11 % at 0.001, 86 % at 0.01); every run of the sweep uses it, with DP or without, so they compare fairly.
SWEEP_LR = 0.01
# The overfitting demonstration: the same model trained longer and longer. On the reviews the MLP's word vectors
# learn its training reviews by heart within 20 epochs (attack AUC about 0.52, 0.57, 0.65 at 1, 5, 20 epochs).
OVERFIT_EPOCHS = (1, 5, 20)


def attack_ui() -> None:
    """The attack's figures on any finished run, explained."""
    runs = [r for r in run_store().recent(200) if r.privacy is not None]
    if not runs:
        st.info("No run has been measured yet: train one on Train & Compare, or below.")
        return
    result = run_picker_ui(runs, label="Model to attack (yours and everyone's runs)", key="privacy_run")
    membership = result.privacy.membership
    st.markdown(f"**{spec_title(result.spec)}**: {risk_sentence(membership.loss)}")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Attack": name,
                    "Right (%) (50 = guessing)": round(inference.accuracy * 100, 1),
                    "ROC AUC (0.5 = guessing)": round(inference.auc, 3),
                    "Members found at 1% false alarms (%)": round(inference.tpr_at_1pct_fpr * 100, 1),
                    "Risk": risk_level(inference),
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
    st.caption(
        f"Scored on {membership.loss.n_members} training records (members) and {membership.loss.n_non_members} "
        "records the model never saw (non-members). The calibrated attack compares each record's loss with the "
        "typical loss of its class on other unseen records, so a naturally easy record is not taken for a member."
    )
    if result.privacy.private:
        st.markdown(plain.dp_sentence(result.privacy.epsilon, result.privacy.delta))


def _runs_for(specs: list[RunSpec]) -> list[RunResult | None]:
    """The stored result of each spec, None where it has not been trained yet."""
    return [run_store().find_by_key(spec.key()) for spec in specs]


def overfitting_ui(*, seed: int) -> None:
    """The same model trained 1, 10 and 40 epochs: the longer it trains, the better the attack does."""
    st.write(
        "A model that learns its training records by heart gives them lower losses than records it never saw, "
        "and that gap is what the attack reads. Train the same model for longer and longer and watch the attack "
        "get better, while the accuracy on new records stops improving."
    )
    left, right = st.columns(2)
    dataset = left.selectbox(
        "Data", ["reviews", "digits", "compas"], format_func=lambda n: DATASETS[n].title, key="privacy_overfit_data"
    )
    readers = [a for a in ("mlp", "cnn") if DATASETS[dataset].modality in REGISTRY[a].modalities]
    arch = right.selectbox("Model", readers, format_func=lambda n: REGISTRY[n].title, key="privacy_overfit_arch")
    specs = [
        RunSpec(dataset, arch, epochs=e, batch_size=DATASETS[dataset].suggested_batch_size, seed=seed)
        for e in OVERFIT_EPOCHS
    ]
    if st.button("Train it 1, 5 and 20 epochs", key="privacy_overfit_train"):
        submit(specs, page="privacy")
    results = _runs_for(specs)
    done = [(spec.epochs, r) for spec, r in zip(specs, results, strict=True) if r is not None and r.privacy is not None]
    if done:
        st.plotly_chart(overfitting_figure(done), key="privacy_overfit_chart")
        epochs, last = done[-1]
        st.markdown(
            f"After {epochs} epochs: {last.history[-1].train_accuracy:.0%} right on its training records, "
            f"{last.metrics.accuracy:.0%} on new ones. {risk_sentence(last.privacy.membership.loss)}"
        )


def sweep_ui(*, seed: int) -> None:
    """Several ε values and no DP for one model and dataset; accuracy, attack, fairness gap and energy against ε."""
    st.write(load_privacy_notes().app.dp)
    left, middle, right = st.columns(3)
    dataset = left.selectbox(
        "Data",
        list(DATASETS),
        index=list(DATASETS).index("digits"),
        format_func=lambda n: DATASETS[n].title,
        key="privacy_sweep_data",
    )
    allowed = [a for a in NETWORKS if DATASETS[dataset].modality in REGISTRY[a].modalities]
    arch = middle.selectbox("Model", allowed, format_func=lambda n: REGISTRY[n].title, key="privacy_sweep_arch")
    epsilons = right.multiselect("ε values", EPSILONS, default=[1.0, 8.0], key="privacy_sweep_epsilons")
    card = DATASETS[dataset]
    base = RunSpec(
        dataset, arch, epochs=card.suggested_epochs, lr=SWEEP_LR, batch_size=card.suggested_batch_size, seed=seed
    )
    st.caption(
        f"Every run of the sweep trains {card.suggested_epochs} epochs with a learning rate of {SWEEP_LR:g}: "
        "DP's clipped, noisy steps need larger steps than the usual 0.001."
    )
    specs = [base, *(replace(base, dp_epsilon=float(e)) for e in sorted(epsilons))]
    if st.button("Train without DP and at each ε", key="privacy_sweep_train", type="primary"):
        submit(specs, page="privacy")
    finished = [r for r in _runs_for(specs) if r is not None and r.privacy is not None]
    if finished:
        st.plotly_chart(privacy_sweep_figure(finished), key="privacy_sweep_chart")
        st.caption(plain.sweep_summary(finished))


def notes_ui() -> None:
    """Per dataset and per architecture, and the app's own data handling."""
    notes = load_privacy_notes()
    dataset = st.selectbox(
        "Dataset", list(notes.datasets), format_func=lambda n: DATASETS[n].title, key="privacy_notes_dataset"
    )
    note = notes.datasets[dataset]
    st.markdown(
        f"**Personal data.** {note.personal_data}\n\n**Consent.** {note.consent}\n\n**If a model leaked it.** "
        f"{note.risk}\n\n**Licence.** {note.licence}"
    )
    st.caption(f"Sources: {note.sources}")
    with st.expander("Which architectures memorise more, and why"):
        for name, arch_note in notes.architectures.items():
            st.markdown(f"**{REGISTRY[name].title}.** {arch_note.memorisation}")
    with st.expander("How this app handles data"):
        st.markdown(notes.app.data_handling)
