"""service/holder.py: one consistent model per request; reload never trades a working model for a broken one."""

from __future__ import annotations

import os
import threading

import pytest

from recommender import Recommender
from recommender.artifact import read_header, verify_artifact
from recommender.errors import ArtifactError
from service.holder import ModelHolder
from tests.service.conftest import SHOWS, copy_model, train_model, write_catalog


@pytest.fixture
def holder(model_path) -> ModelHolder:
    holder = ModelHolder(model_path, check_interval=0)
    holder.load()
    return holder


@pytest.fixture
def retrained(tmp_path):
    """A different model file (one show fewer), ready to copy over the served one."""
    shows, reviews = write_catalog(tmp_path / "v2", rows=SHOWS[:-1])
    return train_model(shows, [reviews], tmp_path / "v2" / "model.joblib")


def test_get_before_load_is_a_clear_error(model_path):
    with pytest.raises(ArtifactError, match="no model loaded yet"):
        ModelHolder(model_path).get()


def test_load_serves_the_file_with_its_metadata(holder, model_path):
    served = holder.get()
    assert served.version == read_header(model_path)[0]["model_version"]
    assert served.meta["n_shows"] == len(served.model.shows_) == len(SHOWS)
    assert holder.get() is served  # same snapshot until something is swapped in


def test_reload_swaps_in_a_new_file(holder, model_path, retrained):
    old = holder.get()
    copy_model(retrained, model_path)
    new = holder.reload()
    assert holder.get() is new and new.version != old.version
    assert len(new.model.shows_) == len(SHOWS) - 1
    assert len(old.model.shows_) == len(SHOWS)  # a request holding the old snapshot is unaffected


@pytest.mark.parametrize("damage", [
    lambda path: path.write_bytes(b"not a model"),
    lambda path: path.write_bytes(path.read_bytes()[:-100]),
    lambda path: path.unlink(),
])
def test_a_failed_reload_keeps_the_old_model(holder, model_path, damage):
    before = holder.get()
    damage(model_path)
    with pytest.raises(ArtifactError):
        holder.reload()
    assert holder.get() is before
    assert holder.maybe_reload() is False and holder.get() is before


def test_swap_serves_an_in_memory_model(holder, tmp_path):
    shows, reviews = write_catalog(tmp_path / "mem", rows=SHOWS[:5])
    from recommender.training import load_inputs

    fitted = Recommender().fit(*load_inputs(shows, [reviews])[:2])
    before = holder.get()
    assert holder.swap(fitted, {"model_version": "in-memory"}) is before
    assert holder.get().model is fitted and holder.get().version == "in-memory"
    assert holder.maybe_reload() is False  # the unchanged file does not undo the swap
    assert holder.get().model is fitted


def test_swap_refuses_what_is_not_a_fitted_model(holder):
    with pytest.raises(ArtifactError, match="fitted Recommender"):
        holder.swap(Recommender())
    with pytest.raises(ArtifactError):
        holder.swap("a model")  # type: ignore[arg-type]


