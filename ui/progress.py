"""Submitting runs to the job queue and showing them while they wait and train, shared by every page that trains."""

from collections.abc import Callable

import streamlit as st

from lab.jobs import JobStatus, QueueFull
from lab.spec import RunSpec, SpecError
from models import REGISTRY
from ui import state
from ui.board import current_nickname
from ui.compare import spec_title
from ui.services import job_runner, run_store


def job_progress_ui(job_id: str, *, page: str) -> JobStatus:
    """Render one job's stage and progress, with a Cancel button keyed `<page>_cancel_<job_id>`."""
    status = job_runner().status(job_id)
    if status.state == "queued":
        text = f"{spec_title(status.spec)}: waiting, number {status.queue_position} in the queue"
    elif REGISTRY[status.spec.arch].family == "sklearn":  # fitted in one go: no epochs to count
        text = f"{spec_title(status.spec)}: {status.stage}"
    else:
        text = f"{spec_title(status.spec)}: {status.stage}, epoch {status.epoch} of {status.epochs}"
    progress_column, cancel_column = st.columns([5, 1])
    progress_column.progress(min(1.0, status.fraction), text=text)
    if cancel_column.button("Cancel", key=f"{page}_cancel_{job_id}"):
        job_runner().cancel(job_id)
    return status


def record_on_board(status: JobStatus) -> None:
    """Put a finished run on the class board under this session's nickname (once per session and run)."""
    run_store().add_to_board(status.run_id, owner=state.owner_id(), nickname=current_nickname())


def submit(specs: list[RunSpec], *, page: str) -> None:
    """Queue each spec for this session, then rerun the page so that its progress panel starts polling.

    A refused spec (bad settings, queue full) leaves its reason for the panel to show.
    """
    jobs = st.session_state.setdefault(f"{page}_jobs", [])
    notices = st.session_state.setdefault(f"{page}_notices", [])
    for spec in specs:
        try:
            jobs.append(job_runner().submit(spec, owner=state.owner_id()))
        except (SpecError, QueueFull) as problem:
            notices.append(str(problem))
    st.rerun()


def jobs_ui(*, page: str, on_done: Callable[[JobStatus], None] = lambda status: None) -> None:
    """This page's queued and running jobs, polled every second; each finished one goes to `on_done`.

    Why a job was refused, failed or was cancelled is shown once. Jobs live in the session under `<page>_jobs`,
    so leaving the page and coming back finds them still there.
    """
    jobs: list[str] = st.session_state.setdefault(f"{page}_jobs", [])
    notices: list[str] = st.session_state.setdefault(f"{page}_notices", [])
    running = any(not job_runner().status(job_id).done for job_id in jobs)

    @st.fragment(run_every=1.0 if running else None)
    def progress() -> None:
        finished = [job_id for job_id in jobs if job_runner().status(job_id).done]
        for job_id in finished:
            status = job_runner().status(job_id)
            jobs.remove(job_id)
            if status.state == "done":
                record_on_board(status)
                on_done(status)
            else:
                notices.append(f"{spec_title(status.spec)}: {status.message}")
        if finished:
            st.rerun()  # the whole page: new results, and stop polling if nothing is left
        for job_id in jobs:
            job_progress_ui(job_id, page=page)

    progress()
    for notice in notices:
        st.error(notice)
    notices.clear()
