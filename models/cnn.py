"""Convolutional network: small filters slid over the input, so a pattern is found wherever it is.

Images use 2-D convolutions (LeCun et al. 1998). Text uses 1-D convolutions over the word sequence and
keeps each filter's strongest response anywhere in the text (Kim 2014, "Convolutional Neural Networks
for Sentence Classification").
"""

from dataclasses import dataclass

import torch
from torch import nn

from models.inputs import InputSpec
from models.stems import TokenEmbedding, require_modality


@dataclass
class CNNConfig:
    inputs: InputSpec  # what one sample looks like and how many classes there are
    channels: tuple[int, ...] = (32, 64)  # images: filters per conv block; each block halves height and width
    pool_size: int = 2  # images: the last feature map is averaged down to pool_size x pool_size
    embed_dim: int = 64  # text: size of each token's vector
    kernel_sizes: tuple[int, ...] = (3, 5)  # text: words each filter spans (odd: centred on a word)
    text_channels: int = 32  # text: filters per kernel size
    dropout: float = 0.2  # share of features switched off before the classifier while training


class ImageConvs(nn.Module):
    """Conv 3x3 -> batch norm -> ReLU -> max-pool 2x2 blocks, then adaptive pooling so 8x8 and 28x28 both fit."""

    def __init__(self, config: CNNConfig) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = config.inputs.shape[0]
        for channels in config.channels:
            # padding=1 keeps the size; batch norm (Ioffe & Szegedy 2015) makes the few steps of a lesson
            # count; ceil_mode lets a 7x7 map still pool to 4x4
            layers += [
                nn.Conv2d(width, channels, 3, padding=1),
                nn.BatchNorm2d(channels),
                nn.ReLU(),
                nn.MaxPool2d(2, ceil_mode=True),
            ]
            width = channels
        layers.append(nn.AdaptiveAvgPool2d(config.pool_size))
        self.layers = nn.Sequential(*layers)
        self.n_features = width * config.pool_size**2

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.layers(images).flatten(1)  # (B, C, H, W) -> (B, channels * pool * pool)


class TextConvs(nn.Module):
    """Token embeddings -> parallel Conv1d filters -> max over time (Kim 2014)."""

    def __init__(self, config: CNNConfig) -> None:
        super().__init__()
        if any(k % 2 == 0 for k in config.kernel_sizes):
            raise ValueError(f"Text kernel sizes must be odd, got {config.kernel_sizes}.")
        self.tokens = TokenEmbedding(config.inputs.vocab_size, config.embed_dim)
        # padding="same": a filter reaching past the end sees zeros, exactly what padding tokens embed to,
        # so extra padding leaves every real position's response unchanged
        self.convs = nn.ModuleList(
            nn.Conv1d(config.embed_dim, config.text_channels, k, padding="same") for k in config.kernel_sizes
        )
        self.n_features = config.text_channels * len(config.kernel_sizes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        vectors, mask = self.tokens(ids)  # (B, T, E), (B, T)
        vectors = vectors.transpose(1, 2)  # (B, E, T): Conv1d wants channels first
        keep = mask.unsqueeze(1)  # (B, 1, T)
        # after ReLU every response is >= 0, so zeroing padded positions removes them from the max
        pooled = [(torch.relu(conv(vectors)) * keep).amax(dim=2) for conv in self.convs]  # k x (B, F)
        return torch.cat(pooled, dim=1)  # (B, F * len(kernel_sizes))


class CNN(nn.Module):
    """Convolutional features (2-D for images, 1-D for text) -> dropout -> linear classifier."""

    def __init__(self, config: CNNConfig) -> None:
        super().__init__()
        require_modality(config.inputs, ("image", "text"), "CNN")
        self.config = config
        self.features = TextConvs(config) if config.inputs.modality == "text" else ImageConvs(config)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(self.features.n_features, config.inputs.n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))  # (B, n_classes)
