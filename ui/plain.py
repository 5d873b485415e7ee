"""Numbers in plain words: each function turns one figure into a sentence a non-specialist can picture.

The comparisons are computed from the figure, never canned. The everyday energy figures they use come with
their sources from assets/energy.toml; the other reference values are named here.

Every sentence is in the session's language (ui.i18n), read when the function is called. The number words are
per language too: '3.4 million' in English is '340万' in Chinese, which counts in ten thousands (万) and hundred
millions (亿). The words of the data that a sentence names (a group 'Female', a class 'arrested again', a column
'sex') come already in the session's language: `data_word` translates them where they are shown.

The sentences about groups of people and privacy are in ui/plain_people.py.
"""

import re
import tomllib
from dataclasses import dataclass

from ui import i18n
from ui.content import ASSETS
from ui.i18n import t


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

# Units of time, largest first: seconds in one, the English word for one and for several, the Chinese word
# (Chinese has no plural).
TIME_UNITS = (
    (SECONDS_PER_YEAR, "year", "years", "年"),
    (86400, "day", "days", "天"),
    (3600, "hour", "hours", "小时"),
    (60, "minute", "minutes", "分钟"),
    (0, "second", "seconds", "秒"),
)
# Units of length, largest first: metres in one, the English and the Chinese word.
LENGTH_UNITS = (
    (1000, "km", "公里"),
    (1, "metres", "米"),
    (0.01, "centimetres", "厘米"),
    (0.001, "millimetres", "毫米"),
)
# Large numbers: English counts in thousands, Chinese in ten thousands (万), hundred millions (亿) and 万亿.
BIG_WORDS = {
    "en": (("trillion", 1e12), ("billion", 1e9), ("million", 1e6), ("thousand", 1e3)),
    "zh": (("万亿", 1e12), ("亿", 1e8), ("万", 1e4)),
}
LETTERS = re.compile("[A-Za-z]")
GROUP_SIZE = re.compile(r"(?P<group>.+) \((?P<size>\d+)\)")  # "Asian & Female (2)", in the lab's list of small groups


def duration(seconds: float) -> str:
    """'0.4 seconds', '1 minute', '2.5 hours', '12 years'; in Chinese '0.4 秒', '2.5 小时'."""
    size, one, several, chinese = next((unit for unit in TIME_UNITS if seconds >= unit[0]), TIME_UNITS[-1])
    figure = _figure(seconds / size) if size else _figure(seconds)
    if i18n.chinese():
        return f"{figure} {chinese}"
    return f"{figure} {one}" if figure == "1" else f"{figure} {several}"


def distance(metres: float) -> str:
    """'12 km', '40 metres', '6 centimetres', '0.3 millimetres'; in Chinese '12 公里', '0.3 毫米'."""
    size, english, chinese = next((unit for unit in LENGTH_UNITS[:-1] if metres >= unit[0]), LENGTH_UNITS[-1])
    return f"{_figure(metres / size)} {chinese if i18n.chinese() else english}"


# What one example of each kind of data is called in a sentence ("94% of the images"), by modality.
NOUNS = {"image": "images", "text": "reviews", "table": "people"}

# The accuracy sentence for each noun: a whole sentence each, so that a translation counts its own way (Chinese
# counts pictures, reviews and people with different measure words: 张, 条, 个).
ACCURACY_SENTENCES = {
    "images": "Out of every 100 images it had never seen, it got about {right} right "
    "(measured on {n_test:,} test images).",
    "reviews": "Out of every 100 reviews it had never seen, it got about {right} right "
    "(measured on {n_test:,} test reviews).",
    "people": "Out of every 100 people it had never seen, it got about {right} right "
    "(measured on {n_test:,} test people).",
}


def sci(value: float) -> str:
    """Three significant figures: '2.57 × 10^10' for large or tiny numbers, '350' or '12,300' for everyday ones."""
    rounded = float(f"{value:.3g}")
    if rounded == 0 or 0.01 <= abs(rounded) < 1e6:
        return f"{rounded:,g}"
    mantissa, exponent = f"{rounded:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')} × 10^{int(exponent)}"


