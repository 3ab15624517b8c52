"""CPU amplification: what the costliest request the limits allow costs, against a normal one.

Over the ASGI app in process (no sockets: CPU only), with the bundled model unless ``--model``:
- ``normal``: ``POST /recommend`` with one liked title, k=10, weekend;
- ``exclude_1000_exact``: 1,000 excluded titles (``LIMITS.max_exclude``), every one a real title;
- ``exclude_1000_near_miss``: 1,000 titles one letter off (the request of issue 17: 3.0 s before);
- ``likes_max_fuzzy``: ``LIMITS.max_likes`` misspelled seeds (fuzzy matching runs for each), the
  most unlikes, the longest text, k=100 and MMR: the most work a request may ask for;
- ``similar_fuzzy``: ``GET /similar`` with a misspelled title.

Each variant runs ``--reps`` times round-robin; the figure is the median CPU time (process_time)
per request, and the target is worst <= 10x normal.

    python -m bench.amplification [--reps 15] [--model models/model.joblib] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings
from pathlib import Path

from recommender.query import LIMITS

from .common import ROOT, say

__all__ = ["requests_for", "run"]

TARGET = 10.0


def _misspell(title: str) -> str:
    """One letter off in the middle (a near miss that no exact lookup finds, that fuzzy matching does)."""
    letters = [i for i, ch in enumerate(title) if ch.isalpha()]
    if len(letters) < 4:
        return title + "x"
    i = letters[len(letters) // 2]
    return title[:i] + ("x" if title[i].lower() != "x" else "y") + title[i + 1:]


def requests_for(titles: list[str]) -> dict[str, tuple[str, str, dict]]:
    """(method, path, body or params) per variant, from the catalog's titles."""
    seed = "Soundtrack #1" if "Soundtrack #1" in titles else titles[0]
    others = [t for t in titles if t != seed]
    exact = (others * (LIMITS.max_exclude // max(1, len(others)) + 1))[:LIMITS.max_exclude]
    text = ("friends to lovers, living together, slow burn, no love triangle, " * 40)[:LIMITS.max_text]
    return {
        "normal": ("POST", "/recommend", {"like": [seed], "k": 10, "weekend": True}),
        "exclude_1000_exact": ("POST", "/recommend", {"like": [seed], "k": 10, "weekend": True, "exclude": exact}),
        "exclude_1000_near_miss": ("POST", "/recommend", {"like": [seed], "k": 10,
                                                          "exclude": [_misspell(t) for t in exact]}),
        "likes_max_fuzzy": ("POST", "/recommend", {
            "like": [_misspell(t) for t in others if len(t) >= 12][:LIMITS.max_likes], "unlike": others[-LIMITS.max_unlikes:],
            "text": text, "k": 100, "mmr": 0.7}),
        "similar_fuzzy": ("GET", "/similar", {"title": _misspell(seed), "weekend": "true"}),
    }


def run(model: Path, reps: int = 15) -> dict:
    from recommender import Recommender
    from service.app import create_app
    from service.settings import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    titles = [s.title for s in Recommender.load(model).catalog.shows]
    variants = requests_for(titles)
    times: dict[str, list[float]] = {name: [] for name in variants}
    statuses: dict[str, set[int]] = {name: set() for name in variants}
    with TestClient(create_app(Settings(model_path=model, auto_reload=False))) as client:
        for rep in range(reps + 2):  # two warm-up rounds
            for name, (method, path, data) in variants.items():
                started = time.process_time()
                if method == "POST":
                    response = client.post(path, json=data)
                else:
                    response = client.get(path, params=data)
                spent = (time.process_time() - started) * 1000
                statuses[name].add(response.status_code)
                if rep >= 2:
                    times[name].append(spent)
    medians = {name: statistics.median(values) for name, values in times.items()}
    worst = max((n for n in medians if n != "normal"), key=medians.get)
    result = {
        "model": str(model), "reps": reps, "n_titles": len(titles),
        "cpu_ms_p50": {n: round(v, 2) for n, v in medians.items()},
        "statuses": {n: sorted(s) for n, s in statuses.items()},
        "body_bytes": {n: len(json.dumps(d)) for n, (_, _, d) in variants.items()},
        "worst": worst, "worst_over_normal": round(medians[worst] / medians["normal"], 2), "target": TARGET,
    }
    result["met"] = result["worst_over_normal"] <= TARGET
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "model.joblib")
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = run(args.model, args.reps)
    for name, ms in result["cpu_ms_p50"].items():
        say(f"{name:<24} {ms:8.2f} ms CPU (p50)  status {result['statuses'][name]}  body {result['body_bytes'][name]:,} B")
    say(f"worst {result['worst']}: {result['worst_over_normal']}x normal (target <= {TARGET:g}x): "
        f"{'met' if result['met'] else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
