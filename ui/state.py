"""Every st.session_state key the app uses, in one place, and the person's anonymous owner id."""

import uuid

import streamlit as st

LANG = "lang"  # "en" or "zh", the sidebar's language choice (ui.i18n); also `?lang=zh` in the address
PRESENT = "present"  # presenter mode, the sidebar switch (ui.presenter); also `?present=1` in the address
SEED = "seed"  # the shared sidebar seed (a widget key, rendered by app.py on every page)
OWNER = "owner_id"  # an anonymous id for this browser session: whose jobs are whose
NICKNAME = "nickname"  # the name this session shows on the class board (a widget key, in app.py's sidebar)
GENERATED_NICKNAME = "generated_nickname"  # the nickname made up for this session (generated_nickname below)
JOBS = "train_jobs"  # job ids this session submitted and has not yet collected
RESULTS = "train_results"  # run ids in this session's comparison, oldest first
NOTICE = "train_notice"  # a message to show once after a rerun ("answered from an earlier run")
# Pages that train keep their jobs under "<page>_jobs" and a failure message under "<page>_notice" (ui.progress).


def owner_id() -> str:
    """This session's anonymous id, created on first use (no personal data)."""
    if OWNER not in st.session_state:
        st.session_state[OWNER] = uuid.uuid4().hex
    return st.session_state[OWNER]


def generated_nickname() -> str:
    """The nickname made up for this session, once, in the language the session opened in (no personal data)."""
    from lab.board import generate_nickname  # light: the word lists only
    from ui.i18n import chinese  # ui.i18n reads this module's keys

    if GENERATED_NICKNAME not in st.session_state:
        st.session_state[GENERATED_NICKNAME] = generate_nickname(owner_id(), chinese=chinese())
    return st.session_state[GENERATED_NICKNAME]


def seed() -> int:
    return int(st.session_state.get(SEED, 0))
