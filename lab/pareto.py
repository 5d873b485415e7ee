"""The Pareto front: the runs that no other run beats on every count at once (less cost and a better score, ...)."""

import math
from collections.abc import Sequence


def pareto_front(costs: Sequence[float], scores: Sequence[float]) -> tuple[int, ...]:
    """Indices of the points on the front, cheapest first; lower cost and higher score are better.

    A point is on the front when no other point costs at most as much and scores at least as much while
    being strictly better on one of the two. Identical points do not beat each other: all of them stay.

    Parameters
    ----------
    costs : what each point cost (the energy of each run), finite.
    scores : how good each point is (the accuracy of each run), finite, in the same order.

    Returns
    -------
    tuple[int, ...] : positions in `costs`, by rising cost (and so by rising score).
    """
    if len(costs) != len(scores):
        raise ValueError(f"pareto_front needs a score for every cost, got {len(costs)} costs and {len(scores)} scores.")
    if not all(math.isfinite(value) for value in (*costs, *scores)):
        raise ValueError("pareto_front needs finite costs and scores.")
    # Cheapest first and, at equal cost, best first: a point is then beaten exactly when an earlier point
    # scores more, or scores the same at a lower cost.
    order = sorted(range(len(costs)), key=lambda i: (costs[i], -scores[i]))
    front: list[int] = []
    for index in order:
        if not front or scores[index] > scores[front[-1]]:
            front.append(index)
        elif scores[index] == scores[front[-1]] and costs[index] == costs[front[-1]]:
            front.append(index)  # the same point twice: neither beats the other
    return tuple(front)


def non_dominated(points: Sequence[Sequence[float]]) -> list[int]:
    """The indices of the points that no other point dominates, every objective minimised, in input order.

    A point dominates another when it is at least as good on every objective and better on at least one. Equal
    points do not dominate each other, so both stay on the front.

    Parameters
    ----------
    points : one row of objective values per point, all rows the same length; +inf is allowed (the worst).
    """
    # In lexicographic order a point can only be dominated by one before it, and, dominance being transitive,
    # then also by one on the front: so each point is checked against the front so far, not against every point.
    front: list[int] = []
    for index in sorted(range(len(points)), key=lambda i: tuple(points[i])):
        if not any(_dominates(points[member], points[index]) for member in front):
            front.append(index)
    return sorted(front)


def _dominates(a: Sequence[float], b: Sequence[float]) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True)) and any(x < y for x, y in zip(a, b, strict=True))
