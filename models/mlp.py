"""Multilayer perceptron: the plainest network, a stack of fully connected layers.

Images are flattened to one long vector of pixels, so the MLP does not know which pixels are neighbours.
Text becomes the average of its token embeddings (a "bag of words" in the spirit of fastText,
Joulin et al. 2016), so word order is lost.
Tables: each column becomes a small vector (a learned scale of the number, or its category's embedding),
and the column vectors are laid end to end into one long vector.
"""

import math
from dataclasses import dataclass

import torch
from torch import nn

from models.inputs import InputSpec
from models.stems import TableTokens, TokenEmbedding, masked_mean, require_modality


@dataclass
class MLPConfig:
    inputs: InputSpec  # what one sample looks like and how many classes there are
    hidden: tuple[int, ...] = (128, 64)  # width of each hidden layer; more or wider layers fit more
    embed_dim: int = 64  # text: size of each token's vector; table: size of each column's vector
    dropout: float = 0.1  # share of units switched off while training; fights overfitting


class MLP(nn.Module):
    """Flattened pixels, averaged token vectors or joined column vectors -> hidden layers (ReLU, dropout) -> logits."""

    def __init__(self, config: MLPConfig) -> None:
        super().__init__()
        inputs = config.inputs
        require_modality(inputs, ("image", "text", "table"), "MLP")
        self.config = config
        self.tokens: nn.Module | None = None
        if inputs.modality == "text":
            self.tokens = TokenEmbedding(inputs.vocab_size, config.embed_dim)
            width = config.embed_dim
        elif inputs.modality == "table":
            self.tokens = TableTokens(inputs.cardinalities, config.embed_dim)
            width = len(inputs.cardinalities) * config.embed_dim
        else:
            width = math.prod(inputs.shape)
        layers: list[nn.Module] = []
        for size in config.hidden:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(config.dropout)]
            width = size
        layers.append(nn.Linear(width, inputs.n_classes))
        self.layers = nn.Sequential(*layers)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """One vector per sample: flattened pixels, the mean of the real tokens' embeddings, or the column vectors."""
        if self.tokens is None:
            return x.flatten(1)  # (B, C*H*W)
        if isinstance(self.tokens, TableTokens):
            return self.tokens(x).flatten(1)  # (B, C, E) -> (B, C*E)
        vectors, mask = self.tokens(x)  # (B, T, E), (B, T)
        return masked_mean(vectors, mask)  # (B, E)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(self.features(x))  # (B, n_classes)
