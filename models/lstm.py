"""Long short-term memory network: reads its input one step at a time and carries a memory along
(Hochreiter & Schmidhuber 1997).

Text is read word by word. An image is read row by row, top to bottom, each row one step
(the "row LSTM" used on MNIST, e.g. Le et al. 2015). The prediction comes from the memory after the last
real step; padding is skipped with packed sequences, so it never dilutes what was read.
"""

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from models.inputs import InputSpec
from models.stems import TokenEmbedding, require_modality


@dataclass
class LSTMConfig:
    inputs: InputSpec  # what one sample looks like and how many classes there are
    hidden: int = 64  # size of the memory carried from step to step
    layers: int = 1  # stacked LSTMs; the second reads the first one's outputs
    embed_dim: int = 64  # text only: size of each token's vector
    dropout: float = 0.1  # share of the final memory switched off before the classifier while training


class LSTM(nn.Module):
    """Sequence of rows or tokens -> LSTM -> final hidden state -> linear classifier."""

    def __init__(self, config: LSTMConfig) -> None:
        super().__init__()
        inputs = config.inputs
        require_modality(inputs, ("image", "text"), "LSTM")
        self.config = config
        if inputs.modality == "text":
            self.tokens = TokenEmbedding(inputs.vocab_size, config.embed_dim)
            step_size = config.embed_dim
        else:
            self.tokens = None
            channels, _, width = inputs.shape
            step_size = channels * width  # one image row, all channels
        self.lstm = nn.LSTM(step_size, config.hidden, num_layers=config.layers, batch_first=True)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden, inputs.n_classes)

    def final_state(self, x: torch.Tensor) -> torch.Tensor:
        """The top layer's hidden state after the last real step of each sequence."""
        if self.tokens is None:
            rows = x.permute(0, 2, 1, 3).flatten(2)  # (B, C, H, W) -> (B, H, C*W)
            _, (h_n, _) = self.lstm(rows)  # h_n: (layers, B, hidden)
            return h_n[-1]  # (B, hidden)
        vectors, mask = self.tokens(x)  # (B, T, E), (B, T)
        # right padding: a sequence's length is its number of real tokens; an empty one still reads 1 step
        lengths = mask.sum(dim=1).clamp(min=1)  # (B,)
        if not isinstance(self.lstm, nn.LSTM):
            # opacus' DPLSTM (private training, lab.dp) keeps packed sequences' per-sample gradients in length
            # order, not batch order; so it reads the padded batch, and the state after each last real step is
            # kept: the padding read after it changes nothing before it
            outputs, _ = self.lstm(vectors)  # (B, T, hidden), the top layer's state after every step
            return outputs[torch.arange(len(lengths), device=x.device), lengths - 1]  # (B, hidden)
        packed = pack_padded_sequence(vectors, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)  # h_n: (layers, B, hidden), in the original batch order
        return h_n[-1]  # (B, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.final_state(x)))  # (B, n_classes)
