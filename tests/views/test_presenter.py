"""Presenter mode through the router: `?present=1` or the sidebar switch, large type, and the guided tour."""

from page_harness import ROOT
from streamlit.testing.v1 import AppTest


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def _styles(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def test_a_link_with_present_1_opens_the_presenter_view_with_its_tour():
    at = _app()
    at.query_params["present"] = "1"
    at.run()
    assert at.toggle(key="present").value is True
    assert any("font-size: 22px" in style for style in _styles(at))
    assert any(c.value == "Guided tour: step 1 of 11: Home" for c in at.caption)
    links = {link.proto.label: link.proto.page for link in at.main.get("page_link")}
    assert "Previous" not in links and links["Next"].endswith("how")  # Home is the first step


def test_the_tour_follows_the_menu_and_the_switch_writes_the_address():
    at = _app().run()
    assert at.toggle(key="present").value is False and not _styles(at)
    at.toggle(key="present").set_value(True).run()
    assert at.query_params["present"] == "1"  # a link copied now opens presenting
    at.switch_page("views/train.py").run()
    assert any(c.value == "Guided tour: step 3 of 11: Train & Compare" for c in at.caption)
    links = {link.proto.label: link.proto.page for link in at.main.get("page_link")}
    assert links["Previous"].endswith("how") and links["Next"].endswith("fairness")
    at.toggle(key="present").set_value(False).run()
    assert "present" not in at.query_params and not _styles(at)
