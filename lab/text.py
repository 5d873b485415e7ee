"""A tiny word-level tokenizer: lowercase words, a vocabulary from the training texts, fixed-length ids.

Nothing is downloaded: the vocabulary is built from the training split only, so the validation and
test texts stay unseen, just as a person's typed review will be.
"""

import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import torch

PAD = "<pad>"  # id 0: fills sequences shorter than the fixed length
UNK = "<unk>"  # id 1: any word the vocabulary does not know
PAD_ID = 0
UNK_ID = 1

# A word is a run of letters or digits in any script, with inner apostrophes kept ("don't").
# Emoji and punctuation are not words and are dropped; other scripts become words, then <unk> if unseen.
_WORD = re.compile(r"\w+(?:'\w+)*")
_TAG = re.compile(r"<[^>]*>")  # HTML left in scraped reviews: <br />, <a href=...>
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """Remove HTML tags such as <br /> and collapse runs of whitespace into one space."""
    return _SPACE.sub(" ", _TAG.sub(" ", text)).strip()


def tokenize(text: str) -> list[str]:
    """Split a text into lowercase words: "Don't buy it!" -> ["don't", "buy", "it"]."""
    return _WORD.findall(text.lower())


def build_vocab(texts: Iterable[str], *, max_size: int = 8000, min_count: int = 2) -> tuple[str, ...]:
    """Build a vocabulary from training texts: "<pad>", "<unk>", then the most frequent words.

    Parameters
    ----------
    texts : the training texts only (never validation or test, or the scores would be optimistic).
    max_size : at most this many words are kept, not counting "<pad>" and "<unk>".
    min_count : a word must occur at least this often; rarer words become "<unk>".

    Returns
    -------
    The token of each id: vocab[0] == "<pad>", vocab[1] == "<unk>".
    """
    counts = Counter(token for text in texts for token in tokenize(text))
    kept = [word for word, n in counts.items() if n >= min_count]
    # Most frequent first; ties broken alphabetically so the same texts always give the same ids.
    kept.sort(key=lambda word: (-counts[word], word))
    return (PAD, UNK, *kept[:max_size])


def encode(texts: Iterable[str], vocab: tuple[str, ...], *, length: int = 128) -> torch.Tensor:
    """Turn texts into token ids, cut or right-padded with 0 to a fixed length.

    Parameters
    ----------
    texts : any strings, including empty ones, emoji or other scripts (unknown words get id 1).
        A text with no words at all becomes a single "<unk>": a row of only padding would leave
        attention or average pooling with nothing to look at (a division by zero, NaN logits).
    vocab : from `build_vocab`.
    length : ids per text; longer texts keep their first `length` words.

    Returns
    -------
    int64 tensor (N, length).
    """
    if isinstance(texts, str):  # a bare string would be read as a list of one-letter texts
        raise TypeError("encode() takes a list of texts; wrap a single text as [text].")
    index = {token: i for i, token in enumerate(vocab)}
    rows = [[index.get(token, UNK_ID) for token in tokenize(text)[:length]] or [UNK_ID] for text in texts]
    ids = np.full((len(rows), length), PAD_ID, dtype=np.int64)  # (N, T)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row  # right padding: the words first, zeros after
    return torch.from_numpy(ids)
