"""Fairness between groups of people, measured by fairlearn on a run's test predictions.

Every figure here comes from fairlearn (`MetricFrame` and its disparity metrics); this module only picks the
metrics, and says in plain words when a figure cannot mean much (a group too small, a single group, a model
that gives everyone the same answer).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

SMALL_GROUP = 5  # fewer test members than this: the group's rates are noise, and we say so
FOUR_FIFTHS = 0.8  # US EEOC "four-fifths rule" (29 CFR 1607.4 D): a selection-rate ratio below it flags adverse impact


@dataclass(frozen=True)
class GroupRates:
    group: str
    size: int  # people of this group in the test set
    accuracy: float
    selection_rate: float  # share predicted positive ("earns > 50K", "will reoffend", "called back")
    true_positive_rate: float | None  # None when the group has no positive examples to find
    false_positive_rate: float | None  # None when the group has no negative examples


@dataclass(frozen=True)
class AttributeFairness:
    attribute: str  # "sex"
    groups: tuple[GroupRates, ...]
    # The gaps are fairlearn's, between the groups of `compared_groups` (those with enough people to trust)
    dp_difference: float  # demographic parity difference: largest gap in selection rate, 0..1
    dp_ratio: float  # smallest selection rate / largest, 0..1 (1 when nobody or everybody is selected)
    eo_difference: float  # equalized odds difference: largest gap in true or false positive rate, 0..1
    passes_four_fifths: bool  # dp_ratio >= 0.8
    notes: tuple[str, ...] = ()  # plain sentences on what limits these figures

    @classmethod
    def from_dict(cls, data: dict) -> AttributeFairness:
        groups = tuple(GroupRates(**g) for g in data["groups"])
        return cls(**{**data, "groups": groups, "notes": tuple(data.get("notes", ()))})


@dataclass(frozen=True)
class Mitigation:
    """The same model's test predictions after a fairlearn mitigation, measured again."""

    method: str  # a key of lab.mitigation.METHODS: "threshold_dp", "threshold_eo", "exponentiated_gradient_dp"
    accuracy: float  # test accuracy after mitigation, 0..1
    fairness: AttributeFairness  # the mitigated attribute, measured as before


@dataclass(frozen=True)
class FlipRate:
    """How many test people get another decision when only their group changes."""

    attribute: str  # "sex"
    flipped: int  # test people whose decision changes for at least one other group
    people: int  # test people
    note: str = ""  # when the rate says less than it seems: the model never read the attribute

    @property
    def rate(self) -> float:
        """Share of the test people whose decision flips, 0..1."""
        return self.flipped / self.people if self.people else 0.0

    @property
    def sentence(self) -> str:
        return (
            f"Changing only {self.attribute} flipped the decision for {100 * self.rate:.1f} % of the "
            f"{f'{self.people:,}'.replace(',', ' ')} people in the test set."
        )


@dataclass(frozen=True)
class FairnessReport:
    attributes: tuple[AttributeFairness, ...]  # each sensitive attribute, then their intersection ("sex × race")
    mitigations: tuple[Mitigation, ...] = ()  # per single attribute, what each mitigation method changes
    flip_rates: tuple[FlipRate, ...] = ()  # per sensitive attribute: decisions that change with the group alone

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> FairnessReport:
        return cls(
            tuple(AttributeFairness.from_dict(a) for a in data["attributes"]),
            tuple(
                Mitigation(m["method"], m["accuracy"], AttributeFairness.from_dict(m["fairness"]))
                for m in data.get("mitigations", ())
            ),
            tuple(FlipRate(**f) for f in data.get("flip_rates", ())),
        )

    def attribute(self, name: str) -> AttributeFairness | None:
        return next((a for a in self.attributes if a.attribute == name), None)


def intersection_name(attributes: Sequence[str]) -> str:
    return " × ".join(attributes)


