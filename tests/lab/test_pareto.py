"""The Pareto front against a hand-made example and against its definition checked pair by pair."""

import random

import pytest

from lab.pareto import pareto_front


def test_a_hand_made_example():
    points = [
        (1.0, 0.80),  # 0: on the front
        (2.0, 0.85),  # 1: on the front
        (2.0, 0.70),  # 2: beaten by 0 (cheaper and more accurate) and by 1 (same cost, more accurate)
        (3.0, 0.85),  # 3: beaten by 1 (same accuracy, cheaper)
        (5.0, 0.95),  # 4: on the front, the most accurate
        (0.5, 0.60),  # 5: on the front, the cheapest
        (4.0, 0.90),  # 6: on the front
        (6.0, 0.90),  # 7: beaten by 6 and by 4
    ]
    costs, scores = zip(*points, strict=True)
    assert pareto_front(costs, scores) == (5, 0, 1, 6, 4)


def test_identical_points_are_both_kept_and_a_single_point_is_its_own_front():
    assert pareto_front([1.0, 1.0, 2.0], [0.9, 0.9, 0.9]) == (0, 1)
    assert pareto_front([3.0], [0.5]) == (0,)
    assert pareto_front([], []) == ()


def _beaten(i: int, costs: list[float], scores: list[float]) -> bool:
    """The definition, pair by pair: another point at most as costly, at least as good, and better on one."""
    return any(
        costs[j] <= costs[i] and scores[j] >= scores[i] and (costs[j] < costs[i] or scores[j] > scores[i])
        for j in range(len(costs))
    )


@pytest.mark.parametrize("seed", range(5))
def test_the_front_is_exactly_the_unbeaten_points(seed):
    rng = random.Random(seed)
    # Few distinct values, so that equal costs and equal scores happen often.
    costs = [rng.choice([0.1, 0.2, 0.5, 1.0, 2.0]) for _ in range(40)]
    scores = [rng.choice([0.6, 0.7, 0.8, 0.9]) for _ in range(40)]
    front = pareto_front(costs, scores)
    assert set(front) == {i for i in range(40) if not _beaten(i, costs, scores)}
    assert [costs[i] for i in front] == sorted(costs[i] for i in front)


def test_bad_input_is_refused_in_words():
    with pytest.raises(ValueError, match="a score for every cost"):
        pareto_front([1.0, 2.0], [0.5])
    with pytest.raises(ValueError, match="finite"):
        pareto_front([float("nan")], [0.5])
