"""GET /shows (title search) and GET /shows/{show_id} (one show's facts and tags)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..deps import ModelDep, ShowDep
from ..schemas import ErrorResponse, ShowDetail, ShowList, ShowPublic, ValidationErrorResponse

router = APIRouter(prefix="/shows", tags=["shows"], responses={
    422: {"model": ValidationErrorResponse, "description": "an invalid parameter, named in loc"},
})


@router.get("", response_model=ShowList, summary="Search shows by title (fuzzy; aliases and Hangul titles too)")
def search_shows(
    served: ModelDep,
    q: Annotated[str, Query(max_length=300, description="any part of a title; empty lists the most popular",
                            examples=["soundtrack"])] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> ShowList:
    # one extra row tells whether another page follows
    found = served.model.search(q, limit=limit + 1, offset=offset)
    return ShowList(
        query=q, limit=limit, offset=offset, has_more=len(found) > limit,
        results=[ShowPublic.model_validate(show) for show in found[:limit]],
    )


@router.get("/{show_id}", response_model=ShowDetail, summary="One show: facts, tags and review count",
            responses={404: {"model": ErrorResponse, "description": "no such show; see suggestions"}})
def show_detail(show: ShowDep, served: ModelDep) -> ShowDetail:
    return ShowDetail.model_validate(served.model.describe(show.show_id).to_dict())
