"""What every benchmark shares: where catalogs and models live, timing summaries, the machine."""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

__all__ = ["MDL_DIR", "OUT", "ROOT", "catalog_files", "ensure_model", "machine", "model_path", "summarize", "time_ms"]

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(os.environ.get("KDRAMA_BENCH_OUT", ROOT / "bench" / "out"))

def _mdl_dir() -> Path:
    """$KDRAMA_MDL_DIR, else shared/data beside the checkout (a git worktree sits one level deeper)."""
    if os.environ.get("KDRAMA_MDL_DIR"):
        return Path(os.environ["KDRAMA_MDL_DIR"])
    candidates = [up / "shared" / "data" / "mdl_html_seoulmate" for up in ROOT.parents[:2]]
    return next((c for c in candidates if c.exists()), candidates[0])


MDL_DIR = _mdl_dir()
SYNTHETIC_SEED = 0


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def has_mdl() -> bool:
    return (MDL_DIR / "titles.csv").exists() and (MDL_DIR / "reviews.csv").exists()


def catalog_files(name: str, out: Path = OUT) -> tuple[Path, list[Path]]:
    """shows.csv and review files for ``mdl`` (all 4,789 titles via the importer) or ``syn-N``."""
    folder = out / "data" / name
    if name == "mdl":
        from recommender.importers import import_mdl

        if not has_mdl():
            raise FileNotFoundError(f"{MDL_DIR} is absent (../shared/data is only beside the checkout on dev and CI machines)")
        if not (folder / "reviews.jsonl").exists():
            import_mdl(MDL_DIR / "titles.csv", MDL_DIR / "reviews.csv", folder, country=None)
        return folder / "shows.csv", [folder / "reviews.jsonl"]
    if name.startswith("syn-"):
        from .synthetic import write_catalog

        shows, reviews = write_catalog(int(name[4:]), folder, seed=SYNTHETIC_SEED)
        return shows, shards(reviews)
    raise ValueError(f"unknown catalog {name!r}: expected 'mdl' or 'syn-<number of shows>'")


def shards(path: Path, limit: int = 100_000_000) -> list[Path]:
    """``path``, or its lines in pieces of at most ``limit`` bytes once it is bigger than that.

    The loaders refuse a file over MAX_FILE_BYTES (200 MB, recommender/bounds.py); the 50k synthetic
    reviews are 205 MB, so training reads them as several files (split once, at line ends, kept).
    """
    if path.stat().st_size <= limit:
        return [path]
    parts = sorted(path.parent.glob(f"{path.stem}.part-*{path.suffix}"))
    if parts and all(p.stat().st_mtime >= path.stat().st_mtime for p in parts):
        return parts
    for old in parts:
        old.unlink()
    parts, size, handle = [], 0, None
    with open(path, "rb") as source:
        for line in source:
            if handle is None or size + len(line) > limit:
                if handle is not None:
                    handle.close()
                parts.append(path.with_name(f"{path.stem}.part-{len(parts) + 1:02d}{path.suffix}"))
                handle, size = open(parts[-1], "wb"), 0
            handle.write(line)
            size += len(line)
    if handle is not None:
        handle.close()
    return parts


def model_path(name: str, out: Path = OUT) -> Path:
    return out / "models" / f"{name}.joblib"


def ensure_model(name: str, out: Path = OUT, retrain: bool = False) -> Path:
    """The trained artifact for a catalog, training it (in this process) when it is missing."""
    from recommender.training import train

    path = model_path(name, out)
    if retrain or not path.exists():
        shows, reviews = catalog_files(name, out)
        say(f"training {name} -> {path}")
        train(shows, reviews, path)
    return path


def time_ms(fn, *args, **kwargs) -> float:
    started = time.perf_counter_ns()
    fn(*args, **kwargs)
    return (time.perf_counter_ns() - started) / 1e6


def summarize(samples_ms) -> dict:
    """p50/p99/mean in milliseconds over the samples (p99 of 500 samples is the 5th slowest)."""
    values = np.asarray(samples_ms, dtype=float)
    return {"n": int(len(values)), "p50_ms": float(np.percentile(values, 50)), "p99_ms": float(np.percentile(values, 99)),
            "mean_ms": float(values.mean())}


def machine() -> dict:
    """The machine the figures were measured on."""
    import numpy
    import scipy
    import sklearn

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gib = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    blas = {}
    try:
        from threadpoolctl import threadpool_info

        blas = [{k: i.get(k) for k in ("internal_api", "architecture", "version", "num_threads")} for i in threadpool_info()]
    except ImportError:
        pass
    return {
        "nproc": os.cpu_count(), "memory_gib": memory_gib, "cpu": cpu, "platform": platform.platform(),
        "python": platform.python_version(), "numpy": numpy.__version__, "scipy": scipy.__version__,
        "sklearn": sklearn.__version__, "blas": blas,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""),
    }