def fairness_report(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    sensitive_features: Mapping[str, Sequence[str]],
    intersect: bool = True,
) -> FairnessReport:
    """Rates per group and the disparities between groups, for each sensitive attribute (binary labels).

    Parameters
    ----------
    y_true, y_pred : 0/1 labels and predictions of the test set.
    sensitive_features : attribute name -> the group of each test row, row-aligned with y_true.
    intersect : with two or more attributes, also measure their intersection ("sex × race": Female & Black, ...),
        where gaps hidden by each attribute alone show up (Buolamwini & Gebru, "Gender Shades", 2018).
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    columns = {name: np.asarray(groups).astype(str) for name, groups in sensitive_features.items()}
    attributes = [_attribute(name, y_true, y_pred, labels) for name, labels in columns.items()]
    if intersect and len(columns) >= 2:
        # each person's groups joined into one name: "Female & Black"
        joined = functools.reduce(lambda left, right: np.char.add(np.char.add(left, " & "), right), columns.values())
        attributes.append(_attribute(intersection_name(list(columns)), y_true, y_pred, joined))
    return FairnessReport(tuple(attributes))


def _people(y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray) -> float:
    """Group size: the number of people the (weighted) rows stand for."""
    return float(np.sum(sample_weight))


def _metric_frame(metrics: dict, outcomes: pd.DataFrame):
    """fairlearn's MetricFrame over `outcomes`: one row per (group, truth, prediction) and how many people had it.

    Every rate is a share of people, so weighting each distinct outcome by its number of people gives
    fairlearn's figures exactly, while fairlearn handles a few dozen rows instead of thousands (its per-row
    overhead made the evaluation cost as much as training a baseline).
    """
    from fairlearn.metrics import MetricFrame

    return MetricFrame(
        metrics=metrics,
        y_true=outcomes["y_true"].to_numpy(),
        y_pred=outcomes["y_pred"].to_numpy(),
        sensitive_features=outcomes["group"].to_numpy(),
        sample_params={name: {"sample_weight": outcomes["people"].to_numpy()} for name in metrics},
    )


def _attribute(name: str, y_true: np.ndarray, y_pred: np.ndarray, labels: np.ndarray) -> AttributeFairness:
    """Rates per group and the gaps between groups; `labels` holds each row's group name."""
    import pandas as pd
    from fairlearn.metrics import false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score

    outcomes = (
        pd.DataFrame({"group": labels, "y_true": y_true, "y_pred": y_pred})
        .value_counts()
        .rename("people")
        .reset_index()
    )
    rates = {"selection_rate": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate}
    # One MetricFrame serves every figure: fairlearn's demographic_parity_* and equalized_odds_difference each
    # build their own from the same numbers (differences and ratios between groups), which triples the cost.
    frame = _metric_frame({**rates, "accuracy": accuracy_score, "count": _people}, outcomes)
    rows: list[GroupRates] = []
    for group, values in frame.by_group.iterrows():
        # a rate exists only if the group has someone to find (true positive rate) or to wrongly flag (false)
        answers = set(outcomes.loc[outcomes["group"] == group, "y_true"].tolist())
        rows.append(
            GroupRates(
                str(group),
                int(values["count"]),
                float(values["accuracy"]),
                float(values["selection_rate"]),
                float(values["tpr"]) if 1 in answers else None,
                float(values["fpr"]) if 0 in answers else None,
            )
        )
    compared = compared_groups(rows)
    if len(compared) < len(rows):  # the gaps leave out groups too small to trust: measured again without them
        outcomes = outcomes[outcomes["group"].isin([g.group for g in compared])]
        frame = _metric_frame(rates, outcomes)
    difference = frame.difference(method="between_groups")
    # nobody selected: every rate is 0 and fairlearn's ratio is 0/0; the groups are treated alike
    selected = bool(outcomes["y_pred"].any())
    ratio = float(frame.ratio(method="between_groups")["selection_rate"]) if selected else 1.0
    return AttributeFairness(
        attribute=name,
        groups=tuple(rows),
        dp_difference=float(difference["selection_rate"]),
        dp_ratio=ratio,
        # fairlearn's equalized_odds_difference: the larger of the gaps in true and in false positive rate
        eo_difference=float(max(difference["tpr"], difference["fpr"])),
        passes_four_fifths=ratio >= FOUR_FIFTHS,
        notes=_notes(name, rows, y_pred),
    )


def compared_groups(groups: Sequence[GroupRates]) -> list[GroupRates]:
    """The groups the gaps are measured between: those with enough people, when at least two have enough.

    A group of two people selected 2 times out of 2 would otherwise make a "100-point gap" out of chance.
    """
    large = [g for g in groups if g.size >= SMALL_GROUP]
    return large if len(large) >= 2 else list(groups)


def _notes(name: str, rows: list[GroupRates], y_pred: np.ndarray) -> tuple[str, ...]:
    """What a reader must know before trusting the figures, in plain words."""
    notes = []
    if len(rows) == 1:
        notes.append(f"Everyone in the test set has the same {name} ({rows[0].group}): there is nothing to compare.")
    small = [f"{r.group} ({r.size})" for r in rows if r.size < SMALL_GROUP]
    if small and len(compared_groups(rows)) < len(rows):
        notes.append(
            f"Too few people to trust their rates: {', '.join(small)}. They are listed, but the gaps between "
            f"groups leave them out (fewer than {SMALL_GROUP} people in the test set)."
        )
    elif small:
        notes.append(f"Too few people to trust their rates: {', '.join(small)}. A gap involving them may be chance.")
    if len(set(y_pred.tolist())) == 1:
        answer = "yes" if y_pred[0] == 1 else "no"
        notes.append(
            f"The model answers '{answer}' for everyone, so it treats groups alike only because it "
            "tells no one apart: it is useless, not fair."
        )
    return tuple(notes)
