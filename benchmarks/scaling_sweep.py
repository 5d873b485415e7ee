"""How long a 4-point scaling sweep on digits takes (target: at most 30 s on 2 cores), two ways:

- in-process, as `python -m lab sweep` runs it: one size after another in this process, the first one paying for
  the libraries' and codecarbon's start-up;
- through the job queue, as the Cost & Scale page runs it: the four specs submitted at once to a JobRunner with one
  worker process (the classroom default on 2 cores), timed from the first submit to the last result.

The queue gets a fresh temporary run store, so no size is answered from an earlier run.

.venv/bin/python benchmarks/scaling_sweep.py
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lab.scaling import DEFAULT_WIDTHS, sweep_specs  # noqa: E402

TARGET_SECONDS = 30


def in_process(specs) -> tuple[float, list[float]]:
    """The whole sweep's wall time, and each size's."""
    from lab.pipeline import run

    started, each = time.perf_counter(), []
    for spec in specs:
        size_started = time.perf_counter()
        run(spec)
        each.append(time.perf_counter() - size_started)
    return time.perf_counter() - started, each


def through_the_queue(specs, folder: str) -> float:
    """Wall time from submitting the four specs to the last one finished."""
    from lab.jobs import JobRunner
    from lab.store import RunStore

    runner = JobRunner(RunStore(f"sqlite:///{folder}/runs.db"), workers=1)
    try:
        started = time.perf_counter()
        jobs = [runner.submit(spec, owner="benchmark") for spec in specs]
        while not all(runner.status(job).done for job in jobs):
            time.sleep(0.05)
        failed = [runner.status(job).message for job in jobs if runner.status(job).state != "done"]
        if failed:
            raise RuntimeError(f"a run failed: {failed}")
        return time.perf_counter() - started
    finally:
        runner.shutdown()


def main() -> None:
    print(f"{os.cpu_count()} CPU cores; target: a 4-point sweep on digits in at most {TARGET_SECONDS} s")
    print(f"{'model':6} {'widths':16} {'way':12} {'total s':>8} {'each size s':>28} {'target':>7}")
    for arch in ("mlp", "cnn"):
        specs = sweep_specs("digits", arch, widths=DEFAULT_WIDTHS[arch], seed=0)
        widths = ",".join(str(w) for w in DEFAULT_WIDTHS[arch])
        total, each = in_process(specs)
        sizes = " ".join(f"{s:6.2f}" for s in each)
        print(f"{arch:6} {widths:16} {'in-process':12} {total:8.1f} {sizes:>28} {total <= TARGET_SECONDS!s:>7}")
        with tempfile.TemporaryDirectory() as folder:
            total = through_the_queue(specs, folder)
            print(f"{arch:6} {widths:16} {'job queue':12} {total:8.1f} {'':>28} {total <= TARGET_SECONDS!s:>7}")


if __name__ == "__main__":
    main()
