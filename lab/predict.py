"""Try a model: a person's own drawing, image, review or table row, turned into what a stored run's model reads,
and the model's answer with the probability of every class.

Everything happens in memory: an uploaded file is never written to disk and nothing is stored. Input that cannot
be read raises InputError with a message for the person; input that can be read after a change (a text cut short)
comes back with a notice saying what changed.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from lab import drawings
from lab import text as words
from lab.data import Dataset, training_rows
from lab.spec import RunSpec
from lab.tables import TableEncoder
from models.inputs import InputSpec

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # the app's own cap (maxUploadSize = 5 MB in .streamlit/config.toml), CLI too
# Pixels decoded at most: a 24-megapixel phone photo passes; a "decompression bomb" (a few KB of PNG that would
# decode into gigabytes) is refused from its header, before any pixel is decoded.
MAX_IMAGE_PIXELS = 25_000_000
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")  # what browsers, phones and canvases make; no exotic readers
WORK_SIDE = 1024  # a big photo is shrunk to this many pixels a side first: a digit needs 28, memory stays small
MIN_CONTRAST = 0.08  # the darkest stroke must differ from the background by this share of black-to-white
MAX_TEXT_CHARS = 5_000  # a long review is 2 000 characters; the models read only the first 128 words anyway
_READS = {"image": "images", "text": "text", "embedding": "text", "table": "a person's details (a table row)"}


class InputError(ValueError):
    """Input that cannot be read; the message says why in plain words, for the person who gave it."""


@dataclass(frozen=True)
class Prediction:
    """A model's answer for one input."""

    classes: tuple[str, ...]  # the name of each class, in id order (the data card's)
    probabilities: tuple[float, ...]  # per class, summing to 1
    predicted: str  # the most probable class
    notices: tuple[str, ...] = ()  # what was changed in the input before the model read it, in plain words


def _expect(modality: str, kinds: tuple[str, ...], given: str) -> None:
    if modality not in kinds:
        raise InputError(f"This model reads {_READS[modality]}, not {given}: choose a run trained on {given}.")


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


# --- images ----------------------------------------------------------------------------------------------


