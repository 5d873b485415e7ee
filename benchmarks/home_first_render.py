"""Home page first render in Chromium after the server is up (target <= 1.5 s).

    .venv/bin/python benchmarks/home_first_render.py

Starts `streamlit run` on a free localhost port, waits for its health check, then times a fresh browser
context from navigation to the visible page title, several times (the first is the cold one).
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from browser_harness import CHROMIUM, CHROMIUM_FLAGS, streamlit_server  # noqa: E402


def main() -> None:
    timings = []
    with streamlit_server(Path(tempfile.mkdtemp())) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for _ in range(5):
            context = browser.new_context()
            page = context.new_page()
            started = time.perf_counter()
            page.goto(url)
            page.get_by_role("heading", name="AI Impact Lab").wait_for()
            timings.append(time.perf_counter() - started)
            context.close()
        browser.close()
    print(f"{'render':8} {'seconds':>8}")
    for index, seconds in enumerate(timings, start=1):
        print(f"{index:<8} {seconds:8.3f}")
    print(f"first (cold): {timings[0]:.3f} s, median: {statistics.median(timings):.3f} s")


if __name__ == "__main__":
    main()
