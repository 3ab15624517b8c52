"""The review store: reviews and cold-start shows that arrived after the catalog, in SQLite.

One file (``models/reviews.sqlite3`` by default), opened in WAL mode so readers never block the
writer, with ``synchronous=FULL``: once ``add()`` returns, the review survives a crash or a
SIGKILL. The schema grows only through the numbered ``MIGRATIONS`` below; each one applied is
recorded in the ``migrations`` table, so an old file is brought up to date when it is opened.

Several processes (uvicorn workers, ``kdrama ingest``, ``kdrama retrain``) may share the file:
SQLite serialises the writers and ``busy_timeout`` makes them wait instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .bounds import is_blank
from .catalog import Review, Show
from .errors import DataError, StoreError, StoreFullError, StoreLockedError
from .paths import DEFAULT_DB

__all__ = ["DEFAULT_DB", "MIGRATIONS", "ReviewStore", "RetrainRun", "StoredReview", "content_hash"]


# Append only: a migration that has shipped is never edited, a change is a new number.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "reviews and cold-start shows", """
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            show_id TEXT NOT NULL,
            text TEXT NOT NULL,
            author TEXT NOT NULL DEFAULT '',
            rating REAL,
            date TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            content_hash TEXT NOT NULL UNIQUE
        );
        CREATE INDEX reviews_show ON reviews (show_id);
        CREATE TABLE shows (
            show_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            year INTEGER,
            episodes INTEGER,
            episode_minutes INTEGER,
            network TEXT NOT NULL DEFAULT '',
            genres TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '[]',
            "cast" TEXT NOT NULL DEFAULT '[]',
            aliases TEXT NOT NULL DEFAULT '[]',
            native_title TEXT NOT NULL DEFAULT '',
            synopsis TEXT NOT NULL DEFAULT '',
            popularity REAL,
            source TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        );
    """),
    (2, "retrain runs, for status", """
        CREATE TABLE retrain_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            outcome TEXT NOT NULL,
            seconds REAL,
            model_version TEXT NOT NULL DEFAULT '',
            error TEXT NOT NULL DEFAULT '',
            last_review_id INTEGER NOT NULL DEFAULT 0,
            pid INTEGER
        );
    """),
    (3, "crew and country of cold-start shows", """
        ALTER TABLE shows ADD COLUMN directors TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE shows ADD COLUMN writers TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE shows ADD COLUMN country TEXT NOT NULL DEFAULT '';
    """),
)
LOCK_WAIT_SECONDS = 30.0  # a writer waits this long for another's lock, then StoreLockedError
_LIST_FIELDS = ("genres", "tags", "cast", "aliases", "directors", "writers")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def content_hash(show_id: str, text: str, author: str = "") -> str:
    """Same show, same author, same words (case and spacing aside) -> same hash: one review."""
    words = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    digest = hashlib.sha256()
    for part in (show_id, author.strip().casefold(), words):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredReview:
    id: int
    show_id: str
    text: str
    author: str
    rating: float | None
    date: str
    source: str
    created_at: str
    content_hash: str

    def to_review(self) -> Review:
        # a stable review_id keeps the training fingerprint stable across reads
        return Review(show_id=self.show_id, text=self.text, review_id=f"store-{self.id}", author=self.author,
                      date=self.date, rating=self.rating, source=self.source)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RetrainRun:
    id: int
    started_at: str
    finished_at: str | None
    outcome: str  # running | trained | skipped | failed | interrupted
    seconds: float | None
    model_version: str
    error: str
    last_review_id: int
    pid: int | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class StoreQueries:
    """Everything the two backends share, in portable SQL: ``?`` placeholders, RETURNING (SQLite
    3.35+ and PostgreSQL), column aliases instead of positions. A backend supplies ``_rows``
    (run one statement) and ``_interrupted`` (how a dead retrain is recognised)."""

    path: Any
    _conn: Any
    _lock: Any

    def _rows(self, sql: str, params: tuple = (), what: str = "nothing was written") -> list[Any]:
        raise NotImplementedError

    # ---- life cycle: a backend holds ``_conn`` and ``_lock`` ------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _interrupted(self, rows: list[Any]) -> list[RetrainRun]:
        raise NotImplementedError

    def migrations(self) -> list[tuple[int, str]]:
        return [(r["version"], r["name"]) for r in self._rows("SELECT version, name FROM migrations ORDER BY version")]

    # ---- reviews ------------------------------------------------------------------------------
    def add(self, review: Review, source: str | None = None) -> tuple[StoredReview, bool]:
        """Store a review; (stored, True) when new, (the existing one, False) when already stored."""
        if not review.show_id or is_blank(review.text):
            raise ValueError("a review needs a show_id and some text")
        digest = content_hash(review.show_id, review.text, review.author)
        inserted = self._rows(
            "INSERT INTO reviews (show_id, text, author, rating, date, source, created_at, content_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (content_hash) DO NOTHING RETURNING id",
            (review.show_id, review.text, review.author, review.rating, review.date,
             review.source if source is None else source, _now(), digest),
            what="the review was not stored",
        )
        rows = self._rows("SELECT * FROM reviews WHERE content_hash = ?", (digest,), what="nothing was read")
        return _review(rows[0]), bool(inserted)

    def reviews(self, show_id: str | None = None) -> list[StoredReview]:
        if show_id is None:
            rows = self._rows("SELECT * FROM reviews ORDER BY id", what="nothing was read")
        else:
            rows = self._rows("SELECT * FROM reviews WHERE show_id = ? ORDER BY id", (show_id,), what="nothing was read")
        return [_review(r) for r in rows]

    def count_reviews(self, since_id: int = 0, since: str | None = None) -> int:
        """Reviews stored after review ``since_id`` (and after the ISO time ``since``, if given)."""
        sql, params = "SELECT COUNT(*) AS n FROM reviews WHERE id > ?", [since_id]
        if since:
            sql += " AND created_at > ?"
            params.append(since)
        return int(self._rows(sql, tuple(params), what="nothing was read")[0]["n"])

    def last_review_id(self) -> int:
        return int(self._rows("SELECT COALESCE(MAX(id), 0) AS n FROM reviews", what="nothing was read")[0]["n"])

    # ---- cold-start shows ---------------------------------------------------------------------
    def add_show(self, show: Show, source: str = "") -> tuple[Show, bool]:
        """Store a show that is not in the catalog; an id already stored keeps its first version."""
        values = show.to_dict()
        values.pop("total_minutes")
        for key in _LIST_FIELDS:
            values[key] = json.dumps(values[key], ensure_ascii=False)
        columns = list(values)
        inserted = self._rows(
            f"INSERT INTO shows ({', '.join(_q(c) for c in columns)}, source, created_at) "
            f"VALUES ({', '.join('?' for _ in columns)}, ?, ?) ON CONFLICT (show_id) DO NOTHING RETURNING show_id",
            (*values.values(), source, _now()),
            what="the show was not stored",
        )
        stored = self._rows("SELECT * FROM shows WHERE show_id = ?", (show.show_id,), what="nothing was read")
        return _show(stored[0]), bool(inserted)

    def count_shows(self) -> int:
        return int(self._rows("SELECT COUNT(*) AS n FROM shows", what="nothing was read")[0]["n"])

    def shows(self) -> list[Show]:
        return [_show(r) for r in self._rows("SELECT * FROM shows ORDER BY created_at, show_id", what="nothing was read")]

    # ---- retrain runs -------------------------------------------------------------------------
    def start_run(self, last_review_id: int | None = None) -> int:
        """Record a retrain as running, trained on reviews up to ``last_review_id``; returns its id."""
        last = self.last_review_id() if last_review_id is None else last_review_id
        rows = self._rows("INSERT INTO retrain_runs (started_at, outcome, last_review_id, pid) "
                          "VALUES (?, 'running', ?, ?) RETURNING id", (_now(), last, os.getpid()))
        return int(rows[0]["id"])

    def finish_run(self, run_id: int, outcome: str, seconds: float, model_version: str = "", error: str = "") -> None:
        self._rows("UPDATE retrain_runs SET finished_at = ?, outcome = ?, seconds = ?, model_version = ?, error = ? "
                   "WHERE id = ?", (_now(), outcome, seconds, model_version, error, run_id))

    def runs(self, limit: int = 10) -> list[RetrainRun]:
        """The latest retrain runs, newest first; a 'running' one that nobody runs any more is 'interrupted'."""
        return self._interrupted(self._rows("SELECT * FROM retrain_runs ORDER BY id DESC LIMIT ?", (limit,),
                                            what="nothing was read"))

    def last_run(self) -> RetrainRun | None:
        runs = self.runs(1)
        return runs[0] if runs else None

    def reviews_waiting(self) -> int:
        """Reviews stored after the data the last completed retrain (trained or skipped) read."""
        rows = self._rows("SELECT last_review_id FROM retrain_runs WHERE outcome IN ('trained', 'skipped') "
                          "ORDER BY id DESC LIMIT 1", what="nothing was read")
        return self.count_reviews(since_id=int(rows[0]["last_review_id"]) if rows else 0)


class ReviewStore(StoreQueries):
    """Reviews and cold-start shows in one SQLite file. Safe to share between threads."""

    def __init__(self, path: str | Path = DEFAULT_DB, timeout: float | None = None):
        timeout = LOCK_WAIT_SECONDS if timeout is None else timeout
        self.path = Path(path)
        if self.path.is_dir():
            raise DataError(f"{self.path}: is a directory, expected a SQLite file for the review store")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            # FULL: the WAL is fsynced at every commit, so an answered add() is on disk
            self._conn.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            if isinstance(store_error(self.path, exc, ""), StoreLockedError | StoreFullError):
                raise store_error(self.path, exc, "nothing was stored") from None
            raise DataError(f"{self.path}: not a usable SQLite review store ({exc})") from None
        except BaseException:
            self._conn.close()
            raise

    def _migrate(self) -> None:
        with self._lock:
            conn = self._conn
            try:
                # IMMEDIATE: two processes opening a new file at once must not both migrate
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                             "applied_at TEXT NOT NULL)")
                done = {row[0] for row in conn.execute("SELECT version FROM migrations")}
                for version, name, script in MIGRATIONS:
                    if version in done:
                        continue
                    for statement in filter(str.strip, script.split(";")):
                        conn.execute(statement)
                    conn.execute("INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                 (version, name, _now()))
                newest = max(done, default=0)
                if newest > MIGRATIONS[-1][0]:
                    raise DataError(f"{self.path}: review store is at migration {newest}, this engine knows up to "
                                    f"{MIGRATIONS[-1][0]}; upgrade kdrama")
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    named = store_error(self.path, exc, "nothing was stored")
                    if isinstance(named, StoreLockedError | StoreFullError):
                        raise named from None
                    raise DataError(f"{self.path}: cannot prepare the review store ({exc})") from None
                raise

    def _rows(self, sql: str, params: tuple = (), what: str = "nothing was written") -> list[Any]:
        """Run one statement (``?`` placeholders); its rows, [] when it returns none."""
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise store_error(self.path, exc, what) from None

    def _interrupted(self, rows: list[Any]) -> list[RetrainRun]:
        # one machine: a "running" run whose process is gone was interrupted
        return [_run(row, alive=_alive(row["pid"])) for row in rows]


# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF)
_BUSY, _LOCKED, _FULL = 5, 6, 13


def store_error(path: Path, exc: sqlite3.Error, what: str) -> StoreError:
    """The named error for a failed statement: locked (try again), full (free space), or other."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code in (_BUSY, _LOCKED):
        return StoreLockedError(f"{path}: another process holds the review store's lock; {what}; try again shortly")
    if code == _FULL:
        return StoreFullError(f"{path}: the disk (or the store's size limit) is full; {what}; free some space")
    return StoreError(f"{path}: {exc}; {what}")


def _q(column: str) -> str:
    return f'"{column}"'  # "cast" is an SQL keyword


def _review(row: sqlite3.Row) -> StoredReview:
    return StoredReview(**{key: row[key] for key in row.keys()})


def _show(row: sqlite3.Row) -> Show:
    data = {key: row[key] for key in row.keys() if key not in ("source", "created_at")}
    for key in _LIST_FIELDS:
        data[key] = tuple(json.loads(data[key] or "[]"))
    return Show(**data)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(row: Any, alive: bool) -> RetrainRun:
    """A run record; a 'running' one whose process is not ``alive`` is reported as interrupted."""
    data = {key: row[key] for key in row.keys()}
    if data["outcome"] == "running" and not alive:
        data["outcome"] = "interrupted"
        data["error"] = data["error"] or f"process {data['pid']} stopped before the retrain finished"
    return RetrainRun(**data)
