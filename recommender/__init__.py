"""kdrama: a "more like this" engine for short K-dramas.

    from recommender import Recommender, Query
    model = Recommender.load("models/model.joblib")
    model.similar("Soundtrack #1", weekend=True)
    model.recommend(Query(like=("Soundtrack #1",), weekend=True, k=5))

Importing the package is cheap: the engine (and scikit-learn behind it) loads on first use, so
`kdrama --help` stays fast.
"""

from __future__ import annotations

__version__ = "0.2.0"

from .errors import (  # noqa: E402
    ArtifactError,
    DataError,
    IncompatibleArtifactError,
    InvalidQueryError,
    KdramaError,
    NotFittedError,
    StoreError,
    UnknownShowError,
)

_LAZY = {
    "Recommender": "model", "Page": "model", "Recommendation": "model", "ShowDetails": "model", "EngineStats": "model",
    "Query": "query", "TrainConfig": "config", "QueryConfig": "config", "Resolution": "titles",
}

__all__ = [
    "ArtifactError", "DataError", "EngineStats", "IncompatibleArtifactError", "InvalidQueryError", "KdramaError",
    "NotFittedError", "Page", "Query", "QueryConfig", "Recommendation", "Recommender", "Resolution", "ShowDetails",
    "StoreError", "TrainConfig", "UnknownShowError", "__version__",
]


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
