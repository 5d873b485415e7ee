"""The job runner: one per server. Queues RunSpecs, trains them in worker processes, answers repeats from the store.

Training never runs on a page's script thread: a widget click re-runs the script and would kill it.
A bounded pool of worker processes takes jobs first in, first out; one thread here drains their
messages, notices a worker that died and restarts it, so the server keeps serving.
"""

import atexit
import multiprocessing as mp
import os
import queue
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Literal

from lab.result import EpochStats
from lab.spec import RunSpec
from lab.store import RunStore

JobState = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: tuple[JobState, ...] = ("done", "failed", "cancelled")
KEEP_FINISHED = 2000  # finished jobs remembered for status(); older ones are forgotten (their runs stay stored)


class QueueFull(Exception):
    """This person already holds as many queued or running jobs as allowed."""


@dataclass(frozen=True)
class JobStatus:
    """A snapshot of one job, safe to read from any thread."""

    job_id: str
    spec: RunSpec
    state: JobState
    queue_position: int | None = None  # 1 = next to start; None unless queued
    stage: str = "waiting for a free worker"
    epoch: int = 0  # epochs finished
    epochs: int = 0
    fraction: float = 0.0  # 0..1 of training done
    history: tuple[EpochStats, ...] = ()
    message: str = ""  # why it failed or was cancelled, in plain words
    run_id: str | None = None  # set when done: the stored RunResult
    from_store: bool = False  # answered from an earlier identical run, without training

    @property
    def done(self) -> bool:
        return self.state in FINISHED


@dataclass
class _Job:
    status: JobStatus
    owners: set[str] = field(default_factory=set)
    finished_at: float = 0.0


@dataclass
class _Worker:
    process: mp.Process
    inbox: mp.Queue
    cancel_id: object  # multiprocessing Array of bytes: the id of the job to cancel
    job_id: str | None = None


