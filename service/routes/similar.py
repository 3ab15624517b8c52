"""More like this: GET /similar?title=, GET /shows/{show_id}/similar, POST /recommend.

The routes are ``async def`` and call the engine on the event loop: a query is 1-3 ms of CPU under
the GIL, so the thread pool would add a hop and a GIL hand-over per request and run nothing in
parallel. Each returns its body already serialized (``json_response``): the response model is built
and validated once, then written by pydantic's core; ``response_model`` still documents the route
in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from recommender.model import Page
from recommender.query import Query as EngineQuery

from ..deps import ModelDep, SettingsDep, ShowDep, invalid
from ..holder import ServedModel
from ..schemas import (
    ErrorResponse,
    FilterParams,
    RecommendRequest,
    RecommendResponse,
    ShowPublic,
    SimilarQuery,
    SimilarResponse,
    SimilarResult,
    ValidationErrorResponse,
)
from ..settings import Settings

router = APIRouter(tags=["more like this"], responses={
    404: {"model": ErrorResponse, "description": "a show that is not in the catalog; see suggestions"},
    422: {"model": ValidationErrorResponse, "description": "an invalid parameter, named in loc"},
})


def engine_query(params: FilterParams, settings: Settings, where: Literal["query", "body"], **seeds: Any) -> EngineQuery:
    """The engine's Query for these parameters; the server's weekend is the one that counts."""
    if params.k > settings.max_k:
        invalid(where, "k", f"k must be at most {settings.max_k} on this server, got {params.k}")
    return EngineQuery.build(
        **seeds, k=params.k, offset=params.offset, max_episodes=params.max_episodes, min_episodes=params.min_episodes,
        max_minutes=params.max_minutes, weekend=params.weekend, weekend_minutes=settings.weekend_minutes,
        min_year=params.min_year, max_year=params.max_year, networks=params.network, genres=params.genres,
        tags=params.tags, exclude_tags=params.exclude_tags, countries=params.country, exclude=params.exclude,
        mmr=params.mmr, include_franchise=params.include_franchise,
    )


def json_response(body: BaseModel) -> Response:
    """``body`` as the route's JSON, validated once (FastAPI would validate a returned model again)."""
    return Response(content=body.model_dump_json(), media_type="application/json")


def _page(page: Page, params: FilterParams, served: ServedModel) -> dict[str, Any]:
    return dict(
        model_version=served.version, total=page.total, k=params.k, offset=params.offset,
        results=[SimilarResult.model_validate(r) for r in page.results], notes=page.notes, message=page.message(),
    )


def _similar(page: Page, params: FilterParams, served: ServedModel) -> SimilarResponse:
    resolution = page.resolutions[0]
    return SimilarResponse(seed=ShowPublic.model_validate(resolution.show),
                           alternatives=[ShowPublic.model_validate(s) for s in resolution.alternatives],
                           **_page(page, params, served))


@router.get("/similar", response_model=SimilarResponse, summary="More like one show, named by title")
async def similar_by_title(query: Annotated[SimilarQuery, Query()], served: ModelDep, settings: SettingsDep) -> Response:
    page = served.model.recommend(engine_query(query, settings, "query", like=[query.title]))
    return json_response(_similar(page, query, served))


@router.get("/shows/{show_id}/similar", response_model=SimilarResponse, summary="More like one show, by id")
async def similar_by_id(
    show: ShowDep, params: Annotated[FilterParams, Query()], served: ModelDep, settings: SettingsDep
) -> Response:
    page = served.model.recommend(engine_query(params, settings, "query", like=[show.show_id]))
    return json_response(_similar(page, params, served))


@router.post("/recommend", response_model=RecommendResponse,
             summary="Like several shows, unlike others, and/or describe what you want")
async def recommend(request: RecommendRequest, served: ModelDep, settings: SettingsDep) -> Response:
    query = engine_query(request, settings, "body", like=request.like, unlike=request.unlike, text=request.text)
    page = served.model.recommend(query)
    return json_response(RecommendResponse(seeds=[ShowPublic.model_validate(s) for s in page.seeds],
                                           **_page(page, request, served)))
