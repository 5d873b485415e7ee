"""The class board on one page: how many runs, the best on each axis, the trade-off runs, and a short table.

Takes plain data (RunResults and a label for each), so it depends on nothing but the results themselves.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from lab.data import DATASETS
from lab.fairness import AttributeFairness
from lab.pareto import pareto_front
from lab.report_card import single_attributes
from lab.report_charts import tradeoff_chart
from lab.report_doc import Document, Field, Section, Table
from lab.result import RunResult

TABLE_ROWS = 10  # the most accurate runs listed: enough for a class, and the page stays one page


def gap_attribute(result: RunResult) -> AttributeFairness | None:
    """The sensitive attribute, on its own, with the largest gap in selection rate; None for data without groups."""
    return max(single_attributes(result), key=lambda a: a.dp_difference, default=None)


def largest_gap(result: RunResult) -> float | None:
    """The largest gap in selection rate between groups (0..1), None for data without groups."""
    attribute = gap_attribute(result)
    return None if attribute is None else attribute.dp_difference


def attack_accuracy(result: RunResult) -> float | None:
    """How often the loss-threshold membership attack is right (0..1; 0.5 is guessing), None if not measured."""
    return None if result.privacy is None else result.privacy.membership.loss.accuracy


@dataclass(frozen=True)
class BoardFacts:
    """Positions in the board's runs of the best one on each axis; None where no run has that figure."""

    most_accurate: int
    cheapest: int  # least energy to train
    fairest: int | None  # smallest largest gap between groups, among runs on data about people
    least_leaky: int | None  # the membership attack right least often
    trade_off: tuple[int, ...]


def board_facts(results: Sequence[RunResult]) -> BoardFacts:
    """The best run on each axis of a non-empty list of runs; of runs tied on an axis, the most accurate."""
    if not results:
        raise ValueError("board_facts needs at least one run.")
    indices = range(len(results))
    gaps = [i for i in indices if largest_gap(results[i]) is not None]
    attacked = [i for i in indices if attack_accuracy(results[i]) is not None]
    return BoardFacts(
        most_accurate=max(indices, key=lambda i: results[i].metrics.accuracy),
        cheapest=min(indices, key=lambda i: (results[i].cost.energy_kwh, -results[i].metrics.accuracy)),
        fairest=min(gaps, key=lambda i: (largest_gap(results[i]), -results[i].metrics.accuracy), default=None),
        least_leaky=min(
            attacked, key=lambda i: (attack_accuracy(results[i]), -results[i].metrics.accuracy), default=None
        ),
        trade_off=pareto_front([r.cost.energy_kwh for r in results], [r.metrics.accuracy for r in results]),
    )


def _energy(result: RunResult) -> str:
    return f"{result.cost.energy_kwh * 1000:.3g} Wh"


def _highlights(results: Sequence[RunResult], labels: Sequence[str], facts: BoardFacts) -> tuple[Field, ...]:
    def run(i: int) -> str:
        return f"{labels[i]}: {results[i].metrics.accuracy:.1%} accurate, {_energy(results[i])} to train"

    fairest = "No run on data about people yet, so no gaps between groups to compare."
    if facts.fairest is not None:
        gap = largest_gap(results[facts.fairest])
        fairest = f"{run(facts.fairest)}; its largest gap in selection rate between groups is {gap * 100:.1f} points."
    leaky = "No run has its privacy measured yet."
    if facts.least_leaky is not None:
        right = attack_accuracy(results[facts.least_leaky])
        leaky = f"{run(facts.least_leaky)}; the membership attack is right {right:.0%} of the time (50% = guessing)."
    return (
        Field("Most accurate", f"{run(facts.most_accurate)}."),
        Field("Least energy to train", f"{run(facts.cheapest)}."),
        Field("Smallest gap between groups", fairest),
        Field("Least leaky", leaky),
        Field(
            "The trade-off runs (no other run is both more accurate and cheaper in energy)",
            "; ".join(run(i) for i in facts.trade_off) + ".",
        ),
    )


def _table(results: Sequence[RunResult], labels: Sequence[str], facts: BoardFacts) -> Table:
    order = sorted(range(len(results)), key=lambda i: -results[i].metrics.accuracy)[:TABLE_ROWS]
    rows = []
    for i in order:
        result, gap, attack = results[i], largest_gap(results[i]), attack_accuracy(results[i])
        rows.append(
            (
                labels[i],
                f"{result.metrics.accuracy * 100:.1f}",
                f"{result.cost.energy_kwh * 1000:.3g}",
                "—" if gap is None else f"{gap * 100:.1f}",
                "—" if attack is None else f"{attack * 100:.0f}",
                "yes" if i in facts.trade_off else "",
            )
        )
    header = ("Run", "Accuracy (%)", "Energy (Wh)", "Largest gap (points)", "Attack right (%)", "Trade-off")
    return Table(header, tuple(rows), widths=(5, 1.2, 1.2, 1.4, 1.3, 1))


def board_document(results: Sequence[RunResult], *, labels: Sequence[str], made_at: str) -> Document:
    """The class board's summary on one page.

    Parameters
    ----------
    results : the runs on the board.
    labels : the name of each run, in the same order (a nickname and the model, say).
    made_at : when the summary was made, in words ("2026-11-22 07:32 UTC").
    """
    if len(labels) != len(results):
        raise ValueError(f"board_document needs a label for every run, got {len(labels)} for {len(results)} runs.")
    title = "Class board: summary"
    if not results:
        return Document(title, f"Made {made_at}", (Section("No runs yet", ("Nobody has trained a model yet.",)),))
    facts = board_facts(results)
    datasets = sorted({DATASETS[r.spec.dataset].title for r in results})
    overview = (
        f"{len(results)} runs on {len(datasets)} dataset{'s' if len(datasets) > 1 else ''} ({', '.join(datasets)}). "
        "Accuracy is only comparable between runs on the same data. Energy is an estimate unless a power sensor "
        "was read; the attack is right 50% of the time when it can only guess."
    )
    blocks = [overview, *_highlights(results, labels, facts)]
    if len(results) >= 2:
        points = [(labels[i], r.cost.energy_kwh * 1000, r.metrics.accuracy) for i, r in enumerate(results)]
        blocks.append(tradeoff_chart(points, facts.trade_off))
    sections = [Section("The class's runs", tuple(blocks))]
    shown = f"The {min(len(results), TABLE_ROWS)} most accurate of {len(results)} runs."
    sections.append(Section("The most accurate runs", (shown, _table(results, labels, facts))))
    return Document(title, f"{len(results)} runs · made {made_at} · AI Impact Lab", tuple(sections))
