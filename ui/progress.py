"""Submitting runs to the job queue and showing them while they wait and train, shared by every page that trains."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from lab.jobs import JobStatus, QueueFull
from lab.result import EpochStats
from lab.spec import RunSpec, SpecError
from models import REGISTRY
from ui import state
from ui.board import current_nickname
from ui.compare import spec_title
from ui.i18n import t, t_message
from ui.services import job_runner, run_store


@dataclass(frozen=True)
class Notice:
    """A message shown once on a training page, kept in English and translated when shown (the language may change)."""

    text: str  # a message from the lab, or an English text of this module's table
    spec: RunSpec | None = None  # the run it is about, named in front of it
    kind: Literal["error", "info"] = "error"


def titled(spec: RunSpec, text: str) -> str:
    """'<the run>: <text>' with the colon of the page's language.

    The colon is its own table entry rather than a '{title}: {text}' template: such a template would match every
    message with a colon in it, and t_message would translate messages it has no entry for into half English.
    """
    return spec_title(spec) + t(": ") + text


def show_notice(notice: Notice) -> None:
    """The notice as an error or an info box, in the page's language."""
    text = t_message(notice.text)
    if notice.spec is not None:
        text = titled(notice.spec, text)
    (st.info if notice.kind == "info" else st.error)(text)


def stage_text(status: JobStatus) -> str:
    """What a job is doing, in words: its place in the queue, its stage and, for a network, its epoch."""
    if status.state == "queued":
        text = t("waiting, number {position} in the queue", position=status.queue_position)
    elif REGISTRY[status.spec.arch].family == "sklearn":  # fitted in one go: no epochs to count
        text = t_message(status.stage)
    else:
        stage = t_message(status.stage)
        text = t("{stage}, epoch {epoch} of {epochs}", stage=stage, epoch=status.epoch, epochs=status.epochs)
    return titled(status.spec, text)


def history_summary(history: tuple[EpochStats, ...]) -> str:
    """The loss-and-accuracy chart in words: where the training loss went and when validation accuracy was best."""
    last = history[-1]
    if len(history) == 1:
        return t(
            "After one epoch the training loss is {loss:.3f} and the validation accuracy {accuracy:.1%}.",
            loss=last.train_loss,
            accuracy=last.val_accuracy,
        )
    best = max(history, key=lambda stats: stats.val_accuracy)
    return t(
        "Over {epochs} epochs the training loss went from {start:.3f} to {end:.3f}. Validation accuracy was "
        "highest after epoch {best_epoch} ({best:.1%}) and ended at {final:.1%}.",
        epochs=len(history),
        start=history[0].train_loss,
        end=last.train_loss,
        best_epoch=best.epoch,
        best=best.val_accuracy,
        final=last.val_accuracy,
    )


def job_progress_ui(job_id: str, *, page: str) -> JobStatus:
    """Render one job's stage and progress, with a Cancel button keyed `<page>_cancel_<job_id>`."""
    status = job_runner().status(job_id)
    progress_column, cancel_column = st.columns([5, 1])
    progress_column.progress(min(1.0, status.fraction), text=stage_text(status))
    if cancel_column.button(t("Cancel"), key=f"{page}_cancel_{job_id}"):
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
            notices.append(Notice(str(problem)))
    st.rerun()


def jobs_ui(*, page: str, on_done: Callable[[JobStatus], None] = lambda status: None) -> None:
    """This page's queued and running jobs, polled every second; each finished one goes to `on_done`.

    Why a job was refused, failed or was cancelled is shown once. Jobs live in the session under `<page>_jobs`,
    so leaving the page and coming back finds them still there.
    """
    jobs: list[str] = st.session_state.setdefault(f"{page}_jobs", [])
    notices: list[Notice] = st.session_state.setdefault(f"{page}_notices", [])
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
                notices.append(Notice(status.message, status.spec))
        if finished:
            st.rerun()  # the whole page: new results, and stop polling if nothing is left
        for job_id in jobs:
            job_progress_ui(job_id, page=page)

    progress()
    for notice in notices:
        show_notice(notice)
    notices.clear()
