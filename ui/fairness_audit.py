"""The Fairness page's audit: train or pick a model on data about people, see its gaps, hide the column, mitigate."""

import re
from collections.abc import Iterable
from dataclasses import replace

import pandas as pd
import streamlit as st

from lab.data import DATASETS, DataCard
from lab.fairness import AttributeFairness, GroupRates, compared_groups
from lab.jobs import JobStatus
from lab.mitigation import METHODS
from lab.result import RunResult
from lab.spec import RunSpec
from models import REGISTRY
from ui import plain_people, url_state
from ui.charts import fairness_tradeoff_figure, group_rates_figure, show
from ui.compare import run_picker_ui, spec_title
from ui.forms import data_card_ui
from ui.i18n import t, t_message
from ui.progress import jobs_ui, submit
from ui.services import run_store

PEOPLE = [name for name, card in DATASETS.items() if card.sensitive]
TABLE_MODELS = [name for name, arch in REGISTRY.items() if "table" in arch.modalities]
DEFAULT_ARCH = "logreg"  # the practitioners' baseline, and trained in a second


def group_name(group: str) -> str:
    """A group as the data names it ("African-American & Female"), each part in the session's language."""
    return " & ".join(t(part) for part in group.split(" & "))


def attribute_name(attribute: str) -> str:
    """A sensitive attribute ("race × sex"), each part in the session's language."""
    return " × ".join(t(part) for part in attribute.split(" × "))


def named(message: str, names: Iterable[str]) -> str:
    """A finished message from lab/ in the session's language, with the data's names in its values translated too.

    The lab writes groups and word sets into its sentences in English, sometimes several in one value
    ("Native American (2), Asian (3)"): each whole name in a value is swapped for its translation, the longest
    first, so that "Male" inside "Female" stays put.
    """
    ordered = sorted(set(names), key=len, reverse=True)
    whole = re.compile("|".join(rf"(?<![A-Za-z-]){re.escape(name)}(?![A-Za-z-])" for name in ordered))
    return t_message(message, value_words=lambda value: whole.sub(lambda found: t(found.group()), value))


def train_ui(card: DataCard, *, seed: int) -> None:
    """Choose a model; train it and its twin that never sees the sensitive columns."""
    url_state.start("fairness_arch", DEFAULT_ARCH, allowed=TABLE_MODELS)
    arch = st.selectbox(t("Model"), TABLE_MODELS, format_func=lambda name: t(REGISTRY[name].title), key="fairness_arch")
    url_state.remember("fairness_arch", DEFAULT_ARCH)
    spec = RunSpec(card.name, arch, epochs=card.suggested_epochs, batch_size=card.suggested_batch_size, seed=seed)
    st.caption(
        t(
            "Trains two models with the data card's suggested settings: one that reads every column, and one "
            'trained without {columns} ("fairness through unawareness").',
            columns=t(" and ").join(attribute_name(column) for column in card.sensitive),
        )
    )
    if st.button(t("Train both"), key="fairness_train", type="primary", icon=":material/play_arrow:"):
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
        st.info(t("No model has been trained on this data yet: press **Train both** above."))
        return None
    newest, run_ids = runs[0].run_id, [r.run_id for r in runs]
    url_state.start("fairness_run", newest, allowed=run_ids)  # a shared link can name the run to audit
    if st.session_state.get("fairness_run") not in run_ids:
        st.session_state["fairness_run"] = newest  # another dataset's run was chosen: start at the newest
    result = run_picker_ui(runs, label=t("Model to audit (yours and everyone's runs on this data)"), key="fairness_run")
    url_state.remember("fairness_run", newest)
    return result


def _rates_summary(groups: tuple[GroupRates, ...], *, positive: str) -> str:
    """The groups' chart in words: who is told "yes" most and least often, and who is wrongly told it most."""
    most = max(groups, key=lambda g: g.selection_rate)
    least = min(groups, key=lambda g: g.selection_rate)
    summary = t(
        'Said "{positive}" most often to {most} ({most_rate:.0f}% of the group) and least often to {least} '
        "({least_rate:.0f}%).",
        positive=positive,
        most=group_name(most.group),
        most_rate=most.selection_rate * 100,
        least=group_name(least.group),
        least_rate=least.selection_rate * 100,
    )
    wrongly = [g for g in groups if g.false_positive_rate is not None]
    if wrongly:
        worst = max(wrongly, key=lambda g: g.false_positive_rate)
        summary += " " + t(
            'Said "{positive}" wrongly most often to {group} ({rate:.0f}% of its members whose true answer was the '
            "other one).",
            positive=positive,
            group=group_name(worst.group),
            rate=worst.false_positive_rate * 100,
        )
    return summary


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def groups_ui(attribute: AttributeFairness, *, positive: str) -> None:
    """Per-group rates as a chart and a table, each gap as a sentence, and what limits the figures.

    `positive` is the answer that selects someone ("arrested again"), in the page's language.
    """
    names = [part for g in attribute.groups for part in g.group.split(" & ")] + attribute.attribute.split(" × ")
    if len(attribute.groups) < 2:  # one group: its note says there is nothing to compare
        for note in attribute.notes:
            st.info(named(note, names))
        return
    compared = compared_groups(attribute.groups)
    lowest = min(compared, key=lambda g: g.selection_rate)
    highest = max(compared, key=lambda g: g.selection_rate)
    st.markdown(
        plain_people.selection_gap_sentence(
            (group_name(lowest.group), lowest.selection_rate),
            (group_name(highest.group), highest.selection_rate),
            positive,
        )
    )
    st.markdown(plain_people.four_fifths_sentence(attribute.dp_ratio, attribute.passes_four_fifths))
    st.markdown(plain_people.error_rates_sentence(attribute.eo_difference))
    for note in attribute.notes:
        st.warning(named(note, names), icon=":material/warning:")
    shown = tuple(replace(g, group=group_name(g.group)) for g in attribute.groups)  # the chart in the page's words
    show(
        group_rates_figure(shown, attribute=attribute_name(attribute.attribute), positive=positive),
        _rates_summary(attribute.groups, positive=positive),
        key="fairness_groups_chart",
    )
    table = pd.DataFrame(
        [
            {
                attribute_name(attribute.attribute): group_name(g.group),
                t("People in the test set"): g.size,
                t("Accuracy (%)"): round(g.accuracy * 100, 1),
                t('Said "{positive}" (%)', positive=positive): round(g.selection_rate * 100, 1),
                t("True positive rate (%)"): _percent(g.true_positive_rate),
                t("False positive rate (%)"): _percent(g.false_positive_rate),
            }
            for g in attribute.groups
        ]
    )
    st.dataframe(table, hide_index=True, key="fairness_groups_table")
    st.caption(
        t("An empty rate: the group has nobody with that true answer in the test set, so the rate does not exist.")
    )


