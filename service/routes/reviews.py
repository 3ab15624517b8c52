"""POST /reviews: store a review (201), or find the same review already stored (200)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response

from recommender.catalog import Review, Show
from recommender.errors import UnknownShowError
from recommender.store import ReviewStore
from recommender.titles import normalize_title

from ..auth import TokenDep
from ..deps import ModelDep, SettingsDep, invalid
from ..holder import ServedModel
from ..retrainer import RetrainerDep
from ..schemas import ErrorResponse, ReviewSubmission, StoredReviewPublic

router = APIRouter(tags=["reviews"], dependencies=[TokenDep], responses={
    401: {"model": ErrorResponse, "description": "missing or wrong bearer token"},
    403: {"model": ErrorResponse, "description": "writes are disabled: the server has no KDRAMA_API_TOKEN"},
    404: {"model": ErrorResponse, "description": "a show that is not in the catalog; see suggestions"},
    413: {"model": ErrorResponse, "description": "the review text is longer than the server accepts"},
})


def _show(body: ReviewSubmission, served: ServedModel, store: ReviewStore) -> Show:
    """The show the review is about: the served catalog first, then shows created since it was trained."""
    catalog = served.model.catalog_
    pending = store.shows()
    if body.show_id:
        found = catalog.by_id.get(body.show_id) or next((s for s in pending if s.show_id == body.show_id), None)
        if found is None:
            raise UnknownShowError(body.show_id, len(catalog), catalog.suggest(body.show_id))
        return found
    if not body.title:
        invalid("body", "show_id", "give the show as 'show_id' or 'title'")
    try:
        return catalog.resolve(body.title, fuzzy=False)  # a review must not land on a look-alike title
    except UnknownShowError:
        key = normalize_title(body.title)
        for show in pending:
            if key in {normalize_title(n) for n in (show.title, *show.aliases)}:
                return show
        raise


@router.post("/reviews", status_code=201, response_model=StoredReviewPublic,
             summary="Store a review (needs the bearer token); the same review again returns the stored one")
def post_review(body: ReviewSubmission, response: Response, served: ModelDep, settings: SettingsDep,
                retrainer: RetrainerDep) -> StoredReviewPublic:
    if len(body.text) > settings.max_review_chars:
        raise HTTPException(status_code=413, detail=f"review text is {len(body.text)} characters; this server accepts "
                                                    f"at most {settings.max_review_chars} (KDRAMA_MAX_REVIEW_CHARS)")
    if not body.text.strip():
        invalid("body", "text", "text must not be blank")
    store = retrainer.store
    show = _show(body, served, store)
    review = Review(show_id=show.show_id, text=body.text.strip(), author=body.author.strip(), date=body.date.strip(),
                    rating=body.rating)
    # add() returns only after the commit is fsynced: a 201 is a durable promise
    stored, created = store.add(review, source=body.source.strip() or "api")
    if created:
        retrainer.after_review()
    else:
        response.status_code = 200
    return StoredReviewPublic(**stored.to_dict(), title=show.title, created=created)
