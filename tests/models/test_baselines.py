"""The scikit-learn baselines read the same encoded table as the networks, and learn what scikit-learn learns."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from models import InputSpec, build_model

# a numeric column, a categorical one with 3 categories (indices 0..2, 3 = unseen), another numeric one
INPUTS = InputSpec("table", (3,), 2, cardinalities=(0, 4, 0))


def table(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.normal(size=n), rng.integers(0, 3, n), rng.normal(size=n)]).astype(np.float32)
    y = ((x[:, 0] + (x[:, 1] == 2) - 0.5 * x[:, 2] + rng.normal(scale=0.5, size=n)) > 0.5).astype(np.int64)
    return x, y


def test_logistic_regression_gives_each_category_its_own_weight_like_one_hot_columns():
    x, y = table()
    model = build_model("logreg", INPUTS).fit(x, y)
    assert model[-1].coef_.size == 3 + 2  # three categories one-hot, two numbers
    # oracle: scikit-learn's own logistic regression on the same columns one-hot encoded with pandas
    frame = pd.get_dummies(pd.DataFrame({"a": x[:, 0], "cat": x[:, 1].astype(int), "b": x[:, 2]}), columns=["cat"])
    oracle = LogisticRegression(solver="newton-cholesky").fit(frame[["cat_0", "cat_1", "cat_2", "a", "b"]], y)
    assert np.allclose(model.predict_proba(x)[:, 1], oracle.predict_proba(frame[oracle.feature_names_in_])[:, 1])


def test_gradient_boosting_treats_category_columns_as_categories():
    x, y = table()
    model = build_model("boosting", INPUTS, trees=20).fit(x, y)
    assert model.is_categorical_.tolist() == [False, True, False]
    assert model.n_iter_ == 20  # no early stopping: a fixed cost
    assert (model.predict(x) == y).mean() > 0.8


@pytest.mark.parametrize("arch", ["logreg", "boosting"])
def test_baselines_refuse_data_that_is_not_a_table(arch):
    with pytest.raises(ValueError, match="reads tables"):
        build_model(arch, InputSpec("image", (1, 8, 8), 10))
