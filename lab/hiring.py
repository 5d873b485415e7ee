"""A made-up hiring history, generated from a seed, whose bias a teacher can turn up and down.

The story behind the numbers, in plain words:

1. Each applicant belongs to the majority or the minority group (`minority_share` of them are in the minority).
2. Each applicant has a true qualification for the job. It is drawn the same way for both groups: no group is
   better at the job than the other.
3. What the firm could see of that qualification is three imperfect measurements of it: a test score, years of
   experience and an interview score. They too are drawn the same way for both groups.
4. Each applicant lives in the north or the south of town. With probability `proxy_strength` they live in their
   group's neighbourhood (majority: north, minority: south); otherwise a coin toss decides. So at 0 the
   neighbourhood says nothing about the group, and at 1 it gives the group away exactly.
5. In the past, the firm judged each applicant on their qualification, with some noise (interviewers differ),
   and, when `label_bias` is above 0, took points off every minority applicant. It hired the best-judged 35 %.
   Those past decisions are the labels a model learns from.

A model trained on these labels learns whatever the past decisions did, bias included, even though the two
groups are equally qualified by construction. Removing the `group` column does not help when the neighbourhood
still gives the group away: the model finds the bias again through the proxy. These are the "biased labels"
and "proxy" mechanisms of S. Barocas, M. Hardt and A. Narayanan, "Fairness and Machine Learning: Limitations
and Opportunities", MIT Press, 2023, chapter 3 ("Classification").

Every random number is drawn in the same order whatever the settings, so for one seed and one number of
people the applicants stay the same while a slider moves: only their neighbourhoods or past decisions change.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from lab.fairness import AttributeFairness, fairness_report
from lab.tables import TableEncoder

if TYPE_CHECKING:
    import pandas as pd

HIRED_SHARE = 0.35  # the firm hired this share of its applicants: it had that many posts
BIAS_PENALTY = 1.5  # points taken off a minority applicant's judged merit at label_bias = 1 (merit's spread is 1)
DECISION_NOISE = 0.5  # spread of the interviewers' misjudgement, next to merit's spread of 1
MIN_GROUP = 50  # fewest people per group: the test set (15 %) then holds about 7 of them, enough to compare
SENSITIVE = "group"
_PLAIN_NAMES = {
    "n_people": "The number of people",
    "minority_share": "The minority share",
    "label_bias": "Label bias",
    "proxy_strength": "Proxy strength",
}


@dataclass(frozen=True)
class HiringSettings:
    n_people: int = 4000  # applicants in the history
    minority_share: float = 0.3  # share of applicants in the minority group
    label_bias: float = 0.0  # how strongly past decisions went against the minority: 0 = merit only, 1 = strongly
    proxy_strength: float = 0.5  # how well the neighbourhood gives the group away: 0 = not at all, 1 = perfectly

    def validate(self) -> None:
        """Raise ValueError, in plain words, if a setting is out of range."""
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, numbers.Real) or math.isnan(value):
                raise ValueError(f"{_PLAIN_NAMES[field.name]} must be a number, not {value!r}.")
        if not isinstance(self.n_people, numbers.Integral):
            raise ValueError(f"The number of people must be a whole number, not {self.n_people}.")
        if not 200 <= self.n_people <= 100_000:
            raise ValueError(f"The number of people must be between 200 and 100 000, not {self.n_people}.")
        if not 0 < self.minority_share < 1:
            raise ValueError(f"The minority share must be strictly between 0 and 1, not {self.minority_share}.")
        minority = _minority_count(self)
        if min(minority, self.n_people - minority) < MIN_GROUP:
            raise ValueError(
                f"With {self.n_people} people and a minority share of {self.minority_share}, one group has only "
                f"{min(minority, self.n_people - minority)} people; each group needs at least {MIN_GROUP} so that "
                "the test set holds a few of them."
            )
        for name in ("label_bias", "proxy_strength"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{_PLAIN_NAMES[name]} must be between 0 and 1, not {getattr(self, name)}.")


def _minority_count(settings: HiringSettings) -> int:
    return round(settings.n_people * settings.minority_share)


def generate(settings: HiringSettings, *, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """The applicants and the firm's past decisions, following the story in this module's docstring.

    Parameters
    ----------
    settings : how many people, how many in the minority, how biased the past decisions, how strong the proxy.
    seed : the same seed and settings always give the same data.

    Returns
    -------
    The applicants' columns (group, neighbourhood, test_score, years_experience, interview_score) and the
    labels, int64 (N,): 1 = hired in the past, 0 = not.
    """
    import pandas as pd

    settings.validate()
    rng = np.random.default_rng(seed)
    n = settings.n_people
    minority = rng.permutation(n) < _minority_count(settings)  # exactly the share asked for, in random order
    merit = rng.standard_normal(n)  # the true qualification: the same distribution for both groups
    noise = rng.standard_normal((3, n))  # what each measurement gets wrong
    lives_by_group = rng.random(n) < settings.proxy_strength
    coin = rng.random(n) < 0.5
    misjudged = DECISION_NOISE * rng.standard_normal(n)

    south = np.where(lives_by_group, minority, coin)
    frame = pd.DataFrame(
        {
            "group": np.where(minority, "minority", "majority"),
            "neighbourhood": np.where(south, "south", "north"),
            "test_score": np.clip(np.round(65 + 12 * (0.8 * merit + 0.6 * noise[0])), 0, 100).astype(np.int64),
            "years_experience": np.clip(np.round(5 + 3 * (0.6 * merit + 0.8 * noise[1])), 0, 40).astype(np.int64),
            "interview_score": np.clip(np.round(5.5 + 1.5 * (0.7 * merit + 0.7 * noise[2]), 1), 1, 10),  # 1..10
        }
    )
    judged = merit + misjudged - settings.label_bias * BIAS_PENALTY * minority
    hired = judged >= np.quantile(judged, 1 - HIRED_SHARE)
    return frame, hired.astype(np.int64)


DATASET_SETTINGS = HiringSettings(label_bias=0.5)  # the registered copy: a history with bias to find


def raw_hiring() -> tuple[pd.DataFrame, np.ndarray]:
    """4 000 made-up applicants, seed 0, past decisions half as biased as the simulator allows: `hiring-sim`."""
    return generate(DATASET_SETTINGS, seed=0)


@dataclass(frozen=True)
class ModelOutcome:
    """How one logistic regression, trained on the past decisions, decides on the test applicants."""

    columns: tuple[str, ...]  # the columns it read
    predicted: np.ndarray  # int64 (N_test,): its decision on each test applicant, 1 = hire
    accuracy: float  # share of test applicants on whom it agrees with the past decision, 0..1
    fairness: AttributeFairness  # its selection rates per group and the gaps between them (fairlearn)


@dataclass(frozen=True)
class SimulationResult:
    settings: HiringSettings
    seed: int
    test_rows: np.ndarray  # the test applicants' row numbers in generate(settings, seed=seed)
    historical_selection: dict[str, float]  # per group: share of the test applicants hired in the past
    with_group: ModelOutcome  # the model that reads every column
    without_group: ModelOutcome  # "fairness through unawareness": the model never sees the group column


def simulate(settings: HiringSettings, *, seed: int) -> SimulationResult:
    """Generate a history, train a model on it with and without the group column, and measure both on test rows.

    Parameters
    ----------
    settings : the history's settings (see HiringSettings).
    seed : drives the people, the decisions and the 70/15/15 split alike.
    """
    # Imported here: lab.data lists raw_hiring among its datasets, so importing it at the top would be circular.
    from lab.data import split_indices

    frame, y = generate(settings, seed=seed)
    train, _, test = split_indices(y, seed=seed)
    groups = frame[SENSITIVE].to_numpy()[test]
    historical = {str(g): float(y[test][groups == g].mean()) for g in np.unique(groups)}
    everything = tuple(frame.columns)
    unaware = tuple(c for c in everything if c != SENSITIVE)
    return SimulationResult(
        settings,
        seed,
        test,
        historical,
        with_group=_fit_and_measure(frame, y, everything, train, test),
        without_group=_fit_and_measure(frame, y, unaware, train, test),
    )


def _fit_and_measure(
    frame: pd.DataFrame, y: np.ndarray, columns: tuple[str, ...], train: np.ndarray, test: np.ndarray
) -> ModelOutcome:
    from models.baselines import LogisticRegressionConfig, logistic_regression
    from models.inputs import InputSpec

    encoder = TableEncoder.fit(frame.iloc[train][list(columns)])
    x_train, x_test = (encoder.encode(frame.iloc[rows][list(columns)]).numpy() for rows in (train, test))
    inputs = InputSpec("table", (len(columns),), 2, cardinalities=encoder.cardinalities)
    model = logistic_regression(LogisticRegressionConfig(inputs=inputs)).fit(x_train, y[train])
    predicted = model.predict(x_test)
    report = fairness_report(y[test], predicted, sensitive_features={SENSITIVE: frame[SENSITIVE].to_numpy()[test]})
    return ModelOutcome(columns, predicted, float(np.mean(predicted == y[test])), report.attributes[0])
