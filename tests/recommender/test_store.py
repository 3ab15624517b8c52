"""The review store on both backends (recommender/store.py on SQLite, recommender/store_pg.py on
PostgreSQL): migrations, dedup and retrain bookkeeping. Backend-specific checks come last."""

from __future__ import annotations

import sqlite3

import pytest

from recommender.catalog import Review, Show
from recommender.database import open_store
from recommender.errors import DataError
from recommender.store import MIGRATIONS, ReviewStore


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path) -> str:
    """Where a store lives: a SQLite URL, or a fresh PostgreSQL database (skipped when none can start)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reviews.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(location):
    with open_store(location) as opened:
        yield opened


def test_both_backends_share_the_migration_numbers_and_names():
    from recommender.store_pg import PG_MIGRATIONS

    assert [(v, n) for v, n, _ in PG_MIGRATIONS[:len(MIGRATIONS)]] == [(v, n) for v, n, _ in MIGRATIONS]


def test_a_new_store_records_every_migration(store):
    from recommender.store_pg import PG_MIGRATIONS

    expected = MIGRATIONS if isinstance(store, ReviewStore) else PG_MIGRATIONS
    assert store.migrations() == [(version, name) for version, name, _ in expected]


def test_a_new_sqlite_store_runs_in_wal_mode(tmp_path):
    store = ReviewStore(tmp_path / "reviews.sqlite3")
    assert store.migrations() == [(version, name) for version, name, _ in MIGRATIONS]
    with sqlite3.connect(store.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {r[0] for r in other.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {
            "migrations", "reviews", "shows", "retrain_runs"}
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.close()


def test_reopening_keeps_data_and_applies_no_migration_twice(location):
    with open_store(location) as first:
        first.add(Review(show_id="c1", text="Cozy."))
        applied = first.migrations()
    with open_store(location) as again:
        assert [r.text for r in again.reviews()] == ["Cozy."]
        assert again.migrations() == applied


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


def test_a_run_whose_process_is_gone_reads_as_interrupted(tmp_path):
    store = ReviewStore(tmp_path / "reviews.sqlite3")
    store._rows("INSERT INTO retrain_runs (started_at, outcome, pid) VALUES ('2025-01-01', 'running', 999999999)")
    last = store.last_run()
    assert last.outcome == "interrupted" and "stopped before the retrain finished" in last.error
    store.close()


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


# ---- PostgreSQL only ----------------------------------------------------------------------------
def test_postgres_a_running_run_is_interrupted_once_nobody_holds_the_retrain_lock(pg_url):
    with open_store(pg_url) as store:
        with store.retrain_lock():
            run = store.start_run()
            assert store.retrain_lock_held() and store.last_run().outcome == "running"
        # the lock went (as it does when the process dies with its connection) and the run never finished
        assert not store.retrain_lock_held()
        last = store.last_run()
        assert last.id == run and last.outcome == "interrupted" and "stopped before the retrain finished" in last.error


def test_postgres_one_retrain_lock_across_connections(pg_url):
    from recommender.store_pg import RetrainBusyError

    with open_store(pg_url) as one, open_store(pg_url) as other:
        with one.retrain_lock(wait=False):
            with pytest.raises(RetrainBusyError, match="already running"), other.retrain_lock(wait=False):
                pass
        with other.retrain_lock(wait=False):
            assert one.retrain_lock_held()


def test_postgres_a_store_from_a_newer_engine_is_refused(pg_url):
    import psycopg

    open_store(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO migrations VALUES (99, 'future', '2030-01-01')")
    with pytest.raises(DataError, match="migration 99.*upgrade kdrama"):
        open_store(pg_url)


def test_postgres_a_dropped_connection_is_reopened(pg_url):
    import psycopg

    with open_store(pg_url) as store:
        store.add(Review(show_id="c1", text="before"))
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND pid <> pg_backend_pid()")
        store.add(Review(show_id="c1", text="after"))
        assert [r.text for r in store.reviews()] == ["before", "after"]


def test_postgres_an_unreachable_server_is_a_one_line_store_error():
    from recommender.errors import StoreError
    from tests.servers import free_port

    with pytest.raises(StoreError, match="cannot connect to PostgreSQL") as refused:
        open_store(f"postgresql://nobody:secret@127.0.0.1:{free_port()}/none")
    assert "secret" not in str(refused.value)  # messages never carry the password


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://relative"])
def test_an_unsupported_database_url_is_a_one_line_error(url):
    with pytest.raises(DataError, match="sqlite:///"):
        open_store(url)
