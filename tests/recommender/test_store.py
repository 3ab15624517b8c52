"""recommender/store.py: the SQLite review store, its migrations, dedup and retrain bookkeeping."""

from __future__ import annotations

import sqlite3

import pytest

from recommender.catalog import Review, Show
from recommender.errors import DataError
from recommender.store import MIGRATIONS, ReviewStore


@pytest.fixture
def store(tmp_path):
    with ReviewStore(tmp_path / "reviews.sqlite3") as opened:
        yield opened


def test_a_new_store_records_every_migration_and_runs_in_wal_mode(store):
    assert store.migrations() == [(version, name) for version, name, _ in MIGRATIONS]
    with sqlite3.connect(store.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {r[0] for r in other.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {
            "migrations", "reviews", "shows", "retrain_runs"}
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_reopening_keeps_data_and_applies_no_migration_twice(tmp_path):
    path = tmp_path / "reviews.sqlite3"
    with ReviewStore(path) as first:
        first.add(Review(show_id="c1", text="Cozy."))
    with ReviewStore(path) as again:
        assert [r.text for r in again.reviews()] == ["Cozy."]
        assert len(again.migrations()) == len(MIGRATIONS)


def test_the_same_review_again_returns_the_stored_one(store):
    first, created = store.add(Review(show_id="c1", text="Sweet   friends to lovers.", author="Mina", rating=8.5))
    again, created_again = store.add(Review(show_id="c1", text="sweet friends to LOVERS.", author="mina"))
    assert created and not created_again
    assert again == first and again.rating == 8.5
    other_author, created_other = store.add(Review(show_id="c1", text="Sweet friends to lovers.", author="Joon"))
    other_show, created_show = store.add(Review(show_id="c2", text="Sweet friends to lovers.", author="Mina"))
    assert created_other and created_show
    assert store.count_reviews() == 3


def test_a_review_needs_a_show_and_text(store):
    with pytest.raises(ValueError, match="show_id and some text"):
        store.add(Review(show_id="c1", text="   "))


def test_counting_reviews_since_an_id_or_a_time(store):
    first, _ = store.add(Review(show_id="c1", text="one"))
    second, _ = store.add(Review(show_id="c1", text="two"))
    assert store.count_reviews(since_id=first.id) == 1
    assert store.count_reviews(since=first.created_at) == 1
    assert store.last_review_id() == second.id
    assert [r.text for r in store.reviews("c1")] == ["one", "two"]
    assert store.reviews("nope") == []


def test_cold_start_shows_round_trip_with_their_lists(store):
    show = Show(show_id="new-2024", title="New Show", year=2024, episodes=4, episode_minutes=45, network="Disney+",
                genres=("Romance",), tags=("friends-to-lovers", "co-habitation"), cast=("Park A", "Han B"))
    stored, created = store.add_show(show)
    assert created and stored == show
    again, created_again = store.add_show(Show(show_id="new-2024", title="Other title"))
    assert not created_again and again.title == "New Show"
    assert store.shows() == [show]


def test_retrain_runs_feed_reviews_waiting(store):
    store.add(Review(show_id="c1", text="one"))
    assert store.reviews_waiting() == 1 and store.last_run() is None
    run = store.start_run()
    store.add(Review(show_id="c1", text="two, while training"))
    store.finish_run(run, "trained", 1.5, "v1")
    last = store.last_run()
    assert (last.outcome, last.seconds, last.model_version, last.error) == ("trained", 1.5, "v1", "")
    assert store.reviews_waiting() == 1  # the review that arrived during the run is still waiting
    failed = store.start_run()
    store.finish_run(failed, "failed", 0.1, error="boom")
    assert store.last_run().error == "boom" and store.reviews_waiting() == 1  # a failed run read nothing


def test_a_run_whose_process_is_gone_reads_as_interrupted(store):
    store._write("INSERT INTO retrain_runs (started_at, outcome, pid) VALUES ('2025-01-01', 'running', 999999999)")
    last = store.last_run()
    assert last.outcome == "interrupted" and "stopped before the retrain finished" in last.error


def test_a_file_that_is_not_sqlite_is_a_one_line_error(tmp_path):
    path = tmp_path / "reviews.sqlite3"
    path.write_bytes(b"this is not a database, just text " * 100)
    with pytest.raises(DataError, match="not a usable SQLite review store"):
        ReviewStore(path)


def test_a_store_from_a_newer_engine_is_refused(tmp_path):
    path = tmp_path / "reviews.sqlite3"
    ReviewStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO migrations VALUES (99, 'future', '2030-01-01')")
    conn.close()
    with pytest.raises(DataError, match="migration 99.*upgrade kdrama"):
        ReviewStore(path)
