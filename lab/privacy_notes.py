"""The privacy notes the Privacy page shows, read from assets/privacy.toml: plain words, kept out of the code.

Per dataset: what personal data it holds, how it was collected (consent), what a leak could reveal, its licence.
Per architecture: how much it tends to memorise its training data. For the app: how it handles data, and the
membership inference attack and differential privacy explained in three sentences each.
No Streamlit and no torch: the notes load anywhere, quickly.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

PRIVACY_PATH = Path(__file__).resolve().parent.parent / "assets" / "privacy.toml"


@dataclass(frozen=True)
class DatasetPrivacy:
    """What a dataset means for the privacy of the people in it, in plain words."""

    name: str  # registry key, as in lab.data.DATASETS: "adult"
    personal_data: str  # what personal data it holds, or that it holds none
    consent: str  # how the data were collected and whether the people agreed
    risk: str  # what a model that leaks who was in its training data could reveal
    licence: str  # short, consistent with the data card
    sources: str  # where the facts above come from


@dataclass(frozen=True)
class ArchitecturePrivacy:
    """How much an architecture tends to learn its training examples by heart, in plain words."""

    name: str  # registry key, as in models.REGISTRY: "mlp"
    memorisation: str
    sources: str


@dataclass(frozen=True)
class AppPrivacy:
    """The app's own data handling, and the two ideas the Privacy page teaches."""

    data_handling: str  # what is stored, where, for how long; no telemetry; works offline
    attack: str  # the membership inference attack, in exactly three sentences
    dp: str  # differential privacy, in three sentences
    sources: str


@dataclass(frozen=True)
class PrivacyNotes:
    """Every privacy note: per dataset, per architecture, and for the app. The mappings are read-only."""

    datasets: Mapping[str, DatasetPrivacy]
    architectures: Mapping[str, ArchitecturePrivacy]
    app: AppPrivacy


def _text_fields(cls: type) -> list[str]:
    return [f.name for f in fields(cls) if f.name != "name"]


def _build(cls: type, where: str, table: Any, name: str | None = None) -> Any:
    """One note from its TOML table; every field must be there, be text and not be empty, and no other field."""
    if not isinstance(table, dict):
        raise ValueError(f"{where} in the privacy notes must be a table of fields.")
    expected = _text_fields(cls)
    unknown = sorted(set(table) - set(expected))
    if unknown:
        raise ValueError(f"{where} in the privacy notes has unknown fields: {', '.join(unknown)}.")
    for field_name in expected:
        value = table.get(field_name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where} in the privacy notes needs a non-empty text for {field_name!r}.")
    values = {k: table[k].strip() for k in expected}
    return cls(name=name, **values) if name is not None else cls(**values)


def load_privacy_notes(path: str | Path = PRIVACY_PATH) -> PrivacyNotes:
    """Read the privacy notes from the TOML file, once per file: later calls return the same read-only notes.

    Raises ValueError when a section or a field is missing, empty or unknown, so a typo fails loudly.
    """
    return _load(Path(path).resolve())


@cache
def _load(path: Path) -> PrivacyNotes:
    with path.open("rb") as f:
        raw = tomllib.load(f)
    for section in ("datasets", "architectures", "app"):
        if section not in raw:
            raise ValueError(f"The privacy notes have no [{section}] section.")
    datasets = {
        name: _build(DatasetPrivacy, f"[datasets.{name}]", table, name) for name, table in raw["datasets"].items()
    }
    architectures = {
        name: _build(ArchitecturePrivacy, f"[architectures.{name}]", table, name)
        for name, table in raw["architectures"].items()
    }
    return PrivacyNotes(
        datasets=MappingProxyType(datasets),
        architectures=MappingProxyType(architectures),
        app=_build(AppPrivacy, "[app]", raw["app"]),
    )
