"""The class board: entries per session, hiding, clearing, the Pareto front by hand, sorting, CSV, nicknames."""

import csv
import io
import random
import re
import tomllib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from lab.board import (
    MAX_NICKNAME,
    NICKNAMES_PATH,
    board_csv,
    board_rows,
    generate_nickname,
    nickname_problem,
    sort_rows,
)
from lab.fairness import AttributeFairness, FairnessReport, FlipRate
from lab.pareto import non_dominated
from lab.privacy import MembershipInference, MembershipReport, PrivacyReport
from lab.result import CostReport, EpochStats, Metrics, RunResult
from lab.spec import RunSpec
from lab.store import BoardEntry, RunStore

PAST = "2025-01-01T10:00:00+00:00"  # before any clear these tests make


def make_result(
    run_id: str,
    *,
    dataset: str = "adult",
    accuracy: float = 0.8,
    energy_kwh: float = 1e-3,
    gap: float | None = 0.1,
    auc: float | None = 0.55,
    finished_at: str = PAST,
    seed: int = 0,
) -> RunResult:
    """A RunResult built by hand, with the figures the board reads set by the test."""
    cost = CostReport(
        params=100,
        flops_per_sample=200,
        train_flops=10**6,
        train_seconds=2.0,
        latency_ms=0.1,
        peak_memory_mb=100.0,
        gpu_peak_memory_mb=None,
        energy_kwh=energy_kwh,
        energy_method="estimated",
        energy_source="CPU: estimated from its load",
        co2_g=energy_kwh * 480,
        grid_g_per_kwh=480.0,
    )
    fairness = None
    if gap is not None:
        sex = AttributeFairness("sex", (), dp_difference=gap, dp_ratio=0.5, eo_difference=0.1, passes_four_fifths=False)
        race = AttributeFairness(
            "race", (), dp_difference=gap / 2, dp_ratio=0.9, eo_difference=0.1, passes_four_fifths=True
        )
        fairness = FairnessReport((race, sex))
    privacy = None
    if auc is not None:
        attack = MembershipInference("loss", auc, 0.1, 0.01, 0.55, 100, 100)
        privacy = PrivacyReport(MembershipReport(attack, replace(attack, attack="calibrated")))
    return RunResult(
        run_id=run_id,
        spec=RunSpec(dataset=dataset, arch="mlp", epochs=1, seed=seed),
        metrics=Metrics(accuracy, 0.5, 100, 1, "completed"),
        cost=cost,
        history=(EpochStats(1, 0.6, 0.7, 0.6, 0.7, 1.0),),
        device="cpu",
        device_name="CPU, 2 cores",
        finished_at=finished_at,
        fairness=fairness,
        privacy=privacy,
    )


def entry(result: RunResult, nickname: str | None = "Kind Otter 12", *, hidden: bool = False) -> BoardEntry:
    return BoardEntry(result, nickname, "", hidden)


@pytest.fixture
def store() -> RunStore:
    return RunStore("sqlite:///:memory:")


def test_each_session_that_put_a_run_there_gets_its_own_entry(store):
    shared, cli_run = make_result("shared"), make_result("cli", finished_at="2025-01-01T11:00:00+00:00", seed=1)
    store.save(shared)
    store.save(cli_run)
    assert store.add_to_board("shared", owner="session-a", nickname="Brave Fox 10")
    assert store.add_to_board("shared", owner="session-b", nickname="Calm Owl 20")
    assert not store.add_to_board("shared", owner="session-a", nickname="Brave Fox 10")  # the same session again
    board = store.board()
    # newest run first; a run nobody claimed (trained from the command line) has no nickname
    assert [(e.result.run_id, e.nickname) for e in board] == [
        ("cli", None),
        ("shared", "Brave Fox 10"),
        ("shared", "Calm Owl 20"),
    ]
    assert board[1].result == replace(shared, history=()) and board[1].added_at and board[0].added_at == ""
    assert store.board(limit=2) == board[:2]


def test_a_hidden_nickname_leaves_the_board_with_the_runs_it_brings_later(store):
    for run_id in ("a", "b", "c"):
        store.save(make_result(run_id))
    store.add_to_board("a", owner="s1", nickname="<b>rude</b>")
    store.add_to_board("b", owner="s2", nickname="Kind Seal 33")
    assert store.hide_nickname("<b>rude</b>") == 1
    store.add_to_board("c", owner="s1", nickname="<b>rude</b>")
    assert [e.nickname for e in store.board()] == ["Kind Seal 33"]
    everything = store.board(include_hidden=True)
    assert sorted((e.result.run_id, e.hidden) for e in everything) == [("a", True), ("b", False), ("c", True)]
    assert store.hide_nickname("<b>rude</b>") == 0  # already hidden


