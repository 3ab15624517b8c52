"""Fit the query weights (QueryConfig.weights) on community "if you liked X, try Y" pairs.

    python -m bench.tune --shows /tmp/mdl/shows.csv --reviews /tmp/mdl/reviews.jsonl \
        --truth ../shared/data/mdl_html_seoulmate/recommendations_dev.csv --out bench/out/tune.json

The model is trained once; every seed's per-signal values (``Recommender.score_parts``) are kept,
so trying a weight vector is one matrix product, not a re-run of the engine. Coordinate ascent on
nDCG@10 (multiplicative steps per weight, a few passes), 5 folds of seeds split by hash
(``evaluation.fold_of``): each fold's weights are fitted on the other four and scored on it
(the held-out estimate), the shipped defaults are the mean of the five fold fits followed by one
refit pass on every seed. Then an ablation: each signal switched off from the fitted weights.
The truth is never an input to the model, only to this script.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

from recommender.config import DEFAULT_WEIGHTS, QueryConfig
from recommender.evaluation import fold_of, load_truth
from recommender.model import Recommender
from recommender.query import Query
from recommender.training import load_inputs

from .common import say

K = 10
STEPS = (0.0, 0.5, 0.8, 1.25, 1.6, 2.5)  # multiplicative tries per weight; 0 tests dropping it
START = 0.15  # where a weight that is 0 restarts when tried again


class Problem:
    """Every seed's per-signal values over the catalog, and its truth, ready for fast scoring."""

    def __init__(self, model: Recommender, truth: dict[str, set[str]]):
        catalog = model.catalog
        self.names: list[str] = []
        parts_by_seed, masks, self.relevant, self.seeds = [], [], [], []
        for seed in sorted(truth):
            parts, mask = model.score_parts(Query(like=(seed,)))
            if not self.names:
                self.names = sorted(parts)
            parts_by_seed.append(np.stack([parts[n] for n in self.names]))
            masks.append(mask)
            self.relevant.append({catalog.position(t) for t in truth[seed]})
            self.seeds.append(seed)
        self.parts = np.stack(parts_by_seed)  # seeds x signals x shows
        self.masks = np.stack(masks)
        self.ideal = np.array([sum(1 / math.log2(i + 2) for i in range(min(len(r), K))) for r in self.relevant])

    def metrics(self, weights: dict[str, float], rows: np.ndarray | None = None) -> tuple[float, float]:
        """(nDCG@10, hit@10) over ``rows`` (seed indices; all when None)."""
        rows = np.arange(len(self.seeds)) if rows is None else rows
        w = np.array([weights.get(n, 0.0) for n in self.names], dtype=np.float32)
        scores = np.einsum("ijk,j->ik", self.parts[rows], w)
        scores[~self.masks[rows]] = -np.inf
        top = np.argpartition(-scores, K, axis=1)[:, :K]
        order = np.take_along_axis(top, np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1), axis=1)
        ndcg = hits = 0.0
        for r, ranked in zip(rows, order, strict=True):
            gains = [1 / math.log2(i + 2) for i, show in enumerate(ranked) if show in self.relevant[r]]
            ndcg += sum(gains) / self.ideal[r]
            hits += bool(gains)
        return ndcg / len(rows), hits / len(rows)


def ascend(problem: Problem, weights: dict[str, float], rows: np.ndarray, passes: int = 3) -> dict[str, float]:
    weights = dict(weights)
    best = problem.metrics(weights, rows)[0]
    for _ in range(passes):
        improved = False
        for name in problem.names:
            current = weights.get(name, 0.0)
            for step in STEPS:
                trial = current * step if current else (START if step else 0.0)
                if math.isclose(trial, current):
                    continue
                value = problem.metrics({**weights, name: trial}, rows)[0]
                if value > best + 1e-5:
                    best, weights[name], improved = value, round(trial, 4), True
                    current = weights[name]
        if not improved:
            break
    return weights


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shows", required=True)
    parser.add_argument("--reviews", nargs="*", default=[])
    parser.add_argument("--truth", required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", default="bench/out/tune.json")
    parser.add_argument("--start", choices=["defaults", "ones"], default="defaults",
                        help="start from the shipped weights, or from 1.0 for every signal")
    args = parser.parse_args()

    started = time.perf_counter()
    shows, reviews, _ = load_inputs(args.shows, args.reviews)
    say(f"training on {len(shows)} shows, {len(reviews)} reviews")
    model = Recommender().fit(shows, reviews)
    truth = load_truth(args.truth, {s.show_id for s in shows})
    problem = Problem(model, truth)
    say(f"{len(problem.seeds)} seeds x {len(problem.names)} signals ready after {time.perf_counter() - started:.0f} s")

    start = dict(DEFAULT_WEIGHTS) if args.start == "defaults" else {n: 1.0 for n in problem.names}
    folds = np.array([fold_of(seed, args.folds) for seed in problem.seeds])
    fold_fits, held_out = [], []
    for k in range(args.folds):
        fitted = ascend(problem, start, np.flatnonzero(folds != k))
        fold_fits.append(fitted)
        held_out.append(problem.metrics(fitted, np.flatnonzero(folds == k)))
        say(f"fold {k}: held-out nDCG@10 {held_out[-1][0]:.3f}, hit@10 {held_out[-1][1]:.3f}")
    mean = {n: round(float(np.mean([f.get(n, 0.0) for f in fold_fits])), 4) for n in problem.names}
    final = ascend(problem, mean, np.arange(len(problem.seeds)), passes=1)
    ndcg, hit = problem.metrics(final)
    say(f"fitted on every seed: nDCG@10 {ndcg:.3f}, hit@10 {hit:.3f}")
    ablation = {name: problem.metrics({**final, name: 0.0}) for name in problem.names if final.get(name)}
    report = {
        "seeds": len(problem.seeds), "signals": problem.names,
        "start": {"weights": start, "metrics": problem.metrics(start)},
        "folds": [{"weights": f, "held_out": h} for f, h in zip(fold_fits, held_out, strict=True)],
        "held_out_mean": [float(np.mean([h[0] for h in held_out])), float(np.mean([h[1] for h in held_out]))],
        "fitted": {"weights": final, "metrics": [ndcg, hit]},
        "ablation_off": {name: list(values) for name, values in ablation.items()},
        "seconds": time.perf_counter() - started,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print(json.dumps({"fitted": final, "metrics": [round(ndcg, 4), round(hit, 4)],
                      "held_out_mean": [round(v, 4) for v in report["held_out_mean"]],
                      "ablation_off": {n: [round(a, 4), round(b, 4)] for n, (a, b) in ablation.items()}}, indent=1))
    # the config these weights came from, so a reader can check the query-time knobs too
    print("query config:", QueryConfig(weights=final))


if __name__ == "__main__":
    main()
