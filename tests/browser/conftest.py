"""A real `streamlit run` on localhost and Debian's Chromium driven by Playwright."""

from pathlib import Path

import pytest
from browser_harness import CHROMIUM, CHROMIUM_FLAGS, ROOT, streamlit_server
from playwright.sync_api import expect

ARTIFACTS = ROOT / "test-artifacts"

pytestmark = pytest.mark.browser
# A page's first visit imports torch; on a busy 2-core machine that alone can pass Playwright's 5 s default.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """`streamlit run app.py` with its own store, stopped at the end of the session."""
    with streamlit_server(tmp_path_factory.mktemp("store")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
