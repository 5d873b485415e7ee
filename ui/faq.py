"""The FAQ & glossary page's parts: questions as expanders, a glossary with a search box. Texts: assets/faq.toml,
in Chinese from assets/i18n/zh/faq.toml."""

import tomllib
from dataclasses import dataclass
from functools import cache

import streamlit as st

from ui import url_state
from ui.content import ASSETS
from ui.i18n import chinese, t

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
    comma, semicolon = ("，", "；") if chinese() else (", ", "; ")  # Chinese sets a list apart with wide marks
    works = semicolon.join(f"{t(c.source)}{comma}{c.year}" for c in sources)
    return t("Source: {works}.", works=works) if len(sources) == 1 else t("Sources: {works}.", works=works)


def translated(term: Term) -> Term:
    """The term and its definition in this session's language."""
    return Term(t(term.term), t(term.definition), term.sources)


def matching_terms(glossary: tuple[Term, ...], query: str, *, english: tuple[Term, ...] = ()) -> list[Term]:
    """The terms whose name or definition contains the query, ignoring case; all of them for an empty query.

    Parameters
    ----------
    glossary : the terms as shown.
    query : what the person typed.
    english : the same terms in English, when the glossary is shown translated: a term is also found by its
        English name ("epoch"), which readers meet in other texts.
    """
    words = query.strip().casefold()
    names = [term.term for term in english or glossary]
    return [
        term
        for term, name in zip(glossary, names, strict=True)
        if words in term.term.casefold() or words in term.definition.casefold() or words in name.casefold()
    ]


def faq_ui() -> None:
    """Each question as an expander: its answer, and where its figures come from."""
    for question in faq_content().questions:
        with st.expander(t(question.question)):
            st.markdown(t(question.answer))
            if question.sources:
                st.caption(sources_line(question.sources))


def glossary_ui() -> None:
    """The glossary, filtered by what the person types."""
    english = faq_content().glossary
    glossary = tuple(translated(term) for term in english)
    url_state.start("faq_search", "")  # a link can open the glossary searched: ?faq_search=privacy
    query = st.text_input(t("Search the glossary"), key="faq_search", placeholder=t("a word, such as privacy or token"))
    url_state.remember("faq_search", "")
    terms = matching_terms(glossary, query, english=english)
    if not terms:
        st.info(
            t("No term or definition contains “{query}”. Try a shorter word, or clear the search.", query=query.strip())
        )
        return
    if query.strip():
        st.caption(
            t("{n} of the {total} terms contain “{query}”.", n=len(terms), total=len(glossary), query=query.strip())
        )
    for term in terms:
        st.markdown(t("**{term}**: {definition}", term=term.term, definition=term.definition))
        if term.sources:
            st.caption(sources_line(term.sources))
