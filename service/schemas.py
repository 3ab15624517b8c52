"""Request and response models, named by role. Their examples feed the OpenAPI page at /docs."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from recommender.catalog import split_list
from recommender.query import LIMITS

from .settings import MAX_K

__all__ = [
    "AskPiece", "AskResponse", "Interpretation", "ErrorResponse", "FilterParams", "HealthResponse", "Reasons", "RecommendRequest", "RecommendResponse",
    "ShowDetail", "ShowList", "ShowPublic", "SimilarQuery", "SimilarResponse", "SimilarResult",
    "ValidationErrorResponse", "ValidationIssue",
]

# a title, alias, Hangul title or show id; titles may contain commas, so lists of them are never split
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]

SOUNDTRACK = {
    "show_id": "soundtrack-1-2022", "title": "Soundtrack #1", "native_title": "사운드트랙#1", "year": 2022,
    "episodes": 4, "episode_minutes": 44, "total_minutes": 176, "network": "Disney+", "genres": ["Music", "Romance"],
}
REASONS = {
    "shared_tags": ["friends-to-lovers", "music"], "tag_labels": ["Friends to lovers", "Music / idols"],
    "shared_terms": ["songwriter", "lyrics"], "shared_cast": [], "shared_crew": [], "same_franchise": False,
    "also_in_franchise": [], "components": {"text": 0.21, "tags": 0.45, "genres": 0.25, "cast": 0.0, "numeric": 0.12},
}
RESULT = {
    "show_id": "jazz-for-two-2024", "title": "Jazz for Two", "year": 2024, "episodes": 8, "episode_minutes": 30,
    "total_minutes": 240, "network": "TVING Wavve", "score": 0.821, "genres": ["Romance", "Music"],
    "summary": "Two aspiring jazz musicians share a practice room and a dream.", "reasons": REASONS,
}


def split_commas(value: Any) -> Any:
    """Repeated parameters and comma-separated ones mean the same: ?tags=a&tags=b == ?tags=a,b."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return value  # not a list of strings: let validation name the problem
    return list(split_list(value, sep=","))  # the library's one splitter


def _finite(value: float) -> float:
    # JSON has no NaN or Infinity; a score that is not a number ranks as nothing
    return value if math.isfinite(value) else 0.0


# ---- shows ------------------------------------------------------------------------------------
class ShowPublic(BaseModel):
    """A show's facts, as listed in search results and as a seed."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [SOUNDTRACK]})

    show_id: str
    title: str
    native_title: str = ""
    year: int | None = None
    episodes: int | None = None
    episode_minutes: int | None = None
    total_minutes: int | None = Field(None, description="episodes x episode_minutes; null when either is unknown")
    network: str = ""
    genres: list[str] = []


class ShowDetail(ShowPublic):
    """One show in full: facts, the tags the model uses, and how many reviews it learned from."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        **SOUNDTRACK, "aliases": ["Saundeuteuraek #1"], "cast": ["Park Hyung Sik", "Han So Hee"],
        "tags": ["friends-to-lovers", "co-habitation", "music"], "catalog_tags": ["friends-to-lovers", "music"],
        "synopsis": "Two friends of twenty years spend two weeks under one roof...", "popularity": 41200.0, "review_count": 3,
    }]})

    aliases: list[str] = []
    cast: list[str] = []
    tags: list[str] = Field([], description="effective tags: the catalog's plus tropes well attested in reviews")
    catalog_tags: list[str] = Field([], description="tags as given in the catalog file")
    synopsis: str = ""
    popularity: float | None = None
    review_count: int = 0


class ShowList(BaseModel):
    """A page of title-search results, best match first."""

    query: str
    limit: int
    offset: int
    has_more: bool = Field(description="true when another page follows (ask again with offset + limit)")
    results: list[ShowPublic]


# ---- more like this ---------------------------------------------------------------------------
class Reasons(BaseModel):
    """Why a show was recommended: what it shares with the seeds, and each signal's share of the score."""

    shared_tags: list[str] = Field([], description="trope slugs both shows carry (length facts are not tropes)")
    tag_labels: list[str] = Field([], description="the vocabulary's label for each shared tag, same order")
    shared_terms: list[str] = Field([], description="theme words reviews and synopses use for both")
    shared_cast: list[str] = []
    shared_crew: list[str] = Field([], description="shared directors and writers")
    same_franchise: bool = Field(False, description="another season or sister series of the seed")
    also_in_franchise: list[str] = Field([], description="later seasons of this show's franchise (it is listed as its earliest)")
    components: dict[str, float] = {}

    @field_validator("components")
    @classmethod
    def _finite_components(cls, value: dict[str, float]) -> dict[str, float]:
        return {name: _finite(v) for name, v in value.items()}


class SimilarResult(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [RESULT]})

    show_id: str
    title: str
    year: int | None = None
    episodes: int | None = None
    episode_minutes: int | None = None
    total_minutes: int | None = None
    network: str = ""
    score: float
    genres: list[str] = []
    summary: str = Field("", description="the synopsis' first sentence")
    reasons: Reasons

    @field_validator("score")
    @classmethod
    def _finite_score(cls, value: float) -> float:
        return _finite(value)


