"""The Impact page's parts: benefits, risks and challenges tied to this app's pages, a risk register a group fills in
and takes away as CSV, the four responsibility principles, jobs and skills. The texts live in assets/impact.toml."""

import tomllib
from dataclasses import asdict, dataclass
from functools import cache
from typing import Literal

import pandas as pd
import streamlit as st

from lab.risk_register import (
    HEADERS,
    LIKELIHOOD,
    SEVERITY,
    Risk,
    RiskRegisterError,
    from_csv,
    risk_from_cells,
    to_csv,
)
from ui.content import ASSETS

IMPACT_PATH = ASSETS / "impact.toml"
Kind = Literal["benefit", "risk", "challenge"]

REGISTER = "impact_register_rows"  # the table the editor starts from: the examples, or the last file loaded
LOADED = "impact_register_loaded"  # the id of the upload already applied, so a rerun does not apply it again
EDITOR = "impact_register_editor"  # the editor's own record of the edits made on top of REGISTER


@dataclass(frozen=True)
class Figure:
    """A figure from outside the app, with where it comes from."""

    text: str
    source: str
    year: int


@dataclass(frozen=True)
class Topic:
    """A benefit, risk or challenge, and the page of this app where it can be seen happening."""

    kind: Kind
    title: str
    text: str
    page: str  # a page file registered in app.py: "views/fairness.py"
    link: str  # the link's label: "See it happen: ..."
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Principle:
    name: str  # "Safe", "Reliable", "Fair", "Transparent"
    summary: str
    practice: tuple[str, ...]  # what it looks like in practice


@dataclass(frozen=True)
class Jobs:
    automated: tuple[str, ...]  # tasks models take over
    assisted: tuple[str, ...]  # tasks models help people with
    roles: tuple[tuple[str, str], ...]  # (role, one line on it): the roles that grow
    skills: tuple[str, ...]
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class ImpactContent:
    topics: tuple[Topic, ...]
    principles: tuple[Principle, ...]
    jobs: Jobs
    examples: tuple[Risk, ...]  # the register's first rows


def _figures(raw: list[dict]) -> tuple[Figure, ...]:
    return tuple(Figure(f["text"].strip(), f["source"], f["year"]) for f in raw)


@cache
def impact_content() -> ImpactContent:
    """The page's texts from assets/impact.toml, read once per server."""
    with IMPACT_PATH.open("rb") as file:
        raw = tomllib.load(file)
    topics = tuple(
        Topic(t["kind"], t["title"], t["text"].strip(), t["page"], t["link"], _figures(t.get("figures", [])))
        for t in raw["topics"]
    )
    principles = tuple(Principle(p["name"], p["summary"], tuple(p["practice"])) for p in raw["principles"])
    jobs = raw["jobs"]
    return ImpactContent(
        topics=topics,
        principles=principles,
        jobs=Jobs(
            automated=tuple(jobs["automated"]),
            assisted=tuple(jobs["assisted"]),
            roles=tuple((r["name"], r["line"]) for r in jobs["roles"]),
            skills=tuple(jobs["skills"]),
            figures=_figures(jobs["figures"]),
        ),
        examples=tuple(risk_from_cells(row, where="impact.toml") for row in raw["register_examples"]),
    )


def figure_caption(figure: Figure) -> str:
    return f"{figure.text} Source: {figure.source}, {figure.year}."


def topics_ui(kind: Kind) -> None:
    """Each topic of one kind: what it means for people, the outside figures on it, and where to see it here."""
    for topic in (t for t in impact_content().topics if t.kind == kind):
        st.subheader(topic.title)
        st.write(topic.text)
        for figure in topic.figures:
            st.caption(figure_caption(figure))
        st.page_link(topic.page, label=topic.link, icon=":material/arrow_forward:")


def risks_from_table(table: pd.DataFrame) -> tuple[list[Risk], list[str]]:
    """The complete rows of the editor as risks, and a plain sentence for each row that cannot be one yet."""
    risks, problems = [], []
    for number, cells in enumerate(table.to_dict("records"), start=1):
        try:
            risk = risk_from_cells(cells, where=f"Row {number}")
        except RiskRegisterError as error:
            problems.append(str(error))
            continue
        if risk is not None:  # an empty row the person added and has not filled yet
            risks.append(risk)
    return risks, problems


def _table(risks: tuple[Risk, ...] | list[Risk]) -> pd.DataFrame:
    return pd.DataFrame([asdict(risk) for risk in risks], columns=list(HEADERS))


def load_upload(data: bytes) -> str | None:
    """Replace the register with the risks in an uploaded CSV (read in memory); the error in plain words, or None."""
    try:
        risks = from_csv(data)
    except RiskRegisterError as error:
        return str(error)
    st.session_state[REGISTER] = _table(risks)
    st.session_state.pop(EDITOR, None)  # the edits were made on the table this file replaces
    return None


