"""The engine's knobs, in two halves.

``TrainConfig`` shapes the fitted features: it is hashed into the input fingerprint, so changing
it retrains. ``QueryConfig`` only weighs signals at query time: changing it never forces a
retrain (``Recommender.with_query_config`` gives a model that answers with other weights).
The default weights were fitted on community "if you liked X, try Y" pairs with 5-fold
cross-validation over seeds (docs/quality.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_WEIGHTS", "QueryConfig", "TrainConfig"]


@dataclass(frozen=True)
class TrainConfig:
    """What building the features uses; part of the model's fingerprint."""

    text_tag_weight: float = 0.5   # a trope found in reviews counts this much of a catalog tag
    min_text_tag_mentions: int = 2  # mentions needed before a text trope becomes a show tag
    tag_rank_decay: float = 0.1  # catalog tags come in vote order: the i-th counts 1 / (1 + decay * i)
    min_df: int = 2
    max_df: float = 0.5
    max_features: int = 60_000
    max_terms_per_show: int = 300  # keeps query cost bounded on long review text
    lsa_components: int = 128  # width of the dense text/tag summaries; 0 turns them off
    min_lsa_shows: int = 200  # below this a low-rank summary is noise, so it is skipped
    rating_prior_reviews: float = 2.0  # a show's mean rating is shrunk towards the catalog mean by this many reviews
    hub_exact_shows: int = 8000  # above this many shows, hubness is measured against a sample of this many


# Fitted by bench/tune.py on the MDL dev pairs (Dec 2026): per fold on 4/5 of the seeds, averaged over
# the 5 folds, then one refit pass on every seed (docs/quality.md has the folds and the ablation).
DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 1.32,      # TF-IDF over synopsis + title-masked reviews
    "synopsis": 1.05,  # TF-IDF over the synopsis alone: the premise, not the reviewers' adjectives
    "tags": 0.65,      # catalog tags (vote-ordered) + tropes found in the text, IDF-weighted
    "genres": 0.25,
    "cast": 0.69,
    "directors": 0.2,  # shared directors (IDF-weighted like cast)
    "writers": 0.3,    # shared screenwriters
    "mentions": 0.92,  # reviews that compare the two shows ("reminds me of ...", "if you liked ...")
    "text_lsa": 0.62,  # low-rank text summary
    "tags_lsa": 0.35,  # low-rank tag summary
    "numeric": 0.23,   # closeness in episode count and total runtime
    "year": 0.23,      # closeness in year
    "pop_closeness": 0.11,  # fans pair shows of similar reach
    "genre_miss": 0.09,  # a penalty for sharing no genre with the seeds
    "hub": 0.22,       # CSLS: a show close to everything is weaker evidence
    "popularity": 1.31,  # a prior, and the largest single weight: fans recommend what they have seen
    "rating": 0.22,    # a prior: reviewers' mean rating, shrunk towards the catalog mean
}


@dataclass(frozen=True)
class QueryConfig:
    """How a query weighs the fitted signals; never part of the fingerprint."""

    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    year_scale: float = 4.0  # years apart at which year closeness falls to 1/e
    popularity_scale: float = 1.0  # log-watchers apart (about 2.7x) at which reach closeness falls to 1/e
    unlike_weight: float = 0.5  # an unliked show pulls the query away at half the strength a liked one pulls
