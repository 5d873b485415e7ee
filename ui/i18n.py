"""The app's two languages: English, and Simplified Chinese from string tables (never translated at run time).

Every text the app writes goes through `t`, with the English text as its key, so the code stays readable:
`t("{n} runs stored", n=number(5))`. The Chinese lives in assets/i18n/zh/*.toml, one file per part of the app,
as pairs of `en` and `zh`; each file also lists the names and units that stay as they are (`keep`). A text that
comes ready-made from the lab layer (an error message with its figures in it) goes through `t_message`, which
finds the English template it was made from.

The language is picked in the sidebar or by `?lang=zh` in a link, and kept in the address like presenter mode.
"""

import re
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.content import ASSETS
from ui.state import LANG

LANGUAGES = {"en": "English", "zh": "简体中文"}
TABLES = ASSETS / "i18n"
PLACEHOLDER = re.compile(r"\{(\w*)(?:[:!][^{}]*)?\}")
FORMATTED = re.compile(r"\{\w*[:!][^{}]*\}")

# Set while a document is written in English whatever the page's language (see `english`).
_forced: ContextVar[str | None] = ContextVar("forced_language", default=None)
# Keys a Chinese page asked for that no table has: the language test fails on any (tests/views/test_languages.py).
missing: set[str] = set()


def language() -> str:
    """'en' or 'zh': this session's language, outside Streamlit English."""
    if forced := _forced.get():
        return forced
    if get_script_run_ctx(suppress_warning=True) is None:  # outside a page (unit tests, a worker): English
        return "en"
    chosen = st.session_state.get(LANG, "en")
    return chosen if chosen in LANGUAGES else "en"


def chinese() -> bool:
    return language() == "zh"


@cache
def table(lang: str) -> dict[str, str]:
    """English text → its translation, from every file of the language's folder."""
    pairs: dict[str, str] = {}
    for path in sorted((TABLES / lang).glob("*.toml")):
        with open(path, "rb") as file:
            for entry in tomllib.load(file).get("s", []):
                pairs[entry["en"]] = entry["zh"]
    return pairs


@cache
def kept_words(lang: str) -> frozenset[str]:
    """Names and units shown as they are in the language's pages (`keep` in each table file)."""
    words: set[str] = set()
    for path in sorted((TABLES / lang).glob("*.toml")):
        with open(path, "rb") as file:
            words.update(tomllib.load(file).get("keep", []))
    return frozenset(words)


@contextmanager
def english() -> Iterator[None]:
    """Write in English inside this block: the downloadable reports, whose PDF font has no Chinese characters."""
    token = _forced.set("en")
    try:
        yield
    finally:
        _forced.reset(token)


def t(text: str, **values) -> str:
    """`text` in this session's language, with `values` put into its {placeholders}."""
    if chinese():
        translated = table("zh").get(text)
        if translated is None:
            missing.add(text)
        else:
            text = translated
    return text.format(**values) if values else text


@cache
def _templates(lang: str) -> list[tuple[re.Pattern, str]]:
    """Each table entry with {placeholders}, as a pattern that matches a text made from it, most specific first."""
    patterns = []
    for english, translated in table(lang).items():
        names = PLACEHOLDER.findall(english)
        if not names or any(not name for name in names) or FORMATTED.search(english):
            continue  # no values, or values formatted by the code (`{x:.1f}`): not a template a message matches
        parts = PLACEHOLDER.split(english)  # literal, name, literal, name, ...
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        try:
            pattern = re.compile(f"^{regex}$", re.DOTALL)
        except re.error:  # the same placeholder twice: such a template is not used for messages
            continue
        literal = sum(len(part) for part in parts[::2])
        patterns.append((literal, pattern, translated))
    # The most specific first: "{model} on {data}" must not answer for a message that has a template of its own.
    return [(pattern, translated) for _, pattern, translated in sorted(patterns, key=lambda p: -p[0])]


def t_message(message: str, *, value_words: Callable[[str], str] | None = None) -> str:
    """A finished English message from the lab layer (figures already in it), in this session's language.

    `value_words` translates what the lab put into the message (default: the tables' word for it, else as it is).
    """
    if not chinese() or not message:
        return message
    translated = finished_text(message, value_words or (lambda value: table("zh").get(value, value)))
    if translated is None:
        missing.add(message)
        return message
    return translated


def finished_text(text: str, value_words: Callable[[str], str]) -> str | None:
    """`text` in Chinese, found whole in the tables or through the template it was made from; None: unknown.

    Parts the lab joined with "; " ("RAM: estimated ...; CPU: estimated ...") are translated one by one.
    """
    known = table("zh")
    if text in known:
        return known[text]
    for pattern, translated in _templates("zh"):
        if match := pattern.match(text):  # the figures go in as they are, names in their translation
            return translated.format(**{name: value_words(value) for name, value in match.groupdict().items()})
    if "; " in text:
        parts = [finished_text(part, value_words) for part in text.split("; ")]
        return None if None in parts else "；".join(parts)
    return None


def quoted(text: str) -> str:
    """Text a model read or wrote, as a quotation: “text” in English; in Chinese `text`, as code, for it stays
    English."""
    return t("“{quote}”", quote=text)


def number(value: float, decimals: int = 0) -> str:
    """'12,300' or '0.25': digits grouped by thousands in both languages."""
    return f"{value:,.{decimals}f}"


def date_time(moment: datetime) -> str:
    """'22 Nov 2026, 15:09' in English, '2026年11月22日 15:09' in Chinese."""
    if chinese():
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"{moment.day} {moment:%b %Y, %H:%M}"


def start_from_link() -> None:
    """On a session's first run, take the language from `?lang=`: before anything, the menu included, is written."""
    if LANG not in st.session_state:
        asked = st.query_params.get("lang", "en")
        st.session_state[LANG] = asked if asked in LANGUAGES else "en"


def switch_ui() -> str:
    """The sidebar's language choice (see start_from_link), written back to the address."""
    chosen = st.radio(t("Language"), list(LANGUAGES), format_func=LANGUAGES.get, key=LANG, horizontal=True)
    if chosen == "en":
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = chosen
    return chosen
