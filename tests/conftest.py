"""Test settings: a throw-away run store, one worker, nothing downloaded."""

import atexit
import os
import shutil
import tempfile

# Set before lab.config is imported anywhere: the store of the test session lives in a temporary folder.
_TMP = tempfile.mkdtemp(prefix="ail-tests-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
os.environ["AIL_STORE_URL"] = f"sqlite:///{_TMP}/runs.db"
os.environ["AIL_WORKERS"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
