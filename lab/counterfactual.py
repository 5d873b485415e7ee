"""Counterfactual fairness checks: the same person with only their group changed, does the decision change?

A flip is direct evidence that the model reads the group itself (Kusner et al. 2017, "Counterfactual Fairness",
in its simplest form: only the attribute changes, nothing downstream of it). No flip is weaker evidence: a model
can still treat groups differently through columns that give the group away (proxies), which only the fairness
gaps between groups reveal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lab.data import Dataset
from lab.fairness import FlipRate

Predict = Callable[[np.ndarray], np.ndarray]  # encoded rows, float32 (N, C) -> decisions, class ids (N,)


@dataclass(frozen=True)
class Counterfactual:
    """One person's decision as each group of one attribute, everything else left as it is."""

    attribute: str  # "sex"
    group: str | None  # the person's own group, None when the model's input does not hold it
    decisions: dict[str, str]  # per group, in category order: the decision's class name
    note: str = ""

    @property
    def flipped(self) -> bool:
        return len(set(self.decisions.values())) > 1

    @property
    def sentence(self) -> str:
        """E.g. "As female: no callback. As male: callback. Changing only gender flips the decision." """
        parts = [f"As {group}: {decision}." for group, decision in self.decisions.items()]
        verdict = "flips" if self.flipped else "does not change"
        return " ".join([*parts, f"Changing only {self.attribute} {verdict} the decision."])


def flip_rate(model_or_predict, data: Dataset, *, attribute: str) -> FlipRate:
    """The counterfactual flip rate on the test set: each person is changed to every other group in turn.

    Parameters
    ----------
    model_or_predict : a torch table model, a fitted scikit-learn model, or a `Predict` callable over encoded rows.
    data : the dataset the model was trained on (its encoding, with or without the sensitive columns).
    attribute : one of `data.card.sensitive`.
    """
    predict = decisions_of(model_or_predict)
    column = _column(data, attribute)
    people = len(data.test.y)
    if column is None:
        return FlipRate(attribute, 0, people, _unaware_note(attribute))
    x = data.test.x.numpy()
    decisions = predict(x)
    flipped = np.zeros(people, dtype=bool)
    for code in _group_codes(data, attribute).values():
        changed = x.copy()
        changed[:, column] = code  # a person already in this group is unchanged, and cannot flip
        flipped |= predict(changed) != decisions
    return FlipRate(attribute, int(flipped.sum()), people)


def counterfactual_row(model_or_predict, data: Dataset, row: torch.Tensor, *, attribute: str) -> Counterfactual:
    """One person's decision as each group of `attribute`, for the page's form.

    Parameters
    ----------
    model_or_predict : as for `flip_rate`.
    data : the dataset the model was trained on.
    row : the person, encoded as the model reads it, (C,) or (1, C).
    attribute : one of `data.card.sensitive`.
    """
    predict = decisions_of(model_or_predict)
    column = _column(data, attribute)
    x = row.reshape(1, -1).cpu().numpy()
    classes = data.card.classes
    if column is None:
        decision = classes[int(predict(x)[0])]
        groups = sorted(set(data.train.groups[attribute]))
        return Counterfactual(attribute, None, dict.fromkeys(groups, decision), _unaware_note(attribute))
    codes = _group_codes(data, attribute)
    changed = np.repeat(x, len(codes), axis=0)
    changed[:, column] = list(codes.values())
    decisions = predict(changed)
    own = next((group for group, code in codes.items() if code == int(x[0, column])), None)
    return Counterfactual(attribute, own, {group: classes[int(d)] for group, d in zip(codes, decisions, strict=True)})


def decisions_of(model_or_predict) -> Predict:
    """A `Predict` for a torch model (argmax of its logits), a scikit-learn model (its `predict`), or a callable."""
    if isinstance(model_or_predict, nn.Module):
        return _network_decisions(model_or_predict)
    if hasattr(model_or_predict, "predict"):
        return lambda x: np.asarray(model_or_predict.predict(x))
    if callable(model_or_predict):
        return model_or_predict
    raise TypeError(f"Cannot take decisions from a {type(model_or_predict).__name__}.")


def _network_decisions(model: nn.Module) -> Predict:
    from lab.training import EVAL_BATCH

    device = next(model.parameters()).device

    @torch.no_grad()
    def predict(x: np.ndarray) -> np.ndarray:
        model.eval()
        rows = torch.from_numpy(x)
        batches = [model(rows[i : i + EVAL_BATCH].to(device)).argmax(dim=1).cpu() for i in range(0, len(x), EVAL_BATCH)]
        return torch.cat(batches).numpy()

    return predict


def _column(data: Dataset, attribute: str) -> int | None:
    """The attribute's column in the model's input; None when the model was trained without it."""
    if data.feature_names is None or attribute not in data.card.sensitive:
        raise ValueError(f"{attribute!r} is not a sensitive attribute of the {data.card.title} data.")
    return data.feature_names.index(attribute) if attribute in data.feature_names else None


def _group_codes(data: Dataset, attribute: str) -> dict[str, int]:
    """Each group's category index in the attribute's column, read off the training rows, in index order.

    The TableEncoder gave each group its index; every training row carries both its raw group and that index.
    """
    column = data.feature_names.index(attribute)
    codes = dict(zip(data.train.groups[attribute], data.train.x[:, column].long().tolist(), strict=True))
    return dict(sorted(codes.items(), key=lambda item: item[1]))


def _unaware_note(attribute: str) -> str:
    return (
        f"The model was trained without the {attribute} column, so changing it cannot change a decision: the flip "
        "rate is 0 by construction. The model can still treat groups differently through columns that give the "
        "group away (proxies); the fairness gaps between groups show whether it does."
    )
