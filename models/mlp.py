"""Multilayer perceptron: the plainest network, a stack of fully connected layers.

Images are flattened to one long vector of pixels, so the MLP does not know which pixels are neighbours.
Text becomes the average of its token embeddings (a "bag of words" in the spirit of fastText,
Joulin et al. 2016), so word order is lost.
"""

import math
from dataclasses import dataclass

import torch
from torch import nn

from models.inputs import InputSpec
from models.stems import TokenEmbedding, masked_mean, require_modality


@dataclass
class MLPConfig:
    inputs: InputSpec  # what one sample looks like and how many classes there are
    hidden: tuple[int, ...] = (128, 64)  # width of each hidden layer; more or wider layers fit more
    embed_dim: int = 64  # text only: size of each token's vector
    dropout: float = 0.1  # share of units switched off while training; fights overfitting


class MLP(nn.Module):
    """Flattened pixels or averaged token vectors -> hidden layers (ReLU, dropout) -> logits."""

    def __init__(self, config: MLPConfig) -> None:
        super().__init__()
        inputs = config.inputs
        require_modality(inputs, ("image", "text"), "MLP")
        self.config = config
        if inputs.modality == "text":
            self.tokens = TokenEmbedding(inputs.vocab_size, config.embed_dim)
            width = config.embed_dim
        else:
            self.tokens = None
            width = math.prod(inputs.shape)
        layers: list[nn.Module] = []
        for size in config.hidden:
            layers += [nn.Linear(width, size), nn.ReLU(), nn.Dropout(config.dropout)]
            width = size
        layers.append(nn.Linear(width, inputs.n_classes))
        self.layers = nn.Sequential(*layers)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """One vector per sample: flattened pixels, or the mean of the real tokens' embeddings."""
        if self.tokens is None:
            return x.flatten(1)  # (B, C*H*W)
        vectors, mask = self.tokens(x)  # (B, T, E), (B, T)
        return masked_mean(vectors, mask)  # (B, E)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(self.features(x))  # (B, n_classes)