def big(number: float) -> str:
    """'950', '12 thousand', '3.4 million', '2 billion', '3.1 trillion'; beyond: scientific.

    In Chinese '1.2万', '340万', '20亿', '3.1万亿' (a number of 万 is written without a thousands comma: '3400万').
    """
    chinese = i18n.chinese()
    for word, size in BIG_WORDS["zh" if chinese else "en"]:
        if abs(number) >= size:
            if number / size >= (10_000 if chinese else 1000):
                return f"{number:.2g}".replace("e+", " × 10^")
            return f"{_figure(number / size).replace(',', '')}{word}" if chinese else f"{_figure(number / size)} {word}"
    return _figure(number)


def _figure(value: float) -> str:
    """Two significant figures, written without scientific notation for everyday sizes."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.2g}"


def sentences(*parts: str) -> str:
    """Whole sentences one after the other: a space between them in English, none in Chinese; empty parts left out."""
    return ("" if i18n.chinese() else " ").join(part for part in parts if part)


def both(words: list[str]) -> str:
    """Words joined by 'and': 'sex and race' in English, '性别和种族' in Chinese."""
    return ("和" if i18n.chinese() else " and ").join(words)


def data_word(value: str) -> str:
    """A word of the data in this session's language: a group ('Female', 'Asian & Female'), a sensitive column
    ('sex', 'race × sex'), a class ('arrested again'), an energy method ('estimated'). Figures stay as they are."""
    for joiner in (" × ", " & "):
        if joiner in value:
            return joiner.join(data_word(part) for part in value.split(joiner))
    return t(value) if LETTERS.search(value) else value


def lab_sentence(message: str) -> str:
    """A text finished by lab/ (a note, a sensor's description, a device) in this session's language.

    Its template is found in the tables as ui.i18n.t_message finds it; the values the lab put into it are
    translated too where the tables know them (a column name, a risk level, a sentence inside brackets), and a
    list of small groups with their sizes is translated group by group. Figures and names stay as they are.
    """
    return i18n.t_message(message, value_words=_value)


def _value(value: str) -> str:
    """A value the lab put into a text: translated when the tables know it, else as it is (a figure, a name)."""
    if not LETTERS.search(value):
        return value
    if (translated := i18n.finished_text(value, _value)) is not None:
        return translated
    groups = [GROUP_SIZE.fullmatch(item) for item in value.split(", ")]
    if all(groups):  # "Native American (1), Asian & Female (2)"
        return "、".join(f"{data_word(group['group'])}（{group['size']}）" for group in groups)
    return value


def accuracy_sentence(accuracy: float, n_test: int, noun: str) -> str:
    """`noun`: a value of NOUNS."""
    return t(ACCURACY_SENTENCES[noun], right=round(accuracy * 100), n_test=n_test)


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
    return t(
        "a {watts:g}-watt LED bulb left on for {time}",
        watts=LED_BULB_W,
        time=duration(energy_kwh * 3.6e6 / LED_BULB_W),
    )


def _estimate_note(method: str, source: str = "") -> str:
    if method == "measured":
        return ""
    if "derived" in source:
        return t("An estimate, derived from the time per answer and the power drawn while training.")
    return t("This is an estimate: no power sensor was read.")


def energy_sentence(energy_kwh: float, method: str) -> str:
    watt_hours = energy_kwh * 1000
    if watt_hours >= LAPTOP_CHARGE_WH:
        comparison = t(
            "About as much energy as {charges} full charges of a thin laptop's battery ({battery_wh:g} Wh).",
            charges=_figure(watt_hours / LAPTOP_CHARGE_WH),
            battery_wh=LAPTOP_CHARGE_WH,
        )
    elif watt_hours >= PHONE_CHARGE_WH:
        comparison = t(
            "About as much energy as {charges} full smartphone charges, or {bulb}.",
            charges=_figure(watt_hours / PHONE_CHARGE_WH),
            bulb=_bulb(energy_kwh),
        )
    else:
        comparison = t(
            "About as much energy as a {watts:g}-watt LED bulb uses in {time}.",
            watts=LED_BULB_W,
            time=duration(watt_hours * 3600 / LED_BULB_W),
        )
    return sentences(comparison, _estimate_note(method))


def epoch_energy_sentence(per_epoch_kwh: float, epochs: int, method: str) -> str:
    """The energy of one pass over the training data, which a short run would otherwise round to 0."""
    if epochs == 1:
        template = "Each epoch (one pass over the training data, done once) used {amount}: about {bulb}."
    else:
        template = "Each epoch (one pass over the training data, done {epochs} times) used {amount}: about {bulb}."
    used = t(template, epochs=epochs, amount=energy_amount(per_epoch_kwh), bulb=_bulb(per_epoch_kwh))
    return sentences(used, _estimate_note(method))


def answers_energy_sentence(per_1000_kwh: float, method: str, source: str) -> str:
    """1 000 answers given one at a time, against a bulb and a question to a large AI chatbot."""
    share = per_1000_kwh * 1000 / CHATBOT_QUESTION_WH
    if share >= 1 and _figure(share) == "1":
        chatbot = t("as much as one question to a large AI chatbot")
    elif share >= 1:
        chatbot = t("as much as {questions} questions to a large AI chatbot", questions=_figure(share))
    else:
        chatbot = t("1/{fraction} of the energy of one question to a large AI chatbot", fraction=_figure(1 / share))
    used = t(
        "1 000 answers, one at a time, use {amount}: about {bulb}, or {chatbot} ({question_wh:g} Wh, Google's median "
        "Gemini question in {year}).",
        amount=energy_amount(per_1000_kwh),
        bulb=_bulb(per_1000_kwh),
        chatbot=chatbot,
        question_wh=CHATBOT_QUESTION_WH,
        year=ENERGY_REFERENCES["chatbot_question"].year,
    )
    return sentences(used, _estimate_note(method, source))


def energy_sources() -> str:
    """Where the everyday energy figures come from, one line each, for a caption."""
    return "  \n".join(
        t(
            "{value} {unit}: {source} ({year}).",
            value=f"{reference.value:g}",
            unit=reference.unit,
            source=t(reference.source),
            year=reference.year,
        )
        for reference in ENERGY_REFERENCES.values()
    )


def co2_sentence(co2_g: float, grid_g_per_kwh: float) -> str:
    return t(
        "About the CO2 of driving a petrol car {distance}. "
        "An estimate, from an electricity grid that emits {grid:g} g of CO2 per kWh.",
        distance=distance(co2_g / CAR_G_PER_KM * 1000),
        grid=grid_g_per_kwh,
    )


def flops_sentence(train_flops: float) -> str:
    return t(
        "{calculations} calculations to train. A person doing one sum per second, day and night, would need {time}.",
        calculations=big(train_flops),
        time=duration(train_flops),
    )


def params_sentence(params: int) -> str:
    return t(
        "{numbers} numbers learned from the data. Written one per line, they would fill {pages} notebook pages.",
        numbers=big(params),
        pages=_figure(max(params / LINES_PER_PAGE, 1)),
    )


def time_sentence(seconds: float, device_name: str) -> str:
    """`device_name` as the lab describes the device ('CPU, 2 cores')."""
    return t("Training took {time} on {device}.", time=duration(seconds), device=lab_sentence(device_name))


def latency_sentence(latency_ms: float) -> str:
    per_second = 1000 / latency_ms if latency_ms > 0 else float("inf")
    return t(
        "One answer takes {latency:.2g} ms: about {answers} answers per second, one at a time.",
        latency=latency_ms,
        answers=big(per_second),
    )


def memory_sentence(peak_mb: float) -> str:
    return t(
        "At its peak the training used {megabytes:,.0f} MB of memory, about {photos} phone photos.",
        megabytes=peak_mb,
        photos=_figure(peak_mb / PHOTO_MB),
    )
