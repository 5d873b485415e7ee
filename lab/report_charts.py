"""The reports' charts, drawn by matplotlib as PNG, each with the chart in one sentence.

The app's own charts are plotly; printing those needs kaleido and a Chrome, so the reports draw theirs with
matplotlib's Agg renderer, offline. A chart's sentence is written at once, its picture only when a format
needs it (Markdown does not). Figures are built without pyplot, so a report can be drawn on any thread.
"""

import io
import math
from collections.abc import Callable, Sequence
from functools import partial

from lab.fairness import AttributeFairness, compared_groups
from lab.palette import PALETTE
from lab.privacy import PrivacyReport
from lab.report_doc import Chart
from lab.result import EpochStats

WIDTH_IN, HEIGHT_IN = 6.5, 2.6  # on paper: 165 x 66 mm, the width of an A4 page's text
DPI = 150
LABEL_CHARS = 32  # a point's label beyond this is cut short, so that labels stay inside the chart


def _png(draw: Callable, height_in: float) -> bytes:
    """Run `draw(figure, axes)` on a new figure and return it as PNG bytes."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    draw(figure, figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _chart(draw: Callable, *, title: str, summary: str, height_in: float = HEIGHT_IN) -> Chart:
    return Chart(title, summary, partial(_png, draw, height_in), WIDTH_IN * 25.4, height_in * 25.4)


def _style(axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)


def history_chart(history: Sequence[EpochStats]) -> Chart:
    """Training and validation loss (left axis) and validation accuracy (right axis), epoch by epoch.

    Parameters
    ----------
    history : at least two epochs (one epoch is a single point: say it in words instead).
    """
    if len(history) < 2:
        raise ValueError(f"history_chart needs at least two epochs, got {len(history)}.")
    epochs = [h.epoch for h in history]

    def draw(figure, axes) -> None:
        axes.plot(epochs, [h.train_loss for h in history], "o-", color=PALETTE[0], label="training loss")
        axes.plot(epochs, [h.val_loss for h in history], "s--", color=PALETTE[1], label="validation loss")
        axes.set(xlabel="epoch (one pass over the training data)", ylabel="loss (lower is better)")
        axes.set_xticks(epochs[:: math.ceil(len(epochs) / 12)])
        _style(axes)
        accuracy = axes.twinx()
        values = [h.val_accuracy * 100 for h in history]
        accuracy.plot(epochs, values, "^-", color=PALETTE[2], label="validation accuracy (%)")
        accuracy.set(ylabel="accuracy (%)", ylim=(0, 100))
        accuracy.spines[["top"]].set_visible(False)
        lines = axes.get_legend_handles_labels()[0] + accuracy.get_legend_handles_labels()[0]
        figure.legend(handles=lines, loc="outside lower center", ncols=3, frameon=False, fontsize=8)

    first, last = history[0], history[-1]
    summary = (
        f"Over {len(history)} epochs the training loss went from {first.train_loss:.3g} to {last.train_loss:.3g}, "
        f"the validation loss from {first.val_loss:.3g} to {last.val_loss:.3g}, and the validation accuracy "
        f"from {first.val_accuracy:.1%} to {last.val_accuracy:.1%}."
    )
    return _chart(draw, title="How it learned, epoch by epoch", summary=summary)


def group_rates_chart(attribute: AttributeFairness, *, positive: str) -> Chart:
    """Per group: how often the model says yes, finds the real yes-cases, and says yes wrongly (in %)."""
    groups = attribute.groups
    rates = (
        (f'said "{positive}"', [g.selection_rate for g in groups]),
        (f'found the real "{positive}"', [g.true_positive_rate for g in groups]),
        (f'said "{positive}" wrongly', [g.false_positive_rate for g in groups]),
    )

    def draw(figure, axes) -> None:
        width = 0.8 / len(rates)
        for index, ((name, values), colour) in enumerate(zip(rates, PALETTE, strict=False)):
            positions = [i + (index - 1) * width for i in range(len(groups))]
            shares = [math.nan if v is None else v * 100 for v in values]  # no bar where a group has no such case
            axes.bar(positions, shares, width, color=colour, label=name)
        rotation = 20 if len(groups) > 4 else 0
        axes.set_xticks(range(len(groups)), [g.group for g in groups], fontsize=7, rotation=rotation)
        axes.set(ylabel="% of the group", ylim=(0, 100))
        _style(axes)
        figure.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8)

    compared = compared_groups(groups)
    lowest = min(compared, key=lambda g: g.selection_rate)
    highest = max(compared, key=lambda g: g.selection_rate)
    summary = (
        f'By {attribute.attribute}, the model says "{positive}" for {lowest.selection_rate:.0%} of {lowest.group} '
        f"and {highest.selection_rate:.0%} of {highest.group}, the lowest and highest of the groups large enough "
        "to compare."
    )
    return _chart(draw, title=f"How the model treats each group, by {attribute.attribute}", summary=summary)


def attack_chart(privacy: PrivacyReport) -> Chart:
    """How often each membership attack is right, against the 50% of a coin toss."""
    loss, calibrated = privacy.membership.loss, privacy.membership.calibrated

    def draw(figure, axes) -> None:
        axes.barh(
            ["loss threshold", "calibrated per class"],
            [loss.accuracy * 100, calibrated.accuracy * 100],
            color=PALETTE[3],
            height=0.5,
        )
        axes.axvline(50, color=PALETTE[7], linestyle="--", linewidth=1)
        axes.annotate("50%: guessing", (50, 1.35), fontsize=8, ha="center")
        axes.set(xlabel="attack right (% of records: was it in the training data?)", xlim=(0, 100), ylim=(-0.6, 1.6))
        axes.spines[["top", "right"]].set_visible(False)

    summary = (
        f"The loss-threshold attack is right {loss.accuracy:.0%} of the time (ROC AUC {loss.auc:.2f}) and the "
        f"calibrated one {calibrated.accuracy:.0%} (ROC AUC {calibrated.auc:.2f}), where guessing is right 50% "
        "(AUC 0.50)."
    )
    return _chart(draw, title="How well an attacker tells who was in the training data", summary=summary, height_in=1.9)


def tradeoff_chart(points: Sequence[tuple[str, float, float]], front: Sequence[int]) -> Chart:
    """Accuracy against energy, one point per run, the runs on the trade-off line joined and labelled.

    Parameters
    ----------
    points : (label, energy in Wh, accuracy 0..1) of each run.
    front : positions in `points` of the runs that no other run beats on both, cheapest first.
    """
    energies = [max(wh, 1e-9) for _, wh, _ in points]  # a log axis has no 0

    def draw(figure, axes) -> None:
        axes.scatter(energies, [a * 100 for _, _, a in points], color=PALETTE[5], s=18, label="a run")
        front_energies, front_accuracies = [energies[i] for i in front], [points[i][2] * 100 for i in front]
        axes.plot(front_energies, front_accuracies, "o-", color=PALETTE[0], label="not beaten on both")
        for rank, i in enumerate(front):  # the right half of the line is labelled on the left, to stay inside
            right_half = len(front) > 1 and rank >= len(front) / 2
            axes.annotate(
                points[i][0] if len(points[i][0]) <= LABEL_CHARS else points[i][0][: LABEL_CHARS - 1] + "…",
                (energies[i], points[i][2] * 100),
                fontsize=7,
                xytext=(-4 if right_half else 4, 4),
                textcoords="offset points",
                ha="right" if right_half else "left",
            )
        axes.set(xscale="log", xlabel="energy to train (Wh, log scale; estimate unless measured)")
        axes.set(ylabel="test accuracy (%)")
        axes.margins(x=0.15, y=0.15)
        _style(axes)
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)

    on_line = "1 of them is" if len(front) == 1 else f"{len(front)} of them are"
    summary = (
        f"{len(points)} runs; {on_line} on the trade-off line: no other run is both more accurate and cheaper in "
        "energy. Up and to the left is better."
    )
    return _chart(draw, title="Accuracy against energy", summary=summary, height_in=2.1)
