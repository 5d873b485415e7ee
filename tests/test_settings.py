"""The server's settings: Streamlit's config file and the app's environment variables."""

import tomllib
from pathlib import Path

import pytest
from contrast import contrast, themes

from lab.config import load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_config_is_private_and_safe_for_a_classroom():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True
    assert config["server"]["maxUploadSize"] == 5
    assert config["server"]["fileWatcherType"] == "none"
    assert config["runner"]["postScriptGC"] is False
    assert config["client"] == {"showErrorDetails": "none", "toolbarMode": "viewer"}


def test_the_contrast_formula_against_known_pairs():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic just-too-light grey


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_both_themes_have_readable_text_and_a_visible_accent(theme):
    colours = themes()[theme]
    for background in (colours["backgroundColor"], colours["secondaryBackgroundColor"]):
        assert contrast(colours["textColor"], background) >= 4.5  # WCAG 1.4.3, body text
        assert contrast(colours["primaryColor"], background) >= 3  # WCAG 1.4.11, controls and focus
    assert contrast("#FFFFFF", colours["primaryColor"]) >= 3  # a primary button's bold label


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AIL_WORKERS", "3")
    monkeypatch.setenv("AIL_GRID_G_PER_KWH", "56.5")
    monkeypatch.setenv("AIL_STORE_URL", "sqlite:///:memory:")
    monkeypatch.setenv("AIL_COUNTRY", "FRA")
    settings = load_settings()
    assert (settings.workers, settings.grid_g_per_kwh) == (3, 56.5)
    assert (settings.store_url, settings.country) == ("sqlite:///:memory:", "FRA")


def test_defaults_when_nothing_is_set(monkeypatch):
    for name in ("AIL_WORKERS", "AIL_GRID_G_PER_KWH", "AIL_STORE_URL", "AIL_COUNTRY", "AIL_MAX_JOBS_PER_PERSON"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.workers >= 1 and settings.max_jobs_per_person == 4
    assert settings.store_url.endswith("data/runs.db") and settings.grid_g_per_kwh == 480.0


def test_a_setting_that_is_not_a_number_says_which(monkeypatch):
    monkeypatch.setenv("AIL_WORKERS", "many")
    with pytest.raises(ValueError, match="AIL_WORKERS='many' is not a number"):
        load_settings()