def test_clearing_starts_a_fresh_board_and_keeps_the_runs(store):
    store.save(make_result("old"))
    store.save(make_result("claimed", seed=1))
    store.add_to_board("claimed", owner="s1", nickname="Kind Seal 33")
    store.clear_board()
    assert store.board() == [] and store.count() == 2  # the runs stay stored: repeated settings are still answered
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat(timespec="seconds")
    store.save(make_result("new-cli", finished_at=later, seed=2))
    store.add_to_board("old", owner="s2", nickname="Calm Owl 20")  # trained again after the clear: claimed anew
    assert [(e.result.run_id, e.nickname) for e in store.board()] == [("new-cli", None), ("old", "Calm Owl 20")]


def test_the_board_reads_a_run_again_when_it_is_replaced(store):
    store.save(make_result("x", accuracy=0.5))
    store.add_to_board("x", owner="s1", nickname="Kind Seal 33")
    assert store.board()[0].result.metrics.accuracy == 0.5  # parsed once, then kept while the board shows it
    store.save(make_result("x", accuracy=0.7, finished_at="2025-01-02T10:00:00+00:00"))
    assert store.board()[0].result.metrics.accuracy == 0.7


def test_the_board_reads_a_short_summary_with_every_figure_it_shows(store):
    full = make_result("x", gap=0.2, auc=0.7)
    with_extras = replace(
        full,
        versions={"torch": "2.13.0"},
        fairness=replace(full.fairness, flip_rates=(FlipRate("sex", 3, 100),)),
    )
    store.save(with_extras)
    on_board = store.board()[0].result
    assert on_board == replace(full, history=(), fairness=replace(full.fairness, flip_rates=()))
    assert store.get("x") == with_extras  # the whole run is still there for its scorecard and model card
    from_summary, from_whole = board_rows(store.board())[0], board_rows([entry(with_extras, None)])[0]
    figures = ("fairness_gap", "fairness_attribute", "privacy_auc", "privacy_risk", "accuracy", "energy_wh")
    assert [getattr(from_summary, name) for name in figures] == [getattr(from_whole, name) for name in figures]


def test_the_version_changes_with_every_kind_of_change(store):
    versions = [store.board_version()]
    store.save(make_result("a"))
    versions.append(store.board_version())
    store.add_to_board("a", owner="s1", nickname="Kind Seal 33")
    versions.append(store.board_version())
    store.hide_nickname("Kind Seal 33")
    versions.append(store.board_version())
    store.clear_board()
    versions.append(store.board_version())
    assert len(set(versions)) == len(versions)
    assert store.board_version() == versions[-1]  # and only then


def test_a_store_from_before_the_board_gains_its_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    old = RunStore(url)
    old.save(make_result("kept"))
    with old._engine.begin() as connection:  # as the file was before the board existed: only the runs table
        connection.execute(text("DROP TABLE board_entries"))
        connection.execute(text("DROP TABLE board_clears"))
        connection.execute(text("DROP TABLE board_summaries"))
    reopened = RunStore(url)
    assert [(e.result.run_id, e.nickname) for e in reopened.board()] == [("kept", None)]
    assert reopened.board()[0].result == make_result("kept")  # no summary stored: read from the whole result
    assert reopened.add_to_board("kept", owner="s1", nickname="Kind Seal 33")
    assert [e.nickname for e in reopened.board()] == ["Kind Seal 33"]


def test_the_front_against_a_hand_example():
    # minimise both: (1, 5), (2, 2) and (5, 1) trade off; (3, 3) is beaten by (2, 2) on both counts; (1, 6) by
    # (1, 5) on the second only; the second (2, 2) equals the first, and equal points do not beat each other.
    points = [(1, 5), (2, 2), (5, 1), (3, 3), (2, 2), (1, 6)]
    assert non_dominated(points) == [0, 1, 2, 4]
    assert non_dominated([(0.5, float("inf")), (0.5, 0.2)]) == [1]  # a missing figure counts as the worst
    assert non_dominated([]) == []


@pytest.mark.parametrize("seed", range(5))
def test_the_front_matches_the_definition_checked_pair_by_pair(seed):
    rng = random.Random(seed)
    points = [tuple(rng.randint(0, 4) for _ in range(3)) for _ in range(60)]  # small integers: many ties

    def dominates(a, b):
        return all(x <= y for x, y in zip(a, b, strict=True)) and a != b  # "<=" everywhere and not equal

    expected = [j for j, b in enumerate(points) if not any(dominates(a, b) for a in points)]
    assert non_dominated(points) == expected


