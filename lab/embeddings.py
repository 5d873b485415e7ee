"""Turn a text dataset into sentence vectors with the frozen MiniLM encoder, once, and keep them on disk.

Encoding is by far the slowest step of the MiniLM model (minutes for 5 000 reviews on a small CPU), so
the vectors are cached twice: in this process, and in a file under `DATA_DIR / "cache"` that every
worker process and every later run shares. The cache key is a hash of the set of texts, so all seeds
(which only shuffle the same texts into other splits) share one file, and a different set of texts can
never be answered with someone else's vectors.
"""

import dataclasses
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import torch

from lab import config
from lab.data import Dataset, Split
from models.inputs import InputSpec
from models.minilm import EMBED_DIM, encode_texts, encoder_flops_per_sample, token_counts

MAX_LENGTH = 128  # encoder tokens read per text; longer texts are cut, as in sentence-transformers
CACHE_VERSION = "all-MiniLM-L6-v2/mean-pool/l2/v1"  # change when the encoding changes: old files go unused

_memory: dict[str, dict[str, torch.Tensor]] = {}  # cache key -> {"embeddings", "n_tokens"}
_lock = threading.Lock()  # two page threads asking at once encode once


def cache_key(texts: list[str]) -> str:
    """A stable hash of the encoder version and the sorted texts."""
    digest = hashlib.sha256(f"{CACHE_VERSION}|{MAX_LENGTH}".encode())
    for text in texts:
        digest.update(hashlib.sha256(text.encode()).digest())
    return digest.hexdigest()[:32]


def cache_path(key: str) -> Path:
    """Where the vectors for one cache key are kept on disk."""
    return config.DATA_DIR / "cache" / f"minilm-{key}.pt"


def _save_atomically(payload: dict[str, torch.Tensor], path: Path) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache is as readable as the data beside it
        os.replace(tmp, path)  # atomic; if two workers race, both files are identical
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _vectors(texts: list[str], device: str, on_batch: Callable[[float], None] | None) -> dict[str, torch.Tensor]:
    """Embeddings (N, 384) and encoder token counts (N,) of sorted unique texts: memory, disk or encoder."""
    key = cache_key(texts)
    with _lock:
        if key in _memory:
            return _memory[key]
        path = cache_path(key)
        if path.exists():
            payload = torch.load(path, weights_only=True)
        else:
            payload = {
                "embeddings": encode_texts(texts, max_length=MAX_LENGTH, device=device, on_batch=on_batch),
                "n_tokens": token_counts(texts, max_length=MAX_LENGTH),
            }
            _save_atomically(payload, path)
        _memory[key] = payload
        return payload


def _split_vectors(split: Split, rows: dict[str, int], embeddings: torch.Tensor) -> Split:
    """The same split with each text's embedding as x."""
    index = torch.tensor([rows[text] for text in split.texts], dtype=torch.long)
    return dataclasses.replace(split, x=embeddings[index])  # (N, 384)


def embed_dataset(
    dataset: Dataset,
    *,
    device: str | torch.device | None = None,
    on_batch: Callable[[float], None] | None = None,
) -> Dataset:
    """Replace every text by its MiniLM sentence vector; labels and texts stay as they are.

    Parameters
    ----------
    dataset : a text dataset whose splits carry `texts` (as `lab.data.load_dataset("reviews", ...)`).
    device : where to run the encoder if the texts are not cached yet; the CPU when None.
    on_batch : called with the fraction of texts encoded so far, when they have to be encoded.

    Returns
    -------
    A new Dataset: x is float32 (N, 384) in every split, `inputs` is InputSpec("embedding", (384,), ...),
    and `extra_flops_per_sample` is the encoder's work for a text of the dataset's mean length.
    """
    splits = (dataset.train, dataset.val, dataset.test)
    if dataset.inputs.modality != "text" or any(s.texts is None for s in splits):
        raise ValueError(f"Only a text dataset with its raw texts can be embedded, not {dataset.card.name!r}.")
    texts = sorted({text for split in splits for text in split.texts})
    payload = _vectors(texts, str(device or "cpu"), on_batch)
    rows = {text: i for i, text in enumerate(texts)}
    train, val, test = (_split_vectors(split, rows, payload["embeddings"]) for split in splits)
    mean_tokens = round(payload["n_tokens"].float().mean().item())
    return dataclasses.replace(
        dataset,
        inputs=InputSpec("embedding", (EMBED_DIM,), dataset.inputs.n_classes),
        train=train,
        val=val,
        test=test,
        extra_flops_per_sample=encoder_flops_per_sample(mean_tokens),
    )
