"""The Class board with 1 000 runs: how long the page takes to render (target <= 300 ms).

    .venv/bin/python benchmarks/class_board.py

Trains one real run (an MLP on the census data, one epoch: its fairness and privacy sections make it one of the
largest results a store holds), clones it into a fresh temporary store as 1 000 runs of 30 nicknames with varied
figures, then renders the board page through the router with AppTest (the router and the page, as a browser's
rerun does): first after a server start (every run read and parsed), then after a new run (only it is parsed, the
figures and the front computed again), then as the live update every 5 seconds when nothing changed (the rows come
from the cache shared by all sessions). The row building alone is timed too.
"""

import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["AIL_STORE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='ail-board-')}/runs.db"  # before lab.config reads it
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "views"))

from page_harness import open_page  # noqa: E402

import ui.board  # noqa: E402
from lab.board import board_rows  # noqa: E402
from lab.config import load_settings  # noqa: E402
from lab.pipeline import run  # noqa: E402
from lab.result import RunResult  # noqa: E402
from lab.spec import RunSpec  # noqa: E402
from lab.store import RunStore  # noqa: E402
from ui.services import run_store  # noqa: E402

RUNS = 1000
NICKNAMES = 30
REPEATS = 7


def clone(real: RunResult, index: int) -> RunResult:
    """The real run with its own id, seed, time and figures, so that the board sorts and finds a front."""
    spread = (index * 7919 % 1000) / 1000  # a deterministic shuffle of 0..1
    return replace(
        real,
        run_id=f"bench{index:05d}",
        spec=replace(real.spec, seed=index),
        metrics=replace(real.metrics, accuracy=0.70 + 0.2 * spread),
        cost=replace(real.cost, energy_kwh=real.cost.energy_kwh * (0.5 + (index % 97) / 50)),
        finished_at=f"2026-01-01T{index // 3600 % 24:02d}:{index // 60 % 60:02d}:{index % 60:02d}+00:00",
    )


def fill(store: RunStore) -> RunResult:
    """1 000 clones of one real run on the board; the real run."""
    real, _ = run(RunSpec("adult", "mlp", epochs=1))
    for index in range(RUNS):
        result = clone(real, index)
        store.save(result)
        store.add_to_board(result.run_id, owner=f"owner-{index % NICKNAMES}", nickname=f"Student {index % NICKNAMES}")
    return real


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    store = RunStore(load_settings().store_url)
    real = fill(store)
    at = open_page("board")
    assert not at.exception and len(at.dataframe[0].value) == RUNS, "the board did not show every run"
    entries = store.board(ui.board.BOARD_LIMIT)
    rows = [timed(lambda: board_rows(entries)) for _ in range(REPEATS)]
    started, changed, warm = [], [], []
    for repeat in range(REPEATS):
        run_store.clear()  # as after a server start: a new store object that has parsed nothing yet
        ui.board._rows.clear()
        started.append(timed(at.run))
        new = clone(real, RUNS + repeat)  # a student's run finishes: the board changed
        store.save(new)
        store.add_to_board(new.run_id, owner="owner-new", nickname="Student new")
        changed.append(timed(at.run))
        warm.append(timed(at.run))
    print(f"Class board, {RUNS} runs of {NICKNAMES} nicknames, {REPEATS} repeats (ms)")
    print(f"{'what':44} {'median':>8} {'min':>8} {'max':>8}")
    for name, times in (
        ("board_rows(): figures and Pareto front", rows),
        ("page render, first after a server start", started),
        ("page render, after a new run", changed),
        ("page render, live update with no change", warm),
    ):
        print(f"{name:44} {statistics.median(times):8.1f} {min(times):8.1f} {max(times):8.1f}")


if __name__ == "__main__":
    main()
