"""A run's test-set predictions as a table, so anyone can audit it with their own tools."""

import io

import pandas as pd
import torch

from lab.pipeline import prepare_data
from lab.spec import RunSpec
from lab.training import predict_proba


def predictions_table(spec: RunSpec, weights: bytes, *, device: torch.device | None = None) -> pd.DataFrame:
    """One row per test sample: true label, prediction, score, and the sensitive attributes of the person.

    The model is rebuilt from its stored weights on the same seeded split, so the table is the one the
    run was measured on. `score` is the probability of class 1 for a yes/no task, else of the predicted class.
    """
    from models import build_model

    device = device or torch.device("cpu")
    data = prepare_data(spec, device)
    model = build_model(spec.arch, data.inputs).to(device)
    model.load_state_dict(torch.load(io.BytesIO(weights), map_location=device, weights_only=True))
    probabilities = predict_proba(model, data.test, device)  # (N, n_classes)
    predictions = probabilities.argmax(dim=1)
    binary = probabilities.shape[1] == 2
    score = probabilities[:, 1] if binary else probabilities.gather(1, predictions[:, None])[:, 0]
    table = pd.DataFrame({"y_true": data.test.y.numpy(), "y_pred": predictions.numpy(), "score": score.numpy()})
    for attribute, groups in (data.test.groups or {}).items():
        table[attribute] = list(groups)
    return table
