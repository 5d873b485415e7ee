"""A risk register a group fills in for a use case of their own: rows in, CSV out, CSV back in.

Each risk has a likelihood and a severity from 1 to 5; its score is their product (1 to 25) on the common
5 x 5 risk matrix. The bands that turn a score into a level are a convention, not a standard.
Reading a CSV checks everything a person could get wrong and says what, in plain words (`RiskRegisterError`).
No Streamlit: the register can be built and checked from a notebook or a test.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

MAX_BYTES = 1_000_000  # 1 MB: a register of hundreds of risks is far smaller
MAX_ROWS = 200  # more risks than a group can discuss is a sign of a wrong file
LIKELIHOOD = {1: "rare", 2: "unlikely", 3: "possible", 4: "likely", 5: "almost certain"}
SEVERITY = {1: "negligible", 2: "minor", 3: "moderate", 4: "major", 5: "severe"}
Level = Literal["low", "medium", "high", "very high"]

# The CSV's column headers, in order: a person reads them in a spreadsheet.
HEADERS = {
    "use_case": "Use case",
    "risk": "Risk",
    "who_is_affected": "Who is affected",
    "likelihood": "Likelihood (1-5)",
    "severity": "Severity (1-5)",
    "mitigation": "Mitigation",
    "owner": "Owner",
}
# Written for the reader of the download; recomputed on loading, so an edited score cannot disagree.
COMPUTED = {"score": "Score (likelihood x severity)", "level": "Level"}
REQUIRED = ("use_case", "risk", "who_is_affected", "likelihood", "severity", "mitigation")

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class RiskRegisterError(ValueError):
    """A register that cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class Risk:
    """One row of the register."""

    use_case: str  # what the model is used for: "Screening job applications"
    risk: str  # what could go wrong, for whom
    who_is_affected: str
    likelihood: int  # 1 rare .. 5 almost certain
    severity: int  # 1 negligible .. 5 severe
    mitigation: str  # what the group will do about it
    owner: str = ""  # who makes sure the mitigation happens

    def __post_init__(self) -> None:
        for name in ("likelihood", "severity"):
            value = getattr(self, name)
            if type(value) is not int or not 1 <= value <= 5:
                raise ValueError(f"{name} must be a whole number from 1 to 5, got {value!r}")

    @property
    def score(self) -> int:
        """Likelihood x severity, 1 to 25."""
        return self.likelihood * self.severity

    @property
    def level(self) -> Level:
        return score_level(self.score)


def score_level(score: int) -> Level:
    """The level of a score: 1-4 low, 5-9 medium, 10-16 high, 20-25 very high."""
    if score <= 4:
        return "low"
    if score <= 9:
        return "medium"
    if score <= 16:
        return "high"
    return "very high"


def _guard(cell: str) -> str:
    """The cell with a leading ' where a spreadsheet would run it as a formula."""
    # A cell that already starts with ' gets one too, so that `_unguard` gives back exactly what was written.
    return "'" + cell if cell.startswith(FORMULA_START) or cell.startswith("'") else cell


def _unguard(cell: str) -> str:
    """The cell as it was before `_guard`; a ' a person typed before other text is kept."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_START, "'")):
        return cell[1:]
    return cell


def to_csv(risks: Iterable[Risk]) -> bytes:
    """The register as a CSV file, with a score and level per risk, safe to open in a spreadsheet.

    UTF-8 with a byte-order mark: without it, Excel reads accented letters as the wrong characters.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([*HEADERS.values(), *COMPUTED.values()])
    for risk in risks:
        cells = [_guard(str(getattr(risk, name))) for name in HEADERS]
        writer.writerow([*cells, risk.score, risk.level])
    return buffer.getvalue().encode("utf-8-sig")


def _column_name(header: str) -> str:
    """'Likelihood (1-5)' -> 'likelihood', 'Who is affected' -> 'who_is_affected': headers a person typed match."""
    words = re.sub(r"\(.*?\)", "", header.strip().lower())
    return re.sub(r"[^a-z0-9]+", "_", words).strip("_")


