"""Arrows point down only: lab/ and models/ never need Streamlit (fairlearn's test_no_matplotlib idea)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_lab_and_models_do_not_import_streamlit():
    code = (
        "import sys, lab, lab.pipeline, lab.jobs, lab.worker, lab.data, lab.cost, lab.store, lab.embeddings, models\n"
        "from lab.__main__ import parser\n"
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_no_source_file_in_lab_or_models_mentions_streamlit_imports():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("lab", "models")
        for path in (ROOT / folder).rglob("*.py")
        if "import streamlit" in path.read_text() or "from streamlit" in path.read_text()
    ]
    assert offenders == []


def test_no_pages_folder_beside_the_router():
    # A folder named pages/ switches Streamlit 1.67 into legacy multipage mode: deep links would skip app.py.
    assert not (ROOT / "pages").exists()
