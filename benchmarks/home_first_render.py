"""Home page first render in Chromium after the server is up (target <= 1.5 s).

    .venv/bin/python benchmarks/home_first_render.py

Starts `streamlit run` on a free localhost port, waits for its health check, then times a fresh browser
context from navigation to the visible page title, several times (the first is the cold one).
"""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("streamlit did not come up")


def main() -> None:
    port = free_port()
    env = dict(os.environ, AIL_STORE_URL=f"sqlite:///{tempfile.mkdtemp()}/runs.db")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        timings = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
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
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
