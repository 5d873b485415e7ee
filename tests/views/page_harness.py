"""Opening a page through the router with AppTest, and waiting for what a page shows after training."""

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_page(name: str, params: dict[str, str] | None = None) -> AppTest:
    """The app started at its router (app.py) from a link with these query parameters, then switched to
    views/<name>.py, as a deep link does."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    return at.switch_page(f"views/{name}.py").run()


def run_until(at: AppTest, done, timeout: float = 240) -> AppTest:
    """AppTest does not fire run_every: re-run the script until `done(at)` or time runs out."""
    deadline = time.monotonic() + timeout
    while not done(at):
        errors = [error.value for error in at.error]  # a failed job says why on the page
        assert time.monotonic() < deadline, f"the page never got there; its errors: {errors}"
        time.sleep(0.3)
        at.run()
    return at
