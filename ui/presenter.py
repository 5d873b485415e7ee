"""Presenter mode: large type and charts for a projector, and a guided tour through the pages, one step at a time.

It is switched on in the sidebar or by a link ending in `?present=1`, so a teacher can open the room's screen
straight into it. The switch is kept in the page's address, so a link copied while presenting presents too.
"""

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ui.i18n import t
from ui.state import PRESENT

# Streamlit sizes its text in rem: a larger root font scales every heading, label and table at once. Plotly
# charts set their own pixel sizes, so they are zoomed as a whole (hover still lands where the pointer is).
LARGE = """
<style>
html { font-size: 22px; }
[data-testid="stPlotlyChart"] { zoom: 1.2; }
</style>
"""


def switch_ui() -> bool:
    """The sidebar switch, started from `?present=1` on the first run of a session; True while presenting."""
    if PRESENT not in st.session_state:
        st.session_state[PRESENT] = st.query_params.get("present") == "1"
    on = st.toggle(
        t("Presenter mode"), key=PRESENT, help=t("Large type and charts for a projector, and a guided tour.")
    )
    if on:
        st.query_params["present"] = "1"
    else:
        st.query_params.pop("present", None)
    return on


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT, False))


def details():
    """Where a page puts its technical controls: folded under "Details" while presenting, else in the open."""
    return st.expander(t("Details"), icon=":material/tune:") if presenting() else st.container()


def large_type() -> None:
    """Make every page of this session readable from the back of a classroom."""
    st.html(LARGE)


def tour_ui(tour: list[StreamlitPage], current: StreamlitPage) -> None:
    """'Step 3 of 11: Train & Compare' with links to the pages before and after `current` in the menu's order.

    The menu is ordered as a lesson tells the story: what models are, how they are trained and tried, whom
    they treat unfairly, what they leak and cost, then the class's results and what it all means for people.
    """
    step = next(i for i, page in enumerate(tour) if page.url_path == current.url_path)
    where, back, forward = st.columns([4, 1, 1], vertical_alignment="center")
    where.caption(t("Guided tour: step {step} of {steps}: {page}", step=step + 1, steps=len(tour), page=current.title))
    if step > 0:
        back.page_link(tour[step - 1], label=t("Previous"), icon=":material/arrow_back:")
    if step < len(tour) - 1:
        forward.page_link(tour[step + 1], label=t("Next"), icon=":material/arrow_forward:")
