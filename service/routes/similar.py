"""More like this: GET /similar?title=, GET /shows/{show_id}/similar, POST /recommend."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from recommender.model import Page

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


def engine_options(params: FilterParams, settings: Settings, where: Literal["query", "body"]) -> dict[str, Any]:
    """Paging and filters as ``Recommender.recommend`` takes them."""
    if params.k > settings.max_k:
        invalid(where, "k", f"k must be at most {settings.max_k} on this server, got {params.k}")
    max_minutes = params.max_minutes
    if params.weekend:
        # the server's weekend is the one that counts, not the one the model was trained with
        max_minutes = min(settings.weekend_minutes, max_minutes or settings.weekend_minutes)
    return dict(
        k=params.k, offset=params.offset, max_episodes=params.max_episodes, max_minutes=max_minutes, weekend=False,
        min_year=params.min_year, max_year=params.max_year, network=params.network or None, genres=params.genres,
        tags=params.tags, exclude_tags=params.exclude_tags, exclude=params.exclude, mmr=params.mmr,
    )


def _page(page: Page, params: FilterParams, served: ServedModel) -> dict[str, Any]:
    return dict(
        model_version=served.version, total=page.total, k=params.k, offset=params.offset,
        results=[SimilarResult.model_validate(r) for r in page.results],
    )


@router.get("/similar", response_model=SimilarResponse, summary="More like one show, named by title")
def similar_by_title(query: Annotated[SimilarQuery, Query()], served: ModelDep, settings: SettingsDep) -> SimilarResponse:
    page = served.model.recommend(like=[query.title], **engine_options(query, settings, "query"))
    return SimilarResponse(seed=ShowPublic.model_validate(page.seeds[0]), **_page(page, query, served))


@router.get("/shows/{show_id}/similar", response_model=SimilarResponse, summary="More like one show, by id")
def similar_by_id(
    show: ShowDep, params: Annotated[FilterParams, Query()], served: ModelDep, settings: SettingsDep
) -> SimilarResponse:
    page = served.model.recommend(like=[show.show_id], **engine_options(params, settings, "query"))
    return SimilarResponse(seed=ShowPublic.model_validate(show), **_page(page, params, served))


@router.post("/recommend", response_model=RecommendResponse,
             summary="Like several shows, unlike others, and/or describe what you want")
def recommend(request: RecommendRequest, served: ModelDep, settings: SettingsDep) -> RecommendResponse:
    if not request.like and not request.text.strip():
        invalid("body", "like", "give at least one show in 'like', or a 'text' describing what you want")
    page = served.model.recommend(
        like=request.like, unlike=request.unlike, text=request.text, **engine_options(request, settings, "body")
    )
    return RecommendResponse(seeds=[ShowPublic.model_validate(s) for s in page.seeds], **_page(page, request, served))
