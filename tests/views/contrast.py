"""WCAG 2.1's contrast ratio, and the two themes' backgrounds from .streamlit/config.toml."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def contrast(first: str, second: str) -> float:
    """The contrast ratio of two '#RRGGBB' colours, 1 to 21."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def themes() -> dict[str, dict[str, str]]:
    """The light and the dark theme's colours, as the app's config sets them."""
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
