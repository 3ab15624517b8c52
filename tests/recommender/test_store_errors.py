"""A full or locked review store (issue 17, item 4): named errors that name the file and say the
review was not stored, on SQLite and PostgreSQL; `kdrama ingest` / `retrain` print one line, exit 2."""

from __future__ import annotations

import sqlite3
import time

import psycopg
import pytest

from recommender.catalog import Review
from recommender.cli import main
from recommender.errors import StoreError, StoreFullError, StoreLockedError
from recommender.store import ReviewStore
from recommender.store_pg import PostgresReviewStore, store_error

REVIEW = Review(show_id="r1", text="A slow, cold revenge; the prosecutor is wonderful. " * 40)


def fill_up(store: ReviewStore) -> None:
    """Make the store's database full: no page may be added (SQLite answers SQLITE_FULL, as on a full disk)."""
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def sqlite_store(tmp_path):
    with ReviewStore(tmp_path / "reviews.sqlite3") as store:
        yield store


def test_a_full_sqlite_store_is_a_store_full_error_naming_the_file(sqlite_store):
    fill_up(sqlite_store)
    with pytest.raises(StoreFullError) as info:
        for i in range(50):
            sqlite_store.add(Review(show_id="r1", text=f"review {i} " + "x" * 3000))
    message = str(info.value)
    assert str(sqlite_store.path) in message and "the review was not stored" in message


def test_a_locked_sqlite_store_is_a_store_locked_error_after_the_wait(tmp_path):
    path = tmp_path / "reviews.sqlite3"
    with ReviewStore(path, timeout=0.3) as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            started = time.perf_counter()
            with pytest.raises(StoreLockedError, match="the review was not stored; try again shortly"):
                store.add(REVIEW)
            assert time.perf_counter() - started < 5
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert store.add(REVIEW)[1] is True  # once the lock is gone the same review goes in


def test_ingest_into_a_locked_store_is_one_line_and_exit_2(tiny_files, tmp_path, monkeypatch, capsys):
    shows, reviews = tiny_files
    db = tmp_path / "locked.sqlite3"
    ReviewStore(db).close()
    monkeypatch.setattr("recommender.store.LOCK_WAIT_SECONDS", 0.3)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["ingest", str(reviews), "--shows", str(shows), "--db", str(db)]) == 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and str(db) in err[0] and "was stored" in err[0]


def test_retrain_with_a_full_store_is_one_line_and_exit_2(tiny_files, tmp_path, monkeypatch, capsys):
    shows, reviews = tiny_files
    db = tmp_path / "full.sqlite3"
    real = ReviewStore.__init__

    def opened_full(self, *args, **kwargs):
        real(self, *args, **kwargs)
        fill_up(self)
        for size in (500, 50, 0):  # fill the last page of the runs table too: not even a retrain record fits
            try:
                while True:
                    self._conn.execute("INSERT INTO retrain_runs (started_at, outcome, error) VALUES ('', 'filler', ?)",
                                       ("x" * size,))
            except sqlite3.OperationalError:
                pass

    monkeypatch.setattr(ReviewStore, "__init__", opened_full)
    code = main(["retrain", "--shows", str(shows), "--reviews", str(reviews), "--db", str(db),
                 "--out", str(tmp_path / "m.joblib"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and str(db) in err[0] and "full" in err[0], err


# ---- PostgreSQL ----------------------------------------------------------------------------------
def test_a_locked_postgres_table_is_a_store_locked_error_after_the_wait(pg_url):
    with PostgresReviewStore(pg_url, timeout=1.0) as store:
        with psycopg.connect(pg_url) as other:
            other.execute("LOCK TABLE reviews IN ACCESS EXCLUSIVE MODE")  # held until this transaction ends
            started = time.perf_counter()
            with pytest.raises(StoreLockedError, match="the review was not stored"):
                store.add(REVIEW)
            assert time.perf_counter() - started < 10
        assert store.add(REVIEW)[1] is True


def test_postgres_disk_full_maps_to_store_full_error():
    error = store_error("postgresql://kdrama@db/kdrama", psycopg.errors.DiskFull("could not extend file"),
                        "the review was not stored")
    assert isinstance(error, StoreFullError) and "postgresql://kdrama@db/kdrama" in str(error)
    assert isinstance(store_error("x", psycopg.errors.LockNotAvailable("busy"), "y"), StoreLockedError)
    other = store_error("x", psycopg.errors.UndefinedTable("no table"), "y")
    assert type(other) is StoreError
