"""POST /admin/retrain (retrain, validate, swap) and GET /admin/status. Both need the bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ..auth import TokenDep
from ..deps import ModelDep
from ..retrainer import RetrainerDep
from ..schemas import AdminStatus, ErrorResponse, RetrainResponse, RetrainRunPublic

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[TokenDep], responses={
    401: {"model": ErrorResponse, "description": "missing or wrong bearer token"},
    403: {"model": ErrorResponse, "description": "admin is disabled: the server has no KDRAMA_API_TOKEN"},
})

_CODES = {"trained": 200, "skipped": 200, "busy": 409, "failed": 500}


@router.post("/retrain", response_model=RetrainResponse,
             summary="Retrain on the catalog plus stored reviews and serve the new model (skipped when nothing changed)",
             responses={409: {"model": RetrainResponse, "description": "a retrain is already running"},
                        500: {"model": RetrainResponse, "description": "the retrain failed; the old model keeps serving"}})
def retrain_now(
    retrainer: RetrainerDep, response: Response,
    force: Annotated[bool, Query(description="retrain even when the inputs are unchanged")] = False,
) -> RetrainResponse:
    # a plain `def` route: FastAPI runs it in a worker thread, so queries keep being answered meanwhile
    outcome = retrainer.run(force=force)
    response.status_code = _CODES[outcome.outcome]
    return RetrainResponse(**outcome.__dict__)


@router.get("/status", response_model=AdminStatus, summary="The serving model, reviews waiting, and the last retrain")
def status(served: ModelDep, retrainer: RetrainerDep) -> AdminStatus:
    store = retrainer.store
    last = store.last_run()
    settings = retrainer.settings
    return AdminStatus(
        model_version=served.version,
        trained_at=served.meta.get("trained_at"),
        n_shows=served.model.stats().n_shows,
        n_reviews=served.model.stats().n_reviews,
        reviews_stored=store.count_reviews(),
        shows_created=len(store.shows()),
        reviews_waiting=store.reviews_waiting(),
        retrain_running=retrainer.running or getattr(store, "retrain_lock_held", bool)(),  # PostgreSQL: any replica
        last_retrain=RetrainRunPublic(**{k: v for k, v in last.to_dict().items() if k in RetrainRunPublic.model_fields})
        if last else None,
        last_reload_error=getattr(retrainer.holder, "last_error", None) or None,
        retrain_after_reviews=settings.retrain_after_reviews,
        retrain_every_minutes=settings.retrain_every_minutes,
    )
