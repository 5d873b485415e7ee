"""The Class board's parts: the person's nickname, the table, the best trade-offs, the chart, the teacher area.

A nickname is whatever a student typed, so it is only ever shown as text: data in a table, escaped in Markdown and
in the chart's labels, never with unsafe_allow_html.
"""

import hmac
import html
import os
import re
from functools import cache

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lab.board import BoardRow, SortKey, board_csv, board_rows, nickname_problem
from lab.data import DATASETS
from lab.privacy import HIGH_AUC, LOW_AUC
from lab.store import RunStore
from ui import state
from ui.charts import PALETTE, with_edges
from ui.compare import finished_when, run_label
from ui.i18n import number, t
from ui.plain import energy_amount

BOARD_LIMIT = 2000  # rows read from the store: a full class term, and still one quick query
SORTS: dict[SortKey, str] = {  # shown through t()
    "accuracy": "Accuracy (most accurate first)",
    "cost": "Cost (least energy first)",
    "fairness": "Fairness gap (smallest first)",
    "privacy": "Privacy risk (lowest first)",
    "tradeoff": "Best trade-off (the Pareto front)",
}
COMMAND_LINE = "— (command line)"  # a run no session put on the board; shown through t()
PASSWORD_ENV = "AIL_TEACHER_PASSWORD"
# Every ASCII punctuation character: CommonMark lets a backslash escape each one, so the text shows as typed.
MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
COLUMNS = {  # keyed by the English column names: board_table names its columns in the session's language
    "Accuracy (%)": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f%%"),
    "Training time (s)": st.column_config.NumberColumn(format="%.2f"),
    "Energy (Wh, estimate)": st.column_config.NumberColumn(format="%.4f"),
    "CO2 (g, estimate)": st.column_config.NumberColumn(format="%.4f"),
    "Training FLOPs (estimate)": st.column_config.NumberColumn(format="scientific"),
    "Largest fairness gap (points)": st.column_config.NumberColumn(format="%.1f"),
    "Privacy attack AUC (0.5 = guessing)": st.column_config.NumberColumn(format="%.3f"),
    "Best trade-off": st.column_config.CheckboxColumn(),
}


def escape_markdown(text: str) -> str:
    """Text that Markdown shows exactly as written: no link, no emphasis, no HTML."""
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def current_nickname() -> str:
    """This session's nickname on the board: what the person typed when it is valid, else their generated one."""
    typed = st.session_state.get(state.NICKNAME)
    if typed is None or nickname_problem(typed) is not None:
        return state.generated_nickname()
    return typed.strip()


def nickname_note_ui() -> None:
    """How this person appears on the board, and where to change it."""
    st.markdown(
        t(
            "You appear on the board as **{nickname}**. Change your nickname in the sidebar: a made-up one, never "
            "your real name.",
            nickname=escape_markdown(current_nickname()),
        )
    )


def rows_ui(store: RunStore) -> tuple[BoardRow, ...]:
    """The board's rows, read again only when the board has changed."""
    return _rows(store, store.url, store.board_version())


@st.cache_resource(max_entries=2, show_spinner=False)
def _rows(_store: RunStore, url: str, version: tuple) -> tuple[BoardRow, ...]:
    """Shared by every session: a class whose pages poll every few seconds reads and parses the board once a change."""
    return tuple(board_rows(_store.board(BOARD_LIMIT)))


def runs(count: int) -> str:
    """'1 run', '12 runs'."""
    return t("1 run") if count == 1 else t("{count} runs", count=number(count))


def summary_ui(rows: tuple[BoardRow, ...]) -> None:
    """How many runs, people and datasets, each with its sentence."""
    people = {row.nickname for row in rows if row.nickname is not None}
    run_column, nickname_column, dataset_column = st.columns(3)
    run_column.metric(t("Runs on the board"), number(len(rows)))
    nickname_column.metric(t("Nicknames"), len(people))
    dataset_column.metric(t("Datasets"), len({row.spec.dataset for row in rows}))
    st.caption(
        t(
            "Runs: every model the class trained (one trained by two people with the same settings counts once for "
            "each). Nicknames: the people who trained them, each by the name they chose. Datasets: the data they "
            "learned from; accuracy is only compared on the same data. At most the newest {limit} runs are shown.",
            limit=number(BOARD_LIMIT),
        )
    )


def attribute_words(attribute: str | None) -> str | None:
    """'sex × race' in the session's language, each attribute translated on its own."""
    return None if attribute is None else " × ".join(t(part) for part in attribute.split(" × "))


