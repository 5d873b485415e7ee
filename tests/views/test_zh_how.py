"""How it works in Chinese: every section, its widgets, its chart summaries and the lab's messages.

The figures in the Chinese sentences are checked against values worked out by hand, and against the English page.
"""

import json
import re

import pytest
from language_harness import assert_all_chinese, open_page_in
from page_harness import ROOT
from streamlit.testing.v1 import AppTest

from lab import mechanics
from ui import i18n
from ui.how_it_works import ADAM, ATTENTION, CONVOLUTION, CROSS_ENTROPY, LSTM, POOLING, SGD


@pytest.fixture
def at(monkeypatch) -> AppTest:
    """The page in Chinese. AppTest formats a selectbox's option with the page's format_func in the test's own
    thread, where `t` would answer in English and miss the option: the whole test speaks Chinese."""
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    return open_page_in("how_it_works")


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def chart(at: AppTest, key: str) -> dict:
    return json.loads(next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key)).proto.spec)


def test_the_page_opens_in_chinese_with_the_formulas_unchanged(at):
    assert_all_chinese(at)
    assert at.title[0].value == "原理"
    intro = (ROOT / "assets" / "pages" / "zh" / "how_intro.md").read_text(encoding="utf-8").strip()
    assert at.main.markdown[0].value.strip() == intro  # the page text comes from the Chinese file
    formulas = [CONVOLUTION, POOLING, LSTM, ATTENTION, CROSS_ENTROPY, SGD, ADAM]
    assert sorted(latex.value for latex in at.latex) == sorted(f"$$\n{formula}\n$$" for formula in formulas)


def test_the_chart_summaries_carry_the_figures_worked_out_by_hand(at):
    # 28 x 28 pixels and a 3 x 3 kernel at stride 1: 26 x 26 = 676 numbers; 2 x 2 pooling keeps 13 x 13 = 169, 25 %
    assert "得到一张 26 × 26 的特征图，共 676 个数" in captions(at)
    assert "留下 169 个数，占 25 %" in captions(at)
    # softmax(2, 1, 0) = e^2, e, 1 over 11.107: cat 66.5 %, bird 9.0 %
    assert "“猫”的概率最高，为 66.5 %；“鸟”的概率最低，为 9.0 %。" in captions(at)
    assert chart(at, "how_ce_chart")["data"][0]["x"] == ["猫", "狗", "鸟"]
    # the loss of "cat": -2 + log(e^2 + e + 1) = 0.408 nats, in a formula the word check leaves alone
    assert "$-\\log(0.665) = 0.408$ nats" in captions(at)


def test_the_widgets_say_their_options_in_chinese_and_the_captions_follow_them(at):
    assert at.selectbox(key="how_conv_kernel").options == ["竖直边缘", "水平边缘", "模糊", "锐化"]
    before = chart(at, "how_conv_chart")["data"][0]["z"]
    at.selectbox(key="how_conv_kernel").set_value("blur")
    at.slider(key="how_conv_stride").set_value(2).run()
    assert chart(at, "how_conv_chart")["data"][0]["z"] != before  # the kernel panel shows the blur now
    assert "卷积核每次跳 2 个像素，得到一张 13 × 13 的特征图，共 169 个数" in captions(at)  # (28 - 3) // 2 + 1 = 13
    at.selectbox(key="how_lstm_gate").set_value("f").run()
    assert chart(at, "how_lstm_chart")["layout"]["yaxis2"]["title"]["text"] == "遗忘门 f"
    assert "遗忘门 f 表示每个单元从这一步到下一步保留的记忆所占的比例（0 到 1）。" in captions(at)
    at.selectbox(key="how_ce_target").set_value(2).run()  # "bird", given 9.0 %: worse than guessing among three
    assert "这个回答比瞎猜还差。" in captions(at)
    at.selectbox(key="how_gd_surface").set_value("rosenbrock").run()
    assert chart(at, "how_gd_chart")["layout"]["title"]["text"] == "梯度下降：Rosenbrock 香蕉形山谷"
    assert_all_chinese(at)


def test_a_climbing_walk_and_a_diverging_one_are_explained_in_chinese_with_their_figures(at):
    assert at.radio(key="how_gd_optimizer").value == "sgd" and at.selectbox(key="how_gd_surface").value == "bowl"
    # plain SGD at 0.3 on the bowl: each step multiplies y by 1 - 10 x 0.3 = -2, so 10 steps climb without blowing up
    at.select_slider(key="how_gd_lr").set_value(0.3)
    at.slider(key="how_gd_steps").set_value(10).run()
    assert "走了 10 步之后" in captions(at) and "比起点的 19.2 高" in captions(at)  # 0.5 x 4² + 5 x 1.5² = 19.25
    at.select_slider(key="how_gd_lr").set_value(1.0)
    at.slider(key="how_gd_steps").set_value(100).run()
    descent = mechanics.descend("bowl", "sgd", lr=1.0, steps=int(at.slider(key="how_gd_steps").value))
    assert descent.diverged
    error = at.main.error[0].value
    assert error.startswith(f"在第 {descent.diverged_at} 步发散了：损失超过了起始值 {descent.losses[0]:.3g} 的一百万倍")
    assert "学习率 1 太高了" in error
    assert f"图中画出了走到第 {descent.diverged_at - 1} 步为止的路径" in captions(at)
    assert_all_chinese(at)


def test_the_english_model_s_word_pieces_are_quoted_and_its_messages_translated(at):
    at.text_input(key="how_attn_sentence").input("Dogs chase cats.").run()
    ticks = chart(at, "how_attn_chart")["layout"]["xaxis"]["ticktext"]
    assert ticks == ["[CLS]", "dogs", "chase", "cats", ".", "[SEP]"]  # the data itself, as the model reads it
    assert re.search(r"两个不同的词之间最强的联系：`\w+` 把 \d+ % 的注意力给了 `\w+`。", captions(at))
    assert_all_chinese(at)

    at.text_input(key="how_attn_sentence").input("").run()
    assert at.main.error[0].value == "请先输入一个句子：没有词，就没有什么可看的。"
    too_long = "a very long sentence " * 9  # 189 characters, 38 word pieces
    with pytest.raises(ValueError) as english:  # outside a page the lab speaks English: the figures to expect
        mechanics.attention(too_long, layer=0, head=0)
    pieces, limit = re.findall(r"\d+", str(english.value))
    at.text_input(key="how_attn_sentence").input(too_long).run()
    assert at.main.error[0].value == f"这个句子会切成 {pieces} 个小片段；请控制在 {limit} 个以内，这样图才看得清。"
    assert not i18n.missing and not at.exception
