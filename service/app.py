"""The app factory. Nothing is loaded or configured at import time.

    create_app(Settings(model_path="models/model.joblib"))   # tests, embedding
    uvicorn.run("service.app:factory", factory=True)          # `kdrama serve`; settings from KDRAMA_*
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from threadpoolctl import threadpool_limits

from recommender import __version__
from recommender.errors import (
    ArtifactError,
    InvalidQueryError,
    KdramaError,
    StoreError,
    StoreFullError,
    UnknownShowError,
)

from .head import HeadAsGet
from .holder import ModelHolder
from .limits import RequestLimits
from .model_source import holder_for
from .retrainer import Retrainer
from .routes import ROUTERS, page
from .schemas import ErrorResponse
from .settings import Settings

__all__ = ["create_app", "factory"]

log = logging.getLogger(__name__)

DESCRIPTION = """\
"More like this" for K-dramas, with filters for what fits a weekend.

Every show parameter takes an id, a title, an alias or the Hangul title. An unknown show is a
404 whose body lists `suggestions`; an invalid parameter is a 422 that names it.
"""


def create_app(settings: Settings | None = None, holder: ModelHolder | None = None) -> FastAPI:
    """A new app serving ``settings.model_path`` (or the given holder's model)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # concurrent requests each run small products: BLAS threads would only fight over the cores
        threadpool_limits(limits=1, user_api="blas")
        served_by = holder or holder_for(settings)  # the model file, or the database's models table
        if not served_by.loaded:
            served = served_by.load()  # a missing or unverifiable file stops startup here, with its reason
            log.info("serving model %s (%d shows) from %s", served.version, served.model.stats().n_shows, served_by.source.name)
        app.state.holder = served_by
        app.state.retrainer = Retrainer(settings, served_by)  # review store + retrain/swap; see service/retrainer.py
        app.state.retrainer.start()
        served_by.source.start(served_by)  # on PostgreSQL: poll for a version another replica published
        try:
            yield
        finally:
            served_by.source.close()
            app.state.retrainer.close()

    app = FastAPI(title="kdrama", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    _add_error_handlers(app)
    app.add_middleware(RequestLimits, max_body_bytes=settings.max_body_bytes, max_query_bytes=settings.max_query_bytes)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["*"])
    app.add_middleware(HeadAsGet)  # outermost: a HEAD passes every other check as the GET it stands for
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(page.router)  # the fans' web page at /, last: API paths come first
    return app


def factory() -> FastAPI:
    """For uvicorn's ``--factory``: settings from the environment, in every worker process."""
    return create_app(Settings())


# ---- errors -------------------------------------------------------------------------------------
# Each named library error has one status, here and nowhere else. A bare ValueError is a bug: it
# is not dressed up as a 422.
def _add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UnknownShowError, _unknown_show)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(InvalidQueryError, _invalid_query)
    app.add_exception_handler(StoreError, _store_unavailable)
    app.add_exception_handler(ArtifactError, _model_unavailable)
    app.add_exception_handler(KdramaError, _engine_refused)


def _where(request: Request) -> str:
    return "body" if request.method == "POST" else "query"


async def _unknown_show(request: Request, exc: UnknownShowError) -> JSONResponse:
    body = ErrorResponse(detail=str(exc), suggestions=exc.suggestions, query=exc.query)
    return JSONResponse(status_code=404, content=body.model_dump())


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    # FastAPI's default echoes each bad input back; that can be NaN (not JSON) or megabytes long
    issues = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "invalid"), "type": e.get("type", "value_error")}
              for e in exc.errors()]
    return JSONResponse(status_code=422, content={"detail": issues})


async def _invalid_query(request: Request, exc: InvalidQueryError) -> JSONResponse:
    # one issue per field involved: a contradiction names both ("min_year" and "max_year")
    issues = [{"loc": [_where(request), name], "msg": str(exc), "type": "value_error", "suggestions": exc.suggestions}
              for name in exc.fields]
    return JSONResponse(status_code=422, content={"detail": issues})


async def _store_unavailable(request: Request, exc: StoreError) -> JSONResponse:
    # the message names the store and says what was not stored (recommender/store.py, store_pg.py)
    if isinstance(exc, StoreFullError):
        return JSONResponse(status_code=507, content={"detail": str(exc)})
    return JSONResponse(status_code=503, headers={"Retry-After": "5"}, content={"detail": str(exc)})


async def _model_unavailable(request: Request, exc: ArtifactError) -> JSONResponse:
    return JSONResponse(status_code=503, headers={"Retry-After": "5"}, content={"detail": str(exc)})


async def _engine_refused(request: Request, exc: KdramaError) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": [{"loc": [_where(request)], "msg": str(exc), "type": "value_error"}]})
