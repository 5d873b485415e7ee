"""The Class board in Chinese, its teacher area included, and its sort kept in a shared link."""

import re

from language_harness import assert_all_chinese, open_page_in, store_sample_runs
from page_harness import open_page


def test_the_board_and_its_teacher_area_are_in_chinese(monkeypatch):
    monkeypatch.setenv("AIL_TEACHER_PASSWORD", "right horse battery")
    store_sample_runs()
    at = open_page_in("board")
    assert_all_chinese(at)
    assert "昵称" in at.dataframe[0].value.columns and "好奇的水獭" in list(at.dataframe[0].value["昵称"])
    at.text_input(key="board_teacher_password").input("wrong").run()
    assert at.error[0].value == "这不是教师密码。没有做任何更改。"
    assert_all_chinese(at)


def test_a_link_with_a_sort_opens_the_board_sorted_that_way_and_the_choice_writes_the_link():
    store_sample_runs()
    at = open_page("board", {"board_sort": "privacy"})
    assert at.selectbox(key="board_sort").value == "privacy"
    at.selectbox(key="board_sort").set_value("cost").run()
    assert at.query_params["board_sort"] == "cost"
    at.selectbox(key="board_sort").set_value("accuracy").run()  # the default: a plain link
    assert "board_sort" not in at.query_params


def test_a_session_that_opens_in_chinese_is_given_a_chinese_nickname_and_keeps_it():
    at = open_page_in("board")
    given = at.sidebar.text_input(key="nickname").value
    assert re.fullmatch(r"[\u4e00-\u9fff]+ [1-9][0-9]", given)
    assert any(f"**{given}**" in markdown.value for markdown in at.markdown)  # "you appear on the board as ..."
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.sidebar.text_input(key="nickname").value == given  # a name does not change with the language
