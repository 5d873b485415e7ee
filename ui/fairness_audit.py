"""The Fairness page's audit: train or pick a model on data about people, see its gaps, hide the column, mitigate."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from lab.data import DATASETS, DataCard
from lab.fairness import AttributeFairness, compared_groups
from lab.jobs import JobStatus
from lab.mitigation import METHODS
from lab.result import RunResult
from lab.spec import RunSpec
from models import REGISTRY
from ui import plain
from ui.charts import fairness_tradeoff_figure, group_rates_figure
from ui.compare import run_picker_ui, spec_title
from ui.forms import data_card_ui
from ui.progress import jobs_ui, submit
from ui.services import run_store

PEOPLE = [name for name, card in DATASETS.items() if card.sensitive]
TABLE_MODELS = [name for name, arch in REGISTRY.items() if "table" in arch.modalities]


def train_ui(card: DataCard, *, seed: int) -> None:
    """Choose a model; train it and its twin that never sees the sensitive columns."""
    arch = st.selectbox(
        "Model",
        TABLE_MODELS,
        index=TABLE_MODELS.index("logreg"),  # the practitioners' baseline, and trained in a second
        format_func=lambda name: REGISTRY[name].title,
        key="fairness_arch",
    )
    spec = RunSpec(card.name, arch, epochs=card.suggested_epochs, batch_size=card.suggested_batch_size, seed=seed)
    st.caption(
        f"Trains two models with the data card's suggested settings: one that reads every column, and one "
        f'trained without {" and ".join(card.sensitive)} ("fairness through unawareness").'
    )
    if st.button("Train both", key="fairness_train", type="primary", icon=":material/play_arrow:"):
        submit([spec, replace(spec, drop_sensitive=True)], page="fairness")
    jobs_ui(page="fairness", on_done=_show_new_run)


def _show_new_run(status: JobStatus) -> None:
    if not status.spec.drop_sensitive:
        st.session_state["fairness_run"] = status.run_id  # the audit shows the run just trained


def pick_run_ui(dataset: str) -> RunResult | None:
    """A finished run on this dataset (anyone's, newest first), that read every column."""
    runs = [
        r
        for r in run_store().recent(200)
        if r.spec.dataset == dataset and r.fairness is not None and not r.spec.drop_sensitive
    ]
    if not runs:
        st.info("No model has been trained on this data yet: press **Train both** above.")
        return None
    if st.session_state.get("fairness_run") not in {r.run_id for r in runs}:
        st.session_state["fairness_run"] = runs[0].run_id  # another dataset's run was chosen: start at the newest
    return run_picker_ui(runs, label="Model to audit (yours and everyone's runs on this data)", key="fairness_run")


def groups_ui(attribute: AttributeFairness, *, positive: str) -> None:
    """Per-group rates as a chart and a table, each gap as a sentence, and what limits the figures."""
    if len(attribute.groups) < 2:  # one group: its note says there is nothing to compare
        for note in attribute.notes:
            st.info(note)
        return
    compared = compared_groups(attribute.groups)
    lowest = min(compared, key=lambda g: g.selection_rate)
    highest = max(compared, key=lambda g: g.selection_rate)
    st.markdown(
        plain.selection_gap_sentence(
            (lowest.group, lowest.selection_rate), (highest.group, highest.selection_rate), positive
        )
    )
    st.markdown(plain.four_fifths_sentence(attribute.dp_ratio, attribute.passes_four_fifths))
    st.markdown(plain.error_rates_sentence(attribute.eo_difference))
    for note in attribute.notes:
        st.warning(note, icon=":material/warning:")
    st.plotly_chart(
        group_rates_figure(attribute.groups, attribute=attribute.attribute, positive=positive),
        key="fairness_groups_chart",
    )
    table = pd.DataFrame(
        [
            {
                attribute.attribute: g.group,
                "People in the test set": g.size,
                "Accuracy (%)": round(g.accuracy * 100, 1),
                f'Said "{positive}" (%)': round(g.selection_rate * 100, 1),
                "True positive rate (%)": None
                if g.true_positive_rate is None
                else round(g.true_positive_rate * 100, 1),
                "False positive rate (%)": None
                if g.false_positive_rate is None
                else round(g.false_positive_rate * 100, 1),
            }
            for g in attribute.groups
        ]
    )
    st.dataframe(table, hide_index=True, key="fairness_groups_table")
    st.caption("An empty rate: the group has nobody with that true answer in the test set, so the rate does not exist.")


def unawareness_ui(result: RunResult, attribute: str) -> RunResult | None:
    """Compare with the same model trained without the sensitive columns; offer to train it if missing."""
    twin = run_store().find_by_key(replace(result.spec, drop_sensitive=True).key())
    twin_attribute = twin.fairness.attribute(attribute) if twin and twin.fairness else None
    if twin_attribute is None:
        st.write("The same model, trained without the sensitive columns, has not been trained yet.")
        if st.button("Train it without them", key="fairness_unaware"):
            submit([replace(result.spec, drop_sensitive=True)], page="fairness")
        return None
    gap = result.fairness.attribute(attribute).dp_difference
    st.markdown(plain.unawareness_sentence(attribute, gap, twin_attribute.dp_difference))
    return twin


def mitigation_ui(result: RunResult, attribute: str, twin: RunResult | None) -> None:
    """Before and after each mitigation: a table, a trade-off chart and a sentence each."""
    mitigations = [m for m in result.fairness.mitigations if m.fairness.attribute == attribute]
    if attribute not in DATASETS[result.spec.dataset].sensitive:
        st.write("Mitigations are computed for one attribute at a time: choose a single attribute above to see them.")
        return
    if not mitigations:
        st.write(
            f"fairlearn could not set per-group thresholds for {attribute} on this run: some groups have too few "
            "people, or only one kind of answer, in the validation set."
        )
        return
    before = result.fairness.attribute(attribute)
    rows = [("As trained", result.metrics.accuracy, before)]
    if twin is not None:
        rows.append(("Without the sensitive columns", twin.metrics.accuracy, twin.fairness.attribute(attribute)))
    rows += [(METHODS[m.method][0], m.accuracy, m.fairness) for m in mitigations]
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Version of the model": name,
                    "Test accuracy (%)": round(accuracy * 100, 1),
                    "Gap in selection rate (points)": round(fairness.dp_difference * 100, 1),
                    "Gap in error rates (points)": round(fairness.eo_difference * 100, 1),
                    "Four-fifths rule": "passes" if fairness.passes_four_fifths else "fails",
                }
                for name, accuracy, fairness in rows
            ]
        ),
        hide_index=True,
        key="fairness_mitigation_table",
    )
    for mitigation in mitigations:
        st.markdown(
            "- "
            + plain.mitigation_sentence(
                METHODS[mitigation.method][1],
                (result.metrics.accuracy, before.dp_difference),
                (mitigation.accuracy, mitigation.fairness.dp_difference),
            )
        )
    points = [(name, fairness.dp_difference, accuracy) for name, accuracy, fairness in rows]
    st.plotly_chart(fairness_tradeoff_figure(points), key="fairness_tradeoff")
    if result.spec.arch != "logreg":
        st.caption(
            "Retraining under a fairness constraint (ExponentiatedGradient) refits the model a dozen times, so the "
            "lab runs it for logistic regression only: pick that model to see it."
        )


def audit_ui(*, seed: int) -> None:
    dataset = st.selectbox(
        "Data about people", PEOPLE, format_func=lambda name: DATASETS[name].title, key="fairness_dataset"
    )
    card = DATASETS[dataset]
    data_card_ui(card)
    train_ui(card, seed=seed)
    result = pick_run_ui(dataset)
    if result is None:
        return
    st.subheader(spec_title(result.spec))
    names = [a.attribute for a in result.fairness.attributes]
    attribute = st.radio(
        "Compare groups by", names, horizontal=True, key="fairness_attribute", help="A × B: every combination of both."
    )
    groups_ui(result.fairness.attribute(attribute), positive=card.classes[-1])
    st.subheader("Does hiding the column help?")
    twin = unawareness_ui(result, attribute)
    st.subheader("What can be done, and what it costs")
    mitigation_ui(result, attribute, twin)