def unawareness_ui(result: RunResult, attribute: str) -> RunResult | None:
    """Compare with the same model trained without the sensitive columns; offer to train it if missing."""
    twin = run_store().find_by_key(replace(result.spec, drop_sensitive=True).key())
    twin_attribute = twin.fairness.attribute(attribute) if twin and twin.fairness else None
    if twin_attribute is None:
        st.write(t("The same model, trained without the sensitive columns, has not been trained yet."))
        if st.button(t("Train it without them"), key="fairness_unaware"):
            submit([replace(result.spec, drop_sensitive=True)], page="fairness")
        return None
    gap = result.fairness.attribute(attribute).dp_difference
    st.markdown(plain_people.unawareness_sentence(attribute_name(attribute), gap, twin_attribute.dp_difference))
    return twin


def _tradeoff_summary(points: list[tuple[str, float, float]]) -> str:
    """The trade-off chart in words: the most accurate version and the one with the smallest gap."""
    best = max(points, key=lambda point: point[2])
    fairest = min(points, key=lambda point: point[1])
    return t(
        "Most accurate: {best} ({accuracy:.1f}% right). Smallest gap: {fairest} ({gap:.0f} percentage points).",
        best=best[0],
        accuracy=best[2] * 100,
        fairest=fairest[0],
        gap=fairest[1] * 100,
    )


def mitigation_ui(result: RunResult, attribute: str, twin: RunResult | None) -> None:
    """Before and after each mitigation: a table, a trade-off chart and a sentence each."""
    mitigations = [m for m in result.fairness.mitigations if m.fairness.attribute == attribute]
    if attribute not in DATASETS[result.spec.dataset].sensitive:
        st.write(
            t("Mitigations are computed for one attribute at a time: choose a single attribute above to see them.")
        )
        return
    if not mitigations:
        st.write(
            t(
                "fairlearn could not set per-group thresholds for {attribute} on this run: some groups have too few "
                "people, or only one kind of answer, in the validation set.",
                attribute=attribute_name(attribute),
            )
        )
        return
    before = result.fairness.attribute(attribute)
    rows = [(t("As trained"), result.metrics.accuracy, before)]
    if twin is not None:
        rows.append((t("Without the sensitive columns"), twin.metrics.accuracy, twin.fairness.attribute(attribute)))
    rows += [(t(METHODS[m.method][0]), m.accuracy, m.fairness) for m in mitigations]
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("Version of the model"): name,
                    t("Test accuracy (%)"): round(accuracy * 100, 1),
                    t("Gap in selection rate (points)"): round(fairness.dp_difference * 100, 1),
                    t("Gap in error rates (points)"): round(fairness.eo_difference * 100, 1),
                    t("Four-fifths rule"): t("passes") if fairness.passes_four_fifths else t("fails"),
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
            + plain_people.mitigation_sentence(
                t(METHODS[mitigation.method][1]),
                (result.metrics.accuracy, before.dp_difference),
                (mitigation.accuracy, mitigation.fairness.dp_difference),
            )
        )
    points = [(name, fairness.dp_difference, accuracy) for name, accuracy, fairness in rows]
    show(fairness_tradeoff_figure(points), _tradeoff_summary(points), key="fairness_tradeoff")
    if result.spec.arch != "logreg":
        st.caption(
            t(
                "Retraining under a fairness constraint (ExponentiatedGradient) refits the model a dozen times, so the "
                "lab runs it for logistic regression only: pick that model to see it."
            )
        )


def audit_ui(*, seed: int) -> None:
    url_state.start("fairness_dataset", PEOPLE[0], allowed=PEOPLE)
    dataset = st.selectbox(
        t("Data about people"), PEOPLE, format_func=lambda name: t(DATASETS[name].title), key="fairness_dataset"
    )
    url_state.remember("fairness_dataset", PEOPLE[0])
    card = DATASETS[dataset]
    data_card_ui(card)
    train_ui(card, seed=seed)
    result = pick_run_ui(dataset)
    if result is None:
        return
    st.subheader(spec_title(result.spec))
    names = [a.attribute for a in result.fairness.attributes]
    url_state.start("fairness_attribute", names[0], allowed=names)
    attribute = st.radio(
        t("Compare groups by"),
        names,
        format_func=attribute_name,
        horizontal=True,
        key="fairness_attribute",
        help=t("A × B: every combination of both."),
    )
    url_state.remember("fairness_attribute", names[0])
    groups_ui(result.fairness.attribute(attribute), positive=t(card.classes[-1]))
    st.subheader(t("Does hiding the column help?"))
    twin = unawareness_ui(result, attribute)
    st.subheader(t("What can be done, and what it costs"))
    mitigation_ui(result, attribute, twin)
