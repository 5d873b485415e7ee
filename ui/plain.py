"""Numbers in plain words: each function turns one figure into a sentence a non-specialist can picture.

The comparisons are computed from the figure, never canned. The everyday energy figures they use come with
their sources from assets/energy.toml; the other reference values are named here.
"""

import math
import tomllib
from dataclasses import dataclass

from ui.content import ASSETS


@dataclass(frozen=True)
class Reference:
    """An everyday figure to compare with, and where it comes from."""

    value: float
    unit: str  # "W" for a power, "Wh" for an energy
    source: str
    year: int


with open(ASSETS / "energy.toml", "rb") as _file:
    ENERGY_REFERENCES = {name: Reference(**table) for name, table in tomllib.load(_file).items()}

LED_BULB_W = ENERGY_REFERENCES["led_bulb"].value  # an LED household bulb
PHONE_CHARGE_WH = ENERGY_REFERENCES["smartphone_charge"].value  # a full charge of a smartphone battery
LAPTOP_CHARGE_WH = ENERGY_REFERENCES["laptop_charge"].value  # a full charge of a thin laptop's battery
CHATBOT_QUESTION_WH = ENERGY_REFERENCES["chatbot_question"].value  # one text question to a large AI chatbot
CAR_G_PER_KM = 160.0  # CO2 of a typical petrol car per kilometre
PHOTO_MB = 3.0  # a typical phone photo
SECONDS_PER_YEAR = 365.25 * 24 * 3600
LINES_PER_PAGE = 30  # a notebook page


def duration(seconds: float) -> str:
    """'0.4 seconds', '1 minute', '2.5 hours', '12 years'."""
    for unit, size in (("year", SECONDS_PER_YEAR), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 0)):
        if seconds >= size:
            figure = _figure(seconds / size) if size else _figure(seconds)
            return f"{figure} {unit}" if figure == "1" else f"{figure} {unit}s"
    return f"{_figure(seconds)} seconds"


def distance(metres: float) -> str:
    """'12 km', '40 metres', '6 centimetres', '0.3 millimetres'."""
    for unit, size in (("km", 1000), ("metres", 1), ("centimetres", 0.01)):
        if metres >= size:
            return f"{_figure(metres / size)} {unit}"
    return f"{_figure(metres * 1000)} millimetres"


# What one example of each kind of data is called in a sentence ("94% of the images").
NOUNS = {"image": "images", "text": "reviews", "table": "people"}


def sci(value: float) -> str:
    """Three significant figures: '2.57 × 10^10' for large or tiny numbers, '350' or '12,300' for everyday ones."""
    rounded = float(f"{value:.3g}")
    if rounded == 0 or 0.01 <= abs(rounded) < 1e6:
        return f"{rounded:,g}"
    mantissa, exponent = f"{rounded:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')} × 10^{int(exponent)}"


def big(number: float) -> str:
    """'950', '12 thousand', '3.4 million', '2 billion', '3.1 trillion'; beyond: scientific."""
    for word, size in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6), ("thousand", 1e3)):
        if abs(number) >= size:
            if number / size >= 1000:
                return f"{number:.2g}".replace("e+", " × 10^")
            return f"{_figure(number / size)} {word}"
    return _figure(number)