def board_table(rows: list[BoardRow]) -> pd.DataFrame:
    """One row per run, every figure with its unit in the column name; the nickname is data, shown as typed."""
    word = cache(t)  # a class's board repeats a few words a thousand times: each is looked up once
    table = pd.DataFrame(
        [
            {
                "Nickname": word(COMMAND_LINE) if row.nickname is None else row.nickname,
                "Run": run_label(row.result),
                "Data": word(DATASETS[row.spec.dataset].title),
                "Accuracy (%)": row.accuracy * 100,
                "Training time (s)": row.result.cost.train_seconds,
                "Energy (Wh, estimate)": row.energy_wh,
                "CO2 (g, estimate)": row.result.cost.co2_g,
                "Training FLOPs (estimate)": float(row.result.cost.train_flops),
                "Largest fairness gap (points)": None if row.fairness_gap is None else row.fairness_gap * 100,
                "Gap between groups of": attribute_words(row.fairness_attribute),
                "Privacy attack AUC (0.5 = guessing)": row.privacy_auc,
                "Privacy risk": None if row.privacy_risk is None else word(row.privacy_risk),
                "Best trade-off": row.on_front,
                "Finished": finished_when(row.result),
            }
            for row in rows
        ]
    )
    return table.rename(columns=word)


def table_ui(rows: list[BoardRow]) -> None:
    """The sorted table, with what its columns mean."""
    columns = {t(name): config for name, config in COLUMNS.items()}
    st.dataframe(board_table(rows), hide_index=True, column_config=columns, key="board_table")
    st.caption(
        t(
            "Accuracy: share of test examples the model got right. Energy and CO2 are estimates unless a power "
            "sensor was read. Fairness gap: the largest difference, in percentage points, between two groups of "
            "people in how often the model says yes (empty: the data has no groups). Privacy attack AUC: how well an "
            "attacker tells who was in the training data (0.5 is guessing; low risk below {low}, high from {high}).",
            low=LOW_AUC,
            high=HIGH_AUC,
        )
    )


def tradeoff_ui(rows: tuple[BoardRow, ...]) -> None:
    """The runs on the best trade-off front, and what a trade-off means."""
    st.info(
        t(
            "A trade-off: more accuracy usually costs more energy, and the most accurate model is not always the "
            "fairest or the one that leaks least. A run is on the best trade-off front (the Pareto front) when no "
            "other run on the same data is at least as good on all four counts (accuracy, energy, fairness gap, "
            "privacy risk) and better on one. Every run on it is a sensible choice; which one is best depends on what "
            "matters most to you. A run without a fairness or privacy figure counts as the worst on that count."
        ),
        icon=":material/balance:",
    )
    front = [row for row in rows if row.on_front]
    table_ui(sorted(front, key=lambda r: (r.spec.dataset, -r.accuracy)))


def chart_ui(rows: tuple[BoardRow, ...]) -> None:
    """Accuracy against energy on one dataset, the front in its own colour, and the chart in words beside it."""
    counts = pd.Series([row.spec.dataset for row in rows]).value_counts()
    dataset = st.selectbox(
        t("Data for the chart"),
        list(counts.index),
        format_func={name: t(DATASETS[name].title) for name in counts.index}.get,
        key="board_chart_dataset",
    )
    shown = [row for row in rows if row.spec.dataset == dataset]
    chart, words = st.columns([3, 2])
    chart.plotly_chart(with_edges(board_figure(shown)), key="board_chart")
    words.markdown(chart_summary(shown))  # the chart's text summary sits beside it


def _hover(row: BoardRow) -> str:
    """A point's label: plotly reads a few HTML tags in labels, so the nickname is escaped to stay text."""
    return f"{html.escape(row.nickname or t(COMMAND_LINE))} · {html.escape(run_label(row.result))}"


def board_figure(rows: list[BoardRow]) -> go.Figure:
    """One point per run: accuracy against energy (log scale), the best trade-offs in orange."""
    figure = go.Figure()
    for on_front, name, colour in ((False, t("other runs"), PALETTE[0]), (True, t("best trade-offs"), PALETTE[1])):
        group = [row for row in rows if row.on_front == on_front]
        figure.add_scatter(
            x=[max(row.energy_wh, 1e-9) for row in group],  # a log axis has no 0
            y=[row.accuracy * 100 for row in group],
            mode="markers",
            name=name,
            hovertext=[_hover(row) for row in group],
            hoverinfo="text+x+y",
            marker=dict(size=10, color=colour, opacity=0.9 if on_front else 0.5),
        )
    figure.update_layout(
        title=t("Accuracy against energy: up and to the left is better"),
        height=380,
        margin=dict(l=10, r=10, t=50, b=10),
        legend=dict(orientation="h", y=-0.25),
        template="plotly_white",
        xaxis=dict(title=t("Energy to train (Wh, estimate, log scale)"), type="log"),
        yaxis=dict(title=t("Test accuracy (%)")),
    )
    return figure