class ResultsPage(BaseModel):
    model_version: str = Field(description="the model that answered; changes when the model is retrained")
    total: int = Field(description="how many shows passed the filters (all pages together)")
    k: int
    offset: int
    results: list[SimilarResult]
    notes: list[str] = Field([], description="what the engine took for granted, e.g. which of two shows a name meant")
    message: str = Field("", description="why the page is empty (the filters that emptied it), else ''")


class SimilarResponse(ResultsPage):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "seed": SOUNDTRACK, "model_version": "20250101T000000.000000Z-1a2b3c4d", "total": 85, "k": 10, "offset": 0,
        "results": [RESULT],
    }]})

    seed: ShowPublic
    alternatives: list[ShowPublic] = Field([], description="other shows the title could mean (did you mean)")


class RecommendResponse(ResultsPage):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "seeds": [SOUNDTRACK], "model_version": "20250101T000000.000000Z-1a2b3c4d", "total": 85, "k": 10, "offset": 0,
        "results": [RESULT],
    }]})

    seeds: list[ShowPublic] = Field(description="the liked shows, as resolved; empty for a text-only query")


# ---- requests ---------------------------------------------------------------------------------
class FilterParams(BaseModel):
    """Paging and filters shared by every "more like this" call. A filter is a promise: every
    result honours it, and shows whose runtime or year is unknown never pass a runtime or year filter."""

    k: int = Field(10, ge=1, le=MAX_K, description="how many results")
    offset: int = Field(0, ge=0, le=100_000, description="skip this many results (page 2 of k=10 is offset=10)")
    max_episodes: int | None = Field(None, ge=1, le=100_000, description="at most this many episodes")
    min_episodes: int | None = Field(None, ge=1, le=100_000, description="at least this many episodes")
    max_minutes: int | None = Field(None, ge=1, le=10_000_000, description="total runtime at most this many minutes")
    weekend: bool = Field(False, description="total runtime fits a weekend (720 minutes unless the server says otherwise)")
    min_year: int | None = Field(None, ge=1900, le=2100)
    max_year: int | None = Field(None, ge=1900, le=2100)
    network: list[str] = Field([], description="only these networks or platforms (any of them)", examples=[["Netflix"]])
    genres: list[str] = Field([], description="must have all of these genres", examples=[["Romance"]])
    tags: list[str] = Field([], description="must have all of these trope tags", examples=[["friends-to-lovers"]])
    exclude_tags: list[str] = Field([], description="must have none of these tags", examples=[["love-triangle"]])
    country: list[str] = Field([], description="only shows from these countries", examples=[["South Korea"]])
    exclude: list[Title] = Field([], max_length=LIMITS.max_exclude,
                                 description="leave these shows out (ids or exact titles), e.g. already seen")
    mmr: float | None = Field(None, gt=0, le=1, allow_inf_nan=False, description="diversity re-ranking; 1 = pure relevance")
    include_franchise: bool = Field(True, description="false leaves out the seed's own other seasons and sister series")

    _split = field_validator("network", "genres", "tags", "exclude_tags", "country", mode="before")(split_commas)


class SimilarQuery(FilterParams):
    title: Title = Field(description="a title, alias, Hangul title or show id; close misspellings resolve too",
                         examples=["Soundtrack #1"])


