"""`kdrama ingest FILE...`: reviews from files into the review store.

- CSV / JSONL (``.csv``, ``.jsonl``, ``.ndjson``, ``.json``): one review per row, each naming its
  show by ``show_id`` or ``title`` (resolved against the catalog plus shows created earlier).
- Anything else is a post (plain text, Markdown, HTML): cleaned of markup and page chrome, its show
  recognised from the titles it mentions (the headline and the introduction weigh most), or
  created from what the post says when the catalog does not have it yet (cold start).

Each file gets a one-line report; a bad row or file is a one-line problem naming file and line,
and never stops the other files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .blogpost import KNOWN_NETWORKS, Post, count_mentions, read_facts, read_post, title_candidates
from .bounds import MAX_POST_BYTES, check_review_text
from .catalog import Problem, Review, Show, read_input_bytes, read_rows, review_from_row
from .errors import DataError, UnknownShowError
from .store import ReviewStore
from .titles import Catalog, normalize_title
from .tropes import slugify

__all__ = ["IngestReport", "Ingester"]

ROW_SUFFIXES = {".csv", ".jsonl", ".ndjson", ".json"}
HEADLINE_BONUS = 3  # a title in the headline says more than three mentions in the body


@dataclass
class IngestReport:
    """What one file brought in."""

    path: str
    stored: int = 0
    duplicates: int = 0
    shows_created: list[Show] = field(default_factory=list)
    show: Show | None = None  # the show a post was recognised as (or created for)
    problems: list[Problem] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems) and not (self.stored or self.duplicates)

    def summary(self) -> str:
        parts = [f"{self.stored} review{'s' * (self.stored != 1)} stored", f"{self.duplicates} duplicate{'s' * (self.duplicates != 1)}"]
        if self.problems:
            parts.append(f"{len(self.problems)} problem{'s' * (len(self.problems) != 1)}")
        for show in self.shows_created:
            runtime = f"{show.episodes or '?'} eps x {show.episode_minutes or '?'} min"
            parts.append(f"show created: {show.title!r} ({show.show_id}; {show.year or 'year ?'}, {runtime}, "
                         f"{show.network or 'network ?'})")
        if self.show is not None and not self.shows_created:
            parts.append(f"about {self.show.title!r} ({self.show.show_id})")
        return f"{self.path}: " + ", ".join(parts)


class Ingester:
    """Stores reviews from files; knows the catalog plus every show the store has created."""

    def __init__(self, store: ReviewStore, catalog_shows: Sequence[Show] = (), networks: Sequence[str] = ()):
        self.store = store
        self._catalog_shows = list(catalog_shows)
        self.networks = tuple(dict.fromkeys([*KNOWN_NETWORKS, *networks,
                                             *(s.network for s in catalog_shows if s.network)]))
        self._refresh()

    def _refresh(self) -> None:
        known = {s.show_id for s in self._catalog_shows}
        self.catalog = Catalog(self._catalog_shows + [s for s in self.store.shows() if s.show_id not in known])

    # ---- files ----------------------------------------------------------------------------------
    def ingest(self, path: str | Path, title: str | None = None) -> IngestReport:
        path = Path(path)
        report = IngestReport(str(path))
        try:
            if path.suffix.lower() in ROW_SUFFIXES:
                self._rows(path, report)
            else:
                self._post(path, report, title)
        except DataError as exc:
            report.problems.append(Problem(str(path), 0, str(exc).removeprefix(f"{path}: ")))
        return report

    def _rows(self, path: Path, report: IngestReport) -> None:
        for line, row, error in read_rows(path):
            if row is None:
                report.problems.append(Problem(str(path), line, error))
                continue
            try:
                review = review_from_row(row, self.catalog)
            except ValueError as exc:
                report.problems.append(Problem(str(path), line, str(exc)))
                continue
            self._store(review, report, source=review.source or f"file:{path.name}")

    def _post(self, path: Path, report: IngestReport, title: str | None) -> None:
        content = _read_post_file(path)
        post = read_post(content, html=path.suffix.lower() in (".html", ".htm") or None)
        if not post.text.strip():
            raise DataError(f"{path}: no text left once markup and page chrome were removed")
        try:
            check_review_text(post.text)
        except ValueError as exc:
            raise DataError(f"{path}: {exc}; split the post or shorten it") from None
        show = self.show_for(post, title, report)
        if show is None:
            raise DataError(f"{path}: cannot tell which show this post reviews (no catalog title and no 'Title (year)' "
                            f"in it); pass --title")
        report.show = show
        self._store(Review(show_id=show.show_id, text=post.text, author=post.author), report, source=f"file:{path.name}")

    def _store(self, review: Review, report: IngestReport, source: str) -> None:
        _, created = self.store.add(review, source=source)
        if created:
            report.stored += 1
        else:
            report.duplicates += 1

    # ---- which show -----------------------------------------------------------------------------
    def show_for(self, post: Post, title: str | None = None, report: IngestReport | None = None) -> Show | None:
        """The catalog show the post reviews, or a new show created from it; None if it names none."""
        if title:
            try:
                return self.catalog.review_target(title=title)
            except UnknownShowError:
                return self._cold_start(post, title, report)
        best_show, best_score = self._catalog_match(post)
        for spelling, score in title_candidates(post.text, post.headline).values():
            if score <= best_score:
                break  # candidates come best first; the catalog show wins ties
            try:
                return self.catalog.review_target(title=spelling)
            except UnknownShowError:
                return self._cold_start(post, spelling, report)
        return best_show

    def _catalog_match(self, post: Post) -> tuple[Show | None, float]:
        normalized, headline = f" {normalize_title(post.text)} ", f" {normalize_title(post.headline)} "
        best: tuple[Show | None, float] = (None, 0.0)
        for show in self.catalog.shows:
            score = 0.0
            for name in {show.title, *show.aliases}:
                key = normalize_title(name)
                if len(key) < 2:
                    continue
                mentions = count_mentions(name, post.text, normalized)
                if mentions:
                    score = max(score, mentions + (HEADLINE_BONUS if f" {key} " in headline else 0))
            if score > best[1]:
                best = (show, score)
        return best

    def _cold_start(self, post: Post, title: str, report: IngestReport | None) -> Show:
        facts = read_facts(post.text, post.headline, title=title, networks=self.networks)
        assert facts is not None  # a title was given
        base = slugify(facts.title) or "show"
        show_id = f"{base}-{facts.year}" if facts.year else base
        number = 2
        while show_id in self.catalog.by_id:
            show_id, number = f"{base}-{facts.year or 'x'}-{number}", number + 1
        show = Show(
            show_id=show_id, title=facts.title, year=facts.year, episodes=facts.episodes,
            episode_minutes=facts.episode_minutes, network=facts.network, genres=facts.genres, tags=facts.tags,
            cast=facts.cast, synopsis=facts.synopsis,
        )
        stored, created = self.store.add_show(show, source="cold start from a review")
        if created and report is not None:
            report.shows_created.append(stored)
        self._refresh()
        return stored


def _read_post_file(path: Path) -> str:
    raw = read_input_bytes(path, MAX_POST_BYTES)  # before parsing: a huge page costs minutes and a gigabyte
    if b"\x00" in raw[:4096]:
        raise DataError(f"{path}: looks binary; expected a text, HTML, CSV or JSONL file")
    try:
        text = raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: byte {exc.start} is not UTF-8; save the file as UTF-8") from None
    if not text.strip():
        raise DataError(f"{path}: file is empty")
    return text
