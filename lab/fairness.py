"""Fairness between groups of people, measured by fairlearn on a run's test predictions.

Every figure here comes from fairlearn (`MetricFrame` and its disparity metrics); this module only picks the
metrics, and says in plain words when a figure cannot mean much (a group too small, a single group, a model
that gives everyone the same answer).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

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
    dp_difference: float  # demographic parity difference: largest gap in selection rate, 0..1
    dp_ratio: float  # smallest selection rate / largest, 0..1 (1 when nobody or everybody is selected)
    eo_difference: float  # equalized odds difference: largest gap in true or false positive rate, 0..1
    passes_four_fifths: bool  # dp_ratio >= 0.8
    notes: tuple[str, ...] = ()  # plain sentences on what limits these figures


@dataclass(frozen=True)
class FairnessReport:
    attributes: tuple[AttributeFairness, ...]

    def to_dict(self) -> dict:
        from dataclasses import asdict

        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "FairnessReport":
        return cls(
            tuple(
                AttributeFairness(
                    **{
                        **a,
                        "groups": tuple(GroupRates(**g) for g in a["groups"]),
                        "notes": tuple(a.get("notes", ())),
                    }
                )
                for a in data["attributes"]
            )
        )


def fairness_report(
    y_true: np.ndarray, y_pred: np.ndarray, *, sensitive_features: Mapping[str, Sequence[str]]
) -> FairnessReport:
    """Rates per group and the disparities between groups, for each sensitive attribute (binary labels).

    Parameters
    ----------
    y_true, y_pred : 0/1 labels and predictions of the test set.
    sensitive_features : attribute name -> the group of each test row, row-aligned with y_true.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return FairnessReport(
        tuple(_attribute(name, y_true, y_pred, np.asarray(groups)) for name, groups in sensitive_features.items())
    )


def _attribute(name: str, y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray) -> AttributeFairness:
    from fairlearn.metrics import (
        MetricFrame,
        count,
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    metrics = {
        "accuracy": accuracy_score,
        "selection_rate": selection_rate,
        "tpr": true_positive_rate,
        "fpr": false_positive_rate,
        "count": count,
    }
    frame = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=groups).by_group
    rows = []
    for group, values in frame.iterrows():
        members = groups == group
        has_positives, has_negatives = bool(y_true[members].any()), bool((1 - y_true[members]).any())
        rows.append(
            GroupRates(
                str(group),
                int(values["count"]),
                float(values["accuracy"]),
                float(values["selection_rate"]),
                float(values["tpr"]) if has_positives else None,
                float(values["fpr"]) if has_negatives else None,
            )
        )
    selected_by_anyone = bool(y_pred.any())
    ratio = float(demographic_parity_ratio(y_true, y_pred, sensitive_features=groups)) if selected_by_anyone else 1.0
    return AttributeFairness(
        attribute=name,
        groups=tuple(rows),
        dp_difference=float(demographic_parity_difference(y_true, y_pred, sensitive_features=groups)),
        dp_ratio=ratio,
        eo_difference=float(equalized_odds_difference(y_true, y_pred, sensitive_features=groups)),
        passes_four_fifths=ratio >= FOUR_FIFTHS,
        notes=_notes(name, rows, y_pred),
    )


def _notes(name: str, rows: list[GroupRates], y_pred: np.ndarray) -> tuple[str, ...]:
    """What a reader must know before trusting the figures, in plain words."""
    notes = []
    if len(rows) == 1:
        notes.append(f"Everyone in the test set has the same {name} ({rows[0].group}): there is nothing to compare.")
    small = [f"{r.group} ({r.size})" for r in rows if r.size < SMALL_GROUP]
    if small:
        notes.append(f"Too few people to trust their rates: {', '.join(small)}. A gap involving them may be chance.")
    if len(set(y_pred.tolist())) == 1:
        answer = "yes" if y_pred[0] == 1 else "no"
        notes.append(
            f"The model answers '{answer}' for everyone, so it treats groups alike only because it "
            "tells no one apart: it is useless, not fair."
        )
    return tuple(notes)
