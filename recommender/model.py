"""The Recommender: fit(shows, reviews) -> self, and the engine's face for every caller.

Callers (CLI, routes, evaluation, benchmarks) use only the public methods: ``recommend``,
``similar``, ``resolve``, ``describe``, ``search``, ``stats`` (plus ``tags_of``, ``block`` and
``catalog`` for evaluation). Fitted state ends in ``_`` and is the engine's own.

Scores are a weighted sum of per-signal similarities: one sparse product against the stacked
sparse blocks (never an N x N matrix), plus O(N) numpy for the rest (two narrow dense LSA
products, a sparse row of review mentions, length/year closeness and two priors). A query is a
mask step (filters, exclusions, the franchise policy) and a ranking step (top-k, optional MMR);
filters apply before the cut, so k results come back whenever k shows pass.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from .catalog import Review, Show
from .config import QueryConfig, TrainConfig
from .errors import InvalidQueryError, NotFittedError, UnknownShowError
from .features import build_features, numeric_similarity, upgrade_feature_set
from .filters import Filters
from .query import Query
from .reasons import Explainer, SeedContext
from .titles import Catalog, Resolution, franchise_key
from .tropes import strip_negated, tag_text

__all__ = ["EngineStats", "Page", "Recommendation", "Recommender", "ShowDetails"]

SPARSE_BLOCKS = ("text", "synopsis", "tags", "genres", "cast", "directors", "writers")
# seed-dependent signals scored outside the sparse product (popularity and rating are seed-independent priors)
EXTRA_SIGNALS = ("text_lsa", "tags_lsa", "mentions", "numeric", "year", "pop_closeness", "genre_miss", "hub")
HUB_TOP = 10  # the CSLS neighbourhood: a show's mean score over its ten nearest
HUB_BATCH = 256  # rows per block while measuring hubness: 256 x N floats at a time
MMR_POOL = 30  # MMR re-ranks at least this many of the best candidates: enough to find variety, cheap to compare

_BLAS: list = []  # one ThreadpoolController per process, made on first use (it scans loaded libraries)


def _single_threaded_blas():
    """A query is a few small products: BLAS threads only fight each other (and other workers) here.

    Measured on 4,789 shows: p50 16 ms with OpenBLAS' default threads, 3 ms with one.
    """
    if not _BLAS:
        from threadpoolctl import ThreadpoolController

        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


@dataclass
class Recommendation:
    show_id: str
    title: str
    year: int | None
    episodes: int | None
    episode_minutes: int | None
    total_minutes: int | None
    network: str
    score: float
    genres: list[str] = field(default_factory=list)
    summary: str = ""  # the synopsis' first sentence
    reasons: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Page:
    """One page of results, the seeds they came from (as resolved), and how many shows one can page through."""

    results: list[Recommendation]
    total: int
    seeds: list[Show]
    resolutions: list[Resolution] = field(default_factory=list)
    query: Query | None = None
    notes: list[str] = field(default_factory=list)  # "taking Soundtrack #1 (2022); also: ...", unusable text
    empty_reason: str = ""  # why nothing came back, naming the filters that emptied the list

    def message(self) -> str:
        """What to tell a fan when the page is empty ('' when it is not)."""
        if self.results:
            return ""
        if self.total and self.query is not None and self.query.offset >= self.total:
            return f"page past the end ({self.total} shows pass; --offset {self.query.offset} skips them all)"
        return self.empty_reason or "no show passed the filters"


@dataclass
class ShowDetails:
    """One show as the engine knows it: facts, the tags it uses, and how many reviews it learned from."""

    show: Show
    tags: list[str]
    review_count: int

    def to_dict(self) -> dict[str, Any]:
        return {**self.show.to_dict(), "catalog_tags": list(self.show.tags), "tags": list(self.tags),
                "review_count": self.review_count}


@dataclass
class EngineStats:
    n_shows: int
    n_reviews: int
    vocabulary: int = 0
    n_tags: int = 0
    model_version: str | None = None
    trained_at: str | None = None
    schema_version: int | None = None


class Recommender:
    """A "more like this" model over a catalog of shows and their reviews."""

    def __init__(self, train_config: TrainConfig | None = None, query_config: QueryConfig | None = None):
        self.train_config = train_config
        self.query_config = query_config

    # ---- fitting -------------------------------------------------------------------------
    def fit(self, shows: Sequence[Show], reviews: Iterable[Review] = (), progress=None) -> Recommender:
        shows = list(shows)
        if not shows:
            raise InvalidQueryError("shows", "cannot fit on an empty catalog")
        self.train_config_ = self.train_config or TrainConfig()
        self.query_config_ = self.query_config or QueryConfig()
        known = {s.show_id for s in shows}
        reviews = [r for r in reviews if r.show_id in known]
        features = build_features(shows, reviews, self.train_config_, progress)
        self.shows_ = shows
        self.catalog_ = Catalog(shows)
        self.index_ = {s.show_id: i for i, s in enumerate(shows)}
        self.features_ = features
        self.n_reviews_ = len(reviews)
        self.review_counts_ = np.bincount([self.index_[r.show_id] for r in reviews], minlength=len(shows))
        self.tag_names_ = [n.split("=", 1)[1] for n in features.tag_encoder.names()]
        self._fit_franchises()
        self._stack()
        self.hubness_ = self._fit_hubness(progress)
        terms = features.text_encoder.terms()
        blocked = features.name_terms if features.name_terms is not None else np.zeros(len(terms), dtype=bool)
        self.explainer_ = Explainer(shows, features.show_tags, terms, blocked, self.offsets_, self.tag_names_)
        features.name_terms = None  # the explainer keeps what it needs
        return self

    def _fit_franchises(self) -> None:
        """Integer franchise codes, and every show ordered by (franchise, year, catalog position).

        Per query, "the earliest member of each franchise that passes the filters" is then one
        gather and one comparison over N integers, not a sort.
        """
        keys = np.array([franchise_key(s.title) for s in self.shows_])
        self.franchise_codes_ = np.unique(keys, return_inverse=True)[1].ravel()
        years = np.array([s.year if s.year is not None else 9999 for s in self.shows_])
        self.franchise_order_ = np.lexsort((np.arange(len(self.shows_)), years, self.franchise_codes_))
        members: dict[int, list[int]] = {}
        for i in self.franchise_order_:
            members.setdefault(int(self.franchise_codes_[i]), []).append(int(i))
        self.franchise_members_ = {code: rows for code, rows in members.items() if len(rows) > 1}

    def _fit_hubness(self, progress=None) -> np.ndarray:
        """Each show's mean top-10 score against every other show (the CSLS hubness term).

        A show close to everything is weak evidence of being close to *this* seed: the ``hub``
        signal subtracts it. Computed in batches of rows (O(N) memory kept, never N x N); above
        ``TrainConfig.hub_exact_shows`` against a fixed random sample of columns, taking the
        same top share of them. It is measured with the weights in force at fit time, and only when
        ``hub`` is weighted then: ``with_query_config`` later re-weighs it but cannot create it.
        """
        n, config = len(self.shows_), self.train_config_
        weights = self.query_config_.weights
        if n < 3 or not weights.get("hub"):
            return np.zeros(n, dtype=np.float32)
        if progress:
            progress("measuring hubness (each show's mean top-10 score)")
        columns = np.arange(n)
        if n > config.hub_exact_shows:
            columns = np.sort(np.random.default_rng(0).choice(n, config.hub_exact_shows, replace=False))
        top = min(max(1, round(HUB_TOP * len(columns) / n)), len(columns) - 1)
        weighted = self.stacked_.multiply(self.weight_row.reshape(1, -1)).tocsr()
        targets = self.stacked_t_[:, columns] if len(columns) < n else self.stacked_t_
        dense = {name: rows for name, rows in self.features_.dense.items() if weights.get(name)}
        out = np.zeros(n, dtype=np.float32)
        for start in range(0, n, HUB_BATCH):
            rows = np.arange(start, min(start + HUB_BATCH, n))
            scores = (weighted[rows] @ targets).toarray().astype(np.float32)
            for name, matrix in dense.items():
                scores += weights[name] * (matrix[rows] @ matrix[columns].T)
            scores[rows[:, None] == columns[None, :]] = -np.inf  # a show is not its own neighbour
            out[rows] = np.partition(scores, -top, axis=1)[:, -top:].mean(axis=1)
        return out

    def _stack(self) -> None:
        """Stack the sparse blocks side by side; a query is one product with this matrix."""
        blocks = self.features_.blocks
        self.offsets_ = {}
        start = 0
        for name in SPARSE_BLOCKS:
            self.offsets_[name] = (start, start + blocks[name].shape[1])
            start += blocks[name].shape[1]
        self.stacked_ = sp.hstack([blocks[n] for n in SPARSE_BLOCKS], format="csr", dtype=np.float32)
        self.stacked_.sort_indices()  # reasons find each block's span in a row by binary search
        # the transpose in CSR lets a sparse query touch only the columns it uses
        self.stacked_t_ = self.stacked_.T.tocsr()
        self.filters_ = Filters(self.shows_, self.features_.show_tags)

    @property
    def is_fitted(self) -> bool:
        return "stacked_" in self.__dict__

    def _check(self) -> None:
        if not self.is_fitted:
            raise NotFittedError("this Recommender is not fitted yet: call fit(shows, reviews) or Recommender.load(path)")

    def with_query_config(self, config: QueryConfig) -> Recommender:
        """The same fitted model answering with other query-time weights (no retrain)."""
        self._check()
        other = copy.copy(self)
        other.query_config_ = config
        for cached in ("weight_row", "priors"):
            other.__dict__.pop(cached, None)
        return other

    def attach_meta(self, meta: dict[str, Any]) -> None:
        """The artifact's metadata (version, trained_at, ...), set when the model is loaded from a file."""
        self.meta_ = dict(meta)

    # ---- the engine's face ------------------------------------------------------------------
    @property
    def catalog(self) -> Catalog:
        self._check()
        return self.catalog_

    def resolve(self, name: str, fuzzy: bool = True, field: str = "title") -> Resolution:
        """The show meant by an id, title, alias or Hangul title, how it matched, and what else it could mean."""
        self._check()
        return self.catalog_.resolve(name, fuzzy=fuzzy, field=field)

    def describe(self, name: str) -> ShowDetails:
        """One show's facts, effective tags and review count (an id, or any title form)."""
        show = self.resolve(name).show
        i = self.index_[show.show_id]
        return ShowDetails(show=show, tags=list(self.features_.show_tags[i]), review_count=int(self.review_counts_[i]))

    def search(self, query: str, limit: int = 10, offset: int = 0) -> list[Show]:
        """Shows whose names contain or resemble ``query``, best first."""
        self._check()
        return self.catalog_.search(query, limit=limit, offset=offset)

    def stats(self) -> EngineStats:
        self._check()
        meta = self.__dict__.get("meta_", {})
        return EngineStats(n_shows=len(self.shows_), n_reviews=int(self.n_reviews_),
                           vocabulary=len(self.explainer_.terms), n_tags=len(self.tag_names_), model_version=meta.get("model_version"),
                           trained_at=meta.get("trained_at"), schema_version=meta.get("schema_version"))

    def tags_of(self, show_id: str) -> tuple[str, ...]:
        self._check()
        return self.features_.show_tags[self.index_[show_id]]

    def block(self, name: str) -> sp.csr_matrix:
        """One signal's rows (``"text"``, ``"tags"``, ...): a column range of the stacked matrix."""
        self._check()
        start, end = self.offsets_[name]
        return self.stacked_[:, start:end]

    def similar(self, seed: str, k: int = 10, **options) -> list[Recommendation]:
        """Shows most like ``seed`` (an id or any title form). See ``recommend`` for options."""
        return self.recommend(like=[seed], k=k, **options).results

    def recommend(self, query: Query | None = None, /, **options) -> Page:
        """Shows like all of ``query.like``, unlike ``unlike``, matching ``text``; filtered and paged.

        Pass a ``Query``, or its fields as keyword options (``like=[...], weekend=True, k=5``).
        """
        self._check()
        query = Query.build(**options) if query is None else (query.with_(**options) if options else query)
        self.filters_.check(query)
        resolutions, seed_rows, unlike_rows, banned = self._named_rows(query)
        notes = [r.note() for r in resolutions if r.ambiguous]
        wish, _ = strip_negated(query.text)  # "not a love triangle": word matching must not reward it
        with _single_threaded_blas():
            text_row = self._text_query(wish)
            if query.text and not text_row.any():
                if not seed_rows:
                    raise InvalidQueryError("text", f"none of the words in {query.text[:60]!r} are known to this engine "
                                                    "(or all of them are ruled out); describe the show in English, or name a show you liked")
                notes.append(f"the text {query.text[:60]!r} has no word this engine can use; ranked by the seeds only")
            scores, query_row, extras = self._scores(seed_rows, unlike_rows, text_row)
        mask = self._mask(query, seed_rows, banned)
        total = int(mask.sum())
        page = self._rank(scores, mask, query, query_row)[query.offset: query.offset + query.k]
        context = self.explainer_.context(seed_rows, query_row)
        at = {name: values[page].tolist() for name, values in extras.items()}  # each signal read once for the page
        results = [self._result(i, scores[i], context, {name: column[j] for name, column in at.items()})
                   for j, i in enumerate(page)]
        empty = self._blame(query) if not total else ""
        return Page(results=results, total=total, seeds=[r.show for r in resolutions], resolutions=resolutions,
                    query=query, notes=notes, empty_reason=empty)

    # ---- query steps ------------------------------------------------------------------------
    def _named_rows(self, query: Query) -> tuple[list[Resolution], list[int], list[int], list[int]]:
        """(seed resolutions, seed rows, unliked rows, every row that may not appear) for the shows a query names."""
        resolutions = self.catalog_.resolve_all(query.like, field="like")  # misspelled seeds: one fuzzy batch
        seed_rows = list(dict.fromkeys(self.index_[r.show_id] for r in resolutions))
        unlike_rows = [self._exact(name, "unlike") for name in query.unlike]
        banned = seed_rows + unlike_rows + [self._exact(name, "exclude") for name in query.exclude]
        return resolutions, seed_rows, unlike_rows, banned

    def _exact(self, name: str, field: str) -> int:
        """A listed show (unlike, exclude) resolves exactly: no fuzzy matching for lists a client may make long."""
        ids = self.catalog_.exact(name)
        if not ids:
            raise UnknownShowError(name, len(self.shows_), self.catalog_.suggest(name), field=field)
        return self.index_[ids[0]]

    def _mask(self, query: Query, seed_rows: list[int], banned: list[int]) -> np.ndarray:
        """Who may appear: the filters, minus seeds and exclusions, under the franchise policy."""
        mask = self.filters_.mask(query)
        mask[banned] = False
        codes = self.franchise_codes_
        same = np.zeros(len(codes), dtype=bool)
        for code in set(codes[seed_rows].tolist()):  # a few seeds: one compare each beats np.isin's sort
            same |= codes == code
        if not query.include_franchise:
            mask &= ~same
        # the seed's own seasons compete on score; any other franchise shows its earliest passing season
        return mask & (same | self._earliest_passing(mask))

    def _earliest_passing(self, mask: np.ndarray) -> np.ndarray:
        order = self.franchise_order_[mask[self.franchise_order_]]
        codes = self.franchise_codes_[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = codes[1:] != codes[:-1]
        out = np.zeros(len(mask), dtype=bool)
        out[order[first]] = True
        return out

    def _rank(self, scores: np.ndarray, mask: np.ndarray, query: Query, query_row: np.ndarray) -> list[int]:
        candidates = np.flatnonzero(mask)
        need = query.offset + query.k
        if query.mmr is not None and query.mmr < 1:
            chosen = self._top(candidates, scores, max(need * 3, MMR_POOL))
            return self._mmr(chosen, scores, query.mmr, need)
        return self._top(candidates, scores, need)

    def _blame(self, query: Query) -> str:
        """Which filters emptied the list: each one that alone passes nothing, else their combination."""
        used = query.filters_in_use
        if not used:
            return "no show is left once the seeds and excluded shows are left out"
        alone = [name for name, passing in self.filters_.each(query) if not passing]
        blamed = alone or used
        return f"no show passes {' + '.join(blamed)}; loosen {'it' if len(blamed) == 1 else 'them'}"

    # ---- scoring ---------------------------------------------------------------------------
    def _text_query(self, text: str) -> np.ndarray:
        """Free text -> a row in the stacked space (text, synopsis and tag blocks)."""
        row = np.zeros(self.stacked_.shape[1], dtype=np.float32)
        if not text.strip():
            return row
        features = self.features_
        for name, encoder in (("text", features.text_encoder), ("synopsis", features.synopsis_encoder)):
            if encoder is not None:
                start, end = self.offsets_[name]
                row[start:end] = encoder.encode(text)
        found = {f"tag={slug}": 1.0 for slug in tag_text(text)}
        if found:
            start, end = self.offsets_["tags"]
            row[start:end] = features.tag_encoder.encode(found)
        return row

    @cached_property
    def weight_row(self) -> np.ndarray:
        """Each stacked column's signal weight: derived from the query config, computed once, never saved."""
        row = np.zeros(self.stacked_.shape[1], dtype=np.float32)
        for name, (start, end) in self.offsets_.items():
            row[start:end] = self.query_config_.weights.get(name, 0.0)
        return row

    @cached_property
    def priors(self) -> dict[str, np.ndarray]:
        """The seed-independent signals (popularity, rating), weighted once and kept (not saved)."""
        weights, numeric = self.query_config_.weights, self.features_.numeric
        return {name: (weights[name] * numeric[name]).astype(np.float32)
                for name in ("popularity", "rating") if weights.get(name) and name in numeric}

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for derived in ("weight_row", "priors", "stacked_t_"):  # rebuilt on demand or on load: not saved twice
            state.pop(derived, None)
        if "features_" in state:  # the per-signal blocks are column ranges of stacked_
            state["features_"] = copy.copy(state["features_"])
            state["features_"].blocks = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if "features_" in state:
            upgrade_feature_set(state["features_"])
        if "stacked_" in state:
            self.stacked_t_ = self.stacked_.T.tocsr()

    def _row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(columns, values) of one stacked row, straight from the CSR arrays (no matrix object)."""
        start, end = self.stacked_.indptr[i], self.stacked_.indptr[i + 1]
        return self.stacked_.indices[start:end], self.stacked_.data[start:end]

    def _mean_rows(self, rows: list[int]) -> np.ndarray:
        out = np.zeros(self.stacked_.shape[1], dtype=np.float32)
        for i in rows:
            cols, values = self._row(i)
            out[cols] += values
        return out / len(rows)

    def _scores(self, like: list[int], unlike: list[int], text_row: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Blended score of every show, the (unweighted) query row, and the weighted extra signals."""
        query = self._query_row(like, unlike, text_row)
        weighted = query * self.weight_row
        nonzero = np.flatnonzero(weighted)
        # only the query's own columns are touched: cost follows the seed, not the vocabulary
        scores = np.asarray(weighted[nonzero] @ self.stacked_t_[nonzero], dtype=np.float32).ravel()
        extras = self._extra_signals(like, unlike, query)
        for values in extras.values():
            scores += values
        return scores, query, extras

    def _extra_signals(self, like: list[int], unlike: list[int], query: np.ndarray) -> dict[str, np.ndarray]:
        """Each weighted signal outside the sparse product, as one float32 value per show."""
        weights = self.query_config_.weights
        wanted = [name for name in EXTRA_SIGNALS if weights.get(name)]
        out = {name: values * np.float32(weights[name])
               for name, values in self._extra_parts(like, unlike, query, wanted).items()}
        out.update(self.priors)
        return out

    def _extra_parts(self, like: list[int], unlike: list[int], query: np.ndarray, names: Sequence[str]) -> dict[str, np.ndarray]:
        """The unweighted values of the seed-dependent signals in ``names`` (those a query can compute)."""
        config, features, out = self.query_config_, self.features_, {}
        if not like:
            return out
        for name, rows in features.dense.items():
            if name in names:
                target = rows[like].mean(axis=0)
                if unlike:
                    target = target - config.unlike_weight * rows[unlike].mean(axis=0)
                out[name] = rows @ target.astype(np.float32)
        if "mentions" in names and features.mentions is not None and features.mentions.nnz:
            mentions = features.mentions  # CSR rows read directly: a scipy row slice costs more than the sum
            row = np.zeros(mentions.shape[1], dtype=np.float32)
            for i in like:
                start, end = mentions.indptr[i], mentions.indptr[i + 1]
                np.add.at(row, mentions.indices[start:end], mentions.data[start:end])
            out["mentions"] = row / np.float32(len(like))
        for name, keys, scale in (("numeric", ("log_episodes", "log_total"), 1.0), ("year", ("year",), config.year_scale),
                                  ("pop_closeness", ("log_popularity",), config.popularity_scale)):
            if name in names and keys[0] in features.numeric:
                out[name] = np.mean([numeric_similarity(features.numeric, i, keys, scale) for i in like], axis=0).astype(np.float32)
        if "hub" in names:
            out["hub"] = -self.hubness_
        if "genre_miss" in names:
            # a candidate that shares no genre with the seeds is a weaker match, whatever else it shares
            start, end = self.offsets_["genres"]
            genre_cols = np.flatnonzero(query[start:end] > 0) + start
            # which shows carry one of those genres, straight from the transposed CSR rows (genre
            # weights are positive): a scipy row slice plus a sum cost 4x more for the same mask
            indptr, indices, data = self.stacked_t_.indptr, self.stacked_t_.indices, self.stacked_t_.data
            shared = np.zeros(len(self.shows_), dtype=bool)
            for col in genre_cols:
                lo, hi = indptr[col], indptr[col + 1]
                shared[indices[lo:hi][data[lo:hi] > 0]] = True
            out["genre_miss"] = -(~shared).astype(np.float32)
        return out

    def _query_row(self, like: list[int], unlike: list[int], text_row: np.ndarray) -> np.ndarray:
        """The query in the stacked space: the wish, plus the mean liked row, minus the unliked ones."""
        query = text_row.copy()
        if like:
            query += self._mean_rows(like)
        if unlike:
            query -= self.query_config_.unlike_weight * self._mean_rows(unlike)
        return query

    def score_parts(self, query: Query) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Every signal's unweighted value for every show, and the candidate mask, for one query.

        For fitting the query weights (bench/tune.py) without refitting: the blended score is
        ``sum(weights[name] * parts[name])`` over the parts.
        """
        self._check()
        _, seed_rows, unlike_rows, banned = self._named_rows(query)
        query_row = self._query_row(seed_rows, unlike_rows, self._text_query(strip_negated(query.text)[0]))
        parts = {}
        for name in SPARSE_BLOCKS:
            start, end = self.offsets_[name]
            cols = np.flatnonzero(query_row[start:end]) + start
            parts[name] = np.asarray(query_row[cols] @ self.stacked_t_[cols], dtype=np.float32).ravel()
        parts.update(self._extra_parts(seed_rows, unlike_rows, query_row, EXTRA_SIGNALS))
        numeric = self.features_.numeric
        parts.update({name: numeric[name].astype(np.float32) for name in ("popularity", "rating") if name in numeric})
        return parts, self._mask(query, seed_rows, banned)

    # ---- ranking ---------------------------------------------------------------------------
    @staticmethod
    def _top(candidates: np.ndarray, scores: np.ndarray, head: int) -> list[int]:
        values = scores[candidates]
        if head < len(candidates):
            part = np.argpartition(-values, head - 1)[:head]
            candidates, values = candidates[part], values[part]
        # ties broken by catalog position: the same query always gives the same order
        order = np.lexsort((candidates, -values))
        return candidates[order].tolist()

    def _mmr(self, ranked: list[int], scores: np.ndarray, lam: float, need: int) -> list[int]:
        """Maximal marginal relevance: trade relevance against similarity to what is already picked."""
        pool = ranked[: max(need * 3, MMR_POOL)]
        vectors = self.stacked_[pool]
        used = max(sum(self.query_config_.weights.get(n, 0) > 0 for n in SPARSE_BLOCKS), 1)
        similarity = (vectors @ vectors.T).toarray() / used  # each block is L2-normalized: a mean cosine
        relevance = scores[pool]
        # greedy: each step adds the pool member with the best relevance-minus-redundancy; the
        # redundancy of every member is its running max similarity to what is picked (one column
        # per step, instead of re-reading the picked block); ties go to the earlier pool member
        penalty = np.zeros(len(pool))
        open_ = np.ones(len(pool), dtype=bool)
        picked: list[int] = []
        while len(picked) < min(need, len(pool)):
            value = lam * relevance - (1 - lam) * penalty
            value[~open_] = -np.inf
            best = int(np.argmax(value))
            picked.append(best)
            open_[best] = False
            np.maximum(penalty, similarity[:, best], out=penalty)
        return [pool[i] for i in picked] + ranked[len(pool):]

    def _result(self, i: int, score: float, context: SeedContext, extras: dict[str, float]) -> Recommendation:
        show = self.shows_[i]
        cols, values = self._row(i)
        reasons = self.explainer_.explain(i, context, cols, values, self.query_config_.weights, extras,
                                          self._later_seasons(i, context.seed_rows))
        return Recommendation(
            show_id=show.show_id, title=show.title, year=show.year, episodes=show.episodes,
            episode_minutes=show.episode_minutes, total_minutes=show.total_minutes, network=show.network,
            score=round(float(score), 6), genres=list(show.genres), summary=show.summary, reasons=reasons,
        )

    def _later_seasons(self, i: int, seed_rows: Sequence[int]) -> list[str]:
        """Titles of the later members of the result's franchise (none for the seed's own franchise)."""
        members = self.franchise_members_.get(int(self.franchise_codes_[i]))
        if not members or any(self.franchise_codes_[s] == self.franchise_codes_[i] for s in seed_rows):
            return []
        return [self.shows_[m].title for m in members[members.index(i) + 1:]]

    # ---- persistence ------------------------------------------------------------------------
    def save(self, path, **meta) -> None:
        from .artifact import save_artifact

        self._check()
        save_artifact(self, path, **meta)

    @classmethod
    def load(cls, path, key: bytes | None = None) -> Recommender:
        from .artifact import load_artifact

        return load_artifact(path, key=key).model