def test_board_rows_mark_the_front_per_dataset_over_four_counts():
    best_accuracy = make_result("best-accuracy", accuracy=0.90, energy_kwh=3e-3, gap=0.30, auc=0.70)
    balanced = make_result("balanced", accuracy=0.85, energy_kwh=1e-3, gap=0.10, auc=0.55)
    beaten = make_result("beaten", accuracy=0.80, energy_kwh=2e-3, gap=0.20, auc=0.60)  # worse than balanced on all
    fairest = make_result("fairest", accuracy=0.70, energy_kwh=4e-3, gap=0.01, auc=0.65)  # best only on the gap
    digits = make_result("digits", dataset="digits", accuracy=0.50, energy_kwh=9e-3, gap=None, auc=0.9)
    hidden = make_result("hidden", accuracy=0.99, energy_kwh=1e-4, gap=0.0, auc=0.5)  # would beat all; hidden
    entries = [entry(r) for r in (best_accuracy, balanced, beaten, fairest, digits)] + [entry(hidden, hidden=True)]
    rows = board_rows(entries)
    assert [(row.result.run_id, row.on_front) for row in rows] == [
        ("best-accuracy", True),
        ("balanced", True),
        ("beaten", False),
        ("fairest", True),
        ("digits", True),  # alone on its data: accuracy on digits is not compared with accuracy on adult
        ("hidden", False),
    ]
    balanced_row = rows[1]
    # the largest gap over the attributes (sex 0.10 against race 0.05), and the risk level from the AUC
    assert (balanced_row.fairness_gap, balanced_row.fairness_attribute) == (0.10, "sex")
    assert (balanced_row.privacy_auc, balanced_row.privacy_risk) == (0.55, "medium")
    assert balanced_row.energy_wh == pytest.approx(1.0) and balanced_row.accuracy == 0.85
    assert (rows[4].fairness_gap, rows[4].privacy_risk) == (None, "high")


def test_sorting_puts_the_best_first_and_missing_figures_last():
    rows = board_rows(
        [
            entry(make_result("a", accuracy=0.7, energy_kwh=2e-3, gap=None, auc=0.60)),
            entry(make_result("b", accuracy=0.9, energy_kwh=3e-3, gap=0.20, auc=None)),
            entry(make_result("c", accuracy=0.8, energy_kwh=1e-3, gap=0.05, auc=0.52)),
        ]
    )

    def order(by):
        return [row.result.run_id for row in sort_rows(rows, by)]

    assert order("accuracy") == ["b", "c", "a"]
    assert order("cost") == ["c", "a", "b"]
    assert order("fairness") == ["c", "b", "a"]
    assert order("privacy") == ["c", "a", "b"]
    assert order("tradeoff")[:2] == ["b", "c"]  # b (most accurate) and c (best elsewhere) are on the front


def test_csv_has_every_field_and_defuses_formulas():
    nicknames = ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "Kind Seal 33", None]
    rows = board_rows([entry(make_result(f"r{i}", seed=i), nickname) for i, nickname in enumerate(nicknames)])
    records = list(csv.DictReader(io.StringIO(board_csv(rows))))
    assert [r["nickname"] for r in records] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "Kind Seal 33",
        "",
    ]
    first = records[0]
    for field in ("run_id", "finished_at", "dataset", "arch", "epochs", "seed", "dp_epsilon", "accuracy", "n_test"):
        assert field in first, field
    for field in ("train_seconds", "energy_kwh", "energy_method", "co2_g", "train_flops", "params", "latency_ms"):
        assert field in first, field
    assert first["accuracy"] == "0.8" and first["energy_kwh"] == "0.001" and first["dataset"] == "adult"
    assert (first["fairness_gap"], first["fairness_attribute"]) == ("0.1", "sex")
    assert (first["privacy_auc"], first["privacy_risk"], first["hidden"]) == ("0.55", "medium", "False")
    assert first["dp_epsilon"] == ""  # None is an empty cell


def test_generated_nicknames_are_friendly_valid_and_stable_per_session():
    with open(NICKNAMES_PATH, "rb") as file:
        words = tomllib.load(file)
    nicknames = {generate_nickname(f"owner-{i}") for i in range(200)}
    assert len(nicknames) > 190  # 40 x 40 x 90 combinations: sessions rarely share one
    for nickname in nicknames:
        adjective, animal, digits = nickname.split(" ")
        assert adjective in words["adjectives"] and animal in words["animals"] and re.fullmatch(r"[1-9]\d", digits)
        assert nickname_problem(nickname) is None
    assert generate_nickname("owner-1") == generate_nickname("owner-1")


def test_a_chinese_session_gets_a_chinese_nickname_from_the_chinese_word_lists():
    with open(NICKNAMES_PATH, "rb") as file:
        words = tomllib.load(file)
    nicknames = {generate_nickname(f"owner-{i}", chinese=True) for i in range(200)}
    assert len(nicknames) > 150  # 20 x 20 x 90 combinations
    pattern = re.compile(f"({'|'.join(words['adjectives_zh'])})({'|'.join(words['animals_zh'])}) [1-9][0-9]")
    for nickname in nicknames:
        assert pattern.fullmatch(nickname) and nickname_problem(nickname) is None
    assert generate_nickname("owner-1", chinese=True) == generate_nickname("owner-1", chinese=True)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "at least one"),
        ("   ", "at least one"),
        ("x" * (MAX_NICKNAME + 1), "at most 24 characters long; this one has 25"),
        ("tab\there", "control characters"),
        ("two\nlines", "control characters"),
    ],
)
def test_a_bad_nickname_is_refused_in_plain_words(typed, reason):
    assert reason in nickname_problem(typed)


@pytest.mark.parametrize("typed", ["<b>x</b>", "<script>x</script>", "🦊 Fox", "  padded  ", "x" * MAX_NICKNAME])
def test_html_emoji_and_spaces_around_are_allowed(typed):
    assert nickname_problem(typed) is None
