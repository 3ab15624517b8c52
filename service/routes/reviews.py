"""POST /reviews: store a review (201), or find the same review already stored (200)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response

from recommender.bounds import is_blank
from recommender.catalog import Review

from ..auth import TokenDep
from ..deps import ModelDep, SettingsDep, invalid
from ..retrainer import RetrainerDep
from ..schemas import ErrorResponse, ReviewSubmission, StoredReviewPublic

router = APIRouter(tags=["reviews"], dependencies=[TokenDep], responses={
    401: {"model": ErrorResponse, "description": "missing or wrong bearer token"},
    403: {"model": ErrorResponse, "description": "writes are disabled: the server has no KDRAMA_API_TOKEN"},
    404: {"model": ErrorResponse, "description": "a show that is not in the catalog; see suggestions"},
    413: {"model": ErrorResponse, "description": "the review text is longer than the server accepts"},
})


@router.post("/reviews", status_code=201, response_model=StoredReviewPublic,
             summary="Store a review (needs the bearer token); the same review again returns the stored one")
def post_review(body: ReviewSubmission, response: Response, served: ModelDep, settings: SettingsDep,
                retrainer: RetrainerDep) -> StoredReviewPublic:
    if len(body.text) > settings.max_review_chars:
        raise HTTPException(status_code=413, detail=f"review text is {len(body.text)} characters; this server accepts "
                                                    f"at most {settings.max_review_chars:,} (KDRAMA_MAX_REVIEW_CHARS, MAX_REVIEW_CHARS)")
    if is_blank(body.text):
        invalid("body", "text", "text must have visible characters (not only spaces or zero-width characters)")
    store = retrainer.store
    # exact names only: a review must never land on a look-alike title
    show = retrainer.review_catalog(served).review_target(body.show_id or "", body.title or "")
    review = Review(show_id=show.show_id, text=body.text.strip(), author=body.author.strip(), date=body.date.strip(),
                    rating=body.rating)
    # add() returns only after the commit is fsynced: a 201 is a durable promise
    stored, created = store.add(review, source=body.source.strip() or "api")
    if created:
        retrainer.after_review()
    else:
        response.status_code = 200
    return StoredReviewPublic(**stored.to_dict(), title=show.title, created=created)
