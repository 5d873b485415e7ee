"""App settings read from environment variables, each with a documented default (see README)."""

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(os.environ.get("AIL_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))


@dataclass(frozen=True)
class Settings:
    workers: int  # training worker processes for the whole server
    max_jobs_per_person: int  # queued + running runs one browser session may hold
    store_url: str  # SQLAlchemy URL of the run store
    grid_g_per_kwh: float  # grams of CO2 per kWh of electricity, used to turn energy into CO2
    country: str  # ISO 3166 alpha-3 code handed to codecarbon's offline tracker


def _env_number(name: str, default: float, cast: type) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        raise ValueError(f"The setting {name}={raw!r} is not a number.") from None


def load_settings() -> Settings:
    """Read the settings from the environment, falling back to the defaults."""
    return Settings(
        workers=max(1, int(_env_number("AIL_WORKERS", max(1, (os.cpu_count() or 2) - 1), int))),
        max_jobs_per_person=max(1, int(_env_number("AIL_MAX_JOBS_PER_PERSON", 4, int))),
        store_url=os.environ.get("AIL_STORE_URL") or f"sqlite:///{DATA_DIR / 'runs.db'}",
        # 480 g/kWh: world-average carbon intensity of electricity (Ember, Global Electricity Review 2024).
        grid_g_per_kwh=float(_env_number("AIL_GRID_G_PER_KWH", 480.0, float)),
        country=os.environ.get("AIL_COUNTRY", "USA"),
    )
