"""Figures: the right traces, units on the axes, every point inside the plotted range."""

import math

import pytest

from lab.result import EpochStats
from ui.charts import COST_AXES, history_figure, tradeoff_figure


def test_history_shows_both_losses_and_the_accuracy_per_epoch():
    history = (EpochStats(1, 2.0, 0.4, 1.8, 0.5, 1.0), EpochStats(2, 1.0, 0.7, 1.1, 0.75, 1.0))
    figure = history_figure(history, title="t")
    assert [trace.name for trace in figure.data] == ["training loss", "validation loss", "validation accuracy (%)"]
    assert list(figure.data[2].y) == [50.0, 75.0]
    assert figure.layout.yaxis2.range == (0, 100)


def test_tradeoff_puts_every_run_inside_a_log_axis_with_room_for_labels(two_runs):
    for axis, (title, value) in COST_AXES.items():
        figure = tradeoff_figure(two_runs, cost_axis=axis, labels=["a", "b"])
        assert figure.layout.xaxis.type == "log" and figure.layout.xaxis.title.text == title
        low, high = figure.layout.xaxis.range
        for run in two_runs:
            assert low < math.log10(value(run)) < high
        assert [trace.y[0] for trace in figure.data] == [98.0, 93.0]


def test_group_rates_leave_a_missing_rate_empty_rather_than_zero():
    from lab.fairness import GroupRates
    from ui.charts import group_rates_figure

    groups = (GroupRates("a", 10, 0.9, 0.5, 0.8, None), GroupRates("b", 12, 0.8, 0.25, 0.6, 0.1))
    figure = group_rates_figure(groups, attribute="sex", positive="yes")
    assert [list(trace.y) for trace in figure.data] == [[50.0, 25.0], [80.0, 60.0], [None, 10.0]]
    assert figure.layout.yaxis.range == (0, 100)


def test_fairness_tradeoff_has_one_named_point_per_version_of_the_model():
    from ui.charts import fairness_tradeoff_figure

    figure = fairness_tradeoff_figure([("As trained", 0.18, 0.854), ("Thresholds", 0.026, 0.832)])
    assert [trace.name for trace in figure.data] == ["As trained", "Thresholds"]
    assert [(trace.x[0], trace.y[0]) for trace in figure.data] == [
        pytest.approx((18.0, 85.4)),
        pytest.approx((2.6, 83.2)),
    ]
