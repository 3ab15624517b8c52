"""GET /health: is a model loaded, and which one."""

from __future__ import annotations

from fastapi import APIRouter

from recommender import __version__

from ..deps import ModelDep
from ..schemas import HealthResponse

router = APIRouter(tags=["service"])


@router.get("/health", response_model=HealthResponse, summary="Service status and the model it serves")
async def health(served: ModelDep) -> HealthResponse:  # microseconds of work: no thread-pool hop
    stats = served.model.stats()
    return HealthResponse(
        model_version=served.version,
        trained_at=served.meta.get("trained_at"),
        schema_version=served.meta.get("schema_version"),
        n_shows=stats.n_shows,
        n_reviews=stats.n_reviews,
        package_version=__version__,
    )
