"""What can be done about a gap between groups, done by fairlearn, and measured again on the test set.

Post-processing (`ThresholdOptimizer`, Hardt, Price & Srebro 2016) keeps the trained model and picks a
decision threshold per group on the validation set, so that the groups are selected at the same rate
(demographic parity) or found and wrongly flagged at the same rates (equalized odds). It works with any
model, because it only reads the model's scores. In-processing (`ExponentiatedGradient`, Agarwal et al.
2018) retrains the model many times with different weights on people until the constraint holds; the lab
runs it for logistic regression, where a retraining takes a fraction of a second (a network would take
minutes per retraining).
"""

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from lab.fairness import Mitigation, fairness_report

MIN_THRESHOLD_GROUP = 20  # validation members a group needs for a threshold of its own

# Each method: a short name for tables and charts, and the full words with fairlearn's names.
METHODS = {
    "threshold_dp": (
        "Thresholds per group: equal selection",
        "Per-group thresholds, equal selection rates (ThresholdOptimizer, demographic parity)",
    ),
    "threshold_eo": (
        "Thresholds per group: equal errors",
        "Per-group thresholds, equal error rates (ThresholdOptimizer, equalized odds)",
    ),
    "exponentiated_gradient_dp": (
        "Retrained under a constraint",
        "Retrained under a fairness constraint (ExponentiatedGradient, demographic parity)",
    ),
}


class _GivenScores(ClassifierMixin, BaseEstimator):
    """A stand-in estimator whose only input column is the trained model's score for class 1.

    ThresholdOptimizer needs an estimator to read scores from; this one hands over scores computed by any
    model (a network or a scikit-learn pipeline), so one post-processing serves every architecture.
    """

    def fit(self, x: np.ndarray, y: np.ndarray) -> "_GivenScores":
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        score = np.asarray(x, dtype=np.float64)[:, 0]  # fairlearn fills float64 arrays with these
        return np.column_stack([1 - score, score])


def threshold_mitigations(
    *,
    attribute: str,
    val_scores: np.ndarray,
    val_y: np.ndarray,
    val_groups: Sequence[str],
    test_scores: np.ndarray,
    test_y: np.ndarray,
    test_groups: Sequence[str],
    seed: int,
) -> list[Mitigation]:
    """ThresholdOptimizer fitted on the validation scores, for demographic parity and for equalized odds.

    Parameters
    ----------
    attribute : the sensitive attribute the thresholds are chosen per ("sex").
    val_scores, test_scores : the model's probability of class 1 for each row (N,).
    val_y, test_y : 0/1 labels.
    val_groups, test_groups : each row's group, row-aligned.
    seed : ThresholdOptimizer mixes two thresholds at random for some groups; the seed fixes that draw.

    Returns one Mitigation per constraint that fairlearn could satisfy. A group with fewer than
    MIN_THRESHOLD_GROUP validation members, or with only one kind of answer there, gets no threshold of its
    own (fairlearn cannot choose one): its members keep the model's own decisions.
    """
    from fairlearn.postprocessing import ThresholdOptimizer

    val_groups, test_groups = np.asarray(val_groups), np.asarray(test_groups)
    fitted = _groups_with_thresholds(val_groups, val_y)
    if len(fitted) < 2:  # nothing to equalise
        return []
    on_val, on_test = np.isin(val_groups, fitted), np.isin(test_groups, fitted)
    outcomes = []
    for method, constraint in (("threshold_dp", "demographic_parity"), ("threshold_eo", "equalized_odds")):
        optimizer = ThresholdOptimizer(
            estimator=_GivenScores(), constraints=constraint, prefit=True, predict_method="predict_proba"
        )
        optimizer.fit(val_scores[on_val, None], val_y[on_val], sensitive_features=val_groups[on_val])
        predictions = (test_scores > 0.5).astype(np.int64)  # the model's own decisions ...
        predictions[on_test] = optimizer.predict(  # ... replaced where a group has its own threshold
            test_scores[on_test, None], sensitive_features=test_groups[on_test], random_state=seed
        )
        outcomes.append(_measure(method, attribute, test_y, predictions, test_groups))
    return outcomes


def _groups_with_thresholds(val_groups: np.ndarray, val_y: np.ndarray) -> list[str]:
    """The groups with enough validation members, of both answers, for fairlearn to choose a threshold."""
    return [
        group
        for group in np.unique(val_groups)
        if (val_groups == group).sum() >= MIN_THRESHOLD_GROUP and len(np.unique(val_y[val_groups == group])) == 2
    ]


def exponentiated_gradient(
    model,
    *,
    attribute: str,
    train_x: np.ndarray,
    train_y: np.ndarray,
    train_groups: Sequence[str],
    test_x: np.ndarray,
    test_y: np.ndarray,
    test_groups: Sequence[str],
    seed: int,
) -> Mitigation:
    """Retrain a fitted logistic-regression pipeline (models/baselines.py) under demographic parity."""
    from fairlearn.reductions import DemographicParity, ExponentiatedGradient
    from sklearn.base import clone

    # ExponentiatedGradient refits with sample weights, which a scikit-learn Pipeline does not pass on:
    # the fitted one-hot step is reused as it is and only the classifier is retrained.
    one_hot, classifier = model[0], model[-1]
    mitigator = ExponentiatedGradient(clone(classifier), constraints=DemographicParity())
    mitigator.fit(one_hot.transform(train_x), train_y, sensitive_features=np.asarray(train_groups))
    predictions = mitigator.predict(one_hot.transform(test_x), random_state=seed)
    return _measure("exponentiated_gradient_dp", attribute, test_y, np.asarray(predictions), test_groups)


def _measure(method: str, attribute: str, y: np.ndarray, predictions: np.ndarray, groups: Sequence[str]) -> Mitigation:
    (measured,) = fairness_report(y, predictions, sensitive_features={attribute: groups}).attributes
    return Mitigation(method, float(np.mean(predictions == y)), measured)
