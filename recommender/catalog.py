"""Show and Review records, and loading + validation of the shows and reviews files.

Bad rows never stop a load: each is reported as a ``Problem`` (file, line, reason) and skipped,
so everything good still loads. ``strict=True`` turns the first bad row into a ``DataError``.
A missing or empty file is always a ``DataError``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .bounds import MAX_FILE_BYTES, check_file_size, check_review_text
from .errors import DataError
from .tropes import normalize_tag

__all__ = [
    "LoadReport",
    "Problem",
    "Review",
    "Show",
    "load_reviews",
    "load_shows",
    "read_rows",
    "normalize_network",
    "person_key",
    "split_list",
]

SHOW_COLUMNS = (
    "show_id", "title", "year", "episodes", "episode_minutes", "network", "genres", "tags",
    "cast", "aliases", "native_title", "synopsis", "popularity", "directors", "writers", "country",
)
PEOPLE_COLUMNS = ("cast", "directors", "writers")
MAX_NAME = 80
REVIEW_COLUMNS = ("review_id", "show_id", "title", "text", "author", "date", "rating", "source")
MAX_FIELD = 5_000_000  # a review may be long; a whole file in one field is not


@dataclass(frozen=True)
class Show:
    show_id: str
    title: str
    year: int | None = None
    episodes: int | None = None
    episode_minutes: int | None = None
    network: str = ""
    genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    native_title: str = ""
    synopsis: str = ""
    popularity: float | None = None
    directors: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    country: str = ""

    @property
    def total_minutes(self) -> int | None:
        if self.episodes is None or self.episode_minutes is None:
            return None
        return self.episodes * self.episode_minutes

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["total_minutes"] = self.total_minutes
        for key in ("genres", "tags", "cast", "aliases", "directors", "writers"):
            data[key] = list(data[key])
        return data

    @property
    def crew(self) -> tuple[str, ...]:
        return self.directors + self.writers

    @property
    def summary(self) -> str:
        """The synopsis' first sentence: enough to judge a show at a glance."""
        match = re.match(r"(.+?[.!?])(?:\s|$)", self.synopsis)
        return (match.group(1) if match else self.synopsis).strip()


@dataclass(frozen=True)
class Review:
    show_id: str
    text: str
    review_id: str = ""
    author: str = ""
    date: str = ""
    rating: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class LoadReport:
    """What a load kept and what it skipped, with why."""

    path: str
    loaded: int = 0
    problems: list[Problem] = field(default_factory=list)

    def add(self, line: int, reason: str, strict: bool) -> None:
        problem = Problem(self.path, line, reason)
        if strict:
            raise DataError(f"{problem} (--strict: fix the row, or drop --strict to skip bad rows)")
        self.problems.append(problem)

    def summary(self) -> str:
        skipped = f", skipped {len(self.problems)} bad row(s)" if self.problems else ""
        return f"{self.path}: loaded {self.loaded}{skipped}"


# the usual spelling of networks whose case varies between sources ("jTBC", "Tvn", "NETFLIX")
_NETWORK_SPELLING = {n.casefold(): n for n in (
    "JTBC", "tvN", "KBS1", "KBS2", "KBS", "MBC", "SBS", "OCN", "ENA", "MBN", "Mnet", "TVING", "Wavve", "Watcha",
    "Netflix", "Disney+", "Viki", "iQiyi", "Channel A", "TV Chosun", "Genie TV", "Naver TV Cast", "Kakao TV",
    "Coupang Play", "Apple TV+", "Amazon Prime", "vLive", "MBC every1", "SBS Plus", "KBS Joy", "Daum Kakao TV",
)}


def normalize_network(name: str) -> str:
    """'jTBC' -> 'JTBC', 'tvn' -> 'tvN'; names it does not know are kept as written."""
    name = " ".join((name or "").split())
    if name.casefold() in _NETWORK_SPELLING:
        return _NETWORK_SPELLING[name.casefold()]
    return " ".join(_NETWORK_SPELLING.get(part.casefold(), part) for part in name.split(" "))


