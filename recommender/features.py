"""Text, tag, genre, cast and numeric features: shows -> row-normalized sparse matrices.

Each block is fitted on the catalog and kept, so free text ("friends to lovers, living
together") can be turned into the same space at query time.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer
from sklearn.preprocessing import normalize

from .catalog import Review, Show
from .tropes import tag_text
from .titles import normalize_title

__all__ = ["BlendConfig", "FeatureSet", "TitleMasker", "build_features"]


@dataclass
class BlendConfig:
    """Every knob of the engine, with its default. Weights multiply each signal's cosine."""

    # signal weights: cosine similarity per block, summed with these weights
    weights: dict[str, float] = field(default_factory=lambda: {
        "text": 1.0,      # TF-IDF over synopsis + title-masked reviews
        "tags": 1.0,      # catalog tags + tropes found in the text, IDF-weighted
        "genres": 0.5,
        "cast": 0.3,
        "numeric": 0.15,  # closeness in episode count, total runtime and year
        "popularity": 0.05,  # a small prior: fans recommend what they have seen
    })
    text_tag_weight: float = 0.5   # a trope found in reviews counts this much of a catalog tag
    min_text_tag_mentions: int = 2  # mentions needed before a text trope becomes a show tag
    min_df: int = 2
    max_df: float = 0.5
    max_features: int = 60_000
    max_terms_per_show: int = 300  # keeps query cost bounded on long review text
    weekend_minutes: int = 720
    dedupe_franchise: bool = True
    year_scale: float = 6.0  # years apart at which year closeness falls to 1/e


class TitleMasker:
    """Removes catalog titles from review text: reviews name other dramas, which is not similarity.

    Matching is on word tokens (not one giant regex) so it stays linear in the text length.
    A title matches only where its first word is capitalized, so common words survive.
    """

    _WORD = re.compile(r"\w+", re.UNICODE)

    def __init__(self, titles: list[str]):
        self._starts: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for title in titles:
            words = tuple(normalize_title(title).split())
            if not words or (len(words) == 1 and len(words[0]) < 4):
                continue
            if words not in self._starts[words[0]]:
                self._starts[words[0]].append(words)
        for candidates in self._starts.values():
            candidates.sort(key=len, reverse=True)

    def mask(self, text: str) -> str:
        tokens = list(self._WORD.finditer(text))
        lowered = [t.group().casefold() for t in tokens]
        keep: list[str] = []
        i = 0
        while i < len(tokens):
            word = tokens[i].group()
            matched = 0
            if not word[0].islower():
                for words in self._starts.get(lowered[i], ()):
                    if tuple(lowered[i: i + len(words)]) == words:
                        matched = len(words)
                        break
            if matched:
                i += matched
                continue
            keep.append(word)
            i += 1
        return " ".join(keep)


@dataclass
class FeatureSet:
    """The fitted blocks: matrices with one L2-normalized row per show, plus what made them."""

    blocks: dict[str, sp.csr_matrix]
    text_vectorizer: TfidfVectorizer
    tag_vectorizer: DictVectorizer
    tag_idf: TfidfTransformer
    show_tags: list[tuple[str, ...]]  # effective tags: catalog tags + well-attested text tropes
    numeric: dict[str, np.ndarray]


def _show_documents(shows: list[Show], reviews: list[Review], masker: TitleMasker) -> list[str]:
    by_show: dict[str, list[str]] = defaultdict(list)
    for review in reviews:
        by_show[review.show_id].append(masker.mask(review.text))
    return [" ".join([show.synopsis, *by_show.get(show.show_id, [])]) for show in shows]


def _truncate_rows(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Keep each row's ``keep`` largest weights (then renormalize): bounded cost per query."""
    matrix = matrix.tocsr()
    if keep <= 0 or matrix.shape[0] == 0 or np.diff(matrix.indptr).max(initial=0) <= keep:
        return matrix
    rows, cols, vals = [], [], []
    for r in range(matrix.shape[0]):
        start, end = matrix.indptr[r], matrix.indptr[r + 1]
        data = matrix.data[start:end]
        idx = matrix.indices[start:end]
        if len(data) > keep:
            top = np.argpartition(-data, keep - 1)[:keep]
            data, idx = data[top], idx[top]
        rows.append(np.full(len(data), r))
        cols.append(idx)
        vals.append(data)
    out = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=matrix.shape)
    return normalize(out)


