"""Text, tag, genre, cast, mention and numeric features: shows -> row-normalized matrices.

Each block is fitted on the catalog and kept, so free text ("friends to lovers, living
together") can be turned into the same space at query time. Sparse blocks are compared by one
sparse product; the two small dense LSA blocks (a low-rank summary of the text and of the tags,
which lets "palace intrigue" meet "joseon politics") by one dense product of width
``lsa_components``. The default weights were fitted on community recommendations with 5-fold
cross-validation over seeds (docs/quality.md).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .catalog import Review, Show, person_key
from .config import TrainConfig
from .encoders import TagEncoder, TermEncoder
from .reasons import name_fragments
from .titles import normalize_title
from .tropes import tag_text

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

# scikit-learn is imported by the functions that fit (training), never at module import: loading a
# model and answering a query use the plain-array encoders of recommender/encoders.py

__all__ = ["FeatureSet", "TitleMasker", "build_features", "is_comparison", "numeric_similarity"]


# a review that names another show compares them only in some phrasings: "reminds me of X", "if
# you liked X", "fans of X", "X meets Y". "(Park Hyung-sik, Happiness)" is an actor's filmography
# and "the others being Snowdrop, Grid..." a platform's release list: neither is a comparison.
_COMPARE_BEFORE = re.compile(
    r"(?:remind(?:s|ed|ing)? (?:me |us |you )?of|reminiscent of|if you (?:liked|loved|enjoyed|like|love|adored)|"
    r"fans? of|similar to|(?:compared?|comparisons?|comparable) (?:to|with)|in the vein of|same (?:vibes?|energy|feel) as|"
    r"vibes? of|(?:cross|mix|blend) (?:between|of)|better than|worse than|not as good as|as good as|spiritual successor to|"
    r"echoes of|shades of|recalls|evokes|a (?:lighter|darker|softer) version of|"
    r"if you(?:'re| are) into|after watching|meets)\W+(?:\w+\W+){0,3}$",
    re.IGNORECASE,
)
_COMPARE_AFTER = re.compile(r"^\W*(?:meets|vibes|fans (?:will|would)|lovers will)\b", re.IGNORECASE)
_FILMOGRAPHY = re.compile(r"\([^()]{0,60},\s*$")  # "(Actor Name, " just before the title
_LOOK_BACK = 60  # characters of context a comparison cue may sit in, before the title


def is_comparison(text: str, start: int, end: int) -> bool:
    """Whether the title at text[start:end] is named as a comparison, not in passing."""
    before = text[max(0, start - _LOOK_BACK): start]
    before = re.split(r"[.!?;]\s", before)[-1]  # the same sentence only
    if _FILMOGRAPHY.search(before):
        return False
    return bool(_COMPARE_BEFORE.search(before) or _COMPARE_AFTER.search(text[end: end + 30]))


class TitleMasker:
    """Removes catalog titles from review text: reviews name other dramas, which is not similarity.

    The names it removes are kept apart (``find``): a review that *compares* the show with another
    ("reminds me of ...", "if you liked ...") is a comparison its reader made, which the
    ``mentions`` block uses on its own; a title named in passing is only masked.
    Matching is on word tokens (not one giant regex) so it stays linear in the text length.
    A title matches only where its first word is capitalized, so common words survive.
    """

    _WORD = re.compile(r"\w+", re.UNICODE)

    def __init__(self, titles: list[str], owners: list[int] | None = None):
        # first word -> the title lengths starting with it, longest first: a sentence-initial
        # "The" costs a few set lookups, not a scan of every title that starts with "the"
        self._lengths: dict[str, list[int]] = defaultdict(list)
        self._owners: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for n, title in enumerate(titles):
            words = tuple(normalize_title(title).split())
            if not words or (len(words) == 1 and len(words[0]) < 4):
                continue
            if len(words) not in self._lengths[words[0]]:
                self._lengths[words[0]].append(len(words))
            self._owners[words].add(owners[n] if owners is not None else n)
        for lengths in self._lengths.values():
            lengths.sort(reverse=True)

    def find(self, text: str) -> tuple[str, set[int]]:
        """The text without catalog titles, and the owners of the titles it names as comparisons."""
        tokens = list(self._WORD.finditer(text))
        lowered = [t.group().casefold() for t in tokens]
        keep: list[str] = []
        named: set[int] = set()
        i = 0
        while i < len(tokens):
            word = tokens[i].group()
            matched = 0
            if not word[0].islower():
                for length in self._lengths.get(lowered[i], ()):
                    words = tuple(lowered[i: i + length])
                    if len(words) == length and words in self._owners:
                        matched = length
                        if is_comparison(text, tokens[i].start(), tokens[i + length - 1].end()):
                            named |= self._owners[words]
                        break
            if matched:
                i += matched
                continue
            keep.append(word)
            i += 1
        return " ".join(keep), named


@dataclass
class FeatureSet:
    """The fitted blocks: matrices with one L2-normalized row per show, plus what made them."""

    blocks: dict[str, sp.csr_matrix]
    text_encoder: TermEncoder
    tag_encoder: TagEncoder
    show_tags: list[tuple[str, ...]]  # effective tags: catalog tags + well-attested text tropes
    numeric: dict[str, np.ndarray]
    dense: dict[str, np.ndarray] = field(default_factory=dict)  # LSA rows, L2-normalized float32 (N x d)
    mentions: sp.csr_matrix | None = None  # N x N, log(1 + times either show's reviews name the other)
    synopsis_encoder: TermEncoder | None = None
    name_terms: np.ndarray | None = None  # per text term: True where it is a piece of a person's name (reasons.py)


def _show_documents(shows: list[Show], reviews: list[Review], masker: TitleMasker) -> tuple[list[str], sp.csr_matrix]:
    """Synopsis + title-masked reviews per show, and the symmetric review-mention counts."""
    index = {show.show_id: i for i, show in enumerate(shows)}
    by_show: dict[str, list[str]] = defaultdict(list)
    rows, cols = [], []
    for review in reviews:
        text, named = masker.find(review.text)
        by_show[review.show_id].append(text)
        me = index[review.show_id]
        for other in named - {me}:
            rows += [me, other]
            cols += [other, me]
    n = len(shows)
    counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n))
    counts.sum_duplicates()
    counts.data = np.log1p(counts.data)
    documents = [" ".join([show.synopsis, *by_show.get(show.show_id, [])]) for show in shows]
    return documents, counts


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
    from sklearn.preprocessing import normalize

    return normalize(out)


def tag_counts(show: Show, text: str, config: TrainConfig) -> tuple[dict[str, float], tuple[str, ...]]:
    """Tag weights for one show and its effective tag list (catalog tags first)."""
    # catalog tags arrive in vote order: the first is what most viewers agreed on
    weights = {f"tag={t}": 1.0 / (1.0 + config.tag_rank_decay * rank) for rank, t in enumerate(show.tags)}
    effective = list(show.tags)
    for slug, count in tag_text(text).items():
        key = f"tag={slug}"
        weights[key] = max(weights.get(key, 0.0), config.text_tag_weight * min(1.0, count / 3))
        if slug not in show.tags and count >= config.min_text_tag_mentions:
            effective.append(slug)
    return weights, tuple(effective)


def _binary_block(values: list[tuple[str, ...]], prefix: str) -> sp.csr_matrix:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    vectorizer = DictVectorizer()
    rows = [{f"{prefix}={v.casefold()}": 1.0 for v in vals} for vals in values]
    matrix = vectorizer.fit_transform(rows)
    if matrix.shape[1] == 0:
        return sp.csr_matrix((len(values), 1))
    return normalize(TfidfTransformer().fit_transform(matrix))


def _numeric(shows: list[Show], reviews: list[Review], config: TrainConfig) -> dict[str, np.ndarray]:
    def array(values):
        return np.array([np.nan if v is None else float(v) for v in values])

    episodes = array(s.episodes for s in shows)
    total = array(s.total_minutes for s in shows)
    popularity = array(s.popularity for s in shows)
    pop = np.log1p(np.nan_to_num(popularity, nan=0.0))
    return {
        "year": array(s.year for s in shows),
        "log_episodes": np.log(episodes),
        "log_total": np.log(total),
        "popularity": pop / pop.max() if pop.max() > 0 else pop,
        # reach in log units, for "fans pair shows of similar reach" (unknown stays unknown)
        "log_popularity": np.log1p(popularity),
        "rating": _rating_prior(shows, reviews, config.rating_prior_reviews),
    }


def _rating_prior(shows: list[Show], reviews: list[Review], shrink: float) -> np.ndarray:
    """Mean review rating per show, shrunk towards the catalog mean, scaled to [0, 1]."""
    index = {show.show_id: i for i, show in enumerate(shows)}
    total, count = np.zeros(len(shows)), np.zeros(len(shows))
    for review in reviews:
        if review.rating is not None and math.isfinite(review.rating):
            total[index[review.show_id]] += review.rating
            count[index[review.show_id]] += 1
    if not count.any():
        return np.zeros(len(shows))
    # two glowing reviews are weaker evidence than twenty: pull thin evidence to the mean
    mean = (total + shrink * total.sum() / count.sum()) / (count + shrink)
    span = mean.max() - mean.min()
    return (mean - mean.min()) / span if span > 0 else np.zeros(len(shows))


def _lsa(matrix: sp.csr_matrix, config: TrainConfig) -> np.ndarray | None:
    """A low-rank, L2-normalized summary of a block (None when the catalog is too small).

    A query costs one N x d float32 product per summary (about 1 ms at 50k shows and d=128 on
    one core), which is why d stays small.
    """
    n_rows, n_cols = matrix.shape
    components = min(config.lsa_components, n_rows - 1, n_cols - 1)
    if n_rows < config.min_lsa_shows or components < 2:
        return None
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    svd = TruncatedSVD(components, algorithm="randomized", n_iter=3, random_state=0)
    return normalize(svd.fit_transform(matrix)).astype(np.float32)


def _text_vectorizer(config: TrainConfig, n_docs: int, max_terms: int | None = None) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    min_df = min(config.min_df, n_docs)
    return TfidfVectorizer(
        sublinear_tf=True,
        stop_words="english",
        min_df=min_df,
        max_df=config.max_df if n_docs * config.max_df >= min_df else 1.0,
        max_features=max_terms or config.max_features,
        token_pattern=r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b",
        dtype=np.float32,
    )


def _fit_text(documents: list[str], config: TrainConfig) -> tuple[TfidfVectorizer, sp.csr_matrix]:
    vectorizer = _text_vectorizer(config, max(len(documents), 1))
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # no usable words at all (a tiny or text-less catalog)
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(min_df=1, token_pattern=r"(?u)\b\w+\b", dtype=np.float32)
        matrix = vectorizer.fit_transform([d or "empty" for d in documents])
    return vectorizer, matrix


def build_features(shows: list[Show], reviews: list[Review], config: TrainConfig, progress=None) -> FeatureSet:
    """Fit every block on the catalog."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    say = progress or (lambda message: None)
    names = [(name, i) for i, s in enumerate(shows) for name in (s.title, *s.aliases)]
    masker = TitleMasker([name for name, _ in names], [i for _, i in names])
    say(f"masking titles in {len(reviews)} reviews")
    documents, mentions = _show_documents(shows, reviews, masker)

    say("fitting TF-IDF on synopsis + reviews")
    vectorizer, text = _fit_text(documents, config)
    text = _truncate_rows(text, config.max_terms_per_show)
    dense = {}
    say("fitting the low-rank text summary")
    summary = _lsa(text, config)  # on the truncated rows: same quality, a third of the time
    if summary is not None:
        dense["text_lsa"] = summary
    synopsis_vectorizer, synopsis = _fit_text([s.synopsis for s in shows], config)

    say("tagging tropes")
    tag_rows, show_tags = [], []
    for show, document in zip(shows, documents, strict=True):
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
    summary = _lsa(sp.csr_matrix(tags), config)
    if summary is not None:
        dense["tags_lsa"] = summary

    blocks = {
        "text": sp.csr_matrix(text, dtype=np.float32),
        "synopsis": sp.csr_matrix(normalize(synopsis), dtype=np.float32),
        "tags": sp.csr_matrix(tags, dtype=np.float32),
        "genres": sp.csr_matrix(_binary_block([s.genres for s in shows], "genre"), dtype=np.float32),
        "cast": _people_block([s.cast for s in shows], "cast"),
        "directors": _people_block([s.directors for s in shows], "director"),
        "writers": _people_block([s.writers for s in shows], "writer"),
    }
    say("finding name fragments in the vocabulary")
    name_terms = name_fragments(documents, list(vectorizer.get_feature_names_out()), shows)
    return FeatureSet(blocks, TermEncoder.from_sklearn(vectorizer), TagEncoder.from_sklearn(tag_vectorizer, tag_idf),
                      show_tags, _numeric(shows, reviews, config), dense=dense, mentions=mentions,
                      synopsis_encoder=TermEncoder.from_sklearn(synopsis_vectorizer), name_terms=name_terms)


