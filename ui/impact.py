"""The Impact page's parts: benefits, risks and challenges tied to this app's pages, a risk register a group fills in
and takes away as CSV, the four responsibility principles, jobs and skills. The texts live in assets/impact.toml, in
English; their Chinese is in assets/i18n/zh/impact.toml. The CSV keeps its English headers: the upload reads them."""

import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
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
from ui.i18n import t, t_message

IMPACT_PATH = ASSETS / "impact.toml"
Kind = Literal["benefit", "risk", "challenge"]

REGISTER = "impact_register_rows"  # the table the editor starts from: the examples, or the last file loaded
LOADED = "impact_register_loaded"  # the id of the upload already applied, so a rerun does not apply it again
EDITOR = "impact_register_editor"  # the editor's own record of the edits made on top of REGISTER
TAB = "impact_tab"  # the open tab, kept in the address by its name: ?impact_tab=register
TABS = {
    "topics": "Benefits and risks",
    "register": "Your risk register",
    "principles": "Responsible AI",
    "jobs": "Jobs and skills",
}
TEXT_FIELDS = ("use_case", "risk", "who_is_affected", "mitigation", "owner")  # a Risk's fields written in words


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
    return t("{figure} Source: {source}, {year}.", figure=t(figure.text), source=t(figure.source), year=figure.year)


def tabs_ui() -> Sequence:
    """The page's four tabs; the open one is in the address (`?impact_tab=register`), so a link can open it."""
    labels = {name: t(label) for name, label in TABS.items()}
    # The tabs' value is their label, which changes with the language: the address keeps the tab's name instead.
    if st.session_state.get(TAB) not in labels.values():  # a first visit, or the language was just switched
        st.session_state[TAB] = labels.get(st.query_params.get(TAB, ""), labels["topics"])
    tabs = st.tabs(list(labels.values()), key=TAB, on_change="rerun")
    opened = next(name for name, label in labels.items() if label == st.session_state[TAB])
    if opened == "topics":  # the default: a plain link stays plain
        st.query_params.pop(TAB, None)
    else:
        st.query_params[TAB] = opened
    return tabs


def topics_ui(kind: Kind) -> None:
    """Each topic of one kind: what it means for people, the outside figures on it, and where to see it here."""
    for topic in (topic for topic in impact_content().topics if topic.kind == kind):
        st.subheader(t(topic.title))
        st.write(t(topic.text))
        for figure in topic.figures:
            st.caption(figure_caption(figure))
        st.page_link(topic.page, label=t(topic.link), icon=":material/arrow_forward:")


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


def _in_language(example: Risk) -> Risk:
    """An example row with its words in this session's language (rows a group writes stay as they wrote them)."""
    return replace(example, **{name: t(getattr(example, name)) for name in TEXT_FIELDS if getattr(example, name)})


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
    """The register as an editable table (clicking its empty last line adds a row); the edited table, by field name."""
    # The editor shows its table's column names as headers, so they are renamed to this session's language and back.
    shown = {name: t(header) for name, header in HEADERS.items()}
    text = st.column_config.TextColumn
    level = st.column_config.NumberColumn
    edited = st.data_editor(
        table.rename(columns=shown),
        num_rows="dynamic",
        hide_index=True,
        key=EDITOR,
        column_config={
            shown["use_case"]: text(help=t("What the model is used for, and by whom."), width="small"),
            shown["risk"]: text(help=t("What could go wrong, in a few words."), required=True, width="medium"),
            shown["who_is_affected"]: text(help=t("The people who would bear it."), width="small"),
            shown["likelihood"]: level(help=t(_scale(LIKELIHOOD)), min_value=1, max_value=5, step=1),
            shown["severity"]: level(help=t(_scale(SEVERITY)), min_value=1, max_value=5, step=1),
            shown["mitigation"]: text(
                help=t("What you will do to make it less likely or less harmful."), width="medium"
            ),
            shown["owner"]: text(help=t("Who makes sure the mitigation happens (optional)."), width="small"),
        },
    )
    return edited.rename(columns={header: name for name, header in shown.items()})


def _ranking(risks: list[Risk]) -> None:
    """The risks from highest score to lowest: the order to discuss them in."""
    ranked = sorted(risks, key=lambda risk: risk.score, reverse=True)
    score, level, risk, who = t("Score"), t("Level"), t(HEADERS["risk"]), t(HEADERS["who_is_affected"])
    st.dataframe(
        pd.DataFrame([{score: r.score, level: t(r.level), risk: r.risk, who: r.who_is_affected} for r in ranked]),
        column_config={
            score: st.column_config.ProgressColumn(
                t("Score (1-25)"), help=t("Likelihood x severity"), min_value=0, max_value=25, format="%d"
            )
        },
        hide_index=True,
        key="impact_register_ranking",
    )
    st.caption(
        t(
            "Score = likelihood × severity, from 1 (rare and negligible) to 25 (almost certain and severe): 1-4 low, "
            "5-9 medium, 10-16 high, 20-25 very high. The bands are a common convention, not a standard: what "
            "matters is that the group discusses the highest risks first and agrees who acts on them."
        )
    )


def register_ui() -> None:
    """Fill in, rank, download and load back a risk register."""
    if REGISTER not in st.session_state:
        st.session_state[REGISTER] = _table([_in_language(example) for example in impact_content().examples])
    table_area = st.container()
    download_area, upload_area = st.columns(2)
    uploaded = upload_area.file_uploader(
        t("Load a register saved earlier (CSV)"), type="csv", max_upload_size=1, key="impact_upload"
    )
    if uploaded is not None and st.session_state.get(LOADED) != uploaded.file_id:
        error = load_upload(uploaded.getvalue())
        if error:
            upload_area.error(
                t(
                    "{name} was not loaded, and the register is unchanged. {error}",
                    name=uploaded.name,
                    error=t_message(error, value_words=str),  # the file's column names stay English, as it has them
                )
            )
        else:
            st.session_state[LOADED] = uploaded.file_id
            upload_area.success(t("Loaded the register from {name}.", name=uploaded.name))
    with table_area:
        risks, problems = risks_from_table(_editor(st.session_state[REGISTER]))
        for problem in problems:
            st.error(
                t(
                    "{problem} Until then the row is left out of the ranking and the download.",
                    problem=t_message(problem),
                )
            )
        if risks:
            _ranking(risks)
    download_area.download_button(
        t("Download the register (CSV)"),
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
                st.subheader(t(principle.name))
                st.write(t(principle.summary))
                st.markdown("\n".join(f"- {t(item)}" for item in principle.practice))


def jobs_ui() -> None:
    """Which tasks models take over or help with, which roles grow, which skills to learn, with the figures."""
    jobs = impact_content().jobs
    automated, assisted = st.columns(2)
    automated.subheader(t("Tasks models take over"))
    automated.markdown("\n".join(f"- {t(task)}" for task in jobs.automated))
    assisted.subheader(t("Tasks models help people with"))
    assisted.markdown("\n".join(f"- {t(task)}" for task in jobs.assisted))
    st.subheader(t("Roles that grow"))
    st.markdown("\n".join("- " + t("**{role}**: {line}", role=t(role), line=t(line)) for role, line in jobs.roles))
    st.subheader(t("Skills to learn"))
    st.markdown("\n".join(f"- {t(skill)}" for skill in jobs.skills))
    for figure in jobs.figures:
        st.caption(figure_caption(figure))
