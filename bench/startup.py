"""Start-up and footprint at 5k shows: artifact size, load time, service RSS at rest, serve -> first answer.

Load time is measured in a fresh interpreter (imports timed apart from ``Recommender.load``);
"first answer" is the time from starting `kdrama serve` (1 worker) to the first 200 from
``/shows/{id}/similar?weekend=true``, polled every 10 ms. Each is the median of ``repeats`` runs.

    python -m bench.startup [--smoke] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from .common import OUT, ROOT, ensure_model, say
from .server import get, rss_mb, serve, wait_until

__all__ = ["run"]

_LOAD = """
import json, time
started = time.perf_counter()
from recommender.model import Recommender
imported = time.perf_counter()
model = Recommender.load({path!r})
loaded = time.perf_counter()
print(json.dumps({{"import_s": imported - started, "load_s": loaded - imported, "seed": model.catalog.shows[0].show_id}}))
"""


def load_times(model_file: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _LOAD.format(path=str(model_file))], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def first_answer(model_file: Path, seed: str) -> dict:
    """One cold start of `kdrama serve`: seconds to the first answered query, RSS after it and at rest."""
    path = f"/shows/{quote(seed, safe='')}/similar?weekend=true"
    with serve(model_file, workers=1) as (process, port, started):
        waited = wait_until(port, path, limit_s=120, process=process)
        answered = time.perf_counter() - started
        after_query = rss_mb(process.pid)
        time.sleep(1.0)  # at rest: nothing in flight
        status, _ = get(port, "/health")
        at_rest = rss_mb(process.pid)
    return {"first_answer_s": answered, "polled_s": waited, "rss_after_first_query_mb": after_query,
            "rss_at_rest_mb": at_rest, "health_ok": status == 200}


def run(smoke: bool = False, repeats: int = 3, out: Path = OUT) -> dict:
    name = "syn-400" if smoke else "syn-5000"
    model_file = ensure_model(name, out)
    say(f"startup: {name}, {repeats} cold starts")
    loads = [load_times(model_file) for _ in range(repeats)]
    seed = loads[0]["seed"]
    starts = [first_answer(model_file, seed) for _ in range(repeats)]

    def median(rows, key):
        values = [r[key] for r in rows if r.get(key) is not None]
        return statistics.median(values) if values else None

    result = {
        "model": name,
        "artifact_mb": model_file.stat().st_size / 2**20,
        "repeats": repeats,
        "import_s": median(loads, "import_s"),
        "load_s": median(loads, "load_s"),
        "first_answer_s": median(starts, "first_answer_s"),
        "rss_at_rest_mb": median(starts, "rss_at_rest_mb"),
        "rss_after_first_query_mb": median(starts, "rss_after_first_query_mb"),
        "all_first_answers_s": [round(s["first_answer_s"], 3) for s in starts],
    }
    result["targets"] = {"first answer <= 2 s at 5k shows": result["first_answer_s"] <= 2} if not smoke else {}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny model")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.smoke, args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
