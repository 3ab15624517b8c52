"""Ask in your own words: GET /ask?q=like Soundtrack #1 but for one evening, no love triangle."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from recommender.ask import answer

from ..deps import ModelDep, SettingsDep, invalid
from ..schemas import AskResponse, ShowPublic, SimilarResult, ValidationErrorResponse

router = APIRouter(tags=["more like this"], responses={
    422: {"model": ValidationErrorResponse, "description": "an empty request, or one with nothing to rank by, named in loc"},
})

Request = Annotated[str, Query(min_length=1, max_length=1000, description="what you want, in words",
                               examples=["a short friends to lovers romance for this weekend, nothing like Snowdrop"])]


@router.get("/ask", response_model=AskResponse, summary="Ask in your own words; see how it was understood")
def ask(q: Request, served: ModelDep, settings: SettingsDep,
        k: Annotated[int, Query(ge=1, le=100, description="how many results")] = 10) -> AskResponse:
    if not q.strip():
        invalid("query", "q", "say what you want, e.g. 'like Soundtrack #1 but for one evening'")
    if k > settings.max_k:
        invalid("query", "k", f"k must be at most {settings.max_k} on this server, got {k}")
    # the server's weekend is the one that counts
    result = answer(served.model, q, k=k, weekend_minutes=settings.weekend_minutes)
    page = result.page
    seeds = [ShowPublic.model_validate(s) for s in page.seeds]
    return AskResponse(
        interpretation=result.interpretation.to_dict(), note=result.note, seed=seeds[0] if seeds else None, seeds=seeds,
        model_version=served.version, total=page.total, k=k, offset=0,
        results=[SimilarResult.model_validate(r) for r in page.results],
    )
