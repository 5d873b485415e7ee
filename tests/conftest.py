"""Test settings: a throw-away run store, one worker, nothing downloaded."""

import atexit
import os
import shutil
import tempfile

import pytest

# Set before lab.config is imported anywhere: the store of the test session lives in a temporary folder.
_TMP = tempfile.mkdtemp(prefix="ail-tests-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
os.environ["AIL_STORE_URL"] = f"sqlite:///{_TMP}/runs.db"
os.environ["AIL_WORKERS"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"


@pytest.fixture
def chinese(monkeypatch):
    """Chinese everywhere in the test, its own thread included: functions that build a page's texts read the
    language when called, and AppTest formats a widget's options in the test's thread to find the one to set."""
    from ui import i18n

    monkeypatch.setattr(i18n, "language", lambda: "zh")