def chart_summary(rows: list[BoardRow]) -> str:
    """The chart in sentences, for those who cannot or do not look at it; nicknames escaped."""
    best = max(rows, key=lambda r: r.accuracy)
    cheapest = min(rows, key=lambda r: r.energy_wh)
    front = sum(row.on_front for row in rows)

    def who(row: BoardRow) -> str:
        return escape_markdown(row.nickname or t(COMMAND_LINE))

    return "\n\n".join(
        (
            t("{runs} on {data}.", runs=runs(len(rows)), data=t(DATASETS[best.spec.dataset].title)),
            t(
                "Most accurate: {accuracy:.1%}, by {who} ({run}), using {energy} to train (an estimate).",
                accuracy=best.accuracy,
                who=who(best),
                run=escape_markdown(run_label(best.result)),
                energy=energy_amount(best.result.cost.energy_kwh),
            ),
            t(
                "Least energy: {energy} (an estimate), by {who}, {accuracy:.1%} accurate.",
                energy=energy_amount(cheapest.result.cost.energy_kwh),
                who=who(cheapest),
                accuracy=cheapest.accuracy,
            ),
            t(
                "Best trade-offs (orange): {front} of them. No other run here beats one of them on one count without "
                "losing on another.",
                front=front,
            ),
        )
    )


def teacher_password() -> str | None:
    """The teacher's password: `teacher_password` in st.secrets, else the AIL_TEACHER_PASSWORD variable; None: unset."""
    try:
        configured = st.secrets.get("teacher_password")
    except FileNotFoundError:  # no secrets file at all: st.secrets raises instead of answering None
        configured = None
    return str(configured) if configured else os.environ.get(PASSWORD_ENV) or None


def teacher_ui(store: RunStore) -> None:
    """Clear the board, hide a nickname, download every run: only with the right password, and only when one is set."""
    password = teacher_password()
    if password is None:
        return
    with st.expander(t("Teacher"), icon=":material/lock:"):
        typed = st.text_input(t("Teacher password"), type="password", key="board_teacher_password")
        if not typed:
            st.caption(t("Enter the teacher password to clear the board, hide a nickname or download every run."))
            return
        if not hmac.compare_digest(typed.encode(), password.encode()):
            st.error(t("That is not the teacher password. Nothing was changed."))
            return
        if notice := st.session_state.pop("board_notice", None):
            st.success(notice)
        _download_ui(store)
        _hide_ui(store)
        _clear_ui(store)


def _download_ui(store: RunStore) -> None:
    st.download_button(
        t("Download every run on the board (CSV)"),
        # built when clicked, with the hidden nicknames' runs too (marked in the `hidden` column)
        data=lambda: board_csv(board_rows(store.board(BOARD_LIMIT, include_hidden=True))),
        file_name="class_board.csv",
        mime="text/csv",
        on_click="ignore",
        key="board_download",
    )


def _hide_ui(store: RunStore) -> None:
    nicknames = sorted({row.nickname for row in rows_ui(store) if row.nickname is not None})
    if not nicknames:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox(t("Hide a nickname and all its runs"), nicknames, key="board_hide_choice")
    right.button(t("Hide"), key="board_hide", on_click=_hide, args=(store,))


def _hide(store: RunStore) -> None:
    """A callback, so that the board drawn next already leaves the nickname out."""
    nickname = st.session_state["board_hide_choice"]  # the choice as it is at the click
    hidden = store.hide_nickname(nickname)
    st.session_state["board_notice"] = t(
        "Hidden: {runs} of {nickname}. Runs it brings later stay hidden too.",
        runs=runs(hidden),
        nickname=escape_markdown(nickname),
    )


def _clear_ui(store: RunStore) -> None:
    confirmed = st.checkbox(t("Yes, clear the board for everyone"), key="board_clear_confirm")
    st.button(
        t("Clear the board"), key="board_clear", disabled=not confirmed, type="primary", on_click=_clear, args=(store,)
    )
    st.caption(t("Download the CSV first if you want to keep this class's runs."))


def _clear(store: RunStore) -> None:
    """A callback: the board drawn next is empty, and the confirmation is asked again before another clear."""
    store.clear_board()
    st.session_state["board_clear_confirm"] = False
    st.session_state["board_notice"] = t(
        "The board was cleared: runs trained from now on appear. Earlier runs stay stored, so the same settings "
        "are still answered at once, and come back on the board for whoever trains them again."
    )


def summary_downloads_ui(rows: tuple[BoardRow, ...]) -> None:
    """The class on one page to take away; a run trained by several sessions is named by the first of them."""
    from ui.report import board_summary_downloads_ui

    results = {row.result.run_id: row.result for row in rows}
    nicknames: dict[str, str] = {}
    for row in rows:
        if row.nickname is not None:
            nicknames.setdefault(row.result.run_id, row.nickname)
    board_summary_downloads_ui(list(results.values()), nicknames)
