"""kdrama: a "more like this" engine for short K-dramas.

    from recommender import Recommender
    model = Recommender.load("models/model.joblib")
    model.similar("Soundtrack #1", weekend=True)
"""

__version__ = "0.1.0"

from .errors import ArtifactError, DataError, IncompatibleArtifactError, KdramaError, NotFittedError, UnknownShowError  # noqa: E402
from .features import BlendConfig  # noqa: E402
from .model import Page, Recommendation, Recommender  # noqa: E402

__all__ = [
    "ArtifactError", "BlendConfig", "DataError", "IncompatibleArtifactError", "KdramaError",
    "NotFittedError", "Page", "Recommendation", "Recommender", "UnknownShowError", "__version__",
]
