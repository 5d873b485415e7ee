"""The job runner with real worker processes: dedupe, queue, cancel, crash, limits."""

import os
import signal
import time

import pytest

from lab.jobs import JobRunner, QueueFull
from lab.spec import RunSpec, SpecError
from lab.store import RunStore

QUICK = RunSpec("digits", "mlp", epochs=2, seed=11)
SLOW = RunSpec("mnist", "cnn", epochs=200, seed=12)  # never finishes within a test: it is cancelled or killed


def wait_for(runner: JobRunner, job_id: str, states: tuple[str, ...], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while runner.status(job_id).state not in states:
        assert time.monotonic() < deadline, f"job stayed {runner.status(job_id)}"
        time.sleep(0.1)


@pytest.fixture
def store(tmp_path):
    return RunStore(f"sqlite:///{tmp_path}/runs.db")


@pytest.fixture
def runner(store):
    runner = JobRunner(store, workers=1, max_jobs_per_owner=3)
    yield runner
    runner.shutdown()


def test_the_same_spec_trains_once(runner, store):
    first = runner.submit(QUICK, owner="ann")
    second = runner.submit(QUICK, owner="bob")  # at the same time: shares the job
    assert first == second
    wait_for(runner, first, ("done",))
    status = runner.status(first)
    assert status.run_id is not None and not status.from_store and status.history
    again = runner.submit(QUICK, owner="cem")  # later: answered from the store, no training
    assert runner.status(again).state == "done" and runner.status(again).from_store
    assert runner.status(again).run_id == status.run_id
    assert store.count() == 1


def test_queue_positions_and_cancel(runner):
    running = runner.submit(SLOW, owner="ann")
    waiting = [runner.submit(RunSpec("digits", "mlp", epochs=1, seed=s), owner=f"p{s}") for s in (21, 22)]
    wait_for(runner, running, ("running",))
    assert [runner.status(job).queue_position for job in waiting] == [1, 2]
    runner.cancel(waiting[0])
    assert runner.status(waiting[0]).state == "cancelled"
    assert runner.status(waiting[1]).queue_position == 1
    runner.cancel(running)
    wait_for(runner, running, ("cancelled",))
    assert "cancelled" in runner.status(running).message
    wait_for(runner, waiting[1], ("done",))


def test_a_person_cannot_flood_the_queue(runner):
    for seed in range(3):
        runner.submit(RunSpec("digits", "mlp", epochs=200, seed=100 + seed), owner="ann")
    with pytest.raises(QueueFull, match="already have 3 runs"):
        runner.submit(RunSpec("digits", "mlp", epochs=200, seed=200), owner="ann")
    runner.submit(RunSpec("digits", "mlp", epochs=1, seed=300), owner="bob")  # others are not blocked


def test_a_bad_spec_is_refused_and_nothing_is_queued(runner):
    with pytest.raises(SpecError):
        runner.submit(RunSpec(dataset="nope"), owner="ann")
    assert runner.worker_pids() == []  # nothing was started for it


def test_a_crashed_worker_fails_its_job_and_the_runner_keeps_serving(runner):
    job = runner.submit(SLOW, owner="ann")
    wait_for(runner, job, ("running",))
    while runner.status(job).stage in ("starting", "preparing the data"):  # wait until it is really training
        time.sleep(0.1)
    os.kill(runner.worker_pids()[0], signal.SIGKILL)
    wait_for(runner, job, ("failed",), timeout=30)
    assert "stopped unexpectedly" in runner.status(job).message
    after = runner.submit(QUICK, owner="ann")
    wait_for(runner, after, ("done",))


def test_an_exploding_run_fails_with_the_plain_message(runner):
    job = runner.submit(RunSpec("digits", "mlp", epochs=3, lr=1e6, seed=5), owner="ann")
    wait_for(runner, job, ("failed",))
    assert "learning rate is too high" in runner.status(job).message


def test_an_unknown_job_reads_as_failed(runner):
    assert runner.status("no-such-job").state == "failed"
