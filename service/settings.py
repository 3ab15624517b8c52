"""Service settings, read from the environment with the prefix ``KDRAMA_``.

    KDRAMA_MODEL_PATH=models/model.joblib KDRAMA_WEEKEND_MINUTES=600 kdrama serve

List settings take a comma-separated string or a JSON list:
``KDRAMA_CORS_ORIGINS=http://localhost:3000,https://example.org``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from recommender.bounds import MAX_REVIEW_CHARS
from recommender.paths import DEFAULT_DB, DEFAULT_MODEL, DEFAULT_REVIEWS, DEFAULT_SHOWS

__all__ = ["MAX_K", "Settings"]

MAX_K = 100  # the documented ceiling for k; settings may only lower it


def _as_list(value: Any) -> Any:
    """'a, b' or '["a", "b"]' -> ['a', 'b']; lists pass through."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        return json.loads(text)
    return [part.strip() for part in text.split(",") if part.strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KDRAMA_", extra="ignore")

    model_path: Path = Field(DEFAULT_MODEL, description="the signed model artifact to serve")
    shows_path: Path = Field(DEFAULT_SHOWS, description="catalog used when retraining")
    reviews_paths: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [DEFAULT_REVIEWS], description="review files used when retraining"
    )
    db_path: Path = Field(DEFAULT_DB, description="SQLite store for submitted reviews")
    database_url: str | None = Field(None, description="sqlite:///path or postgresql://...; PostgreSQL also holds "
                                     "the models (replicas share no directory); unset = the SQLite file at db_path")
    model_poll_seconds: float = Field(1.0, gt=0, description="on PostgreSQL, how often to look for a newly published model")
    weekend_minutes: int = Field(720, ge=1, le=100_000, description="total runtime that counts as a weekend")
    api_token: SecretStr | None = Field(None, description="bearer token for write/admin endpoints; unset = none allowed")
    max_k: int = Field(MAX_K, ge=1, le=MAX_K, description="largest k a caller may ask for")
    max_review_chars: int = Field(MAX_REVIEW_CHARS, ge=1, le=MAX_REVIEW_CHARS,
                                  description="longest review text accepted; may only lower recommender.bounds.MAX_REVIEW_CHARS")
    max_body_bytes: int = Field(1_000_000, ge=1_000, description="largest request body accepted (413 beyond)")
    max_query_bytes: int = Field(8_192, ge=256, description="longest query string accepted (414 beyond)")
    header_timeout_seconds: float = Field(10.0, gt=0, description="a request line and headers slower than this get a 408")
    body_timeout_seconds: float = Field(30.0, gt=0, description="a request body slower than this (after its headers) gets a 408")
    max_connections: int = Field(1000, ge=8, description="open connections per worker (lowered to fit the file limit); "
                                 "one more closes the oldest one still waiting for its request")
    allow_older_model: bool = Field(False, description="adopt a model file older than the one served (else only "
                                    "`kdrama models rollback --file` may put an older one back)")
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list, description="origins allowed by CORS; empty = same-origin only")
    auto_reload: bool = Field(True, description="each worker picks up a new model file without a restart")
    retrain_after_reviews: int = Field(0, ge=0, description="retrain once this many new reviews are stored; 0 = off")
    retrain_every_minutes: float = Field(0, ge=0, description="retrain this often while reviews are waiting; 0 = off")

    @property
    def store_url(self) -> str | Path:
        """What open_store() is given: the database URL, else the SQLite file."""
        return self.database_url or self.db_path

    _split_lists = field_validator("reviews_paths", "cors_origins", mode="before")(_as_list)