def _figure(value: float) -> str:
    """Two significant figures, written without scientific notation for everyday sizes."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.2g}"


def accuracy_sentence(accuracy: float, n_test: int, noun: str) -> str:
    right = round(accuracy * 100)
    return (
        f"Out of every 100 {noun} it had never seen, it got about {right} right (measured on {n_test:,} test {noun})."
    )


def energy_amount(energy_kwh: float) -> str:
    """'2.1 kWh', '0.4 Wh', '12 mWh' (thousandths of a Wh), '3 µWh' (millionths): never written as 0."""
    watt_hours = energy_kwh * 1000
    # Below a tenth of a unit, the next smaller unit: "40 mWh" reads more easily than "0.04 Wh".
    for unit, size, from_size in (("kWh", 1000, 1000), ("Wh", 1, 0.1), ("mWh", 1e-3, 1e-4)):
        if watt_hours >= from_size:
            return f"{_figure(watt_hours / size)} {unit}"
    return f"{_figure(watt_hours / 1e-6)} µWh"


def _bulb(energy_kwh: float) -> str:
    """'a 10-watt LED bulb left on for 3 minutes'."""
    return f"a {LED_BULB_W:g}-watt LED bulb left on for {duration(energy_kwh * 3.6e6 / LED_BULB_W)}"


def _estimate_note(method: str, source: str = "") -> str:
    if method == "measured":
        return ""
    if "derived" in source:
        return " An estimate, derived from the time per answer and the power drawn while training."
    return " This is an estimate: no power sensor was read."


def energy_sentence(energy_kwh: float, method: str) -> str:
    watt_hours = energy_kwh * 1000
    led_seconds = watt_hours * 3600 / LED_BULB_W
    estimate = _estimate_note(method)
    if watt_hours >= LAPTOP_CHARGE_WH:
        return (
            f"About as much energy as {_figure(watt_hours / LAPTOP_CHARGE_WH)} full charges of a thin laptop's "
            f"battery ({LAPTOP_CHARGE_WH:g} Wh).{estimate}"
        )
    if watt_hours >= PHONE_CHARGE_WH:
        return (
            f"About as much energy as {_figure(watt_hours / PHONE_CHARGE_WH)} full smartphone charges, "
            f"or {_bulb(energy_kwh)}.{estimate}"
        )
    return f"About as much energy as a {LED_BULB_W:g}-watt LED bulb uses in {duration(led_seconds)}.{estimate}"


def epoch_energy_sentence(per_epoch_kwh: float, epochs: int, method: str) -> str:
    """The energy of one pass over the training data, which a short run would otherwise round to 0."""
    times = "once" if epochs == 1 else f"{epochs} times"
    return (
        f"Each epoch (one pass over the training data, done {times}) used {energy_amount(per_epoch_kwh)}: "
        f"about {_bulb(per_epoch_kwh)}.{_estimate_note(method)}"
    )


def answers_energy_sentence(per_1000_kwh: float, method: str, source: str) -> str:
    """1 000 answers given one at a time, against a bulb and a question to a large AI chatbot."""
    share = per_1000_kwh * 1000 / CHATBOT_QUESTION_WH
    if share >= 1:
        questions = "one question" if _figure(share) == "1" else f"{_figure(share)} questions"
        chatbot = f"as much as {questions} to a large AI chatbot"
    else:
        chatbot = f"1/{_figure(1 / share)} of the energy of one question to a large AI chatbot"
    return (
        f"1 000 answers, one at a time, use {energy_amount(per_1000_kwh)}: about {_bulb(per_1000_kwh)}, or "
        f"{chatbot} ({CHATBOT_QUESTION_WH:g} Wh, Google's median Gemini question in "
        f"{ENERGY_REFERENCES['chatbot_question'].year}).{_estimate_note(method, source)}"
    )


def energy_sources() -> str:
    """Where the everyday energy figures come from, one line each, for a caption."""
    return "  \n".join(
        f"{reference.value:g} {reference.unit}: {reference.source} ({reference.year})."
        for reference in ENERGY_REFERENCES.values()
    )


def co2_sentence(co2_g: float, grid_g_per_kwh: float) -> str:
    return (
        f"About the CO2 of driving a petrol car {distance(co2_g / CAR_G_PER_KM * 1000)}. "
        f"An estimate, from an electricity grid that emits {grid_g_per_kwh:g} g of CO2 per kWh."
    )


def flops_sentence(train_flops: float) -> str:
    return (
        f"{big(train_flops)} calculations to train. A person doing one sum per second, day and night, "
        f"would need {duration(train_flops)}."
    )


def params_sentence(params: int) -> str:
    pages = params / LINES_PER_PAGE
    return (
        f"{big(params)} numbers learned from the data. Written one per line, they would fill "
        f"{_figure(max(pages, 1))} notebook pages."
    )


def time_sentence(seconds: float, device_name: str) -> str:
    return f"Training took {duration(seconds)} on {device_name}."


def latency_sentence(latency_ms: float) -> str:
    per_second = 1000 / latency_ms if latency_ms > 0 else float("inf")
    return f"One answer takes {latency_ms:.2g} ms: about {big(per_second)} answers per second, one at a time."


def memory_sentence(peak_mb: float) -> str:
    return (
        f"At its peak the training used {peak_mb:,.0f} MB of memory, about {_figure(peak_mb / PHOTO_MB)} phone photos."
    )


def selection_gap_sentence(lowest: tuple[str, float], highest: tuple[str, float], positive: str) -> str:
    """'Female: predicted "more than $50K" 8% of the time; Male: 23%. A gap of 15 points.'"""
    (low_group, low_rate), (high_group, high_rate) = lowest, highest
    return (
        f'{low_group}: predicted "{positive}" {low_rate:.0%} of the time; {high_group}: {high_rate:.0%}. '
        f"A gap of {(high_rate - low_rate) * 100:.0f} percentage points."
    )


def four_fifths_sentence(ratio: float, passes: bool) -> str:
    verdict = "passes" if passes else "fails"
    return (
        f"The least-selected group is chosen {ratio:.0%} as often as the most-selected: the four-fifths rule "
        f"used in US hiring law asks for at least 80%, so this model {verdict} it."
    )


def error_rates_sentence(eo_difference: float) -> str:
    return (
        f"Its error rates differ by up to {eo_difference * 100:.0f} percentage points between groups (equalized "
        "odds difference): the larger gap of how often it finds the real yes-cases, or wrongly says yes, in one "
        "group against another."
    )


def unawareness_sentence(attribute: str, with_column: float, without_column: float) -> str:
    """Whether leaving the sensitive column out removed the gap (it usually does not)."""
    gaps = (
        f"With the {attribute} column the gap was {with_column * 100:.0f} percentage points; trained without it, "
        f"{without_column * 100:.0f}."
    )
    if without_column >= 0.5 * with_column:
        return (
            f"{gaps} Hiding the column removed little of the gap: other columns still tell the model who is who "
            "(proxies), and the past decisions it learned from are unchanged."
        )
    return (
        f"{gaps} Hiding the column removed much of the gap here, but not the reason for it: the labels still hold "
        "the past decisions, and any column related to the group can carry them back."
    )


def mitigation_sentence(method_words: str, before: tuple[float, float], after: tuple[float, float]) -> str:
    """before and after: (accuracy, gap in selection rate)."""
    (accuracy_before, gap_before), (accuracy_after, gap_after) = before, after
    cost = accuracy_before - accuracy_after
    price = f"it cost {cost * 100:.1f} points of accuracy" if cost > 0.0005 else "it cost no accuracy"
    return (
        f"{method_words}: the gap went from {gap_before * 100:.0f} to {gap_after * 100:.0f} percentage points, "
        f"and {price} ({accuracy_before:.1%} → {accuracy_after:.1%})."
    )


def hiring_sentence(label_bias: float, gap_with: float, gap_without: float) -> str:
    if label_bias == 0:
        start = "The past decisions were fair (no bias injected)"
    else:
        start = f"The past decisions took points off every minority applicant (bias {label_bias:.0%})"
    return (
        f"{start}. The model that reads the group hires the groups {gap_with * 100:.0f} percentage points apart; "
        f"the one that never sees the group, {gap_without * 100:.0f} points apart. Both groups are equally "
        "qualified by construction: any gap was learned from the history."
    )


def dp_sentence(epsilon: float, delta: float) -> str:
    """What a differential-privacy guarantee of ε at δ means, in words."""
    factor = math.exp(epsilon)
    return (
        f"Trained with differential privacy: ε = {epsilon:.2g} at δ = {delta:.1g}. Whether or not any one person was "
        f"in the training data changes the chance of any outcome of training by at most a factor of {factor:.3g} "
        "(e^ε), except with probability δ. Smaller ε is stronger protection; above about 10 it promises little."
    )


def not_private_sentence() -> str:
    return (
        "Trained without differential privacy: nothing limits how much one person's record can shape the model, "
        "so the attack figure above is the only measure of what it leaks."
    )


def sweep_summary(results: list) -> str:
    """One sentence per trained ε, against the run without DP when there is one (the text beside the chart)."""
    baseline = next((r for r in results if r.spec.dp_epsilon is None), None)
    parts = []
    for result in sorted((r for r in results if r.spec.dp_epsilon is not None), key=lambda r: r.spec.dp_epsilon):
        parts.append(
            f"at ε = {result.spec.dp_epsilon:g} the model is right {result.metrics.accuracy:.0%} of the time and "
            f"the attack {result.privacy.membership.loss.accuracy:.0%}"
        )
    if baseline is not None:
        parts.append(f"without DP, {baseline.metrics.accuracy:.0%} and {baseline.privacy.membership.loss.accuracy:.0%}")
    sentence = "; ".join(parts) + "."
    return sentence[0].upper() + sentence[1:] if parts else ""
