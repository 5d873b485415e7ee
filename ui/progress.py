"""A queued or running job as a progress bar with a cancel button, shared by every page that trains."""

import streamlit as st

from lab.jobs import JobStatus
from models import REGISTRY
from ui.compare import spec_title
from ui.services import job_runner


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
