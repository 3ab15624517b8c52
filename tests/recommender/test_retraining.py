"""recommender/retraining.py: a run always ends with the outcome that actually happened (issue 17, item 5)."""

from __future__ import annotations

import pytest

from recommender.errors import StoreFullError
from recommender.retraining import recorded_run
from recommender.training import TrainResult


class FullStore:
    """A store that lets a run start, then is full when the run's end is written."""

    def __init__(self):
        self.finished = []

    def reviews(self):
        return []

    def shows(self):
        return []

    def start_run(self, last_review_id=None):
        return 7

    def finish_run(self, run_id, outcome, seconds, **details):
        self.finished.append(outcome)
        raise StoreFullError("/data/reviews.sqlite3: the disk is full; nothing was written")


def _trained(extra_shows, extra_reviews) -> TrainResult:
    return TrainResult(meta={"model_version": "v2"}, seconds=1.0, skipped=False)


def test_a_trained_model_stays_trained_when_the_store_cannot_record_it():
    store = FullStore()
    result = recorded_run(store, _trained)
    assert not result.skipped and result.meta["model_version"] == "v2"  # not reported "failed": v2 is live
    assert store.finished == ["trained"]
    assert "trained but could not be recorded" in result.note and "disk is full" in result.note


def test_a_failed_run_raises_its_own_error_even_when_the_store_is_full():
    store = FullStore()

    def broken(extra_shows, extra_reviews):
        raise RuntimeError("fit exploded")

    with pytest.raises(RuntimeError, match="fit exploded"):
        recorded_run(store, broken)
    assert store.finished == ["failed"]
