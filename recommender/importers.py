"""Importers for public data layouts -> the project's own shows.csv and reviews.jsonl.

- ``mdl``: MyDramaList-style ``titles.csv`` (+ optional ``reviews.csv``).
- ``kaggle``: the CC0 Kaggle "Korean Drama 2015-2023" ``korean_drama.csv`` (+ optional
  ``wiki_actors.csv`` for cast).
Rows that cannot be mapped are reported with file and line and skipped.
"""

from __future__ import annotations

import ast
import csv
import html
import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from .catalog import SHOW_COLUMNS, LoadReport, normalize_network, read_rows
from .errors import DataError

__all__ = ["DEFAULT_MDL_COUNTRY", "import_kaggle", "import_mdl", "write_reviews", "write_shows"]

# the README's workflow recommends K-dramas: an MDL dump also holds Japanese, Chinese, Thai... shows
DEFAULT_MDL_COUNTRY = "South Korea"


def write_shows(rows: Iterable[dict[str, Any]], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHOW_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("|".join(v) if isinstance(v, (list, tuple)) else ("" if v is None else v)) for k, v in row.items()})
            count += 1
    return count


def write_reviews(rows: Iterable[dict[str, Any]], path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def _split(value: str, sep: str = "|") -> list[str]:
    return [p.strip() for p in (value or "").split(sep) if p.strip()]


def _pylist(value: str) -> list[str]:
    """"['A', 'B']" -> ['A', 'B'] (the Kaggle/Johnd layouts store lists as Python literals)."""
    value = (value or "").strip()
    if not value.startswith("["):
        return [value] if value else []
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return []
    return [str(p).strip() for p in parsed if str(p).strip()]


def _int(value: str) -> int | None:
    match = re.search(r"\d+", (value or "").replace(",", ""))
    return int(match.group()) if match else None


def _positive(value: str) -> str:
    return value if (_int(value) or 0) > 0 else ""


def _date(value: str) -> str:
    value = (value or "").strip()
    for fmt in ("%b %d, %Y", "%Y-%m-%d", "%B %d, %Y"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return value


def _rows(path: Path, report: LoadReport) -> Iterable[tuple[int, dict[str, Any]]]:
    for line, row, error in read_rows(path):
        if row is None:
            report.add(line, error, strict=False)
            continue
        yield line, row


def import_mdl(titles: Path, reviews: Path | None, out: Path, country: str | None = DEFAULT_MDL_COUNTRY,
               progress: Callable[[str], None] | None = None) -> list[LoadReport]:
    """MyDramaList-style files -> out/shows.csv (+ out/reviews.jsonl); ``country=None`` keeps every country."""
    say = progress or (lambda m: None)
    report = LoadReport(str(titles))
    shows, kept = [], set()
    for line, row in _rows(titles, report):
        if "mdl_id" not in row or "title" not in row:
            raise DataError(f"{titles}:1: not an MDL titles file (expected columns mdl_id, title, ...)")
        if country and row.get("country", "").casefold() != country.casefold():
            continue
        if not row["mdl_id"].strip():
            report.add(line, "mdl_id is missing", strict=False)
            continue
        kept.add(row["mdl_id"])
        shows.append({
            "show_id": row["mdl_id"], "title": html.unescape(row["title"]), "year": row.get("year", ""),
            # MDL writes 0 for "not known yet" (upcoming shows): that is unknown, not zero
            "episodes": _positive(row.get("episodes", "")), "episode_minutes": _positive(row.get("duration_min", "")),
            "network": normalize_network(row.get("original_network", "")), "genres": _split(row.get("genres", "")),
            "tags": _split(row.get("tags", "")), "cast": _split(row.get("main_cast", "")),
            "aliases": _split(row.get("also_known_as", ""), " | "), "native_title": row.get("native_title", ""),
            "synopsis": row.get("synopsis", ""), "popularity": row.get("watchers", ""),
            # MDL separates crew names with commas ("Kim Jin Won, Park Hyun Suk")
            "directors": _split(row.get("director", ""), ","), "writers": _split(row.get("screenwriter", ""), ","),
            "country": row.get("country", ""),
        })
    report.loaded = write_shows(shows, out / "shows.csv")
    say(f"wrote {report.loaded} shows to {out / 'shows.csv'}")
    reports = [report]
    if reviews:
        review_report = LoadReport(str(reviews))
        rows = []
        for line, row in _rows(reviews, review_report):
            if row.get("mdl_id") not in kept:
                continue
            if not (row.get("review_text") or "").strip():
                review_report.add(line, "review_text is empty", strict=False)
                continue
            rows.append({
                "review_id": row.get("review_id", ""), "show_id": row["mdl_id"], "text": row["review_text"],
                "author": row.get("user", ""), "date": _date(row.get("date", "")), "rating": row.get("overall", ""),
                "source": "mdl",
            })
        review_report.loaded = write_reviews(rows, out / "reviews.jsonl")
        say(f"wrote {review_report.loaded} reviews to {out / 'reviews.jsonl'}")
        reports.append(review_report)
    return reports


def import_kaggle(dramas: Path, out: Path, actors: Path | None = None,
                  progress: Callable[[str], None] | None = None) -> list[LoadReport]:
    """The Kaggle 'Korean Drama 2015-2023' layout -> out/shows.csv (durations are in seconds)."""
    say = progress or (lambda m: None)
    cast: dict[str, list[str]] = {}
    reports = []
    if actors:
        actor_report = LoadReport(str(actors))
        for _, row in _rows(actors, actor_report):
            if row.get("role", "").startswith("Main"):
                cast.setdefault(row.get("drama_name", ""), []).append(row.get("actor_name", ""))
                actor_report.loaded += 1
        reports.append(actor_report)
    report = LoadReport(str(dramas))
    shows, seen = [], set()
    for line, row in _rows(dramas, report):
        if "kdrama_id" not in row or "drama_name" not in row:
            raise DataError(f"{dramas}:1: not a Kaggle korean_drama.csv (expected columns kdrama_id, drama_name, ...)")
        show_id = row["kdrama_id"].strip()
        if not show_id or show_id in seen:
            report.add(line, "kdrama_id missing or duplicated", strict=False)
            continue
        seen.add(show_id)
        seconds = _int(row.get("duration", ""))
        shows.append({
            "show_id": show_id, "title": row["drama_name"], "year": row.get("year", ""),
            "episodes": row.get("tot_eps", ""), "episode_minutes": round(seconds / 60) if seconds else "",
            "network": normalize_network(row.get("org_net", "")), "genres": [], "tags": [],
            "directors": _pylist(row.get("director", "")), "writers": _pylist(row.get("screenwriter", "")),
            "country": row.get("country", ""),
            "cast": cast.get(row["drama_name"], []), "aliases": [], "native_title": "",
            "synopsis": re.sub(r"\(Source:[^)]*\)|~~.*$", "", row.get("synopsis", "")).strip(),
            # `pop` is a popularity *rank* (1 = most popular): invert it into a score
            "popularity": round(100000 / _int(row["pop"])) if _int(row.get("pop", "")) else "",
        })
    report.loaded = write_shows(shows, out / "shows.csv")
    say(f"wrote {report.loaded} shows to {out / 'shows.csv'}")
    return [report, *reports]
