"""HTTP load on loopback: /shows/{id}/similar?weekend=true against /health, same server, 1 and 2 workers.

Efficiency (issue 18) = similar_rps x (engine_p50 + 1 / health_rps): 1.0 means a similar request
costs the server its engine call plus a bare round trip and nothing else. ``engine_p50`` is the
same call in process (``model.similar(id, k=10, weekend=True)``), timed by the driver before any
server starts. Each server is also asked one request at a time on one keep-alive connection
(``serial``): that is where a per-response stall (Nagle + delayed ACK) shows, not under load.

The load generator is a bounded asyncio client (raw HTTP/1.1 keep-alive over asyncio streams, uvloop
when installed): 50 connections, a fixed duration, a request cap, and it stops by itself. It runs
in its own process so its CPU is not the server's; on a 2-core machine it still shares the cores
with the workers, so it also reports the CPU it used (``client_cpu``, in cores).

    python -m bench.http [--smoke] [--duration 30] [--connections 50] [--model PATH]
    python -m bench.http client --port P --paths FILE ...   (the load generator alone)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import numpy as np

from .common import OUT, ROOT, ensure_model, has_mdl, say, summarize, time_ms
from .server import HOST, get, serve, wait_until

__all__ = ["load", "run"]

MAX_REQUESTS = 2_000_000  # a hard cap besides the duration: the loop is bounded either way


# ---- the client (runs in its own process) -----------------------------------------------------
async def _connection(port: int, paths: list[str], start: int, deadline: float, latencies: list[float],
                      counts: dict[str, int]) -> None:
    reader = writer = None
    i = start
    while time.perf_counter() < deadline and counts["requests"] < MAX_REQUESTS:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(HOST, port)
            request = f"GET {paths[i % len(paths)]} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
            i += 7919  # connections walk the id list at a prime stride: ids keep rotating
            sent = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - sent)
            counts["requests"] += 1
            if status != 200:
                counts["errors"] += 1
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            counts["errors"] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _load(port: int, paths: list[str], connections: int, duration: float) -> dict:
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0}
    started = time.perf_counter()
    deadline = started + duration
    cpu = time.process_time()
    await asyncio.gather(*(_connection(port, paths, c, deadline, latencies, counts) for c in range(connections)))
    elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000 if latencies else np.array([np.nan])
    return {
        "requests": counts["requests"], "errors": counts["errors"], "seconds": elapsed,
        "rps": counts["requests"] / elapsed, "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)), "client_cpu": (time.process_time() - cpu) / elapsed,
    }


def _client(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http client")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--paths", type=Path, required=True, help="a file with one request path a line")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args(argv)
    paths = args.paths.read_text().split()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    print(json.dumps(asyncio.run(_load(args.port, paths, args.connections, args.duration))), flush=True)
    return 0


# ---- the driver -------------------------------------------------------------------------------
def load(port: int, paths: list[str], connections: int, duration: float) -> dict:
    """Run the load generator in its own process against ``port``; its JSON result."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.http", "client", "--port", str(port), "--paths", handle.name,
             "--connections", str(connections), "--duration", str(duration)],
            cwd=ROOT, capture_output=True, text=True, timeout=duration + 120, check=False,
        )
    finally:
        Path(handle.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _similar_paths(model_file: Path, n_engine: int) -> tuple[list[str], dict]:
    """Request paths over every show, shuffled, and the in-process cost of the same call (p50, p99)."""
    from recommender.artifact import load_artifact

    model = load_artifact(model_file).model
    ids = [s.show_id for s in model.catalog.shows]
    random.Random(0).shuffle(ids)
    for i in ids[:20]:  # warm-up
        model.similar(i, k=10, weekend=True)
    engine = summarize([time_ms(model.similar, i, k=10, weekend=True) for i in ids[:n_engine]])
    return [f"/shows/{quote(i, safe='')}/similar?weekend=true" for i in ids], engine


def run(smoke: bool = False, duration: float | None = None, connections: int = 50, workers=(1, 2),
        model_name: str | None = None, out: Path = OUT) -> dict:
    duration = duration or (2.0 if smoke else 30.0)
    serial_s = 1.0 if smoke else 3.0
    model_name = model_name or ("syn-400" if smoke else ("mdl" if has_mdl() else "syn-5000"))
    model_file = ensure_model(model_name, out)
    similar, engine = _similar_paths(model_file, 60 if smoke else 300)
    results: dict = {"model": model_name, "connections": connections, "duration_s": duration, "engine": engine,
                     "runs": {}}
    for n in workers:
        with serve(model_file, workers=n) as (process, port, _started):
            wait_until(port, "/health", limit_s=120, process=process)
            for path in similar[:2 * n]:  # every worker answers once before the clock starts
                wait_until(port, path, limit_s=60, process=process)
            say(f"http: {n} worker(s), warming up")
            load(port, similar, connections, min(2.0, duration))
            run_ = {}
            for name, paths in (("health", ["/health"]), ("similar", similar)):
                say(f"http: {n} worker(s), {name}, {connections} connections, {duration:.0f} s")
                run_[name] = load(port, paths, connections, duration)
            for name, paths in (("health", ["/health"]), ("similar", similar)):
                run_[f"serial_{name}"] = load(port, paths, 1, serial_s)  # one request at a time
            status, _ = get(port, "/health")
            run_["server_alive_after"] = status == 200
            run_["similar_over_health"] = run_["similar"]["rps"] / run_["health"]["rps"]
            run_["efficiency"] = run_["similar"]["rps"] * (engine["p50_ms"] / 1000 + 1 / run_["health"]["rps"])
            results["runs"][f"{n}_workers"] = run_
    results["targets"] = targets(results)
    return results


def targets(results: dict) -> dict:
    """Issue 18's HTTP targets on the runs that were made."""
    runs, checks = results["runs"], {}
    one, two = runs.get("1_workers"), runs.get("2_workers")
    if one:
        checks["1 worker: efficiency >= 0.8, 0 errors"] = (
            one["efficiency"] >= 0.8 and all(one[e]["errors"] == 0 for e in ("health", "similar")))
    if one and two:
        checks["2 workers: similar throughput >= 1.7x one worker"] = two["similar"]["rps"] >= 1.7 * one["similar"]["rps"]
        # one request at a time (where the 40 ms Nagle stall showed): a second worker never makes a
        # request slower. Under 50 connections the latency is queueing (connections / throughput),
        # and on 2 cores shared with the load generator /health's throughput is the CPU's, not the
        # server's: that comparison is reported in the tables, not judged here.
        checks["2 workers: no request slower than with one (one at a time, p50 and p99)"] = all(
            two[key][stat] <= one[key][stat] * 1.1 + 0.2
            for key in ("serial_health", "serial_similar") for stat in ("p50_ms", "p99_ms"))
        checks["2 workers: similar p50 under load not slower than with one"] = (
            two["similar"]["p50_ms"] <= one["similar"]["p50_ms"] * 1.1 + 0.2)
        checks["2 workers: 0 errors"] = all(two[e]["errors"] == 0 for e in ("health", "similar"))
    return checks


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["client"]:
        return _client(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="a tiny model, 2 s a run")
    parser.add_argument("--duration", type=float, help="seconds per run (default 30)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--model", help="catalog name: mdl or syn-N (default mdl when present, else syn-5000)")
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2], help="worker counts to run (default 1 2)")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.smoke, args.duration, args.connections, tuple(args.workers), model_name=args.model),
                     indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
