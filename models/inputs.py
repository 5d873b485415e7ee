"""What a dataset feeds a model: the one thing every architecture is built from."""

from dataclasses import dataclass
from typing import Literal

Modality = Literal["image", "text", "embedding", "table"]


@dataclass(frozen=True)
class InputSpec:
    """Shape of one sample and of the answer, as a model needs to know it.

    image:     x is float (B, C, H, W), pixels scaled to [0, 1]; shape = (C, H, W)
    text:      x is long (B, T) token ids, 0 = padding;        shape = (T,), vocab_size > 0
    embedding: x is float (B, D), a pretrained encoder's output; shape = (D,)
    table:     x is float (B, C), one value per column; shape = (C,), cardinalities has C entries:
               0 for a numeric column (standardised), k for a categorical one (category index 0..k-1 as a float)
    """

    modality: Modality
    shape: tuple[int, ...]
    n_classes: int
    vocab_size: int = 0  # only for text: number of token ids, padding (0) included
    cardinalities: tuple[int, ...] = ()  # only for tables: per column, 0 = numeric, k = k categories