class JobRunner:
    """Queue RunSpecs, run them in worker processes, answer repeated specs from the store.

    Parameters
    ----------
    store : where finished runs are found and saved
    workers : number of worker processes for the whole server
    max_jobs_per_owner : queued + running jobs one person may hold
    """

    def __init__(self, store: RunStore, *, workers: int, max_jobs_per_owner: int = 4) -> None:
        self.store = store
        self.max_jobs_per_owner = max_jobs_per_owner
        self._n_workers = max(1, workers)
        self._threads = max(1, (os.cpu_count() or 1) // self._n_workers)
        self._context = mp.get_context("spawn")  # fork would copy the server's threads and locks
        self._lock = threading.RLock()
        self._jobs: dict[str, _Job] = {}
        self._pending: deque[str] = deque()
        self._workers: list[_Worker] = []
        self._outbox = None
        self._thread: threading.Thread | None = None
        self._closed = False

    # --- the public interface -------------------------------------------------------------------

    def submit(self, spec: RunSpec, *, owner: str) -> str:
        """Queue `spec` for `owner` and return a job id.

        An identical spec already queued or running is shared; one already stored is answered at once.
        Raises SpecError for a spec that cannot run and QueueFull when `owner` holds too many jobs.
        """
        spec.validate()
        key = spec.key()
        with self._lock:
            for job_id, job in self._jobs.items():
                if not job.status.done and job.status.spec.key() == key:
                    job.owners.add(owner)
                    return job_id
            stored = self.store.find_by_key(key)
            if stored is not None:
                status = JobStatus(
                    uuid.uuid4().hex,
                    spec,
                    "done",
                    stage="answered from an earlier identical run",
                    epoch=len(stored.history),
                    epochs=spec.epochs,
                    fraction=1.0,
                    history=stored.history,
                    run_id=stored.run_id,
                    from_store=True,
                )
                return self._add(status, owner, finished=True)
            active = sum(1 for job in self._jobs.values() if owner in job.owners and not job.status.done)
            if active >= self.max_jobs_per_owner:
                raise QueueFull(
                    f"You already have {active} runs waiting or training (the limit is {self.max_jobs_per_owner}). "
                    "Wait for one to finish or cancel one."
                )
            job_id = self._add(JobStatus(uuid.uuid4().hex, spec, "queued", epochs=spec.epochs), owner)
            self._pending.append(job_id)
            self._start()
            self._dispatch()
            return job_id

    def status(self, job_id: str) -> JobStatus:
        """The job's current state; an unknown id reads as a failed job that says so."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return JobStatus(job_id, RunSpec(), "failed", message="This run is no longer known to the server.")
            if job.status.state == "queued":
                return replace(job.status, queue_position=self._pending.index(job_id) + 1)
            return job.status

    def cancel(self, job_id: str) -> None:
        """Stop a job: a queued one never starts, a running one stops between two batches."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status.done:
                return
            if job.status.state == "queued":
                self._pending.remove(job_id)
                self._finish(job_id, "cancelled", message="The run was cancelled before it started.")
                return
            for worker in self._workers:
                if worker.job_id == job_id:
                    worker.cancel_id.value = job_id.encode()

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for monitoring and tests)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.is_alive()]

    def shutdown(self) -> None:
        """Stop the workers (a running job is cancelled first) and the drain thread; calling it again does nothing."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for worker in self._workers:
                if worker.job_id is not None:
                    worker.cancel_id.value = worker.job_id.encode()
                worker.inbox.put(None)
        for worker in self._workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # --- inside the runner ----------------------------------------------------------------------

    def _add(self, status: JobStatus, owner: str, *, finished: bool = False) -> str:
        self._jobs[status.job_id] = _Job(status, {owner}, time.monotonic() if finished else 0.0)
        self._forget_old()
        return status.job_id

    def _forget_old(self) -> None:
        finished = [job_id for job_id, job in self._jobs.items() if job.status.done]
        for job_id in sorted(finished, key=lambda j: self._jobs[j].finished_at)[
            : max(0, len(finished) - KEEP_FINISHED)
        ]:
            del self._jobs[job_id]

    def _start(self) -> None:
        """Start the worker processes and the drain thread on first use, so an idle server costs nothing."""
        if self._thread is not None:
            return
        self._outbox = self._context.Queue()
        self._workers = [self._spawn(index) for index in range(self._n_workers)]
        self._thread = threading.Thread(target=self._drain, name="job-runner", daemon=True)
        self._thread.start()
        # Stop cleanly at exit, before multiprocessing kills the workers and the drain thread "replaces" them.
        atexit.register(self.shutdown)

    def _spawn(self, index: int) -> _Worker:
        from lab.worker import worker_main

        inbox = self._context.Queue()
        cancel_id = self._context.Array("c", 64)
        process = self._context.Process(
            target=worker_main,
            args=(index, inbox, self._outbox, cancel_id, self.store.url, self._threads),
            name=f"lab-worker-{index}",
            daemon=True,
        )
        process.start()
        return _Worker(process, inbox, cancel_id)

    def _dispatch(self) -> None:
        for worker in self._workers:
            if worker.job_id is None and self._pending:
                worker.job_id = self._pending.popleft()
                job = self._jobs[worker.job_id]
                job.status = replace(job.status, state="running", stage="starting")
                worker.inbox.put((worker.job_id, job.status.spec.to_dict()))

    def _drain(self) -> None:
        while not self._closed:
            try:
                message = self._outbox.get(timeout=0.2)
            except queue.Empty:
                message = None
            with self._lock:
                if message is not None:
                    self._handle(message)
                self._replace_dead_workers()
                self._dispatch()

    def _handle(self, message: tuple) -> None:
        kind, *rest = message
        if kind == "progress":
            job_id, stage, epoch, epochs, fraction, history = rest
            job = self._jobs.get(job_id)
            if job is not None and job.status.state == "running":
                job.status = replace(
                    job.status,
                    stage=stage,
                    epoch=epoch,
                    epochs=epochs,
                    fraction=fraction,
                    history=tuple(EpochStats(**h) for h in history),
                )
            return
        index, job_id, *detail = rest
        if self._workers[index].job_id == job_id:
            self._workers[index].job_id = None
        if kind == "done":
            self._finish(job_id, "done", run_id=detail[0], fraction=1.0)
        else:
            self._finish(job_id, kind, message=detail[0])

    def _finish(self, job_id: str, state: JobState, **changes) -> None:
        job = self._jobs.get(job_id)
        if job is not None and not job.status.done:
            stage = {"done": "finished", "failed": "failed", "cancelled": "cancelled"}[state]
            job.status = replace(job.status, state=state, stage=stage, **changes)
            job.finished_at = time.monotonic()

    def _replace_dead_workers(self) -> None:
        for index, worker in enumerate(self._workers):
            if worker.process.is_alive() or self._closed:
                continue
            if worker.job_id is not None:
                self._finish(
                    worker.job_id,
                    "failed",
                    message=(
                        f"The training process stopped unexpectedly (exit code {worker.process.exitcode}), "
                        "perhaps out of memory. Nothing else was affected: try a smaller model or batch."
                    ),
                )
            self._workers[index] = self._spawn(index)