def _level_value(value: object, *, what: str, words: Mapping[int, str], where: str) -> int:
    """A likelihood or severity from a cell: a whole number 1-5, as text or a number."""
    if isinstance(value, float) and not math.isnan(value) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if type(value) is int and value in words:
        return value
    shown = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()
    scale = ", ".join(f"{n} {word}" for n, word in words.items())
    got = f"not {shown!r}" if shown else "and it is missing"
    raise RiskRegisterError(f"{where}: the {what} must be a whole number from 1 to 5 ({scale}), {got}.")


def _text(value: object) -> str:
    """A text cell: a missing cell (None, or NaN from a table) is empty text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def risk_from_cells(cells: Mapping[str, object], *, where: str) -> Risk | None:
    """One risk from a row's cells, keyed by field name; None for a row with nothing in it.

    Parameters
    ----------
    cells : text or numbers per field of `Risk`; a missing field is empty.
    where : how to name the row in an error message: "Line 4", "Row 2".
    """
    if all(_text(cells.get(name)).strip() == "" for name in HEADERS):
        return None
    if not _text(cells.get("risk")).strip():
        raise RiskRegisterError(f"{where}: the risk is empty; say in a few words what could go wrong.")
    return Risk(
        **{name: _text(cells.get(name)) for name in HEADERS if name not in ("likelihood", "severity")},
        likelihood=_level_value(cells.get("likelihood"), what="likelihood", words=LIKELIHOOD, where=where),
        severity=_level_value(cells.get("severity"), what="severity", words=SEVERITY, where=where),
    )


def _decode(data: bytes) -> str:
    """The file's text; too big, empty or not text is an error."""
    if len(data) > MAX_BYTES:
        raise RiskRegisterError(f"The file is {len(data):,} bytes; a risk register can be at most 1 MB (1,000,000).")
    if not data.strip():
        raise RiskRegisterError("The file is empty.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"  # handled below, with the same message as other binary files
    if "\x00" in text:
        raise RiskRegisterError(
            'The file is not a CSV text file. In your spreadsheet, save the register as "CSV UTF-8" and load that.'
        )
    return text


def _columns(header: list[str]) -> list[str]:
    """The field name of each column; a missing, unknown or repeated column is an error."""
    names = [_column_name(h) for h in header]
    known = {*HEADERS, *COMPUTED}
    expected = ", ".join(HEADERS[name] for name in REQUIRED)
    unknown = [h.strip() or "(no name)" for h, name in zip(header, names, strict=True) if name not in known]
    if unknown:
        raise RiskRegisterError(
            f"The file has columns a risk register does not use: {', '.join(unknown)}. "
            f"It needs the columns {expected}, and may have Owner."
        )
    missing = [HEADERS[name] for name in REQUIRED if name not in names]
    if missing:
        raise RiskRegisterError(f"The file has no column for: {', '.join(missing)}. It needs the columns {expected}.")
    repeated = sorted({HEADERS.get(n, n) for n in names if names.count(n) > 1})
    if repeated:
        raise RiskRegisterError(f"The file has more than one column for: {', '.join(repeated)}.")
    return names


def from_csv(data: bytes) -> list[Risk]:
    """The risks in a CSV file, as `to_csv` writes it or as a person made it in a spreadsheet.

    Headers match whatever their case and a note in brackets ("likelihood" = "Likelihood (1-5)"); columns may
    be separated by commas or, as spreadsheets in many European languages save them, semicolons. Score and
    level are recomputed. Blank lines are skipped.

    Raises
    ------
    RiskRegisterError : the file is empty, over 1 MB, not text, has wrong or missing columns, a bad
        likelihood or severity, no risks, or more than MAX_ROWS risks; the message says which, in plain words.
    """
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    risks = []
    try:
        names = _columns(next(reader))
        for cells in reader:
            where = f"Line {reader.line_num}"
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                raise RiskRegisterError(f"{where} has more cells than the file has columns.")
            risk = risk_from_cells({n: _unguard(c) for n, c in zip(names, cells, strict=False)}, where=where)
            if risk is not None:
                risks.append(risk)
            if len(risks) > MAX_ROWS:
                raise RiskRegisterError(f"The file has more than {MAX_ROWS} risks; a register here holds at most that.")
    except csv.Error as error:
        raise RiskRegisterError(f"The file is not a readable CSV (line {reader.line_num}).") from error
    if not risks:
        raise RiskRegisterError("The file has no risks in it: only column names, or blank lines.")
    return risks