def _open_image(data: bytes):
    """Check the bytes are one readable image of a sensible size, whatever the file's name; decode it."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise InputError("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        mb = 1024 * 1024
        raise InputError(f"The file is {len(data) / mb:.1f} MB; images up to {MAX_UPLOAD_BYTES / mb:.0f} MB are read.")
    too_big = f"The image has too many pixels; up to {_thousands(MAX_IMAGE_PIXELS)} (5 000 x 5 000) are read."
    try:
        # Pillow warns about (or refuses) images above its own limit as soon as it reads the header
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as probe:
                if probe.width * probe.height > MAX_IMAGE_PIXELS:
                    raise InputError(f"{too_big} This one is {probe.width} x {probe.height}.")
                probe.verify()  # checks the file's structure; the image must be opened again to decode it
            image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
            image.load()
    except InputError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InputError(too_big) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise InputError(f"This file is not an image that can be read ({', '.join(IMAGE_FORMATS)}).") from None
    return image


def image_to_input(data: bytes, inputs: InputSpec, *, dataset: str) -> tuple[torch.Tensor, list[str]]:
    """Turn an image file (a canvas drawing, a photo, a scan) into the pixels a digit model reads.

    Parameters
    ----------
    data : the file's bytes; the content decides whether it is an image, not the file's name.
    inputs : the run's InputSpec: an image model's.
    dataset : "mnist" or "digits": the layout of the digits the model was trained on (see lab.drawings).

    Returns
    -------
    float32 (1, 1, H, W) in [0, 1], light ink on black as in training; notices for the person.

    Raises
    ------
    InputError : not an image, too big, or nothing drawn.
    """
    from PIL import ImageOps

    _expect(inputs.modality, ("image",), "images")
    layouts = {"mnist": drawings.as_mnist, "digits": drawings.as_optdigits}
    if dataset not in layouts:
        raise ValueError(f"No digit layout is known for {dataset!r}; choose one of: {', '.join(layouts)}.")
    image = ImageOps.exif_transpose(_open_image(data)).convert("RGBA")  # a phone photo turned upright
    image.thumbnail((WORK_SIDE, WORK_SIDE))
    rgba = np.asarray(image, dtype=np.float32) / 255  # (H, W, 4)
    ink = drawings.ink(rgba)  # (H, W)
    if ink.max() < MIN_CONTRAST:
        raise InputError("The drawing is empty: draw a digit (or upload a picture of one) and try again.")
    notices = []
    if drawings.touches_edge(ink):
        notices.append("The digit touches the edge of the picture: if part of it is cut off, it may be misread.")
    pixels = layouts[dataset](ink)  # (H, W)
    return torch.from_numpy(pixels).reshape(1, *inputs.shape), notices


# --- text ------------------------------------------------------------------------------------------------


def text_to_input(text: str, data: Dataset) -> tuple[torch.Tensor, list[str]]:
    """Turn a typed review into what the run's model reads, exactly as the training reviews were.

    Parameters
    ----------
    text : any text; other scripts and emoji are fine (a word the model never saw is read as "unknown").
    data : the run's dataset as lab.pipeline.prepare_data gives it: with its vocabulary, or MiniLM vectors.

    Returns
    -------
    int64 (1, T) token ids, or float32 (1, 384) for a MiniLM run; notices for the person.

    Raises
    ------
    InputError : the text is empty, or the model does not read text.
    """
    _expect(data.inputs.modality, ("text", "embedding"), "text")
    notices = []
    if len(text) > MAX_TEXT_CHARS:
        notices.append(
            f"Only the first {_thousands(MAX_TEXT_CHARS)} characters were read; the text has {_thousands(len(text))}."
        )
        text = text[:MAX_TEXT_CHARS]
    cleaned = words.clean(text)  # as lab.data cleaned the training reviews
    if not cleaned:
        raise InputError("The text is empty: type or paste a review first.")
    if data.inputs.modality == "embedding":
        from lab.embeddings import MAX_LENGTH
        from models.minilm import encode_texts

        return encode_texts([cleaned], max_length=MAX_LENGTH), notices  # (1, 384), as the training texts
    assert data.vocab is not None
    length = data.inputs.shape[0]
    tokens = words.tokenize(cleaned)
    vocabulary = set(data.vocab)
    unknown = sum(token not in vocabulary for token in tokens)
    if not tokens:
        notices.append("The text has no words, only signs such as emoji: the model reads it as one unknown word.")
    elif unknown > len(tokens) / 2:
        notices.append(
            f"{unknown} of the {len(tokens)} words are not among the {_thousands(len(data.vocab) - 2)} words the model "
            'learned from its training reviews: it reads each as "unknown", so its answer says little.'
        )
    if len(tokens) > length:
        notices.append(f"The model reads only the first {length} words; the text has {_thousands(len(tokens))}.")
    return words.encode([cleaned], data.vocab, length=length), notices  # (1, T)


# --- table rows ------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _table_reference(name: str, seed: int, columns: tuple[str, ...]) -> tuple[TableEncoder, dict]:
    """The run's encoder, fitted again on its training rows, and each number column's training range."""
    from pandas.api.types import is_integer_dtype

    frame = training_rows(name, seed=seed)[list(columns)]
    encoder = TableEncoder.fit(frame)
    # column -> (lowest, highest, whole numbers only)
    ranges = {c: (float(frame[c].min()), float(frame[c].max()), is_integer_dtype(frame[c])) for c in encoder.means}
    return encoder, ranges


def _number(column: str, value: object, low: float, high: float, whole: bool) -> float:
    """A number field's value, if it is a number like those the model was trained on."""
    try:
        number = float(value)  # type: ignore[arg-type]  # a number, or a string holding one
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise InputError(f"{column} must be a number; {value!r} is not one.")
    if whole and not number.is_integer():
        raise InputError(f"{column} must be a whole number; {number:g} is not.")
    if not low <= number <= high:
        raise InputError(
            f"{column} must be between {low:g} and {high:g}, the values the model was trained on; {number:g} is not."
        )
    return number


