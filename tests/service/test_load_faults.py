"""The short CI version of bench/load_faults.py: concurrent queries while reviews are posted and
two retrains run against a real `kdrama serve`; nothing fails, nothing acknowledged is lost."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_load_with_reviews_and_retrains_loses_nothing(tmp_path, monkeypatch):
    from bench import load_faults

    monkeypatch.chdir(ROOT)
    out = tmp_path / "load.json"
    code = load_faults.main(["--seconds", "8", "--clients", "10", "--retrains", "2", "--json", str(out)])
    summary = json.loads(out.read_text())
    assert summary["queries"] > 50
    assert summary["query_errors"] == 0 and summary["review_errors"] == 0, summary["error_samples"]
    assert [r["outcome"] for r in summary["retrains"]] == ["trained", "trained"]
    assert summary["reviews_acknowledged"] > 0 and summary["reviews_lost"] == 0
    assert summary["model_version_went_backwards"] == 0
    assert code == 0
