"""Plain-words sentences: the comparisons are computed from the figures (checked by hand here)."""

from ui import i18n, plain


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


def test_big_numbers_count_in_wan_and_yi_in_chinese(chinese):
    assert plain.big(950) == "950"
    assert plain.big(12_300) == "1.2万"  # 1.23 ten-thousands
    assert plain.big(3.4e6) == "340万"
    assert plain.big(3.4e7) == "3400万"  # no thousands comma inside a count of 万
    assert plain.big(2e9) == "20亿"
    assert plain.big(3.1e12) == "3.1万亿"
    assert plain.big(3.14e23) == "3.1 × 10^23"


def test_durations_and_distances_have_chinese_units_without_plurals(chinese):
    assert plain.duration(7200) == "2 小时"
    assert plain.duration(60) == "1 分钟"
    assert plain.duration(0.4) == "0.4 秒"
    assert plain.duration(3 * 86400) == "3 天"
    assert plain.duration(365.25 * 24 * 3600) == "1 年"
    assert plain.distance(2500) == "2.5 公里"
    assert plain.distance(40) == "40 米"
    assert plain.distance(0.06) == "6 厘米"
    assert plain.distance(0.0003) == "0.3 毫米"


def test_sentences_in_chinese_count_with_measure_words_and_keep_the_figures(chinese):
    assert plain.accuracy_sentence(0.9666, 270, "images") == (
        "在它从未见过的图片中，每 100 张它大约答对 97 张（在 270 张测试图片上测得）。"
    )
    assert plain.accuracy_sentence(0.5, 1200, "reviews") == (
        "在它从未见过的评论中，每 100 条它大约答对 50 条（在 1,200 条测试评论上测得）。"
    )
    # 0.01 Wh = 36 J; a 10 W bulb uses 36 J in 3.6 s; Chinese sentences follow each other without a space.
    assert plain.energy_sentence(0.00001, "estimated") == (
        "大约相当于一盏 10 瓦的 LED 灯在 3.6 秒内用掉的电能。这是估算值：没有读取功率传感器。"
    )
    assert plain.flops_sentence(120) == "训练需要 120 次计算。一个人不分昼夜、每秒算一道加法，需要 2 分钟才能算完。"
    assert plain.co2_sentence(16, 480).startswith("大约相当于一辆汽油车行驶 100 米排放的 CO2。")


def test_texts_finished_by_the_lab_are_translated_with_the_words_inside_them(chinese):
    assert plain.lab_sentence("CPU, 2 cores") == "CPU，2 核"
    source = (
        "RAM: estimated from the memory this process holds (codecarbon's ~5 W per module); "
        "CPU: estimated from this process's CPU time x a rated power of 8 W"
    )
    answers = f"estimated: 5,952 answers one at a time in 0.50 s, scaled to 1 000 ({source})"
    assert plain.lab_sentence(answers) == (
        "估算：在 0.50 秒内一次一个地回答了 5,952 次，再按 1000 次折算（"
        "RAM：根据这个进程占用的内存估算（codecarbon 按每个内存条约 5 W 计算）；"
        "CPU：按这个进程占用的 CPU 时间 × 额定功率（8 W）估算）"
    )
    small = (
        "Too few people to trust their rates: Native American (1), Asian & Female (2). "
        "A gap involving them may be chance."
    )
    assert plain.lab_sentence(small) == (
        "这些群体人数太少，他们的比率不可信：美洲原住民（1）、亚裔 & 女性（2）。涉及他们的差距可能只是偶然。"
    )
    assert plain.lab_sentence("") == ""


def test_a_lab_text_the_tables_do_not_know_is_shown_as_it_is_and_reported_missing(chinese):
    i18n.missing.clear()
    assert plain.lab_sentence("A sentence no table has.") == "A sentence no table has."
    assert i18n.missing == {"A sentence no table has."}
    i18n.missing.clear()


def test_lab_texts_stay_as_they_are_in_english():
    assert plain.lab_sentence("CPU, 2 cores") == "CPU, 2 cores"
    assert plain.data_word("Asian & Female") == "Asian & Female"
