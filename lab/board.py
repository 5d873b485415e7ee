"""The class board: one row per run of the class, sorted, its best trade-offs, and every run as CSV for the teacher.

No Streamlit: the board can be built the same way from a notebook or a script. A nickname is kept here exactly as
the person typed it; the pages that show it treat it as text, never as markup.
"""

from __future__ import annotations

import csv
import io
import random
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from lab.pareto import non_dominated
from lab.spec import RunSpec

if TYPE_CHECKING:  # lab.result and lab.store pull in numpy and SQLAlchemy; the sidebar only needs the nicknames
    from lab.result import RunResult
    from lab.store import BoardEntry

NICKNAMES_PATH = Path(__file__).resolve().parent.parent / "assets" / "nicknames.toml"
MAX_NICKNAME = 24  # characters, after the spaces at both ends are stripped
SortKey = Literal["accuracy", "cost", "fairness", "privacy", "tradeoff"]
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class BoardRow:
    """One run on the board: who put it there, the run, and its fairness and privacy in one figure each."""

    nickname: str | None  # None: no session put it there (trained from the command line)
    result: RunResult
    fairness_gap: float | None  # the largest demographic parity difference over the attributes, 0..1; None: no groups
    fairness_attribute: str | None  # the attribute with that gap ("sex", "sex × race")
    privacy_auc: float | None  # AUC of the loss-threshold membership attack, 0.5 = guessing; None: not measured
    privacy_risk: str | None  # "low", "medium" or "high", from that AUC
    hidden: bool = False  # the teacher hid this nickname
    on_front: bool = False  # no other run on the same data is as good on all four counts and better on one

    @property
    def spec(self) -> RunSpec:
        return self.result.spec

    @property
    def accuracy(self) -> float:
        """Test accuracy, 0..1."""
        return self.result.metrics.accuracy

    @property
    def energy_wh(self) -> float:
        """Energy to train, in Wh: an estimate unless a power sensor was read."""
        return self.result.cost.energy_kwh * 1000


def board_rows(entries: Iterable[BoardEntry]) -> list[BoardRow]:
    """The board's rows, in the entries' order, each marked whether it is on the best trade-off front of its data."""
    from lab.privacy import risk_level

    rows = []
    for entry in entries:
        result = entry.result
        attributes = result.fairness.attributes if result.fairness else ()
        widest = max(attributes, key=lambda a: a.dp_difference, default=None)
        attack = result.privacy.membership.loss if result.privacy else None
        rows.append(
            BoardRow(
                nickname=entry.nickname,
                result=result,
                fairness_gap=None if widest is None else widest.dp_difference,
                fairness_attribute=None if widest is None else widest.attribute,
                privacy_auc=None if attack is None else attack.auc,
                privacy_risk=None if attack is None else risk_level(attack),
                hidden=entry.hidden,
            )
        )
    return _mark_front(rows)


def _objectives(row: BoardRow) -> tuple[float, float, float, float]:
    """The four counts, each to minimise; a missing figure counts as the worst, since nothing shows it is better."""
    missing = float("inf")
    return (
        -row.accuracy,
        row.energy_wh,
        missing if row.fairness_gap is None else row.fairness_gap,
        missing if row.privacy_auc is None else row.privacy_auc,
    )


def _mark_front(rows: list[BoardRow]) -> list[BoardRow]:
    """Mark the Pareto front of each dataset's shown rows: accuracy is only comparable on the same data."""
    front: set[int] = set()
    for dataset in {row.spec.dataset for row in rows}:
        group = [i for i, row in enumerate(rows) if row.spec.dataset == dataset and not row.hidden]
        front.update(group[j] for j in non_dominated([_objectives(rows[i]) for i in group]))
    return [replace(row, on_front=i in front) for i, row in enumerate(rows)]


def sort_rows(rows: Iterable[BoardRow], by: SortKey) -> list[BoardRow]:
    """The rows best first by one count; rows without that figure last; equal rows keep their order (newest first).

    "tradeoff" puts the front first, the most accurate first within it.
    """
    keys = {
        "accuracy": lambda r: -r.accuracy,
        "cost": lambda r: r.energy_wh,
        "fairness": lambda r: (r.fairness_gap is None, r.fairness_gap or 0.0),
        "privacy": lambda r: (r.privacy_auc is None, r.privacy_auc or 0.0),
        "tradeoff": lambda r: (not r.on_front, -r.accuracy),
    }
    return sorted(rows, key=keys[by])


def board_csv(rows: Iterable[BoardRow]) -> str:
    """Every row with its settings and figures, as CSV text; a text cell a spreadsheet would run gets a leading '."""
    from lab.result import CostReport, Metrics

    sections = {"spec": RunSpec, "metrics": Metrics, "cost": CostReport}
    columns = [(section, f.name) for section, cls in sections.items() for f in fields(cls)]
    own = ["fairness_gap", "fairness_attribute", "privacy_auc", "privacy_risk", "hidden", "on_front"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["nickname", "run_id", "finished_at", *(name for _, name in columns), *own])
    for row in rows:
        result = row.result
        figures = [getattr(getattr(result, section), name) for section, name in columns]
        values = [row.nickname, result.run_id, result.finished_at, *figures, *(getattr(row, name) for name in own)]
        writer.writerow([_safe_cell(value) for value in values])
    return buffer.getvalue()


def _safe_cell(value: object) -> object:
    """'' for None, and text that starts like a formula prefixed with ' so that a spreadsheet shows it as text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@cache
def _nickname_words(chinese: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    with open(NICKNAMES_PATH, "rb") as file:
        words = tomllib.load(file)
    suffix = "_zh" if chinese else ""
    return tuple(words["adjectives" + suffix]), tuple(words["animals" + suffix])


def generate_nickname(seed: str, *, chinese: bool = False) -> str:
    """A friendly nickname such as 'Curious Otter 42' (or '好奇的水獭 42'), always the same for the same seed (a
    session's owner id)."""
    adjectives, animals = _nickname_words(chinese)
    rng = random.Random(seed)  # a str seed is hashed with SHA-512: the same on every run and machine
    joiner = "" if chinese else " "
    return f"{rng.choice(adjectives)}{joiner}{rng.choice(animals)} {rng.randrange(10, 100)}"


def nickname_problem(text: str) -> str | None:
    """Why this nickname cannot be used, in plain words, or None when it can (after stripping the spaces around it).

    HTML, emoji and any other character are allowed: the pages show a nickname as text.
    """
    name = text.strip()
    if not name:
        return "A nickname needs at least one letter, digit or sign."
    if len(name) > MAX_NICKNAME:
        return f"A nickname can be at most {MAX_NICKNAME} characters long; this one has {len(name)}."
    if any(unicodedata.category(character) == "Cc" for character in name):
        return "A nickname cannot hold control characters, such as a tab or a line break."
    return None
