"""Speed work must not change a single answer: rankings, scores and reasons against a recorded snapshot.

The snapshot (``rankings_snapshot.json``) holds, for a deterministic synthetic catalog of 300
shows and for the tiny hand-made one, the results of every query variant the engine optimises
(plain, weekend, three likes, unlike, text, MMR, a tag filter, paging). A change meant to move the
ranking (new signals, new weights) regenerates it, and says so in its commit:

    python -m tests.recommender.test_rankings_snapshot --write
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).with_name("rankings_snapshot.json")
N_SYNTHETIC = 300
N_SEEDS = 12
N_REASONS = 3  # reasons recorded for the first results of each query (they cost the file most)


def _fit(folder: Path, name: str):
    from recommender import Recommender
    from recommender.training import load_inputs

    folder.mkdir(parents=True, exist_ok=True)
    if name == "tiny":
        from tests.conftest import TINY_REVIEWS, TINY_SHOWS, write_csv, write_jsonl

        shows_path = write_csv(folder / "shows.csv", TINY_SHOWS)
        reviews_path = write_jsonl(folder / "reviews.jsonl", TINY_REVIEWS)
    else:
        from bench.synthetic import write_catalog

        shows_path, reviews_path = write_catalog(N_SYNTHETIC, folder, seed=7)
    shows, reviews, _ = load_inputs(shows_path, [reviews_path])
    return Recommender().fit(shows, reviews)


def _queries(model) -> dict[str, dict]:
    ids = [s.show_id for s in model.catalog.shows]
    step = max(len(ids) // N_SEEDS, 1)
    seeds = ids[::step][:N_SEEDS]
    common_tag = max(model.tags_of(seeds[0]) or ("",), key=len)
    out = {}
    for n, seed in enumerate(seeds):
        others = [ids[(ids.index(seed) + d) % len(ids)] for d in (1, 2)]
        out[f"{seed} plain"] = dict(like=[seed], k=10)
        out[f"{seed} weekend"] = dict(like=[seed], k=10, weekend=True)
        out[f"{seed} mmr"] = dict(like=[seed], k=10, weekend=True, mmr=0.7)
        out[f"{seed} three likes"] = dict(like=[seed, *others], k=10, weekend=True)
        out[f"{seed} unlike"] = dict(like=[seed], unlike=[others[0]], k=10)
        out[f"{seed} page 2"] = dict(like=[seed], k=5, offset=5, include_franchise=n % 2 == 0)
        if common_tag and n < 5:
            out[f"{seed} tag"] = dict(like=[seed], k=10, tags=[common_tag])
    out["text only"] = dict(text="revenge for a murdered family, a cold prosecutor", k=10)
    return out


def _answers(model) -> dict[str, list]:
    answers = {}
    for name, options in _queries(model).items():
        page = model.recommend(**options)
        answers[name] = {"total": page.total,
                         "results": [[r.show_id, r.score, r.reasons if j < N_REASONS else None]
                                     for j, r in enumerate(page.results)]}
    return json.loads(json.dumps(answers))  # what the snapshot file holds: plain JSON types


def compute() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        return {name: _answers(_fit(Path(folder) / name, name)) for name in ("tiny", "synthetic")}


@pytest.mark.slow
def test_rankings_match_the_snapshot():
    expected = json.loads(SNAPSHOT.read_text())
    got = compute()
    for catalog in expected:
        for query, answer in expected[catalog].items():
            mine = got[catalog][query]
            assert mine["total"] == answer["total"], (catalog, query)
            assert [r[0] for r in mine["results"]] == [r[0] for r in answer["results"]], (catalog, query)
            for (show, score, reasons), (_, want_score, want_reasons) in zip(mine["results"], answer["results"], strict=True):
                assert score == pytest.approx(want_score, abs=2e-6), (catalog, query, show)
                if want_reasons is None:
                    continue
                assert reasons["components"] == pytest.approx(want_reasons["components"], abs=2e-6), (catalog, query, show)
                assert {k: v for k, v in reasons.items() if k != "components"} == \
                       {k: v for k, v in want_reasons.items() if k != "components"}, (catalog, query, show)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit(__doc__)
    snapshot = compute()  # one line per query: a changed answer is a readable diff
    lines = [f"{json.dumps(catalog)}: {{\n" + ",\n".join(f"  {json.dumps(q)}: {json.dumps(a, sort_keys=True)}" for q, a in answers.items()) + "\n}"
             for catalog, answers in snapshot.items()]
    SNAPSHOT.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {SNAPSHOT}")