def tag_counts(show: Show, text: str, config: BlendConfig) -> tuple[dict[str, float], tuple[str, ...]]:
    """Tag weights for one show and its effective tag list (catalog tags first)."""
    weights = {f"tag={t}": 1.0 for t in show.tags}
    effective = list(show.tags)
    for slug, count in tag_text(text).items():
        key = f"tag={slug}"
        weights[key] = max(weights.get(key, 0.0), config.text_tag_weight * min(1.0, count / 3))
        if slug not in show.tags and count >= config.min_text_tag_mentions:
            effective.append(slug)
    return weights, tuple(effective)


def _binary_block(values: list[tuple[str, ...]], prefix: str) -> sp.csr_matrix:
    vectorizer = DictVectorizer()
    rows = [{f"{prefix}={v.casefold()}": 1.0 for v in vals} for vals in values]
    matrix = vectorizer.fit_transform(rows)
    if matrix.shape[1] == 0:
        return sp.csr_matrix((len(values), 1))
    return normalize(TfidfTransformer().fit_transform(matrix))


def _numeric(shows: list[Show]) -> dict[str, np.ndarray]:
    def array(values):
        return np.array([np.nan if v is None else float(v) for v in values])

    episodes = array(s.episodes for s in shows)
    total = array(s.total_minutes for s in shows)
    popularity = array(s.popularity for s in shows)
    pop = np.log1p(np.nan_to_num(popularity, nan=0.0))
    return {
        "episodes": episodes,
        "episode_minutes": array(s.episode_minutes for s in shows),
        "total_minutes": total,
        "year": array(s.year for s in shows),
        "log_episodes": np.log(episodes),
        "log_total": np.log(total),
        "popularity": pop / pop.max() if pop.max() > 0 else pop,
    }


def build_features(shows: list[Show], reviews: list[Review], config: BlendConfig, progress=None) -> FeatureSet:
    """Fit every block on the catalog."""
    say = progress or (lambda message: None)
    masker = TitleMasker([name for s in shows for name in (s.title, *s.aliases)])
    say(f"masking titles in {len(reviews)} reviews")
    documents = _show_documents(shows, reviews, masker)

    say("fitting TF-IDF on synopsis + reviews")
    n_docs = max(len(shows), 1)
    vectorizer = TfidfVectorizer(
        sublinear_tf=True,
        stop_words="english",
        min_df=min(config.min_df, n_docs),
        max_df=config.max_df if n_docs * config.max_df >= min(config.min_df, n_docs) else 1.0,
        max_features=config.max_features,
        token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b",
        dtype=np.float32,
    )
    try:
        text = vectorizer.fit_transform(documents)
    except ValueError:  # no usable words at all (a tiny or text-less catalog)
        vectorizer = TfidfVectorizer(min_df=1, token_pattern=r"(?u)\b\w+\b", dtype=np.float32)
        text = vectorizer.fit_transform([d or "empty" for d in documents])
    text = _truncate_rows(text, config.max_terms_per_show)

    say("tagging tropes")
    tag_rows, show_tags = [], []
    for show, document in zip(shows, documents):
        weights, effective = tag_counts(show, document, config)
        tag_rows.append(weights)
        show_tags.append(effective)
    tag_vectorizer = DictVectorizer()
    tag_matrix = tag_vectorizer.fit_transform(tag_rows)
    tag_idf = TfidfTransformer(sublinear_tf=False)
    if tag_matrix.shape[1]:
        tags = normalize(tag_idf.fit_transform(tag_matrix))
    else:
        tag_idf.fit(sp.csr_matrix((len(shows), 1)))
        tags = sp.csr_matrix((len(shows), 1))

    blocks = {
        "text": sp.csr_matrix(text, dtype=np.float32),
        "tags": sp.csr_matrix(tags, dtype=np.float32),
        "genres": sp.csr_matrix(_binary_block([s.genres for s in shows], "genre"), dtype=np.float32),
        "cast": sp.csr_matrix(_binary_block([s.cast for s in shows], "cast"), dtype=np.float32),
    }
    return FeatureSet(blocks, vectorizer, tag_vectorizer, tag_idf, show_tags, _numeric(shows))


def numeric_similarity(numeric: dict[str, np.ndarray], seed: int, year_scale: float) -> np.ndarray:
    """Closeness of every show to ``seed`` in length and era, in [0, 1]; unknowns count as 0.5."""
    parts = []
    for key, scale in (("log_episodes", 1.0), ("log_total", 1.0), ("year", year_scale)):
        column = numeric[key]
        value = column[seed]
        if math.isnan(value):
            parts.append(np.full(len(column), 0.5))
            continue
        sim = np.exp(-np.abs(column - value) / scale)
        parts.append(np.where(np.isnan(sim), 0.5, sim))
    return np.mean(parts, axis=0)
