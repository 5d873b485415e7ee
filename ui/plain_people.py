"""Fairness and privacy figures in plain words: gaps between groups of people, and what a privacy guarantee means.

Like ui/plain.py, every sentence is in the session's language (ui.i18n), read when the function is called. The groups
and classes a sentence names come already in the session's language: ui.plain.data_word translates them where they
are shown.
"""

import math

from ui import i18n
from ui.i18n import t
from ui.plain import sci


def selection_gap_sentence(lowest: tuple[str, float], highest: tuple[str, float], positive: str) -> str:
    """'Female: predicted "more than $50K" 8% of the time; Male: 23%. A gap of 15 points.'

    The groups and the `positive` class come as they are shown: already in the session's language (data_word).
    """
    (low_group, low_rate), (high_group, high_rate) = lowest, highest
    return t(
        '{low_group}: predicted "{positive}" {low_rate:.0%} of the time; {high_group}: {high_rate:.0%}. '
        "A gap of {gap:.0f} percentage points.",
        low_group=low_group,
        high_group=high_group,
        positive=positive,
        low_rate=low_rate,
        high_rate=high_rate,
        gap=(high_rate - low_rate) * 100,
    )


def four_fifths_sentence(ratio: float, passes: bool) -> str:
    if passes:
        template = (
            "The least-selected group is chosen {ratio:.0%} as often as the most-selected: the four-fifths rule "
            "used in US hiring law asks for at least 80%, so this model passes it."
        )
    else:
        template = (
            "The least-selected group is chosen {ratio:.0%} as often as the most-selected: the four-fifths rule "
            "used in US hiring law asks for at least 80%, so this model fails it."
        )
    return t(template, ratio=ratio)


def error_rates_sentence(eo_difference: float) -> str:
    return t(
        "Its error rates differ by up to {points:.0f} percentage points between groups (equalized odds "
        "difference): the larger gap of how often it finds the real yes-cases, or wrongly says yes, in one "
        "group against another.",
        points=eo_difference * 100,
    )


def unawareness_sentence(attribute: str, with_column: float, without_column: float) -> str:
    """Whether leaving the sensitive column out removed the gap (it usually does not); `attribute` as shown."""
    if without_column >= 0.5 * with_column:
        template = (
            "With the {attribute} column the gap was {with_gap:.0f} percentage points; trained without it, "
            "{without_gap:.0f}. Hiding the column removed little of the gap: other columns still tell the model who "
            "is who (proxies), and the past decisions it learned from are unchanged."
        )
    else:
        template = (
            "With the {attribute} column the gap was {with_gap:.0f} percentage points; trained without it, "
            "{without_gap:.0f}. Hiding the column removed much of the gap here, but not the reason for it: the "
            "labels still hold the past decisions, and any column related to the group can carry them back."
        )
    return t(template, attribute=attribute, with_gap=with_column * 100, without_gap=without_column * 100)


def mitigation_sentence(method_words: str, before: tuple[float, float], after: tuple[float, float]) -> str:
    """before and after: (accuracy, gap in selection rate); `method_words`: the method's name, already translated."""
    (accuracy_before, gap_before), (accuracy_after, gap_after) = before, after
    cost = accuracy_before - accuracy_after
    if cost > 0.0005:
        template = (
            "{method}: the gap went from {gap_before:.0f} to {gap_after:.0f} percentage points, and it cost "
            "{cost:.1f} points of accuracy ({accuracy_before:.1%} → {accuracy_after:.1%})."
        )
    else:
        template = (
            "{method}: the gap went from {gap_before:.0f} to {gap_after:.0f} percentage points, and it cost no "
            "accuracy ({accuracy_before:.1%} → {accuracy_after:.1%})."
        )
    return t(
        template,
        method=method_words,
        gap_before=gap_before * 100,
        gap_after=gap_after * 100,
        cost=cost * 100,
        accuracy_before=accuracy_before,
        accuracy_after=accuracy_after,
    )


def hiring_sentence(label_bias: float, gap_with: float, gap_without: float) -> str:
    if label_bias == 0:
        template = (
            "The past decisions were fair (no bias injected). The model that reads the group hires the groups "
            "{gap_with:.0f} percentage points apart; the one that never sees the group, {gap_without:.0f} points "
            "apart. Both groups are equally qualified by construction: any gap was learned from the history."
        )
    else:
        template = (
            "The past decisions took points off every minority applicant (bias {bias:.0%}). The model that reads "
            "the group hires the groups {gap_with:.0f} percentage points apart; the one that never sees the group, "
            "{gap_without:.0f} points apart. Both groups are equally qualified by construction: any gap was "
            "learned from the history."
        )
    return t(template, bias=label_bias, gap_with=gap_with * 100, gap_without=gap_without * 100)


def dp_sentence(epsilon: float, delta: float) -> str:
    """What a differential-privacy guarantee of ε at δ means, in words."""
    return t(
        "Trained with differential privacy: ε = {epsilon:.2g} at δ = {delta:.1g}. Whether or not any one person was "
        "in the training data changes the chance of any outcome of training by at most a factor of {factor} "
        "(e^ε), except with probability δ. Smaller ε is stronger protection; above about 10 it promises little.",
        epsilon=epsilon,
        delta=delta,
        factor=sci(math.exp(epsilon)),  # '2,980' for ε = 8, not '2.98e+03'
    )


def not_private_sentence() -> str:
    return t(
        "Trained without differential privacy: nothing limits how much one person's record can shape the model, "
        "so the attack figure above is the only measure of what it leaks."
    )


def sweep_summary(results: list) -> str:
    """One clause per trained ε, against the run without DP when there is one (the text beside the chart)."""
    baseline = next((r for r in results if r.spec.dp_epsilon is None), None)
    parts = []
    for result in sorted((r for r in results if r.spec.dp_epsilon is not None), key=lambda r: r.spec.dp_epsilon):
        parts.append(
            t(
                "at ε = {epsilon:g} the model is right {accuracy:.0%} of the time and the attack {attack:.0%}",
                epsilon=result.spec.dp_epsilon,
                accuracy=result.metrics.accuracy,
                attack=result.privacy.membership.loss.accuracy,
            )
        )
    if baseline is not None:
        parts.append(
            t(
                "without DP, {accuracy:.0%} and {attack:.0%}",
                accuracy=baseline.metrics.accuracy,
                attack=baseline.privacy.membership.loss.accuracy,
            )
        )
    if not parts:
        return ""
    if i18n.chinese():
        return "；".join(parts) + "。"
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:]
