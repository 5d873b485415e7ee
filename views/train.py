"""Train & Compare: pick data and models, train them away from the page, compare them on scorecards."""

import streamlit as st

from lab.data import DATASETS
from lab.jobs import QueueFull
from lab.spec import SpecError
from ui import plain, state
from ui.charts import COST_AXES, history_figure, show, tradeoff_figure
from ui.compare import column_formats, comparison_summary, comparison_table, finished_when, run_label, spec_title
from ui.forms import spec_form_ui
from ui.i18n import t
from ui.progress import Notice, history_summary, job_progress_ui, record_on_board, show_notice
from ui.scorecard import scorecard
from ui.services import job_runner, run_store

st.title(t("Train & Compare"))
st.write(
    t(
        "Choose a dataset and one or more models, press **Train**, and compare what each model gets right "
        "against what it costs. Training runs on the server, so you can click around while it works."
    )
)

specs = spec_form_ui(seed=state.seed())
jobs: list[str] = st.session_state.setdefault(state.JOBS, [])
results: list[str] = st.session_state.setdefault(state.RESULTS, [])
notices: list[Notice] = st.session_state.setdefault(state.NOTICE, [])

if st.button(t("Train"), key="train_start", type="primary", icon=":material/play_arrow:", disabled=not specs):
    notices.clear()
    for spec in specs:
        try:
            jobs.append(job_runner().submit(spec, owner=state.owner_id()))
        except (SpecError, QueueFull) as problem:
            notices.append(Notice(str(problem)))
for notice in notices:
    show_notice(notice)


def collect(job_id: str) -> None:
    """Move a finished job out of the running list: into the comparison, or into a message."""
    status = job_runner().status(job_id)
    jobs.remove(job_id)
    if status.state == "done":
        record_on_board(status)
        if status.run_id not in results:
            results.append(status.run_id)
        if status.from_store:
            reused = "the same settings were already trained, so the stored result was reused."
            notices.append(Notice(reused, status.spec, kind="info"))
    else:
        notices.append(Notice(status.message, status.spec))


running = any(not job_runner().status(job_id).done for job_id in jobs)


@st.fragment(run_every=1.0 if running else None)
def progress_panel() -> None:
    """Live progress of this person's runs; polls the job runner while any is queued or training."""
    finished = [job_id for job_id in jobs if job_runner().status(job_id).done]
    for job_id in finished:
        collect(job_id)
    if finished:
        st.rerun()  # redraw the whole page: new scorecards, and stop polling if nothing is left
    for job_id in jobs:
        with st.container(border=True, key=f"train_job_{job_id}"):
            status = job_progress_ui(job_id, page="train")
            if status.history:
                show(
                    history_figure(status.history, title=t("Learning as it happens")),
                    history_summary(status.history),
                    key=f"train_live_{job_id}",
                )


progress_panel()

compared = [r for r in (run_store().get(run_id) for run_id in results) if r is not None]
if not compared and not jobs:
    st.info(t("Your scorecards appear here once a model has finished training."))

for result in reversed(compared):
    card = DATASETS[result.spec.dataset]
    scorecard(
        result,
        title=spec_title(result.spec),
        noun=plain.NOUNS[card.modality],
        positive=card.classes[-1],
    )
    with st.expander(t("How it learned, epoch by epoch")):
        show(
            history_figure(result.history, title=t("Loss and accuracy per epoch")),
            history_summary(result.history),
            key=f"train_history_{result.run_id}",
        )

if compared:
    st.header(t("Compare"))
    st.dataframe(comparison_table(compared), hide_index=True, key="train_table", column_config=column_formats())
    cost_axis = st.selectbox(
        t("Cost to plot"),
        list(COST_AXES),
        format_func={axis: t(words) for axis, (words, _) in COST_AXES.items()}.get,
        key="train_cost_axis",
    )
    show(
        tradeoff_figure(compared, cost_axis=cost_axis, labels=[run_label(r) for r in compared]),
        comparison_summary(compared, cost_axis=cost_axis),
        key="train_tradeoff",
    )
    if st.button(t("Clear my comparison"), key="train_clear"):
        results.clear()
        st.rerun()


def add_earlier() -> None:
    """Runs as a callback, before the next script run, so the selection can be emptied there."""
    st.session_state[state.RESULTS].extend(st.session_state["train_earlier"])
    st.session_state["train_earlier"] = []


with st.expander(t("Earlier runs on this server (yours and everyone's)")):
    earlier = [r for r in run_store().recent(100) if r.run_id not in results]
    if not earlier:
        st.write(t("No other runs are stored yet."))
    else:
        chosen = st.multiselect(
            t("Add earlier runs to your comparison"),
            [r.run_id for r in earlier],
            format_func={
                r.run_id: f"{run_label(r)} · {r.metrics.accuracy:.1%} · {finished_when(r)}" for r in earlier
            }.get,
            key="train_earlier",
        )
        st.button(t("Add to my comparison"), key="train_add_earlier", disabled=not chosen, on_click=add_earlier)