class RecommendRequest(FilterParams):
    """Several seeds, shows to steer away from, and wishes in words; plus every filter."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "like": ["Soundtrack #1", "Our Beloved Summer"], "unlike": ["The Glory"],
        "text": "friends to lovers, living together", "exclude": ["Twenty-Five Twenty-One"], "k": 10, "weekend": True,
    }]})

    like: list[Title] = Field([], max_length=LIMITS.max_likes, description="shows you liked (ids or any title form)")
    unlike: list[Title] = Field([], max_length=LIMITS.max_unlikes, description="shows to steer away from (ids or exact titles)")
    text: str = Field("", max_length=LIMITS.max_text, description="what you want, in words")


# ---- ask in your own words ---------------------------------------------------------------------
class AskPiece(BaseModel):
    """One thing understood in a request, with the exact words it came from."""

    kind: str = Field(description="like, unlike, text, tag, exclude_tag, genre, exclude_genre, network, weekend, "
                                  "max_minutes, max_episodes, min_episodes, min_year, max_year or country")
    value: Any = Field(description="a show id for like/unlike, a slug, a genre, a number, ...")
    words: str = Field(description="the words of the request it came from")
    label: str = Field(description="how to show it: 'like Soundtrack #1', 'no love-triangle'")


class Interpretation(BaseModel):
    text: str
    understood: str = Field(description="the one-line summary: 'understood: like Soundtrack #1 · weekend (<= 12 h)'")
    pieces: list[AskPiece]
    unused: list[str] = Field(description="words nothing understood ('vibes')")


class AskResponse(ResultsPage):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "interpretation": {
            "text": "like Soundtrack #1 for the weekend, no love triangle, vibes",
            "understood": "understood: like Soundtrack #1 · weekend (<= 12 h) · no love-triangle",
            "pieces": [
                {"kind": "like", "value": "soundtrack-1-2022", "words": "like Soundtrack #1", "label": "like Soundtrack #1"},
                {"kind": "weekend", "value": True, "words": "for the weekend", "label": "weekend (<= 12 h)"},
                {"kind": "exclude_tag", "value": "love-triangle", "words": "no love triangle", "label": "no love-triangle"},
            ],
            "unused": ["vibes"],
        },
        "note": "", "seed": SOUNDTRACK, "seeds": [SOUNDTRACK], "model_version": "20250101T000000.000000Z-1a2b3c4d",
        "total": 40, "k": 10, "offset": 0, "results": [RESULT],
    }]})

    interpretation: Interpretation
    note: str = Field("", description="why a piece was relaxed, when one was (too few shows have every trope)")
    seed: ShowPublic | None = Field(None, description="the first liked show, or null")
    seeds: list[ShowPublic] = Field(description="every liked show, as resolved")


# ---- service ---------------------------------------------------------------------------------
class HealthResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "ok", "model_version": "20250101T000000.000000Z-1a2b3c4d", "trained_at": "2025-01-01T00:00:00+00:00",
        "schema_version": 1, "n_shows": 258, "n_reviews": 516, "package_version": "0.1.0",
    }]})

    status: Literal["ok"] = "ok"
    model_version: str
    trained_at: str | None = None
    schema_version: int | None = None
    n_shows: int
    n_reviews: int
    package_version: str


class ErrorResponse(BaseModel):
    """An unknown show (404) and other plain errors."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "detail": "'Sountrack 1' is not in the catalog (258 shows); did you mean: 'Soundtrack #1', 'Soundtrack #2'?",
        "suggestions": ["Soundtrack #1", "Soundtrack #2"], "query": "Sountrack 1",
    }]})

    detail: str
    suggestions: list[str] = Field([], description="the closest titles, best first")
    query: str | None = Field(None, description="the title or id that did not resolve")


class ValidationIssue(BaseModel):
    loc: list[str | int] = Field(description="where: ['query', 'k'] or ['body', 'like', 0]")
    msg: str
    type: str
    suggestions: list[str] = Field([], description="close known values, for an unknown tag, genre or network")


class ValidationErrorResponse(BaseModel):
    """Invalid parameters (422): one issue per bad parameter, each naming it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "detail": [{"loc": ["query", "k"], "msg": "Input should be less than or equal to 100", "type": "less_than_equal"}],
    }]})

    detail: list[ValidationIssue]


# ---- reviews and admin --------------------------------------------------------------------------
class ReviewSubmission(BaseModel):
    """A review to store: name the show by ``show_id`` or ``title``. The text limit is the server's
    ``max_review_chars`` (413 beyond it)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "Soundtrack #1", "text": "Best friends living together for two weeks; the pining is unbearable.",
        "author": "GwenchaNoona", "rating": 8.5, "date": "2022-04-10", "source": "blog",
    }]})

    show_id: Title | None = None
    title: Title | None = None
    text: str = Field(min_length=1, description="the review; at most the server's max_review_chars characters")
    author: str = Field("", max_length=200)
    rating: float | None = Field(None, ge=0, le=10, allow_inf_nan=False, description="0 to 10")
    date: str = Field("", max_length=40, description="when it was written, e.g. 2022-04-10")
    source: str = Field("", max_length=300, description="where it comes from (a URL, 'api', ...)")


class StoredReviewPublic(BaseModel):
    """A stored review. ``created`` is false when the same review was already stored (HTTP 200)."""

    id: int
    show_id: str
    title: str
    text: str
    author: str
    rating: float | None = None
    date: str
    source: str
    created_at: str
    created: bool


class RetrainResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "outcome": "trained", "model_version": "20250102T000000.000000Z-5e6f7a8b",
        "previous_version": "20250101T000000.000000Z-1a2b3c4d", "seconds": 12.3,
        "summary": "trained 20250102T000000.000000Z-5e6f7a8b: 259 shows, 517 reviews, ...", "error": "",
    }]})

    outcome: Literal["trained", "skipped", "failed", "busy"]
    model_version: str = Field(description="the model serving now")
    previous_version: str
    seconds: float
    summary: str = ""
    error: str = Field("", description="why the run failed; the previous model keeps serving")


class RetrainRunPublic(BaseModel):
    outcome: str = Field(description="running, trained, skipped, failed or interrupted")
    started_at: str
    finished_at: str | None = None
    seconds: float | None = None
    model_version: str = ""
    error: str = ""


class AdminStatus(BaseModel):
    model_version: str
    trained_at: str | None = None
    n_shows: int
    n_reviews: int
    reviews_stored: int
    shows_created: int = Field(description="cold-start shows in the store")
    reviews_waiting: int = Field(description="stored reviews the last retrain did not see")
    retrain_running: bool
    last_retrain: RetrainRunPublic | None = None
    last_reload_error: str | None = Field(None, description="why the newest model file was refused, if it was")
    retrain_after_reviews: int
    retrain_every_minutes: float