def person_key(name: str) -> str:
    """'Han So-hee', 'Han So Hee' and 'han sohee' are one person: case, spaces and hyphens ignored."""
    return re.sub(r"[\s\-‐‑.'’]+", "", name).casefold()


def _people(value: Any, name: str) -> tuple[str, ...]:
    people = split_list(value)
    for person in people:
        if len(person) > MAX_NAME or not re.search(r"[^\W\d_]", person):
            raise ValueError(f"{name}: {person[:40]!r} is not a name (|-separated names, each at most {MAX_NAME} characters)")
    return people


def split_list(value: str | Iterable[str] | None, sep: str = "|") -> tuple[str, ...]:
    """'a|b| c' -> ('a', 'b', 'c'); each string of a list is split too; empty parts are dropped.

    The one splitter: files use ``|``, query strings and the CLI use ``,`` (``?tags=a,b`` = ``?tags=a&tags=b``).
    """
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else [str(v) for v in value]
    return tuple(p.strip() for item in items for p in item.split(sep) if p.strip())


def read_input_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of an input file, or a one-line DataError saying why not (too big: before reading it)."""
    if not path.exists():
        raise DataError(f"{path}: file not found")
    if path.is_dir():
        raise DataError(f"{path}: is a directory, expected a file")
    try:
        check_file_size(path, limit)
    except ValueError as exc:
        raise DataError(str(exc)) from None
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None


def _read_text(path: Path) -> str:
    """The file as text; bytes that are not UTF-8 survive as surrogates so rows can be blamed."""
    raw = read_input_bytes(path)
    text = raw.decode("utf-8", errors="surrogateescape").lstrip("\ufeff")
    if not text.strip():
        raise DataError(f"{path}: file is empty, expected a header row and data")
    return text


_SURROGATE = re.compile(r"[\udc80-\udcff]")


def read_rows(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    """(line, row, error) for each record of a CSV or JSONL file.

    ``row`` is None when the record itself is broken; ``error`` then says why.
    """
    path = Path(path)
    text = _read_text(path)
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        yield from _jsonl_rows(text)
    else:
        yield from _csv_rows(path, text)


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if _SURROGATE.search(line):
            yield number, None, "undecodable bytes: the file must be UTF-8"
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"invalid JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(row, dict):
            yield number, None, f"expected a JSON object, got {type(row).__name__}"
            continue
        yield number, row, ""


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any] | None, str]]:
    csv.field_size_limit(MAX_FIELD)
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(lines[0] if lines else "", newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        raise DataError(f"{path}:1: unreadable CSV header ({exc})") from None
    if len(set(header)) != len(header):
        raise DataError(f"{path}:1: duplicate column names in header {header}")
    first = 1  # index into ``lines`` where the current reader starts
    while first < len(lines):
        reader = csv.reader(io.StringIO("".join(lines[first:]), newline=""), strict=True)
        resync = None
        while True:
            start = first + reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield start, None, f"malformed CSV ({exc}); check for an unbalanced quote"
                resync = start
                break
            spans = first + reader.line_num - start + 1
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                yield start, None, f"expected {len(header)} columns, got {len(values)}" + (
                    "; an unbalanced quote swallowed the lines after it" if spans > 1 else "")
                if spans > 1:  # start again on the line after the broken one: nothing good is lost
                    resync = start
                    break
                continue
            if any(_SURROGATE.search(v) for v in values):
                yield start, None, "undecodable bytes: the file must be UTF-8"
                continue
            yield start, dict(zip(header, values, strict=True)), ""
        first = resync  # ``resync`` is 1-based: the broken line's index + 1 is the next line


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _float(value: Any, name: str, kind: str) -> float | None:
    """None for empty; the number, or a ValueError naming the field and what was expected."""
    text = _clean(value)
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{name} must be {kind}, got {text[:40]!r}") from None


def _integer(value: Any, name: str, low: int, high: int) -> int | None:
    number = _float(value, name, "a whole number")
    if number is None:
        return None
    if not number.is_integer():
        raise ValueError(f"{name} must be a whole number, got {_clean(value)[:40]!r}")
    if not low <= number <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {int(number)}")
    return int(number)


def _number(value: Any, name: str) -> float | None:
    number = _float(value, name, "a number")
    if number is not None and (not math.isfinite(number) or number < 0):
        raise ValueError(f"{name} must be a non-negative number, got {_clean(value)[:40]!r}")
    return number


def _tags(raw: tuple[str, ...]) -> tuple[str, ...]:
    """Catalog tags as slugs, in their order (mapped onto the vocabulary where they mean a trope)."""
    return tuple(dict.fromkeys(t for t in (normalize_tag(x) for x in raw) if t))


def show_from_row(row: dict[str, Any]) -> Show:
    """Build a Show from one row; raises ValueError naming the bad field."""
    show_id = _clean(row.get("show_id"))
    title = _clean(row.get("title"))
    if not show_id:
        raise ValueError("show_id is missing")
    if not title:
        raise ValueError("title is missing")
    tags = _tags(split_list(row.get("tags")))
    return Show(
        show_id=show_id,
        title=title,
        year=_integer(row.get("year"), "year", 1900, 2100),
        episodes=_integer(row.get("episodes"), "episodes", 1, 5000),
        episode_minutes=_integer(row.get("episode_minutes"), "episode_minutes", 1, 600),
        network=_clean(row.get("network")),
        genres=split_list(row.get("genres")),
        tags=tags,
        cast=_people(row.get("cast"), "cast"),
        directors=_people(row.get("directors"), "directors"),
        writers=_people(row.get("writers"), "writers"),
        country=_clean(row.get("country")),
        aliases=split_list(row.get("aliases")),
        native_title=_clean(row.get("native_title")),
        synopsis=_clean(row.get("synopsis")),
        popularity=_number(row.get("popularity"), "popularity"),
    )


def load_shows(path: str | Path, strict: bool = False) -> tuple[list[Show], LoadReport]:
    """Shows from a CSV (or JSONL) file; bad rows are reported and skipped."""
    report = LoadReport(str(path))
    shows: dict[str, Show] = {}
    first_line: dict[str, int] = {}
    for line, row, error in read_rows(path):
        if row is None:
            report.add(line, error, strict)
            continue
        try:
            show = show_from_row(row)
        except ValueError as exc:
            report.add(line, str(exc), strict)
            continue
        if show.show_id in shows:
            report.add(line, f"duplicate show_id {show.show_id!r} (first on line {first_line[show.show_id]})", strict)
            continue
        shows[show.show_id] = show
        first_line[show.show_id] = line
    if not shows:
        raise DataError(f"{path}: no valid shows ({len(report.problems)} bad rows; first: {report.problems[0] if report.problems else 'none'})")
    report.loaded = len(shows)
    return list(shows.values()), report


def review_from_row(row: dict[str, Any], catalog) -> Review:
    """Build a Review whose show is named exactly (``Catalog.review_target``); ValueError names the problem."""
    from .errors import KdramaError

    text = _clean(row.get("text"))
    if not text:
        raise ValueError("text is missing")
    check_review_text(text)
    try:
        show_id = catalog.review_target(_clean(row.get("show_id")), _clean(row.get("title"))).show_id
    except KdramaError as exc:
        raise ValueError(str(exc)) from None
    rating = _number(row.get("rating"), "rating")
    if rating is not None and rating > 10:
        raise ValueError(f"rating must be between 0 and 10, got {rating:g}")
    return Review(
        show_id=show_id,
        text=text,
        review_id=_clean(row.get("review_id")),
        author=_clean(row.get("author")),
        date=_clean(row.get("date")),
        rating=rating,
        source=_clean(row.get("source")),
    )


def load_reviews(path: str | Path, catalog, strict: bool = False) -> tuple[list[Review], LoadReport]:
    """Reviews from CSV or JSONL, each resolved against ``catalog`` (a ``Catalog``)."""
    report = LoadReport(str(path))
    reviews: list[Review] = []
    for line, row, error in read_rows(path):
        if row is None:
            report.add(line, error, strict)
            continue
        try:
            reviews.append(review_from_row(row, catalog))
        except ValueError as exc:
            report.add(line, str(exc), strict)
    report.loaded = len(reviews)
    return reviews, report