def upgrade_feature_set(features: FeatureSet) -> None:
    """A model saved before the plain-array encoders holds scikit-learn vectorizers: convert them in place.

    Such a file still loads (it needs scikit-learn's import, as before); a retrained one does not.
    """
    old = features.__dict__
    if "text_vectorizer" in old:
        old["text_encoder"] = TermEncoder.from_sklearn(old.pop("text_vectorizer"))
        synopsis = old.pop("synopsis_vectorizer", None)
        old["synopsis_encoder"] = None if synopsis is None else TermEncoder.from_sklearn(synopsis)
        old["tag_encoder"] = TagEncoder.from_sklearn(old.pop("tag_vectorizer"), old.pop("tag_idf"))


def _people_block(people: list[tuple[str, ...]], prefix: str) -> sp.csr_matrix:
    """IDF-weighted, L2-normalized person indicators: a shared rare name counts more than a shared busy one."""
    keys = [tuple(person_key(p) for p in names) for names in people]
    return sp.csr_matrix(_binary_block(keys, prefix), dtype=np.float32)


def numeric_similarity(numeric: dict[str, np.ndarray], seed: int, keys: tuple[str, ...], scale: float = 1.0) -> np.ndarray:
    """Closeness of every show to ``seed`` in ``keys`` (exp(-distance / scale)), in [0, 1]; unknowns count as 0.5."""
    parts = []
    for key in keys:
        column = numeric[key]
        value = column[seed]
        if math.isnan(value):
            parts.append(np.full(len(column), 0.5))
            continue
        sim = np.exp(-np.abs(column - value) / scale)
        parts.append(np.where(np.isnan(sim), 0.5, sim))
    return np.mean(parts, axis=0)
