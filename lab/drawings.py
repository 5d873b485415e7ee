"""A drawing or a photo of one digit, laid out the way each digit dataset laid out its own samples.

A model only knows its training pixels: a digit drawn large in a corner, or dark on white, looks to it like
nothing it has seen. So the ink is found (whatever the colours), cropped and scaled as the dataset's makers did:

- MNIST (LeCun et al. 1998, "Gradient-based learning applied to document recognition", and the MNIST page): the
  digit is fitted into 20 x 20 pixels keeping its aspect ratio, anti-aliased to grey levels, then placed in a
  28 x 28 field so that its centre of mass falls on the centre.
- scikit-learn's digits (UCI optdigits, Alpaydin & Kaynak 1998): the digit is fitted into a 32 x 32 black-and-white
  bitmap, and each 4 x 4 block's count of ink pixels (0..16) becomes one of 8 x 8 pixels; lab.data scales 0..16 to
  0..1.
"""

import numpy as np
from PIL import Image

INK_THRESHOLD = 0.1  # share of the strongest stroke's contrast above which a pixel counts as ink (the crop's edges)


def ink(rgba: np.ndarray) -> np.ndarray:
    """Ink as values in [0, 1] over a background of 0, from an RGBA image in [0, 1], (H, W, 4) -> (H, W).

    A canvas keeps the strokes opaque over a transparent background: they are laid on whichever of black or
    white sets them apart. Then the background is the colour at the border, so dark ink on paper and light ink
    on a blackboard both come out as ink: each pixel's difference from the background (1 = black on white).
    """
    grey = rgba[..., :3] @ np.array([0.299, 0.587, 0.114], dtype=np.float32)  # ITU-R 601-2 luma, Pillow's "L"
    alpha = rgba[..., 3]
    if alpha.min() < 1:
        covered = float(alpha.sum())
        stroke = float((grey * alpha).sum()) / covered if covered > 0 else 0.0
        backdrop = 0.0 if stroke > 0.5 else 1.0
        grey = grey * alpha + backdrop * (1 - alpha)
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    return np.abs(grey - np.median(border))  # (H, W)


def touches_edge(ink: np.ndarray) -> bool:
    """Whether strong ink reaches the picture's border, where part of the digit may have been cut off."""
    border = np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])
    return bool(border.max() > 0.5 * ink.max())


def _crop(ink: np.ndarray) -> np.ndarray:
    """The smallest box holding every ink pixel."""
    rows, cols = np.nonzero(ink > INK_THRESHOLD * ink.max())
    return ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]


def _fit(ink: np.ndarray, side: int) -> np.ndarray:
    """Scale so that the longer side is `side` pixels, keeping the aspect ratio; the strongest stroke stays 1."""
    scale = side / max(ink.shape)
    height, width = (max(1, round(n * scale)) for n in ink.shape)
    # BOX averages every source pixel under a target pixel: the anti-aliasing of a shrunken drawing
    fitted = np.asarray(Image.fromarray(ink.astype(np.float32)).resize((width, height), Image.Resampling.BOX))
    return fitted / fitted.max()


def as_mnist(ink: np.ndarray) -> np.ndarray:
    """MNIST's layout: fit into 20 x 20, centre of mass at the centre of 28 x 28; (H, W) -> (28, 28) in [0, 1]."""
    digit = _fit(_crop(ink), 20)
    rows, cols = np.indices(digit.shape)
    centre_row, centre_col = (float((index * digit).sum() / digit.sum()) for index in (rows, cols))
    # MNIST's centres of mass sit at pixel 14 (0-based; measured 13.99 and 14.01); the digit must stay whole
    top = int(np.clip(round(14 - centre_row), 0, 28 - digit.shape[0]))
    left = int(np.clip(round(14 - centre_col), 0, 28 - digit.shape[1]))
    field = np.zeros((28, 28), dtype=np.float32)
    field[top : top + digit.shape[0], left : left + digit.shape[1]] = digit
    return field


def as_optdigits(ink: np.ndarray) -> np.ndarray:
    """optdigits' layout: fit into a 32 x 32 bitmap, count ink in 4 x 4 blocks; (H, W) -> (8, 8) in [0, 1]."""
    digit = _fit(_crop(ink), 32)
    top, left = (32 - digit.shape[0]) // 2, (32 - digit.shape[1]) // 2
    bitmap = np.zeros((32, 32), dtype=np.float32)
    bitmap[top : top + digit.shape[0], left : left + digit.shape[1]] = digit > 0.5  # the forms were black and white
    return bitmap.reshape(8, 4, 8, 4).mean(axis=(1, 3))  # (8, 8): share of ink in each block, count / 16
