"""Load with faults: concurrent query clients while reviews are posted and retrains run.

    python -m bench.load_faults [--seconds 60] [--clients 50] [--retrains 2] [--json out.json]

Starts its own `kdrama serve` on a free loopback port (model trained from the bundled data into a
temp dir), runs bounded loops that stop by themselves, then checks that every acknowledged review
is in the store. Exit code 1 when any request failed or an acknowledged review is missing.
Loopback only: it never sends traffic anywhere else.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

from .server import HOST, serve, wait_until

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "load-faults-token"


def trained_model(workdir: Path, shows: Path, reviews: list[Path]) -> Path:
    from recommender.training import train

    model = workdir / "model.joblib"
    train(shows, reviews, model)
    return model


async def run_load(base: str, show_ids: list[str], seconds: float, clients: int, retrains: int) -> dict:
    stats = {"queries": 0, "query_errors": 0, "latencies": [], "versions_backwards": 0,
             "reviews_acked": [], "review_errors": 0, "retrains": [], "retrain_errors": 0, "error_samples": []}
    stop = time.monotonic() + seconds
    auth = {"Authorization": f"Bearer {TOKEN}"}
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        async def querier(n: int) -> None:
            last_version = ""
            i = n
            while time.monotonic() < stop:
                show_id = show_ids[i % len(show_ids)]
                i += clients
                started = time.perf_counter()
                try:
                    response = await http.get(f"/shows/{show_id}/similar", params={"weekend": "true"})
                    ok = response.status_code == 200
                    version = response.json().get("model_version", "") if ok else ""
                except (httpx.HTTPError, ValueError) as exc:
                    ok, version = False, ""
                    stats["error_samples"].append(repr(exc)[:200])
                stats["latencies"].append(time.perf_counter() - started)
                stats["queries"] += 1
                if not ok:
                    stats["query_errors"] += 1
                    continue
                if version < last_version:
                    stats["versions_backwards"] += 1
                last_version = version

        async def poster() -> None:
            n = 0
            while time.monotonic() < stop:
                n += 1
                body = {"show_id": show_ids[n % len(show_ids)], "author": "load-bot",
                        "text": f"Load test review number {n} at {time.time():.6f}: slow burn, friends to lovers, great chemistry."}
                try:
                    response = await http.post("/reviews", json=body, headers=auth)
                    if response.status_code in (200, 201):
                        stats["reviews_acked"].append(response.json()["id"])
                    else:
                        stats["review_errors"] += 1
                        stats["error_samples"].append(f"POST /reviews {response.status_code} {response.text[:150]}")
                except httpx.HTTPError as exc:
                    stats["review_errors"] += 1
                    stats["error_samples"].append(repr(exc)[:200])
                await asyncio.sleep(0.1)

        async def retrainer() -> None:
            for k in range(retrains):
                await asyncio.sleep(max(0.0, stop - time.monotonic()) / (retrains - k + 1))
                started = time.perf_counter()
                try:
                    response = await http.post("/admin/retrain", params={"force": "true"}, headers=auth, timeout=300)
                    outcome = response.json().get("outcome") if response.status_code < 500 else "failed"
                except httpx.HTTPError as exc:
                    outcome = f"error {exc!r}"[:200]
                stats["retrains"].append({"outcome": outcome, "seconds": round(time.perf_counter() - started, 2)})
                if outcome != "trained":
                    stats["retrain_errors"] += 1

        await asyncio.gather(*(querier(n) for n in range(clients)), poster(), retrainer())
        status = (await http.get("/admin/status", headers=auth)).json()
    stats["reviews_stored"] = status.get("reviews_stored")
    return stats


def summarize(stats: dict, seconds: float, clients: int) -> dict:
    latencies = sorted(stats.pop("latencies")) or [0.0]
    acked = stats.pop("reviews_acked")

    def pct(p: float) -> float:
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {
        "seconds": seconds, "clients": clients, "queries": stats["queries"],
        "queries_per_second": round(stats["queries"] / seconds, 1),
        "query_errors": stats["query_errors"], "p50_ms": pct(0.50), "p99_ms": pct(0.99),
        "model_version_went_backwards": stats["versions_backwards"],
        "reviews_acknowledged": len(acked), "review_errors": stats["review_errors"],
        "reviews_stored_after": stats["reviews_stored"],
        "reviews_lost": max(0, len(set(acked)) - (stats["reviews_stored"] or 0)),
        "retrains": stats["retrains"], "retrain_errors": stats["retrain_errors"],
        "error_samples": stats["error_samples"][:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--retrains", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--shows", type=Path, default=ROOT / "data" / "shows.csv")
    parser.add_argument("--reviews", type=Path, nargs="*", default=[ROOT / "data" / "reviews.jsonl"])
    parser.add_argument("--json", type=Path, help="write the summary here")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 600 or not 1 <= args.clients <= 200:
        parser.error("--seconds must be 1..600 and --clients 1..200 (the loops are bounded)")

    from recommender.catalog import load_shows

    show_ids = [s.show_id for s in load_shows(args.shows)[0]]
    with tempfile.TemporaryDirectory(prefix="kdrama-load-") as tmp:
        workdir = Path(tmp)
        model = trained_model(workdir, args.shows, args.reviews)
        env = {"KDRAMA_DB_PATH": str(workdir / "reviews.sqlite3"), "KDRAMA_SHOWS_PATH": str(args.shows),
               "KDRAMA_REVIEWS_PATHS": ",".join(map(str, args.reviews)), "KDRAMA_API_TOKEN": TOKEN}
        with serve(model, workers=args.workers, env=env, cwd=workdir) as (process, port, _):
            wait_until(port, "/health", limit_s=60, process=process)
            base = f"http://{HOST}:{port}"
            print(f"load: {args.clients} clients for {args.seconds:.0f} s against {base}, "
                  f"{args.retrains} retrains, reviews posted throughout", file=sys.stderr, flush=True)
            stats = asyncio.run(run_load(base, show_ids, args.seconds, args.clients, args.retrains))
    summary = summarize(stats, args.seconds, args.clients)
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2))
    failed = summary["query_errors"] or summary["review_errors"] or summary["retrain_errors"] or summary["reviews_lost"] \
        or summary["model_version_went_backwards"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
