"""Opening a page in Chinese with AppTest, and finding any English the page still writes.

Three checks, each able to fail on its own:
- every text a page passed to `t` or `t_message` is in the Chinese table (`ui.i18n.missing` stays empty);
- no shown text is an English entry of the table (the table's own oracle: the English it knows);
- no Latin word is left in what the page shows except the names and units the tables list under `keep`, and the
  words of nicknames, generated or typed on the board (a nickname is a name). Formulas, code and link targets
  are not words.
"""

import ast
import json
import re
import tomllib
from functools import cache

from google.protobuf.message import Message
from page_harness import ROOT, open_page
from streamlit.testing.v1 import AppTest

from lab.config import load_settings
from lab.pipeline import run
from lab.spec import RunSpec
from lab.store import RunStore
from ui import i18n

TEXT_FIELDS = {"body", "label", "help", "placeholder", "options", "caption", "delta", "content", "text", "title"}
# What a chart writes as words: its titles, axis titles, trace names, annotations and hover texts. Tick labels are
# the data's own values (MiniLM's English word pieces on the attention map), as table cells are.
CHART_TEXT_KEYS = {"text", "name", "hovertemplate", "legendgrouptitle"}
NOT_WORDS = [
    re.compile(r"<style>.*?</style>", re.DOTALL),  # presenter mode's style sheet
    re.compile(r"\$\$.*?\$\$", re.DOTALL),  # display formulas
    re.compile(r"\$[^$\n]+\$"),  # inline formulas
    re.compile(r"```.*?```", re.DOTALL),  # code blocks
    re.compile(r"`[^`]*`"),  # code: commands, column names
    re.compile(r"\]\([^)]*\)"),  # a link's target
    re.compile(r"https?://\S+"),
    re.compile(r":material/\w+:"),  # icons
    re.compile(r":(?:red|orange|green|blue|violet|gray|grey|rainbow|primary)(?:-background)?\["),  # colours
    re.compile(r"<[^>]+>"),  # tags in chart labels (<b>, <br>)
    re.compile(r"%\{[^}]*\}"),  # plotly's hover placeholders
    re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{4,12}\b"),  # a run's id ("e042")
    re.compile(r"· [0-9a-z]{4}(?![0-9A-Za-z])"),  # the start of a run's id that ends a run's label ("· ener")
]
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")  # "scikit-learn", "GPT-3": one name


def literal_texts(*paths) -> set[str]:
    """Every text these source files pass to `t` or `t_message` as a literal (adjacent literals joined)."""
    texts = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"t", "t_message"}
            if called and node.args and isinstance(node.args[0], ast.Constant):
                texts.add(node.args[0].value)
    return texts


def open_page_in(name: str, lang: str = "zh", params: dict[str, str] | None = None) -> AppTest:
    """The app started at its router from a link with `?lang=` (and `params`), then switched to views/<name>.py."""
    i18n.missing.clear()
    return open_page(name, {"lang": lang, **(params or {})})


@cache
def store_sample_runs() -> tuple[str, ...]:
    """Two real, quick runs in the test session's store (an image model and a table model with fairness and
    privacy), on the board under a Chinese nickname, so pages have scorecards and pickers to show."""
    store = RunStore(load_settings().store_url)
    run_ids = []
    for spec in (RunSpec("digits", "mlp", epochs=1, seed=11), RunSpec("compas", "logreg", seed=11)):
        result, weights = run(spec)
        store.save(result, weights=weights)
        store.add_to_board(result.run_id, owner="language-test", nickname="好奇的水獭")
        run_ids.append(result.run_id)
    return tuple(run_ids)


def _proto_texts(message: Message) -> list[str]:
    texts = []
    for field, value in message.ListFields():
        repeated = hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message))
        values = value if repeated else [value]
        for item in values:
            if isinstance(item, Message):
                texts.extend(_proto_texts(item))
            elif isinstance(item, str) and field.name in TEXT_FIELDS:
                texts.append(item)
            elif isinstance(item, str) and field.name == "spec":  # a plotly chart, as JSON
                texts.extend(_chart_texts(json.loads(item)))
    return texts


def _chart_texts(spec) -> list[str]:
    if isinstance(spec, dict):
        texts = []
        for key, value in spec.items():
            if key in CHART_TEXT_KEYS and isinstance(value, str):
                texts.append(value)
            elif key in CHART_TEXT_KEYS and isinstance(value, list):
                texts.extend(item for item in value if isinstance(item, str))
            elif key != "data" or isinstance(value, list):  # skip numbers, walk traces and layout
                texts.extend(_chart_texts(value))
        return texts
    if isinstance(spec, list):
        return [text for item in spec for text in _chart_texts(item)]
    return []


def shown_texts(at: AppTest) -> list[str]:
    """Every text the page shows: bodies, labels, options, help, metrics, tabs, expanders, charts, table headers."""
    texts = []
    for node in at._tree:
        if getattr(node, "type", "") == "dataframe":
            texts.extend(str(column) for column in node.value.columns)
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message) and getattr(proto, "element_type", None) != 4:  # 4: st.latex, a formula
            texts.extend(_proto_texts(proto))
    return [text for text in texts if text.strip()]


def _nickname_words() -> frozenset[str]:
    """The words of every nickname a page may show: the generated ones' and those typed on the board (names)."""
    with open(ROOT / "assets" / "nicknames.toml", "rb") as file:
        words = tomllib.load(file)
    board = RunStore(load_settings().store_url).board(include_hidden=True)
    typed = {word for entry in board if entry.nickname for word in LATIN_WORD.findall(entry.nickname)}
    return frozenset(words["adjectives"]) | frozenset(words["animals"]) | typed


def latin_words(text: str, nicknames: frozenset[str] | None = None) -> list[str]:
    """The Latin words of a text that are neither a kept name or unit, nor a nickname's word."""
    for pattern in NOT_WORDS:
        text = pattern.sub(" ", text)
    allowed = i18n.kept_words("zh") | (nicknames if nicknames is not None else _nickname_words())
    return [word for word in LATIN_WORD.findall(text) if len(word) > 1 and word not in allowed]


def english_left(at: AppTest) -> list[str]:
    """What a Chinese page still shows in English: each text with its words that are not names or units."""
    english = {en for en, zh in i18n.table("zh").items() if en != zh}
    nicknames = _nickname_words()
    left = []
    for text in shown_texts(at):
        if text in english:
            left.append(f"table English: {text!r}")
        elif words := latin_words(text, nicknames):
            left.append(f"{words} in {text[:160]!r}")
    return sorted(set(left))


def assert_all_chinese(at: AppTest) -> None:
    """No exception, no text missing from the table, no English left (see the module's docstring)."""
    assert not at.exception, [exception.value for exception in at.exception]
    assert not i18n.missing, sorted(i18n.missing)[:40]
    assert not english_left(at), english_left(at)[:40]
