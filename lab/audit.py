"""A stored run brought back: its trained model, and its test-set predictions as a table anyone can audit."""

import io

import numpy as np
import pandas as pd
import torch

from lab.data import Dataset
from lab.pipeline import prepare_data
from lab.spec import RunSpec
from lab.training import predict_proba
from models.inputs import InputSpec


def predictions_table(spec: RunSpec, weights: bytes, *, device: torch.device | None = None) -> pd.DataFrame:
    """One row per test sample: true label, prediction, score, and the sensitive attributes of the person.

    The model is rebuilt from its stored weights on the same seeded split, so the table is the one the
    run was measured on. `score` is the probability of class 1 for a yes/no task, else of the predicted class.
    """
    device = device or torch.device("cpu")
    data = prepare_data(spec, device)
    probabilities = torch.from_numpy(stored_probabilities(spec, data, weights, device))  # (N, n_classes)
    predictions = probabilities.argmax(dim=1)
    binary = probabilities.shape[1] == 2
    score = probabilities[:, 1] if binary else probabilities.gather(1, predictions[:, None])[:, 0]
    table = pd.DataFrame({"y_true": data.test.y.numpy(), "y_pred": predictions.numpy(), "score": score.numpy()})
    for attribute, groups in (data.test.groups or {}).items():
        table[attribute] = list(groups)
    return table


def load_trained(spec: RunSpec, inputs: InputSpec, weights: bytes, device: torch.device):
    """The trained model of a stored run, ready to answer: an eval-mode nn.Module on `device`, or a fitted
    scikit-learn estimator (for the "sklearn" family).

    `inputs` is the run's InputSpec (`prepare_data(spec, device).inputs`); `weights` come from RunStore.weights.
    """
    from lab.baselines import baseline_from_bytes
    from models import REGISTRY, build_model

    if REGISTRY[spec.arch].family == "sklearn":
        return baseline_from_bytes(weights)
    model = build_model(spec.arch, inputs, **spec.model_overrides())
    if spec.dp_epsilon is not None:
        from lab.dp import prepare_for_dp

        model = prepare_for_dp(model)  # the layers it was trained with (group norm for batch norm, ...)
    model = model.to(device)
    model.load_state_dict(torch.load(io.BytesIO(weights), map_location=device, weights_only=True))
    return model.eval()


def stored_probabilities(spec: RunSpec, data: Dataset, weights: bytes, device: torch.device) -> np.ndarray:
    """The stored model's probability of every class for every test sample, (N, n_classes)."""
    from lab.baselines import probabilities

    model = load_trained(spec, data.inputs, weights, device)
    if isinstance(model, torch.nn.Module):
        return predict_proba(model, data.test, device).numpy()
    return probabilities(model, data.test)
