"""The benchmarks' smoke mode on tiny sizes: the output has the structure the report reads (no timings checked)."""

from __future__ import annotations

import pytest

from bench import query, train_scale
from bench.report import tables
from bench.synthetic import generate, write_catalog
from recommender import Recommender
from recommender.training import load_inputs

pytestmark = pytest.mark.slow


def test_synthetic_catalog_is_deterministic_and_loads(tmp_path):
    assert generate(30, seed=3) == generate(30, seed=3)
    assert generate(30, seed=3).shows != generate(30, seed=4).shows
    shows_path, reviews_path = write_catalog(40, tmp_path / "syn", seed=1)
    shows, reviews, reports = load_inputs(shows_path, [reviews_path], strict=True)
    assert len(shows) == 40 and len(reviews) > 40
    assert all(150 <= len(r.text.split()) for r in reviews)


def test_query_bench_reports_every_variant(tmp_path):
    model = _tiny_model(tmp_path, 120)
    result = query.bench_model(model, n_seeds=15, warmup=2)
    assert result["n_shows"] == 120 and result["seeds"] == 15
    for variant in ("engine", "bare_matvec", "bare_gather", "nearest_neighbors", "recommend_3", "mmr"):
        assert result["stats"][variant]["n"] == 15
        assert result["stats"][variant]["p50_ms"] > 0
    assert set(result["ratios"]) == {"engine_over_bare_matvec", "engine_over_bare_gather", "nn_over_engine",
                                     "recommend_3_over_engine", "mmr_over_engine"}
    assert all(isinstance(ok, bool) for ok in query.targets(result).values())


def test_bare_kernels_agree_with_each_other(tmp_path):
    X = _tiny_model(tmp_path, 60).block("text")
    Xt = X.T.tocsr()
    for i in range(5):
        matvec, gather = query.bare_matvec(X, i), query.bare_gather(X, Xt, i)
        assert i not in matvec
        scores = X @ X[i].toarray().ravel()
        assert sorted(scores[matvec]) == pytest.approx(sorted(scores[gather]), abs=1e-6)


def test_training_bench_smoke_structure(tmp_path):
    summary = train_scale.run(smoke=True, sizes=[80], real=False, out=tmp_path)
    run = summary["runs"]["syn-80"]
    assert run["n_shows"] == 80 and run["n_reviews"] > 0
    assert run["wall_s"] > 0 and run["artifact_mb"] > 0 and run["max_rss_mb"] > 0
    assert run["phases"]
    assert "Training" in tables({"machine": _machine(), "train": summary})


def _tiny_model(tmp_path, n_shows: int) -> Recommender:
    shows_path, reviews_path = write_catalog(n_shows, tmp_path / "syn")
    shows, reviews, _ = load_inputs(shows_path, [reviews_path])
    return Recommender().fit(shows, reviews)


def _machine() -> dict:
    from bench.common import machine

    return machine()
