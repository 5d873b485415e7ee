"""Transformer encoder: every position looks at every other position through self-attention
(Vaswani et al. 2017), built as a small BERT (Devlin et al. 2019) with the `transformers` library.

Text: the token ids go through BERT's own embedding table; padding is hidden with the attention mask.
Images: cut into patches, each patch projected to a vector, like a word (ViT, Dosovitskiy et al. 2020).
Tables: one vector per column, a learned scale of the number or its category's embedding
(FT-Transformer, Gorishniy et al. 2021).
Every way, a learned [CLS] vector is put in front, and its final state is what the classifier reads.
The weights start random: nothing is downloaded. Attention is computed "eager" (plain matmul + softmax)
so that the attention maps can be read out with `output_attentions=True`.
"""

from dataclasses import dataclass

import torch
from torch import nn

from models.inputs import InputSpec
from models.stems import PatchEmbedding, TableTokens, auto_patch_size, padding_mask, require_modality


@dataclass
class TransformerConfig:
    inputs: InputSpec  # what one sample looks like and how many classes there are
    dim: int = 64  # size of every position's vector (BERT's hidden_size)
    layers: int = 2  # encoder blocks, each attention + feed-forward
    heads: int = 4  # attention heads per block; dim must be a multiple of it
    ffn_dim: int = 128  # width of the feed-forward layer inside each block
    patch_size: int = 0  # images: side of a square patch in pixels; 0 picks 7 for 28x28 and 4 for 8x8
    dropout: float = 0.1  # share of activations switched off while training


def bert_config(config: TransformerConfig, *, vocab_size: int, n_positions: int):
    """The small `transformers.BertConfig` this model is built from."""
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=config.dim,
        num_hidden_layers=config.layers,
        num_attention_heads=config.heads,
        intermediate_size=config.ffn_dim,
        hidden_dropout_prob=config.dropout,
        # no dropout on the attention weights: on a CPU it cost ~45% of the training time for T=128
        attention_probs_dropout_prob=0.0,
        max_position_embeddings=n_positions,
        type_vocab_size=1,  # one segment only: there are no sentence pairs here
        pad_token_id=0,
        attn_implementation="eager",
    )


class Transformer(nn.Module):
    """Tokens, image patches or table columns -> [CLS] + sequence -> BERT encoder -> [CLS] state -> classifier."""

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        from transformers import BertModel

        inputs = config.inputs
        require_modality(inputs, ("image", "text", "table"), "Transformer")
        self.config = config
        # Text goes through BERT's own word table; images and tables through a stem of their own, and never
        # use the word table: one (padding) row is the smallest it can be. (`patches` keeps its name so that
        # the weights of image runs saved before tables existed still load.)
        self.patches: PatchEmbedding | None = None
        self.columns: TableTokens | None = None
        if inputs.modality == "text":
            vocab_size, n_tokens = inputs.vocab_size, inputs.shape[0]
        elif inputs.modality == "table":
            self.columns = TableTokens(inputs.cardinalities, config.dim)
            vocab_size, n_tokens = 1, len(inputs.cardinalities)
        else:
            _, height, width = inputs.shape
            self.patches = PatchEmbedding(inputs, config.dim, config.patch_size or auto_patch_size(height, width))
            vocab_size, n_tokens = 1, self.patches.n_patches
        encoder_config = bert_config(config, vocab_size=vocab_size, n_positions=n_tokens + 1)
        self.encoder = BertModel(encoder_config, add_pooling_layer=False)
        self.cls = nn.Parameter(torch.randn(1, 1, config.dim) * encoder_config.initializer_range)
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.dim, inputs.n_classes)

    def embed(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """[CLS] followed by one vector per token, patch or column (B, 1+N, C), and the attention mask (B, 1+N)."""
        stem = self.patches if self.patches is not None else self.columns
        if stem is None:
            vectors = self.encoder.get_input_embeddings()(x)  # (B, T, C)
            mask = padding_mask(x)  # (B, T)
        else:
            vectors = stem(x)  # (B, N, C)
            mask = torch.ones(vectors.shape[:2], dtype=torch.bool, device=x.device)  # (B, N)
        cls = self.cls.expand(vectors.shape[0], -1, -1)  # (B, 1, C)
        cls_mask = torch.ones_like(mask[:, :1])  # (B, 1)
        return torch.cat([cls, vectors], dim=1), torch.cat([cls_mask, mask], dim=1).long()

    def forward(self, x: torch.Tensor, *, output_attentions: bool = False):
        """Logits (B, n_classes); with output_attentions, also a tuple of (B, heads, 1+N, 1+N) per layer."""
        vectors, mask = self.embed(x)  # (B, 1+N, C), (B, 1+N)
        out = self.encoder(inputs_embeds=vectors, attention_mask=mask, output_attentions=output_attentions)
        logits = self.head(self.dropout(out.last_hidden_state[:, 0]))  # [CLS] state (B, C) -> (B, n_classes)
        return (logits, out.attentions) if output_attentions else logits
