"""Where the engine's files live by default, and the KDRAMA_* variables that move them.

One place for every command (train, similar, evaluate, ingest, retrain) and the service's
settings to agree on; no heavy imports, so `kdrama --help` stays fast.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DEFAULT_DB", "DEFAULT_MODEL", "DEFAULT_REVIEWS", "DEFAULT_SHOWS", "default_db", "default_model",
           "default_review_files", "default_shows"]

DEFAULT_SHOWS = Path("data/shows.csv")
DEFAULT_REVIEWS = Path("data/reviews.jsonl")
DEFAULT_MODEL = Path("models/model.joblib")
DEFAULT_DB = Path("models/reviews.sqlite3")


def default_shows() -> str:
    return os.environ.get("KDRAMA_SHOWS_PATH", str(DEFAULT_SHOWS))


def default_model() -> str:
    return os.environ.get("KDRAMA_MODEL_PATH", str(DEFAULT_MODEL))


def default_db() -> str:
    return os.environ.get("KDRAMA_DB_PATH", str(DEFAULT_DB))


def default_review_files() -> list[str]:
    """$KDRAMA_REVIEWS_PATHS (comma-separated), else data/reviews.jsonl when it exists."""
    configured = os.environ.get("KDRAMA_REVIEWS_PATHS")
    if configured is not None:
        return [p.strip() for p in configured.split(",") if p.strip()]
    return [str(DEFAULT_REVIEWS)] if DEFAULT_REVIEWS.exists() else []
