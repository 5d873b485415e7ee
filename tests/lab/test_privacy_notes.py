"""The privacy notes: one complete note per dataset and per architecture, and the app's own texts."""

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lab.data import DATASETS
from lab.privacy_notes import (
    PRIVACY_PATH,
    AppPrivacy,
    ArchitecturePrivacy,
    DatasetPrivacy,
    PrivacyNotes,
    load_privacy_notes,
)
from models import REGISTRY

ROOT = Path(__file__).resolve().parent.parent.parent
# The résumés are invented, but the employers who answered them are real.
REAL_PEOPLE = {"adult": "real people", "compas": "real people", "resume": "real employers"}
# A licence named in both the note and the data card.
LICENCES = {
    "digits": "CC BY 4.0",
    "mnist": "CC BY-SA 3.0",
    "reviews": "MIT",
    "adult": "CC BY 4.0",
    "compas": "MIT",
    "resume": "GPL-3",
    "hiring-sim": "project's own licence",
}


def sentences(text: str) -> list[str]:
    """Split plain prose into sentences: a full stop, question or exclamation mark, then a capital letter."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip()) if s]


def text_values(note: object) -> dict[str, str]:
    return {f.name: getattr(note, f.name) for f in dataclasses.fields(note)}


@pytest.fixture(scope="module")
def notes() -> PrivacyNotes:
    return load_privacy_notes()


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_every_dataset_has_a_complete_note(notes, name):
    note = notes.datasets[name]
    assert isinstance(note, DatasetPrivacy)
    assert note.name == name
    for field, value in text_values(note).items():
        assert value.strip(), f"{name}: {field} is empty"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_architecture_has_a_complete_note(notes, name):
    note = notes.architectures[name]
    assert isinstance(note, ArchitecturePrivacy)
    assert note.name == name
    for field, value in text_values(note).items():
        assert value.strip(), f"{name}: {field} is empty"


def test_notes_cover_exactly_the_registries(notes):
    assert set(notes.datasets) == set(DATASETS)
    assert set(notes.architectures) == set(REGISTRY)


def test_the_app_texts_exist(notes):
    assert isinstance(notes.app, AppPrivacy)
    for field, value in text_values(notes.app).items():
        assert value.strip(), f"app: {field} is empty"


def test_the_attack_is_explained_in_exactly_three_sentences(notes):
    assert len(sentences(notes.app.attack)) == 3, sentences(notes.app.attack)


def test_differential_privacy_is_explained_in_three_sentences(notes):
    assert len(sentences(notes.app.dp)) == 3, sentences(notes.app.dp)
    assert "ε" in notes.app.dp


def test_sentence_splitter_counts_what_a_reader_counts():
    assert len(sentences("One. Two? Three! ")) == 3
    assert len(sentences("It costs $50 000. It is 8 x 8.")) == 2


def test_the_data_handling_text_is_honest_about_storage(notes):
    text = notes.app.data_handling
    for words in ("usage statistics", "offline", "data/", "AIL_STORE_URL", "AIL_DATA_DIR", "deleted automatically"):
        assert words in text, words


@pytest.mark.parametrize("name", sorted(REAL_PEOPLE))
def test_datasets_about_real_people_say_so(notes, name):
    assert REAL_PEOPLE[name] in notes.datasets[name].personal_data.lower()


def test_the_simulated_dataset_says_it_is_synthetic(notes):
    note = notes.datasets["hiring-sim"]
    assert "synthetic" in note.personal_data.lower()
    assert "synthetic" in note.consent.lower()


def test_licences_agree_with_the_data_cards(notes):
    assert set(LICENCES) == set(DATASETS)
    for name, licence in LICENCES.items():
        assert licence in notes.datasets[name].licence, name
        assert licence in DATASETS[name].licence, name


def test_loading_is_cached(notes):
    assert load_privacy_notes() is notes
    assert load_privacy_notes(PRIVACY_PATH) is notes


def test_notes_are_read_only(notes):
    with pytest.raises(dataclasses.FrozenInstanceError):
        notes.app.attack = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        notes.datasets["adult"] = notes.datasets["digits"]  # type: ignore[index]


def test_a_missing_or_empty_field_fails_loudly(tmp_path):
    text = PRIVACY_PATH.read_text("utf-8")
    broken = tmp_path / "privacy.toml"
    broken.write_text(text.replace('licence = "CC BY 4.0, as stated by the UCI repository."', 'licence = "  "', 1))
    with pytest.raises(ValueError, match=r"\[datasets.digits\].*licence"):
        load_privacy_notes(broken)


def test_an_unknown_field_fails_loudly(tmp_path):
    broken = tmp_path / "privacy.toml"
    broken.write_text(
        PRIVACY_PATH.read_text("utf-8") + '\n[architectures.extra]\nmemorisation = "x"\nsources = "y"\nnote = "z"\n'
    )
    with pytest.raises(ValueError, match="unknown fields: note"):
        load_privacy_notes(broken)


def test_loading_the_notes_needs_neither_streamlit_nor_torch():
    code = (
        "import sys\n"
        "from lab.privacy_notes import load_privacy_notes\n"
        "load_privacy_notes()\n"
        "assert 'streamlit' not in sys.modules and 'torch' not in sys.modules, 'a heavy import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