def _category(column: str, value: object, known: tuple[str, ...]) -> str:
    """A category field's value, if it is one of the training categories (in any case: "male" is "Male")."""
    found = {category.casefold(): category for category in known}.get(str(value).strip().casefold())
    if found is None:
        listed = ", ".join(known[:6]) + (f" and {len(known) - 6} more" if len(known) > 6 else "")
        raise InputError(f"{column} must be one of: {listed}; {value!r} is not one.")
    return found


def row_to_input(row: Mapping[str, object], data: Dataset, *, seed: int) -> tuple[torch.Tensor, list[str]]:
    """Turn one person of a table dataset (field -> value) into the encoded row the run's model reads.

    Parameters
    ----------
    row : every column the model reads, by name: numbers for number columns (a string holding a number is
        fine), one of the training categories for the others. Other fields are left out, with a notice.
    data : the run's dataset (its feature columns).
    seed : the run's seed, which chose its training rows: their means, spreads and categories encode the row.

    Returns
    -------
    float32 (1, C), encoded exactly as the training rows were; notices for the person.

    Raises
    ------
    InputError : a field is missing, a number is not finite or outside the training range, a category unknown.
    """
    import pandas as pd

    _expect(data.inputs.modality, ("table",), "a person's details")
    assert data.feature_names is not None
    encoder, ranges = _table_reference(data.card.name, seed, data.feature_names)
    missing = [c for c in encoder.columns if row.get(c) is None or (isinstance(row[c], str) and not row[c].strip())]
    if missing:
        raise InputError(f"Fill in every field; missing: {', '.join(missing)}.")
    values = {
        c: _category(c, row[c], encoder.categories[c]) if c in encoder.categories else _number(c, row[c], *ranges[c])
        for c in encoder.columns
    }
    ignored = [field for field in row if field not in encoder.columns]
    notices = [f"The model does not read {', '.join(map(str, ignored))}: left out."] if ignored else []
    return encoder.encode(pd.DataFrame([values], columns=list(encoder.columns))), notices  # (1, C)


# --- the answer ------------------------------------------------------------------------------------------


def predict(
    spec: RunSpec, weights: bytes, x: torch.Tensor, *, device: torch.device, notices: Sequence[str] = ()
) -> Prediction:
    """A stored run's answer for one input made by image_to_input, text_to_input or row_to_input.

    Parameters
    ----------
    spec, weights : the run's, from lab.store.RunStore (`.get(run_id).spec` and `.weights(run_id)`).
    x : one input, (1, ...), as the run's model reads it.
    device : where the model runs (a scikit-learn model always runs on the CPU).
    notices : the notices that came with `x`, handed on with the answer.
    """
    from lab.audit import load_trained
    from lab.pipeline import prepare_data

    data = prepare_data(spec, device)
    if tuple(x.shape[1:]) != data.inputs.shape:
        raise ValueError(f"This run reads inputs of shape {data.inputs.shape}, not {tuple(x.shape[1:])}.")
    model = load_trained(spec, data.inputs, weights, device)
    if isinstance(model, torch.nn.Module):
        with torch.inference_mode():
            logits = model(x.to(device))  # (1, n_classes)
        probabilities = torch.softmax(logits.double(), dim=1)[0].tolist()
    else:
        probabilities = model.predict_proba(x.numpy())[0].tolist()
    classes = data.card.classes
    return Prediction(classes, tuple(probabilities), classes[int(np.argmax(probabilities))], tuple(notices))
