"""Training cost against catalog size: wall time and peak memory of each training in its own process.

Each training runs as ``/usr/bin/time -v python -m bench.train_scale child ...`` (peak RSS from
``time``; without it, ``getrusage(RUSAGE_CHILDREN)``), on synthetic catalogs of 1k, 5k, 20k and
50k shows (reviews in proportion) and on the real MDL files. Generating a catalog is not timed.
The child also times the phases ``train`` reports (loading, masking, TF-IDF, LSA, tropes, writing).

    python -m bench.train_scale [--smoke] [--sizes 1000 5000]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from .common import OUT, ROOT, catalog_files, has_mdl, model_path, say

__all__ = ["run", "train_in_child"]

TIME = "/usr/bin/time"
RESULT_PREFIX = "BENCH-RESULT "


def _parse_time_v(stderr: str) -> dict:
    found = {}
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    if peak:
        found["max_rss_mb"] = int(peak.group(1)) / 1024
    cpu = [float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", stderr)]
    if cpu:
        found["cpu_s"] = sum(cpu)  # on a shared machine CPU time is steadier than wall time
    return found


def train_in_child(name: str, out: Path = OUT) -> dict:
    """Train one catalog in a fresh process; wall time, peak RSS and the phases of ``train``."""
    shows, reviews = catalog_files(name, out)
    target = model_path(name, out)
    target.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bench.train_scale", "child", str(shows), str(target), *map(str, reviews)]
    use_time = os.access(TIME, os.X_OK)
    if use_time:
        command = [TIME, "-v", *command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"training {name} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith(RESULT_PREFIX))
    result = json.loads(line[len(RESULT_PREFIX):])
    result["wall_s"] = wall
    result["peak_source"] = "/usr/bin/time -v" if use_time else "getrusage(RUSAGE_CHILDREN)"
    if use_time:
        result.update(_parse_time_v(done.stderr))
    else:
        # ru_maxrss of children is the largest child so far: only a new maximum is this child's own
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result["max_rss_mb"] = after / 1024 if after > before else None
    result["artifact_mb"] = target.stat().st_size / 2**20
    result["input_mb"] = (shows.stat().st_size + sum(r.stat().st_size for r in reviews)) / 2**20
    return result


def _child(shows: str, out: str, reviews: list[str]) -> int:
    """In the child: train, and print one line of JSON with the phase timings."""
    from recommender.training import train

    started = time.perf_counter()
    marks: list[tuple[str, float]] = []

    def progress(message: str) -> None:
        label = re.sub(r"\S*/\S*", "<file>", message.split(" (")[0])
        marks.append((re.sub(r"\d[\d,]*", "N", label)[:60], time.perf_counter() - started))

    result = train(shows, reviews, out, progress=progress)
    total = time.perf_counter() - started
    phases = {}
    for (label, at), (_, following) in zip(marks, [*marks[1:], ("end", total)], strict=True):
        phases[label] = round(phases.get(label, 0.0) + following - at, 3)
    print(RESULT_PREFIX + json.dumps({
        "n_shows": result.meta["n_shows"], "n_reviews": result.meta["n_reviews"],
        "vocabulary": result.meta["vocabulary"], "train_s": total, "phases": phases,
    }), flush=True)
    return 0


def targets(results: dict) -> dict:
    checks = {}
    mdl = results.get("mdl", {})
    if "wall_s" in mdl:
        checks["real MDL files train in < 30 s"] = mdl["wall_s"] < 30
        checks["real MDL files peak < 2 GB"] = (mdl.get("max_rss_mb") or 0) < 2048
    small, large = results.get("syn-5000", {}), results.get("syn-50000", {})
    if "wall_s" in small and "wall_s" in large:
        checks["50k costs <= 12x 5k (time)"] = large["wall_s"] / small["wall_s"] <= 12
        if small.get("max_rss_mb") and large.get("max_rss_mb"):
            exponent = math.log(large["max_rss_mb"] / small["max_rss_mb"]) / math.log(10)
            checks["memory not quadratic (5k->50k growth exponent < 1.5)"] = exponent < 1.5
    return checks


def run(smoke: bool = False, sizes: list[int] | None = None, real: bool = True, out: Path = OUT) -> dict:
    sizes = sizes or ([200, 600] if smoke else [1000, 5000, 20_000, 50_000])
    names = [f"syn-{n}" for n in sizes]
    if real and not smoke:
        names.append("mdl")
    if not os.access(TIME, os.X_OK):
        say(f"train: {TIME} is absent; peak memory from getrusage(RUSAGE_CHILDREN)")
    results: dict = {}
    for name in names:
        if name == "mdl" and not has_mdl():
            say("train: ../shared/data/mdl_html_seoulmate is absent; skipping the real files")
            results[name] = {"skipped": "../shared/data/mdl_html_seoulmate is absent"}
            continue
        catalog_files(name, out)  # generate or import first: that is not part of training
        say(f"train: {name}")
        results[name] = train_in_child(name, out)
        say(f"train: {name}: {results[name]['wall_s']:.1f} s, peak {results[name].get('max_rss_mb') or 0:.0f} MB")
    small, large = results.get("syn-5000", {}), results.get("syn-50000", {})
    summary = {"runs": results, "targets": targets(results)}
    if "wall_s" in small and "wall_s" in large:
        summary["ratio_50k_over_5k"] = {"time": large["wall_s"] / small["wall_s"],
                                        "memory": large["max_rss_mb"] / small["max_rss_mb"]}
        if small.get("cpu_s") and large.get("cpu_s"):
            summary["ratio_50k_over_5k"]["cpu"] = large["cpu_s"] / small["cpu_s"]
    return summary


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["child"]:
        return _child(argv[1], argv[2], argv[3:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="200 and 600 shows (seconds)")
    parser.add_argument("--sizes", type=int, nargs="*", help="synthetic catalog sizes (default 1000 5000 20000 50000)")
    parser.add_argument("--no-real", action="store_true", help="skip the real MDL files")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.smoke, args.sizes, not args.no_real), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
