"""A page's main settings in its address (`?dataset=compas&arch=cnn`), so a teacher can send a link that opens the
same view.

A widget bound here gets its starting value from the address on the session's first visit (or its default) through
st.session_state, never through the widget's own `value`/`index`/`default`: Streamlit warns when both set it. The
widget is then created with `key=` only, and `remember` writes its value back to the address on every run, leaving
defaults out so that a plain link stays plain.
"""

from collections.abc import Callable

import streamlit as st


def start(key: str, default, *, parse: Callable[[str], object] = str, allowed=None) -> None:
    """Give the widget `key` its first value: the address's `?key=` when it parses (and is allowed), else `default`."""
    if key in st.session_state:
        return
    value = default
    if (written := st.query_params.get(key)) is not None:
        try:
            value = parse(written)
        except ValueError:  # a mangled link opens the page as usual
            value = default
        if allowed is not None and value not in allowed:
            value = default
    st.session_state[key] = value


def start_list(key: str, default: list, *, allowed, parse: Callable[[str], object] = str) -> None:
    """The same for a multiselect: `?key=a,b` gives [parse('a'), parse('b')], keeping only allowed values."""
    if key in st.session_state:
        return
    chosen = []
    for written in (st.query_params.get(key) or "").split(","):
        try:
            value = parse(written)
        except ValueError:  # a mangled item is left out
            continue
        if value in allowed:
            chosen.append(value)
    st.session_state[key] = chosen or list(default)


def remember(key: str, default) -> None:
    """Write the widget's current value into the address, or take it out when it is the default."""
    value = st.session_state.get(key)
    if value is None or value == default:
        st.query_params.pop(key, None)
    elif isinstance(value, list):
        st.query_params[key] = ",".join(str(item) for item in value)
    else:
        st.query_params[key] = str(value)
