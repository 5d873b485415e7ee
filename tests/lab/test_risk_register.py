"""The risk register: its scores, its CSV round trip, the formula guard, and a plain message for each bad file."""

import csv
import io
import math

import pytest

from lab.risk_register import (
    MAX_BYTES,
    MAX_ROWS,
    Risk,
    RiskRegisterError,
    from_csv,
    risk_from_cells,
    score_level,
    to_csv,
)

HEADER = "Use case,Risk,Who is affected,Likelihood (1-5),Severity (1-5),Mitigation,Owner"

HIRING = Risk(
    use_case="Screening job applications",
    risk="Learns past bias",
    who_is_affected="Women applicants",
    likelihood=4,
    severity=5,
    mitigation="Audit selection rates by group",
    owner="HR",
)


def csv_file(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


@pytest.mark.parametrize(
    ("likelihood", "severity", "score", "level"),
    [(1, 1, 1, "low"), (1, 4, 4, "low"), (5, 1, 5, "medium"), (3, 3, 9, "medium"), (2, 5, 10, "high"),
     (4, 4, 16, "high"), (4, 5, 20, "very high"), (5, 5, 25, "very high")],
)  # fmt: skip
def test_score_is_likelihood_times_severity_with_its_level(likelihood, severity, score, level):
    risk = Risk("u", "r", "w", likelihood, severity, "m")
    assert (risk.score, risk.level, score_level(score)) == (score, level, level)


@pytest.mark.parametrize("value", [0, 6, 2.5, True, "3"])
def test_a_risk_needs_whole_numbers_from_one_to_five(value):
    with pytest.raises(ValueError, match="whole number from 1 to 5"):
        Risk("u", "r", "w", value, 3, "m")


def test_the_csv_is_what_a_spreadsheet_expects():
    # Written out by hand: UTF-8 with a byte-order mark (for Excel), the headers, the row, its score and level.
    expected = (
        "\ufeff" + HEADER + ",Score (likelihood x severity),Level\r\n"
        "Screening job applications,Learns past bias,Women applicants,4,5,Audit selection rates by group,HR,20,"
        "very high\r\n"
    )
    assert to_csv([HIRING]) == expected.encode("utf-8")


TRICKY = [
    '=HYPERLINK("http://evil.example","click")',
    "+1 more",
    "-2 points",
    "@SUM(A1)",
    "\tstarts with a tab",
    "'quoted by hand",
    "'=already guarded",
    'commas, "quotes"\nand a second line',
    "accents: é, ü, 😀",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_every_text_comes_back_exactly(text):
    risks = [Risk(text, text or "r", text, 2, 3, text, text), HIRING]
    assert from_csv(to_csv(risks)) == risks


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_a_leading_quote(start):
    risk = Risk(f"{start}cmd|' /C calc'!A0", "r", "w", 1, 1, "m")
    row = list(csv.reader(io.StringIO(to_csv([risk]).decode("utf-8-sig"))))[1]
    assert row[0] == f"'{start}cmd|' /C calc'!A0"
    assert row[1:3] == ["r", "w"]  # harmless cells are left as they are


def test_a_hand_made_file_is_read_with_loose_headers_semicolons_and_blank_lines():
    data = csv_file(
        "use case;RISK;who is affected;likelihood;severity;mitigation;score",
        "Grading essays;Marks down non-native writers;Students;3;4;A teacher checks low marks;1",
        ";;;;;;",
        "",
        "Loans;Refuses poorer areas;Applicants;2;5;Review by postcode;",
    )
    risks = from_csv(data)
    assert [(r.use_case, r.owner, r.score) for r in risks] == [("Grading essays", "", 12), ("Loans", "", 10)]


def test_a_wrong_score_in_the_file_is_recomputed():
    text = to_csv([HIRING]).decode("utf-8-sig").replace(",20,very high", ",1,low")
    assert from_csv(text.encode("utf-8"))[0].score == 20


BAD_FILES = {
    "empty": (b"", "The file is empty."),
    "only blank lines": (b"\n \n", "The file is empty."),
    "too big": (b"x" * (MAX_BYTES + 1), "at most 1 MB"),
    "not UTF-8": (b"\xff\xd8\xff\xe0 a JPEG picture", "not a CSV text file"),
    "binary with NUL bytes": (b"PK\x03\x04\x00\x00zip", "not a CSV text file"),
    "unknown column": (csv_file(HEADER + ",Colour", "a,b,c,1,1,m,o,red"), "does not use: Colour"),
    "missing columns": (csv_file("Use case,Risk,Mitigation", "a,b,c"), "no column for: Who is affected, Likelihood"),
    "a column twice": (csv_file(HEADER + ",Risk", "a,b,c,1,1,m,o,b"), "more than one column for: Risk"),
    "a letter to someone": (csv_file("Dear team, here are our risks"), "does not use: Dear team"),
    "likelihood in words": (csv_file(HEADER, "a,b,c,high,2,m,o"), "Line 2: the likelihood must be a whole number"),
    "severity out of range": (csv_file(HEADER, "a,b,c,2,7,m,o"), "Line 2: the severity must be a whole number"),
    "likelihood missing": (csv_file(HEADER, "a,b,c,,2,m,o"), "Line 2: the likelihood must be a whole number"),
    "risk empty": (csv_file(HEADER, "a,,c,2,2,m,o"), "Line 2: the risk is empty"),
    "extra cells": (csv_file(HEADER, "a,b,c,2,2,m,o,extra"), "Line 2 has more cells than the file has columns"),
    "only the header": (csv_file(HEADER), "no risks in it"),
    "too many rows": (csv_file(HEADER, *["a,b,c,2,2,m,o"] * (MAX_ROWS + 1)), f"more than {MAX_ROWS} risks"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_each_bad_file_gets_its_plain_message(case):
    data, message = BAD_FILES[case]
    with pytest.raises(RiskRegisterError) as caught:
        from_csv(data)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_the_error_names_the_scale_and_what_was_given():
    with pytest.raises(RiskRegisterError) as caught:
        from_csv(csv_file(HEADER, "a,b,c,high,2,m,o"))
    assert str(caught.value) == (
        "Line 2: the likelihood must be a whole number from 1 to 5 "
        "(1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain), not 'high'."
    )


def test_a_row_from_a_table_accepts_numbers_and_skips_an_empty_row():
    cells = {"risk": "r", "likelihood": 3.0, "severity": 2, "use_case": math.nan, "owner": None}
    assert risk_from_cells(cells, where="Row 1") == Risk("", "r", "", 3, 2, "", "")
    assert risk_from_cells({"likelihood": math.nan, "risk": None}, where="Row 2") is None
    with pytest.raises(RiskRegisterError, match="Row 3: the severity"):
        risk_from_cells({"risk": "r", "likelihood": 2, "severity": math.nan}, where="Row 3")
