"""Texts that live in assets/ (page texts, architecture descriptions), read without importing torch."""

import tomllib
from functools import cache
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"


def page_text(name: str) -> str:
    """The Markdown text of a page section in this session's language: assets/pages/<name>.md, or the Chinese
    translation beside it in assets/pages/zh/<name>.md."""
    from ui.i18n import language  # ui.i18n reads ASSETS from here

    return _page_text(name, language())


@cache
def _page_text(name: str, lang: str) -> str:
    folder = ASSETS / "pages" / ("" if lang == "en" else lang)
    return (folder / f"{name}.md").read_text(encoding="utf-8")


@cache
def architectures() -> dict[str, dict[str, str]]:
    """Short name, title and plain-words summary of each architecture, in registry order."""
    with open(ASSETS / "architectures.toml", "rb") as file:
        return tomllib.load(file)


@cache
def _column_labels() -> dict[str, str]:
    with open(ASSETS / "columns.toml", "rb") as file:
        return tomllib.load(file)


def column_label(name: str) -> str:
    """A table column's name in plain words (assets/columns.toml), or the name with spaces for underscores; in this
    session's language."""
    from ui.i18n import t  # ui.i18n reads ASSETS from here

    return t(_column_labels().get(name, name.replace("_", " ")))
