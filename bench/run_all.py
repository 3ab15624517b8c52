"""Every benchmark in one run: training scale, query cost, start-up, HTTP; then results, plot, tables.

    python -m bench.run_all            # the full run (~9 min on 2 cores, 2026-12-01); `make bench`
    python -m bench.run_all --smoke    # tiny sizes, a minute or so (CI may run it)

Writes bench/out/results.json, bench/out/tables.md and bench/out/performance.png (copied to
docs/performance.png by a full run). Training runs first: it writes the models the others load.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from . import http, query, startup, train_scale
from .common import OUT, ROOT, machine, say
from .report import plot, tables

__all__ = ["main"]

SECTIONS = ("train", "query", "startup", "http")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, seconds per benchmark")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    sections = args.only or SECTIONS
    target = out / "results.json"
    results: dict = {}
    if args.only and target.exists():
        results = json.loads(target.read_text())  # rerunning some sections keeps the others' figures
        if results.get("smoke") != args.smoke:
            results = {}
    results.update({"machine": machine(), "smoke": args.smoke})
    if not isinstance(results.get("started"), dict):
        results["started"] = {}
    results["started"].update({name: time.strftime("%Y-%m-%d %H:%M:%S") for name in sections})
    runners = {
        "train": lambda: train_scale.run(args.smoke, out=out),
        "query": lambda: query.run(args.smoke, out=out),
        "startup": lambda: startup.run(args.smoke, out=out),
        "http": lambda: http.run(args.smoke, out=out),
    }
    for name in sections:
        started = time.perf_counter()
        try:
            results[name] = runners[name]()
        except Exception as exc:  # one broken section must not lose the others' figures
            say(f"{name}: failed: {exc}")
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        results.setdefault("seconds", {})[name] = round(time.perf_counter() - started, 1)
        target.write_text(json.dumps(results, indent=2))  # a partial run still leaves its figures
    text = tables(results)
    (out / "tables.md").write_text(text)
    picture = plot(results, out / "performance.png")
    if picture and not args.smoke:
        shutil.copyfile(picture, ROOT / "docs" / "performance.png")
    print(text)
    say(f"wrote {target}, {out / 'tables.md'}" + (f", {picture}" if picture else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