def test_maybe_reload_is_a_no_op_while_the_file_is_unchanged(holder, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("reloaded an unchanged file")

    monkeypatch.setattr("service.model_source.load_artifact", fail)
    assert holder.maybe_reload() is False


def test_maybe_reload_picks_up_a_retrained_file(holder, model_path, retrained):
    copy_model(retrained, model_path)
    assert holder.maybe_reload() is True
    assert holder.get().version == read_header(retrained)[0]["model_version"]
    assert holder.maybe_reload() is False


def test_a_touched_file_with_the_same_version_is_not_reloaded(holder, model_path, monkeypatch):
    before = holder.get()
    stat = model_path.stat()
    os.utime(model_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    monkeypatch.setattr("service.model_source.load_artifact", lambda *a, **k: pytest.fail("same version reloaded"))
    assert holder.maybe_reload() is False
    assert holder.get().model is before.model


def test_a_broken_file_is_tried_once_not_on_every_request(holder, model_path, monkeypatch):
    model_path.write_bytes(b"half a model")
    calls = []
    real = verify_artifact
    monkeypatch.setattr("service.model_source.verify_artifact", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert [holder.maybe_reload() for _ in range(3)] == [False, False, False]
    assert len(calls) == 1


# ---- every new stamp is verified (issue 17, item 6) ------------------------------------------------
def _forge_same_version(model_path):
    """The served file's header (same model_version) over different payload bytes: a forgery."""
    data = model_path.read_bytes()
    magic, header, payload = data.split(b"\n", 2)
    model_path.write_bytes(magic + b"\n" + header + b"\n" + payload[:-10] + b"0123456789")


def test_a_changed_file_with_the_same_version_is_verified_and_refused(holder, model_path, caplog):
    before = holder.get()
    _forge_same_version(model_path)
    with caplog.at_level("WARNING", logger="service.holder"):
        assert holder.maybe_reload() is False
    assert holder.get() is before
    assert "signature does not verify" in holder.last_error
    assert "signature does not verify" in caplog.text  # and it is logged, not adopted silently


def test_the_last_reload_error_clears_once_a_good_file_is_back(holder, model_path, tmp_path):
    good = tmp_path / "good.joblib"
    copy_model(model_path, good)
    _forge_same_version(model_path)
    holder.maybe_reload()
    assert holder.last_error
    copy_model(good, model_path)  # the same good model, put back: a new stamp, the version already serving
    assert holder.maybe_reload() is False
    assert holder.last_error == ""


def test_an_older_model_file_is_refused(holder, model_path, retrained, tmp_path):
    old = tmp_path / "old.joblib"
    copy_model(model_path, old)
    copy_model(retrained, model_path)
    assert holder.maybe_reload() is True
    newer = holder.get().version
    copy_model(old, model_path)  # correctly signed, but older than what is serving
    assert holder.maybe_reload() is False
    assert holder.get().version == newer
    assert "older than the one serving" in holder.last_error and "kdrama models rollback --file" in holder.last_error


def test_a_rollback_puts_an_older_model_back_on_purpose(holder, model_path, retrained, tmp_path):
    from recommender.cli import main

    old = tmp_path / "old.joblib"
    copy_model(model_path, old)
    old_version = holder.get().version
    copy_model(retrained, model_path)
    assert holder.maybe_reload() is True
    assert main(["models", "rollback", "--file", str(old), "--model", str(model_path)]) == 0
    assert holder.maybe_reload() is True
    assert holder.get().version == old_version and holder.last_error == ""
    # the rollback is the newest event now: copying the newer file back is a move forward again
    copy_model(retrained, model_path)
    assert holder.maybe_reload() is False and "older than the one serving" in holder.last_error


def test_allow_older_takes_any_verified_file(model_path, retrained, tmp_path):
    old = tmp_path / "old.joblib"
    copy_model(model_path, old)
    holder = ModelHolder(model_path, check_interval=0, allow_older=True)
    holder.load()
    copy_model(retrained, model_path)
    assert holder.maybe_reload() is True
    copy_model(old, model_path)
    assert holder.maybe_reload() is True


def test_checks_are_throttled(model_path, retrained):
    holder = ModelHolder(model_path, check_interval=60)
    holder.load()
    assert holder.maybe_reload(now=1000.0) is False
    copy_model(retrained, model_path)
    assert holder.maybe_reload(now=1010.0) is False  # checked 10 s ago: not yet
    assert holder.maybe_reload(now=1061.0) is True


def test_readers_always_see_a_whole_snapshot(holder, model_path, retrained):
    versions = {read_header(model_path)[0]["model_version"]: len(SHOWS), read_header(retrained)[0]["model_version"]: len(SHOWS) - 1}
    first = holder.get()
    copy_model(retrained, model_path)
    second = holder.reload()
    stop, seen, problems = threading.Event(), set(), []

    def read():
        while not stop.is_set():
            served = holder.get()
            seen.add(served.version)
            if len(served.model.shows_) != versions[served.version]:
                problems.append(served.version)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    for i in range(200):
        holder.swap(*((first.model, first.meta) if i % 2 else (second.model, second.meta)))
    stop.set()
    for thread in readers:
        thread.join()
    assert not problems and seen <= set(versions)


def test_an_app_picks_up_a_retrained_file(make_client, model_path, retrained):
    client = make_client()
    client.app.state.holder.check_interval = 0
    before = client.get("/health").json()
    copy_model(retrained, model_path)
    after = client.get("/health").json()
    assert after["model_version"] != before["model_version"] and after["n_shows"] == len(SHOWS) - 1


def test_auto_reload_can_be_turned_off(make_client, model_path, retrained):
    client = make_client(auto_reload=False)
    client.app.state.holder.check_interval = 0
    before = client.get("/health").json()
    copy_model(retrained, model_path)
    assert client.get("/health").json() == before
