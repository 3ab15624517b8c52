"""service/settings.py: defaults, the KDRAMA_ prefix, list parsing, bounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from service.settings import Settings


def test_defaults(monkeypatch):
    for name in ("MODEL_PATH", "SHOWS_PATH", "REVIEWS_PATHS", "DB_PATH"):
        monkeypatch.delenv(f"KDRAMA_{name}")
    settings = Settings()
    assert settings.model_path == Path("models/model.joblib")
    assert settings.shows_path == Path("data/shows.csv")
    assert settings.reviews_paths == [Path("data/reviews.jsonl")]
    assert settings.db_path == Path("models/reviews.sqlite3")
    assert settings.weekend_minutes == 720 and settings.max_k == 100
    assert settings.api_token is None and settings.cors_origins == [] and settings.auto_reload is True


def test_environment_with_the_prefix(monkeypatch, tmp_path):
    monkeypatch.setenv("KDRAMA_MODEL_PATH", str(tmp_path / "m.joblib"))
    monkeypatch.setenv("KDRAMA_WEEKEND_MINUTES", "600")
    monkeypatch.setenv("KDRAMA_MAX_K", "20")
    monkeypatch.setenv("KDRAMA_API_TOKEN", "s3cret")
    monkeypatch.setenv("WEEKEND_MINUTES", "1")  # no prefix: not ours
    settings = Settings()
    assert settings.model_path == tmp_path / "m.joblib"
    assert settings.weekend_minutes == 600 and settings.max_k == 20
    assert settings.api_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize("raw", ["http://a.example, http://b.example", '["http://a.example", "http://b.example"]'])
def test_lists_take_commas_or_json(monkeypatch, raw):
    monkeypatch.setenv("KDRAMA_CORS_ORIGINS", raw)
    monkeypatch.setenv("KDRAMA_REVIEWS_PATHS", "a.jsonl,b.csv")
    settings = Settings()
    assert settings.cors_origins == ["http://a.example", "http://b.example"]
    assert settings.reviews_paths == [Path("a.jsonl"), Path("b.csv")]


@pytest.mark.parametrize("name, value", [
    ("KDRAMA_WEEKEND_MINUTES", "0"), ("KDRAMA_WEEKEND_MINUTES", "a weekend"), ("KDRAMA_MAX_K", "500"),
    ("KDRAMA_MAX_K", "0"), ("KDRAMA_AUTO_RELOAD", "sometimes"), ("KDRAMA_CORS_ORIGINS", "[not json"),
])
def test_bad_values_name_the_setting(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as info:
        Settings()
    assert name.removeprefix("KDRAMA_").lower() in str(info.value)
