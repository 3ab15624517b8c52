"""load -> fit -> sanity check -> save. ``train.py`` and ``kdrama train`` are thin wrappers."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .artifact import SCHEMA_VERSION, read_header, save_artifact
from .catalog import LoadReport, Review, Show, load_reviews, load_shows
from .config import TrainConfig
from .errors import ArtifactError, KdramaError
from .model import Recommender
from .paths import DEFAULT_MODEL, DEFAULT_REVIEWS, DEFAULT_SHOWS
from .titles import Catalog

__all__ = ["TrainResult", "fingerprint", "load_inputs", "train"]



@dataclass
class TrainResult:
    meta: dict
    skipped: bool
    seconds: float
    reports: list[LoadReport] = field(default_factory=list)
    note: str = ""  # something the caller should know that did not fail the run

    def summary(self) -> str:
        if self.skipped:
            return f"inputs unchanged since model {self.meta.get('model_version')}: retrain skipped (use --force to retrain anyway)"
        m = self.meta
        return (
            f"trained {m['model_version']}: {m['n_shows']} shows, {m['n_reviews']} reviews, "
            f"vocabulary {m['vocabulary']} terms, {m['n_tags']} tags, {self.seconds:.1f} s"
        )


def fingerprint(shows: Sequence[Show], reviews: Sequence[Review], config: TrainConfig) -> str:
    """A hash of everything a model is made from: same inputs, same fingerprint."""
    digest = hashlib.sha256(f"schema={SCHEMA_VERSION}".encode())
    digest.update(json.dumps(asdict(config), sort_keys=True, default=str).encode())
    for show in shows:
        digest.update(json.dumps(show.to_dict(), sort_keys=True, default=str).encode())
    for review in sorted(reviews, key=lambda r: (r.show_id, r.text)):
        digest.update(json.dumps(asdict(review), sort_keys=True, default=str).encode())
    return digest.hexdigest()


def load_inputs(
    shows_path: str | Path,
    review_paths: Sequence[str | Path] = (),
    strict: bool = False,
    extra_shows: Sequence[Show] = (),
) -> tuple[list[Show], list[Review], list[LoadReport]]:
    """Shows and reviews from files (bad rows reported and skipped, or fatal with ``strict``)."""
    shows, report = load_shows(shows_path, strict=strict)
    known = {s.show_id for s in shows}
    shows += [s for s in extra_shows if s.show_id not in known]
    reports = [report]
    catalog = Catalog(shows)
    reviews: list[Review] = []
    for path in review_paths:
        loaded, review_report = load_reviews(path, catalog, strict=strict)
        reviews += loaded
        reports.append(review_report)
    return shows, reviews, reports


def train(
    shows_path: str | Path = DEFAULT_SHOWS,
    review_paths: Sequence[str | Path] = (DEFAULT_REVIEWS,),
    out: str | Path = DEFAULT_MODEL,
    strict: bool = False,
    config: TrainConfig | None = None,
    extra_shows: Sequence[Show] = (),
    extra_reviews: Sequence[Review] = (),
    force: bool = True,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train and save a model; with ``force=False`` an unchanged input skips the work."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    config = config or TrainConfig()
    say(f"loading {shows_path} and {len(review_paths)} review file(s)")
    shows, reviews, reports = load_inputs(shows_path, review_paths, strict, extra_shows)
    for report in reports:
        say(report.summary())
        for problem in report.problems[:20]:
            say(f"  skipped {problem}")
        if len(report.problems) > 20:
            say(f"  ... and {len(report.problems) - 20} more")
    known = {s.show_id for s in shows}
    reviews += [r for r in extra_reviews if r.show_id in known]
    stamp = fingerprint(shows, reviews, config)
    if not force and Path(out).exists():
        try:
            meta, _, _ = read_header(out)
        except ArtifactError:
            meta = {}
        if meta.get("fingerprint") == stamp:
            return TrainResult(meta=meta, skipped=True, seconds=time.perf_counter() - started, reports=reports)
    say(f"fitting on {len(shows)} shows and {len(reviews)} reviews")
    model = Recommender(config).fit(shows, reviews, progress=say)
    _sanity_check(model)
    say(f"writing {out}")
    meta = save_artifact(model, out, fingerprint=stamp)
    return TrainResult(meta=meta, skipped=False, seconds=time.perf_counter() - started, reports=reports)


def _sanity_check(model: Recommender) -> None:
    """A model that cannot answer one query must never replace a working one."""
    shows = model.catalog.shows
    if len(shows) < 2:
        return
    seed = shows[0].show_id
    results = model.similar(seed, k=min(5, len(shows) - 1))
    if not results or any(r.show_id == seed for r in results):
        raise KdramaError("sanity check failed: the new model returned no results or the seed itself; not saved")
