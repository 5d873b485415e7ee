"""The run store: round trips, lookups by key, ordering, weights, reopening, sharing between threads."""

import threading

from sqlalchemy import text

from lab.result import CostReport, EpochStats, Metrics, RunResult
from lab.spec import RunSpec
from lab.store import RunStore


def fake_result(run_id: str, *, finished_at: str, seed: int = 0, accuracy: float = 0.9) -> RunResult:
    """A small RunResult built by hand, every section filled."""
    spec = RunSpec(dataset="digits", arch="mlp", epochs=2, lr=0.01, seed=seed)
    cost = CostReport(
        params=1234,
        flops_per_sample=2468,
        train_flops=10**9,
        train_seconds=1.5,
        latency_ms=0.25,
        peak_memory_mb=300.5,
        gpu_peak_memory_mb=None,
        energy_kwh=1e-5,
        energy_method="estimated",
        energy_source="CPU: estimated from its load",
        co2_g=0.0048,
        grid_g_per_kwh=480.0,
    )
    history = (
        EpochStats(1, 1.2, 0.6, 1.1, 0.62, 0.7),
        EpochStats(2, 0.5, 0.85, 0.6, 0.83, 0.8),
    )
    return RunResult(
        run_id=run_id,
        spec=spec,
        metrics=Metrics(accuracy, 0.4, 270, 2, "completed"),
        cost=cost,
        history=history,
        device="cpu",
        device_name="CPU, 2 cores",
        versions={"python": "3.11.7", "torch": "2.13.0"},
        started_at="2026-01-01T10:00:00+00:00",
        finished_at=finished_at,
    )


def test_save_then_get_returns_an_equal_result() -> None:
    store = RunStore("sqlite:///:memory:")
    result = fake_result("a1", finished_at="2026-01-01T10:01:00+00:00")
    store.save(result)
    assert store.get("a1") == result
    assert store.get("unknown") is None
    assert store.count() == 1


def test_find_by_key_returns_the_latest_run_of_that_spec() -> None:
    store = RunStore("sqlite:///:memory:")
    older = fake_result("old", finished_at="2026-01-01T10:00:00+00:00", accuracy=0.8)
    newer = fake_result("new", finished_at="2026-01-01T11:00:00+00:00", accuracy=0.9)
    other = fake_result("other", finished_at="2026-01-01T12:00:00+00:00", seed=1)
    for result in (older, newer, other):
        store.save(result)
    assert store.find_by_key(older.spec.key()) == newer
    assert store.find_by_key(other.spec.key()) == other
    assert store.find_by_key("0" * 16) is None


def test_recent_is_newest_first_and_limited() -> None:
    store = RunStore("sqlite:///:memory:")
    for hour in (10, 12, 11):
        store.save(fake_result(f"r{hour}", finished_at=f"2026-01-01T{hour}:00:00+00:00", seed=hour))
    assert [r.run_id for r in store.recent()] == ["r12", "r11", "r10"]
    assert [r.run_id for r in store.recent(limit=2)] == ["r12", "r11"]


def test_weights_round_trip_and_are_optional() -> None:
    store = RunStore("sqlite:///:memory:")
    blob = bytes(range(256)) * 1000
    store.save(fake_result("w", finished_at="2026-01-01T10:00:00+00:00"), weights=blob)
    store.save(fake_result("none", finished_at="2026-01-01T10:00:00+00:00", seed=3))
    assert store.weights("w") == blob
    assert store.weights("none") is None
    assert store.weights("unknown") is None


def test_saving_the_same_run_again_replaces_it() -> None:
    store = RunStore("sqlite:///:memory:")
    store.save(fake_result("x", finished_at="2026-01-01T10:00:00+00:00", accuracy=0.5))
    store.save(fake_result("x", finished_at="2026-01-01T10:00:00+00:00", accuracy=0.7))
    assert store.count() == 1
    assert store.get("x").metrics.accuracy == 0.7


def test_a_file_store_creates_its_folder_uses_wal_and_survives_reopening(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'folder' / 'runs.db'}"
    result = fake_result("kept", finished_at="2026-01-01T10:00:00+00:00")
    RunStore(url).save(result, weights=b"weights")
    reopened = RunStore(url)
    assert reopened.get("kept") == result
    assert reopened.weights("kept") == b"weights"
    with reopened._engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_threads_can_share_one_store(tmp_path) -> None:
    store = RunStore(f"sqlite:///{tmp_path / 'runs.db'}")

    def save_some(thread: int) -> None:
        for i in range(5):
            store.save(fake_result(f"t{thread}-{i}", finished_at=f"2026-01-01T10:00:0{i}+00:00", seed=thread))
            store.recent(limit=3)

    threads = [threading.Thread(target=save_some, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.count() == 20