def _scale(words: dict[int, str]) -> str:
    return ", ".join(f"{number} {word}" for number, word in words.items())


def _editor(table: pd.DataFrame) -> pd.DataFrame:
    """The register as an editable table; clicking its empty last line adds a row."""
    text = st.column_config.TextColumn
    level = st.column_config.NumberColumn
    return st.data_editor(
        table,
        num_rows="dynamic",
        hide_index=True,
        key=EDITOR,
        column_config={
            "use_case": text(HEADERS["use_case"], help="What the model is used for, and by whom.", width="small"),
            "risk": text(HEADERS["risk"], help="What could go wrong, in a few words.", required=True, width="medium"),
            "who_is_affected": text(HEADERS["who_is_affected"], help="The people who would bear it.", width="small"),
            "likelihood": level(HEADERS["likelihood"], help=_scale(LIKELIHOOD), min_value=1, max_value=5, step=1),
            "severity": level(HEADERS["severity"], help=_scale(SEVERITY), min_value=1, max_value=5, step=1),
            "mitigation": text(
                HEADERS["mitigation"], help="What you will do to make it less likely or less harmful.", width="medium"
            ),
            "owner": text(HEADERS["owner"], help="Who makes sure the mitigation happens (optional).", width="small"),
        },
    )


def _ranking(risks: list[Risk]) -> None:
    """The risks from highest score to lowest: the order to discuss them in."""
    ranked = sorted(risks, key=lambda risk: risk.score, reverse=True)
    st.dataframe(
        pd.DataFrame(
            [{"Score": r.score, "Level": r.level, "Risk": r.risk, "Who is affected": r.who_is_affected} for r in ranked]
        ),
        column_config={
            "Score": st.column_config.ProgressColumn(
                "Score (1-25)", help="Likelihood x severity", min_value=0, max_value=25, format="%d"
            )
        },
        hide_index=True,
        key="impact_register_ranking",
    )
    st.caption(
        "Score = likelihood × severity, from 1 (rare and negligible) to 25 (almost certain and severe): 1-4 low, "
        "5-9 medium, 10-16 high, 20-25 very high. The bands are a common convention, not a standard: what matters "
        "is that the group discusses the highest risks first and agrees who acts on them."
    )


def register_ui() -> None:
    """Fill in, rank, download and load back a risk register."""
    if REGISTER not in st.session_state:
        st.session_state[REGISTER] = _table(impact_content().examples)
    table_area = st.container()
    download_area, upload_area = st.columns(2)
    uploaded = upload_area.file_uploader(
        "Load a register saved earlier (CSV)", type="csv", max_upload_size=1, key="impact_upload"
    )
    if uploaded is not None and st.session_state.get(LOADED) != uploaded.file_id:
        error = load_upload(uploaded.getvalue())
        if error:
            upload_area.error(f"{uploaded.name} was not loaded, and the register is unchanged. {error}")
        else:
            st.session_state[LOADED] = uploaded.file_id
            upload_area.success(f"Loaded the register from {uploaded.name}.")
    with table_area:
        risks, problems = risks_from_table(_editor(st.session_state[REGISTER]))
        for problem in problems:
            st.error(f"{problem} Until then the row is left out of the ranking and the download.")
        if risks:
            _ranking(risks)
    download_area.download_button(
        "Download the register (CSV)",
        data=to_csv(risks),
        file_name="risk_register.csv",
        mime="text/csv",
        on_click="ignore",
        disabled=not risks,
        key="impact_register_download",
    )


def principles_ui() -> None:
    """Each principle in a sentence, and three things it looks like in practice; two to a row."""
    principles = impact_content().principles
    # A row of columns per pair, not two long columns: a narrow screen stacks them and keeps the reading order.
    for start in range(0, len(principles), 2):
        for column, principle in zip(st.columns(2), principles[start : start + 2], strict=False):
            with column:
                st.subheader(principle.name)
                st.write(principle.summary)
                st.markdown("\n".join(f"- {item}" for item in principle.practice))


def jobs_ui() -> None:
    """Which tasks models take over or help with, which roles grow, which skills to learn, with the figures."""
    jobs = impact_content().jobs
    automated, assisted = st.columns(2)
    automated.subheader("Tasks models take over")
    automated.markdown("\n".join(f"- {task}" for task in jobs.automated))
    assisted.subheader("Tasks models help people with")
    assisted.markdown("\n".join(f"- {task}" for task in jobs.assisted))
    st.subheader("Roles that grow")
    st.markdown("\n".join(f"- **{role}**: {line}" for role, line in jobs.roles))
    st.subheader("Skills to learn")
    st.markdown("\n".join(f"- {skill}" for skill in jobs.skills))
    for figure in jobs.figures:
        st.caption(figure_caption(figure))
