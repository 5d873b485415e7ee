"""The FAQ & glossary page's parts: questions as expanders, a glossary with a search box. Texts: assets/faq.toml."""

import tomllib
from dataclasses import dataclass
from functools import cache

import streamlit as st

from ui.content import ASSETS

FAQ_PATH = ASSETS / "faq.toml"


@dataclass(frozen=True)
class Citation:
    source: str  # authors, title, where it was published
    year: int


@dataclass(frozen=True)
class Question:
    question: str
    answer: str  # Markdown
    sources: tuple[Citation, ...]  # empty for an answer that quotes no outside figure or finding


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    sources: tuple[Citation, ...]


@dataclass(frozen=True)
class FaqContent:
    questions: tuple[Question, ...]
    glossary: tuple[Term, ...]  # in alphabetical order


def _citations(raw: list[dict]) -> tuple[Citation, ...]:
    return tuple(Citation(c["source"], c["year"]) for c in raw)


@cache
def faq_content() -> FaqContent:
    """The questions and the glossary from assets/faq.toml, read once per server."""
    with FAQ_PATH.open("rb") as file:
        raw = tomllib.load(file)
    questions = tuple(Question(q["question"], q["answer"].strip(), _citations(q["sources"])) for q in raw["faq"])
    terms = (Term(t["term"], t["definition"].strip(), _citations(t["sources"])) for t in raw["glossary"])
    return FaqContent(questions, tuple(sorted(terms, key=lambda t: t.term.lower())))


def sources_line(sources: tuple[Citation, ...]) -> str:
    """'Sources: T. Brown et al., "Language Models are Few-Shot Learners", NeurIPS, 2020.'"""
    label = "Source" if len(sources) == 1 else "Sources"
    return f"{label}: " + "; ".join(f"{c.source}, {c.year}" for c in sources) + "."


def matching_terms(glossary: tuple[Term, ...], query: str) -> list[Term]:
    """The terms whose name or definition contains the query, ignoring case; all of them for an empty query."""
    words = query.strip().casefold()
    return [t for t in glossary if words in t.term.casefold() or words in t.definition.casefold()]


def faq_ui() -> None:
    """Each question as an expander: its answer, and where its figures come from."""
    for question in faq_content().questions:
        with st.expander(question.question):
            st.markdown(question.answer)
            if question.sources:
                st.caption(sources_line(question.sources))


def glossary_ui() -> None:
    """The glossary, filtered by what the person types."""
    glossary = faq_content().glossary
    query = st.text_input("Search the glossary", key="faq_search", placeholder="a word, such as privacy or token")
    terms = matching_terms(glossary, query)
    if not terms:
        st.info(f"No term or definition contains “{query.strip()}”. Try a shorter word, or clear the search.")
        return
    if query.strip():
        st.caption(f"{len(terms)} of the {len(glossary)} terms contain “{query.strip()}”.")
    for term in terms:
        st.markdown(f"**{term.term}**: {term.definition}")
        if term.sources:
            st.caption(sources_line(term.sources))
