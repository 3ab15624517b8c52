"""Which database holds the reviews: ``open_store(url)`` picks the backend from the URL.

    sqlite:///models/reviews.sqlite3      the embedded default (a relative path after ///)
    sqlite:////var/lib/kdrama/reviews.db  an absolute path (four slashes)
    models/reviews.sqlite3                a plain path means SQLite too
    postgresql://user:pass@host:5432/db   PostgreSQL (psycopg 3); the models live there as well

``KDRAMA_DATABASE_URL`` (CLI ``--database``) chooses; unset, the SQLite file at
``KDRAMA_DB_PATH`` (``models/reviews.sqlite3``) is used, as before.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError
from .paths import default_db

__all__ = ["DATABASE_ENV", "default_database_url", "is_postgres", "open_store", "sqlite_path"]

DATABASE_ENV = "KDRAMA_DATABASE_URL"
_POSTGRES = ("postgresql://", "postgres://")


def default_database_url() -> str | None:
    """$KDRAMA_DATABASE_URL, or None: the caller falls back to its SQLite path."""
    return os.environ.get(DATABASE_ENV) or None


def is_postgres(url: str | Path | None) -> bool:
    return isinstance(url, str) and url.startswith(_POSTGRES)


def sqlite_path(url: str | Path) -> Path:
    """``sqlite:///a/b`` -> ``a/b``; ``sqlite:////a/b`` -> ``/a/b``; a plain path is itself."""
    text = str(url)
    if text.startswith("sqlite://"):
        rest = text[len("sqlite://"):]
        if not rest.startswith("/") or rest == "/":
            raise DataError(f"{text!r}: expected sqlite:///relative/path or sqlite:////absolute/path")
        return Path(rest[1:])
    if "://" in text:
        raise DataError(f"{text!r}: unsupported database URL; use sqlite:///path or postgresql://user@host/db")
    return Path(text)


def open_store(url: str | Path | None = None):
    """A ReviewStore (SQLite) or a PostgresReviewStore, with the same methods."""
    url = url if url else (default_database_url() or default_db())
    if is_postgres(url):
        try:
            from .store_pg import PostgresReviewStore
        except ImportError as exc:  # pragma: no cover - psycopg is a dependency, but say so if it is gone
            raise DataError(f"PostgreSQL needs psycopg 3: pip install 'psycopg[binary]' ({exc})") from None
        return PostgresReviewStore(str(url))
    from .store import ReviewStore

    return ReviewStore(sqlite_path(url))
