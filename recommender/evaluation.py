"""Offline metrics against "if you liked X, try Y" truth, and the baselines to beat.

Protocol (docs/quality.md): train once with default settings; for each seed ask for the top 10
with no filters; the seed never counts. hit@10, recall@10, nDCG@10, MRR (first hit in top 100).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .catalog import read_rows
from .errors import DataError
from .query import WEEKEND_MINUTES

__all__ = [
    "Metrics", "baselines", "evaluate_rankers", "fold_metrics", "fold_of", "load_truth", "ndcg_at", "ranking_metrics",
]

SEED_COLUMNS = ("seed", "show_id", "mdl_id")
TARGET_COLUMNS = ("target", "recommended", "rec_show_id", "rec_mdl_id")

Ranker = Callable[[int], Sequence[int]]  # seed row -> ranked rows (best first, seed excluded)


def load_truth(path: str | Path, known_ids: set[str]) -> dict[str, set[str]]:
    """Seed id -> recommended ids, keeping pairs whose both ends are known and differ."""
    truth: dict[str, set[str]] = {}
    columns = None
    for line, row, error in read_rows(path):
        if row is None:
            raise DataError(f"{path}:{line}: {error}")
        if columns is None:
            seed = next((c for c in SEED_COLUMNS if c in row), None)
            target = next((c for c in TARGET_COLUMNS if c in row), None)
            if not seed or not target:
                raise DataError(f"{path}:1: truth needs a seed column ({'/'.join(SEED_COLUMNS)}) and a target column ({'/'.join(TARGET_COLUMNS)})")
            columns = (seed, target)
        a, b = str(row[columns[0]]).strip(), str(row[columns[1]]).strip()
        if a in known_ids and b in known_ids and a != b:
            truth.setdefault(a, set()).add(b)
    return truth


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked[:k]) if item in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), k)))
    return dcg / ideal if ideal else 0.0


def ranking_metrics(ranked: Sequence[str], relevant: set[str], k: int = 10) -> dict[str, float]:
    top = ranked[:k]
    hits = len(set(top) & relevant)
    first = next((i for i, item in enumerate(ranked[:100]) if item in relevant), None)
    return {
        f"hit@{k}": float(hits > 0),
        f"recall@{k}": hits / len(relevant) if relevant else 0.0,
        f"ndcg@{k}": ndcg_at(ranked, relevant, k),
        "mrr": 1.0 / (first + 1) if first is not None else 0.0,
    }


@dataclass
class Metrics:
    name: str
    values: dict[str, float]
    per_seed: list[float] = field(default_factory=list)  # nDCG per seed, for spreads and folds
    seeds: list[str] = field(default_factory=list)  # the seed of each per_seed entry
    per_seed_hit: list[float] = field(default_factory=list)


def fold_of(seed: str, n_folds: int) -> int:
    """A seed's fold: a salted hash, so it is independent of how the truth itself was halved
    (the dev/held-back split is sha256(id) % 2, which an unsalted even fold count would repeat)."""
    return int(hashlib.sha256(f"fold:{seed}".encode()).hexdigest(), 16) % n_folds


def fold_metrics(metrics: Metrics, n_folds: int, k: int = 10) -> list[dict[str, float]]:
    """nDCG@k and hit@k of one ranker on each fold of its seeds: the spread behind the mean."""
    folds = [fold_of(seed, n_folds) for seed in metrics.seeds]
    out = []
    for f in range(n_folds):
        rows = [i for i, fold in enumerate(folds) if fold == f]
        out.append({
            "fold": f,
            "seeds": len(rows),
            f"ndcg@{k}": float(np.mean([metrics.per_seed[i] for i in rows])) if rows else float("nan"),
            f"hit@{k}": float(np.mean([metrics.per_seed_hit[i] for i in rows])) if rows else float("nan"),
        })
    return out


def format_folds(metrics: Metrics, n_folds: int, k: int = 10) -> str:
    folds = fold_metrics(metrics, n_folds, k)
    lines = [f"{metrics.name}, per fold (seeds split by hash into {n_folds}):",
             f"{'fold':>6}{'seeds':>8}{f'ndcg@{k}':>11}{f'hit@{k}':>11}"]
    for row in folds:
        lines.append(f"{row['fold']:>6}{row['seeds']:>8}{row[f'ndcg@{k}']:>11.3f}{row[f'hit@{k}']:>11.3f}")
    ndcg = [row[f"ndcg@{k}"] for row in folds]
    hit = [row[f"hit@{k}"] for row in folds]
    lines.append(f"{'range':>14}{min(ndcg):>6.3f}-{max(ndcg):.3f}{min(hit):>6.3f}-{max(hit):.3f}"
                 f"   (std {np.std(ndcg):.3f} / {np.std(hit):.3f})")
    return "\n".join(lines)


def evaluate_rankers(
    rankers: dict[str, Ranker],
    ids: Sequence[str],
    truth: dict[str, set[str]],
    k: int = 10,
    features: sp.csr_matrix | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Metrics]:
    """Mean metrics per ranker, plus catalog coverage and intra-list diversity of the top k."""
    say = progress or (lambda m: None)
    index = {show_id: i for i, show_id in enumerate(ids)}
    seeds = sorted(truth)
    out = []
    for name, ranker in rankers.items():
        started = time.perf_counter()
        sums: dict[str, float] = {}
        per_seed, per_hit = [], []
        covered: set[int] = set()
        diversity = []
        for seed in seeds:
            rows = [r for r in ranker(index[seed]) if r != index[seed]][:100]
            metrics = ranking_metrics([ids[r] for r in rows], truth[seed], k)
            for key, value in metrics.items():
                sums[key] = sums.get(key, 0.0) + value
            per_seed.append(metrics[f"ndcg@{k}"])
            per_hit.append(metrics[f"hit@{k}"])
            covered.update(rows[:k])
            if features is not None and len(rows) > 1:
                block = features[rows[:k]]
                sim = (block @ block.T).toarray()
                n = sim.shape[0]
                diversity.append(1.0 - (sim.sum() - np.trace(sim)) / (n * (n - 1)))
        values = {key: value / len(seeds) for key, value in sums.items()}
        values["coverage"] = len(covered) / len(ids)
        if diversity:
            values["diversity"] = float(np.mean(diversity))
        values["seeds"] = len(seeds)
        out.append(Metrics(name, values, per_seed, list(seeds), per_hit))
        say(f"{name}: nDCG@{k} {values[f'ndcg@{k}']:.3f}, hit@{k} {values[f'hit@{k}']:.3f} ({time.perf_counter() - started:.1f} s)")
    return out


def _cosine_ranker(matrix: sp.csr_matrix) -> Ranker:
    matrix = normalize(sp.csr_matrix(matrix))
    transposed = matrix.T.tocsr()

    def rank(seed: int) -> list[int]:
        scores = (matrix[seed] @ transposed).toarray().ravel()
        scores[seed] = -np.inf
        top = np.argpartition(-scores, min(100, len(scores) - 1))[:101]
        return top[np.lexsort((top, -scores[top]))].tolist()

    return rank


def baselines(shows, seed: int = 0) -> dict[str, Ranker]:
    """The approaches other recommenders use: random, popularity, synopsis TF-IDF, tags only."""
    n = len(shows)
    rng = random.Random(seed)
    popularity = np.array([s.popularity or 0.0 for s in shows])
    by_popularity = np.lexsort((np.arange(n), -popularity)).tolist()
    synopsis = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(
        [s.synopsis or s.title for s in shows]
    )
    tag_vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, show in enumerate(shows):
        for tag in show.tags:
            rows.append(i)
            cols.append(tag_vocab.setdefault(tag, len(tag_vocab)))
    tags = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(tag_vocab), 1)))
    return {
        "random": lambda s: rng.sample(range(n), min(n, 101)),
        "popularity": lambda s: by_popularity[:101],
        "synopsis TF-IDF": _cosine_ranker(synopsis),
        "tags only": _cosine_ranker(tags),
    }


def engine_ranker(model, **options) -> Ranker:
    catalog = model.catalog
    ids = [s.show_id for s in catalog.shows]

    def rank(seed: int) -> list[int]:
        results = model.recommend(like=[ids[seed]], k=100, **options).results
        return [catalog.position(r.show_id) for r in results]

    return rank


def filter_satisfaction(model, seeds: Sequence[str], weekend_minutes: int = WEEKEND_MINUTES) -> float:
    """Share of results that honour weekend=True and max_episodes=8 (must be 1.0)."""
    limit = weekend_minutes
    good = total = 0
    for seed in seeds:
        for r in model.similar(seed, k=10, weekend=True, weekend_minutes=limit, max_episodes=8):
            total += 1
            good += r.total_minutes is not None and r.total_minutes <= limit and r.episodes <= 8
    return good / total if total else 1.0


def list_checks(model, seeds: Sequence[str], k: int = 10) -> dict[str, float]:
    """What a fan sees in the default lists: genre coherence, and later seasons shown before their first.

    ``genre_coherence``: share of results that share a genre with the seed (seeds with genres).
    ``later_season_share``: share of results that are a later season of another franchise whose
    earlier season also passes (with no filters, always): the franchise policy says that is never so.
    """
    from .titles import franchise_key

    catalog = model.catalog
    first_year: dict[str, int] = {}
    for show in catalog.shows:
        key = franchise_key(show.title)
        first_year[key] = min(first_year.get(key, 9999), show.year or 9999)
    coherent = genre_total = later = total = 0
    for seed in seeds:
        show = catalog.by_id[seed]
        for result in model.similar(seed, k=k):
            total += 1
            other = catalog.by_id[result.show_id]
            key = franchise_key(other.title)
            if not result.reasons.get("same_franchise") and (other.year or 9999) > first_year[key]:
                later += 1
            if show.genres:
                genre_total += 1
                coherent += bool({g.casefold() for g in show.genres} & {g.casefold() for g in other.genres})
    return {"genre_coherence": coherent / genre_total if genre_total else 1.0,
            "later_season_share": later / total if total else 0.0, "lists": len(seeds)}


def format_table(results: list[Metrics], k: int = 10) -> str:
    keys = [f"ndcg@{k}", f"hit@{k}", f"recall@{k}", "mrr", "coverage", "diversity"]
    head = f"{'method':<20}" + "".join(f"{key:>11}" for key in keys)
    lines = [head, "-" * len(head)]
    for m in results:
        lines.append(f"{m.name:<20}" + "".join(f"{m.values.get(key, float('nan')):>11.3f}" for key in keys))
    return "\n".join(lines)


def draw_chart(results: list[Metrics], path: Path, k: int = 10) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [m.name for m in results]
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(8, 4))
    for offset, key in ((-0.2, f"ndcg@{k}"), (0.2, f"hit@{k}")):
        values = [m.values[key] for m in results]
        bars = ax.bar(x + offset, values, width=0.4, label=key)
        ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(x, names, rotation=15)
    ax.set_ylim(0, 1)
    ax.set_title(f"Quality against community recommendations ({results[0].values['seeds']} seeds)")
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(shows_path, review_paths, truth_path, model_path=None, json_path=None, chart_path=None,
        with_baselines=True, progress=None, folds: int = 0) -> tuple[list[Metrics], float]:
    """Train (or load) the engine, then score it and the baselines on the truth file."""
    from .model import Recommender
    from .training import load_inputs

    say = progress or (lambda m: None)
    if model_path:
        model = Recommender.load(model_path)
    else:
        shows, reviews, _ = load_inputs(shows_path, review_paths)
        say(f"training on {len(shows)} shows, {len(reviews)} reviews")
        model = Recommender().fit(shows, reviews)
    shows = model.catalog.shows
    ids = [s.show_id for s in shows]
    truth = load_truth(truth_path, set(ids))
    if not truth:
        raise DataError(f"{truth_path}: no (seed, recommended) pair has both ends in the catalog")
    say(f"{len(truth)} seeds, {sum(map(len, truth.values()))} truth pairs")
    rankers: dict[str, Ranker] = {"kdrama engine": engine_ranker(model)}
    if with_baselines:
        rankers.update(baselines(shows))
    results = evaluate_rankers(rankers, ids, truth, features=model.block("tags"), progress=say)
    satisfaction = filter_satisfaction(model, sorted(truth)[:200])
    checks = list_checks(model, sorted(truth))
    say(f"genre coherence of the top 10: {checks['genre_coherence']:.3f}; later seasons shown before their first: "
        f"{checks['later_season_share']:.2%} of results")
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        report = {"results": {m.name: m.values for m in results}, "filter_satisfaction": satisfaction, "list_checks": checks}
        if folds > 1:
            report["folds"] = {"n_folds": folds, "engine": fold_metrics(results[0], folds)}
        Path(json_path).write_text(json.dumps(report, indent=2))
    if chart_path:
        draw_chart(results, Path(chart_path))
    return results, satisfaction
