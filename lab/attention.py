"""Where a Transformer looked, for one input: its attention weights, every layer and head, and their average."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lab.explain import batch_of_one
from models.stems import PAD_ID


@dataclass(frozen=True)
class AttentionMap:
    """Where each position of a Transformer's input looked, for one input."""

    weights: np.ndarray  # (layers, heads, T, T): row i is how position i spreads its attention over all positions
    mean: np.ndarray  # (T, T): the average over layers and heads; each row sums to 1
    labels: tuple[str, ...]  # T names: "[CLS]", then the patches ("patch 1,2"), the tokens or the columns
    grid: tuple[int, int] | None  # images: patches down and across, to lay the [CLS] row over the picture
    reading: str
    caveat: str


def attention_map(
    model: nn.Module,
    x: torch.Tensor,
    *,
    vocab: Sequence[str] | None = None,
    feature_names: Sequence[str] | None = None,
) -> AttentionMap:
    """The attention weights of a Transformer for one input, every layer and head, and their average.

    The average over layers and heads is plain (each row stays a share summing to 1); attention rollout
    (Abnar & Zuidema 2020) would chain the layers instead, but is harder to explain in a sentence.

    Parameters
    ----------
    model : a models.transformer.Transformer.
    x : one input, with or without a batch dimension of 1.
    vocab : text: the token of each id, to label the tokens. Padding is left out of the map.
    feature_names : table: the name of each column.
    """
    from models.transformer import Transformer

    if not isinstance(model, Transformer):
        raise ValueError("Only a Transformer has attention maps.")
    inputs = model.config.inputs
    x = batch_of_one(model, x, inputs.modality)
    with torch.no_grad():
        _, attentions = model(x, output_attentions=True)  # layers x (1, heads, 1+N, 1+N)
    weights = torch.stack(attentions)[:, 0].cpu()  # (layers, heads, 1+N, 1+N)
    grid = None
    if inputs.modality == "text":
        if vocab is None:
            raise ValueError("A text's attention map needs the vocabulary to name its tokens.")
        ids = x[0].cpu()
        # padding is hidden from every query (its weight is exactly 0), so leaving it out keeps the rows' sums
        keep = torch.cat([torch.tensor([0]), 1 + torch.nonzero(ids != PAD_ID)[:, 0]])
        weights = weights[:, :, keep][:, :, :, keep]
        names = [vocab[i] for i in ids[keep[1:] - 1].tolist()]
    elif inputs.modality == "table":
        if feature_names is None:
            raise ValueError("A table's attention map needs the column names.")
        names = list(feature_names)
    else:
        assert model.patches is not None
        _, height, width = inputs.shape
        grid = (height // model.patches.patch_size, width // model.patches.patch_size)
        names = [f"patch {row + 1},{column + 1}" for row in range(grid[0]) for column in range(grid[1])]
    layers, heads = weights.shape[:2]
    return AttentionMap(
        weights=weights.numpy(),
        mean=weights.mean(dim=(0, 1)).numpy(),
        labels=("[CLS]", *names),
        grid=grid,
        reading=(
            f"Each row is one position of the input and shows how it shares out its attention (100 % per row) "
            f"over all positions, averaged over {layers} layers and {heads} heads. The [CLS] row matters most: "
            "the classifier reads only the [CLS] position."
        ),
        caveat=(
            "Attention shows where the model looked, not why it decided: a position it attends to strongly need "
            "not change the answer (Jain & Wallace 2019, 'Attention is not Explanation'), and the average hides "
            "what each head does."
        ),
    )
