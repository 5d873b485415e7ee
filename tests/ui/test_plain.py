"""Plain-words sentences: the comparisons are computed from the figures (checked by hand here)."""

from ui import plain


def test_energy_is_compared_with_an_led_bulb_and_says_it_is_an_estimate():
    # 0.01 Wh = 36 J; a 10 W bulb uses 36 J in 3.6 s.
    sentence = plain.energy_sentence(0.00001, "estimated")
    assert "10-watt LED bulb uses in 3.6 seconds" in sentence and "estimate" in sentence
    assert "estimate" not in plain.energy_sentence(0.00001, "measured")


def test_large_energy_is_counted_in_phone_charges():
    assert "2 full smartphone charges" in plain.energy_sentence(0.030, "measured")  # 30 Wh / 15 Wh


def test_co2_is_compared_with_driving():
    # 16 g at 160 g/km is 100 m; 0.016 g is 10 cm.
    assert "petrol car 100 metres" in plain.co2_sentence(16, 480)
    assert "petrol car 10 centimetres" in plain.co2_sentence(0.016, 480)
    assert "480 g of CO2 per kWh" in plain.co2_sentence(1, 480)


def test_flops_in_person_years():
    # 3.15576e7 sums at one per second is one year.
    assert "would need 1 year." in plain.flops_sentence(365.25 * 24 * 3600)
    assert "would need 2 minutes." in plain.flops_sentence(120)


def test_big_numbers_in_words():
    assert plain.big(950) == "950"
    assert plain.big(12_300) == "12 thousand"
    assert plain.big(3.4e6) == "3.4 million"
    assert plain.big(3.14e23) == "3.1 × 10^23"


def test_durations_and_distances():
    assert plain.duration(0.4) == "0.4 seconds"
    assert plain.duration(180) == "3 minutes"
    assert plain.duration(60) == "1 minute"
    assert plain.distance(2500) == "2.5 km"
    assert plain.distance(0.0003) == "0.3 millimetres"


def test_accuracy_sentence():
    assert "about 97 right" in plain.accuracy_sentence(0.9666, 270, "images")


def test_unawareness_says_whether_hiding_the_column_removed_the_gap():
    little = plain.unawareness_sentence("sex", 0.18, 0.17)
    assert "gap was 18 percentage points; trained without it, 17" in little and "removed little" in little
    assert "removed much of the gap" in plain.unawareness_sentence("sex", 0.18, 0.04)


def test_mitigation_states_the_gap_before_and_after_and_its_price_in_accuracy():
    sentence = plain.mitigation_sentence("Thresholds", (0.854, 0.178), (0.832, 0.026))
    assert "gap went from 18 to 3 percentage points" in sentence and "cost 2.2 points of accuracy" in sentence
    assert "cost no accuracy" in plain.mitigation_sentence("Thresholds", (0.80, 0.2), (0.81, 0.01))


def test_hiring_sentence_names_the_injected_bias():
    assert plain.hiring_sentence(0.0, 0.02, 0.02).startswith("The past decisions were fair")
    biased = plain.hiring_sentence(1.0, 0.42, 0.17)
    assert "(bias 100%)" in biased and "42 percentage points apart" in biased and "17 points apart" in biased
