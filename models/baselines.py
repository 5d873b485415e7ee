"""The two models practitioners try first on a table: logistic regression and gradient-boosted trees.

Both are scikit-learn estimators, not neural networks: they are fitted in one call (no epochs, no learning
rate, no batches) and read the same encoded table as the MLP (lab.tables.TableEncoder: numbers
standardised, each category as its index). They are the yardstick a neural network must beat on a table,
and the models most fairness audits in practice are about.
"""

from dataclasses import dataclass

from models.inputs import InputSpec


@dataclass
class LogisticRegressionConfig:
    inputs: InputSpec  # a table: cardinalities say which columns are categories
    strength: float = 1.0  # inverse of the L2 penalty (scikit-learn's C): smaller = simpler model
    max_iter: int = 100  # solver steps at most; adult converges in about 6
    seed: int = 0


@dataclass
class GradientBoostingConfig:
    inputs: InputSpec  # a table: cardinalities say which columns are categories
    trees: int = 100  # boosting rounds: each adds one small tree that corrects the ones before
    max_leaf_nodes: int = 31  # size of each tree
    learning_rate: float = 0.1  # how much of each new tree's correction is kept
    seed: int = 0


def _categorical_columns(inputs: InputSpec) -> list[int]:
    if inputs.modality != "table":
        raise ValueError(f"This model reads tables, not {inputs.modality} data.")
    return [i for i, k in enumerate(inputs.cardinalities) if k > 0]


def logistic_regression(config: LogisticRegressionConfig):
    """One weight per number and per category (one-hot), summed and squashed into a probability."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    # Category indices are not amounts ("race 3" is not three times "race 1"): each category gets its own weight.
    one_hot = ColumnTransformer(
        [
            (
                "categories",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                _categorical_columns(config.inputs),
            )
        ],
        remainder="passthrough",  # numbers are already standardised by the TableEncoder
    )
    # Newton steps with the exact curvature: a handful of steps for a table of a hundred one-hot columns, 4x
    # faster than the default solver here, which matters when fairlearn refits it a dozen times (mitigation).
    classifier = LogisticRegression(
        C=config.strength, solver="newton-cholesky", max_iter=config.max_iter, random_state=config.seed
    )
    return make_pipeline(one_hot, classifier)


def gradient_boosting(config: GradientBoostingConfig):
    """A sum of small decision trees, each fitted to the errors of the ones before (histogram boosting)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    is_category = [k > 0 for k in config.inputs.cardinalities]
    _categorical_columns(config.inputs)  # refuses data that is not a table
    return HistGradientBoostingClassifier(
        max_iter=config.trees,
        max_leaf_nodes=config.max_leaf_nodes,
        learning_rate=config.learning_rate,
        categorical_features=is_category if any(is_category) else None,
        early_stopping=False,  # a fixed number of trees, so that a run's cost does not depend on luck
        random_state=config.seed,
    )
