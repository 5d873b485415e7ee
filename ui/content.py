"""Texts that live in assets/ (page texts, architecture descriptions), read without importing torch."""

import tomllib
from functools import cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"


@cache
def page_text(name: str) -> str:
    """The Markdown text of a page section: assets/pages/<name>.md."""
    return (ASSETS / "pages" / f"{name}.md").read_text(encoding="utf-8")


@cache
def architectures() -> dict[str, dict[str, str]]:
    """Short name, title and plain-words summary of each architecture, in registry order."""
    with open(ASSETS / "architectures.toml", "rb") as file:
        return tomllib.load(file)
