"""Title normalization, resolution and search over a list of shows.

Resolution order: id, exact title, a normalized name (title, alias, Hangul title, with spacing and
hyphens ignored), the name before a subtitle ("Goblin" for "Goblin: The Lonely and Great God"), a
franchise name ("Soundtrack" for "Soundtrack #1" and "#2"), then a close fuzzy match (rapidfuzz).
When a name fits several shows equally, the earliest of one franchise wins (a fan starts at
Season 1), else the most popular; the others come back as ``alternatives``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from .catalog import Show
from .errors import InvalidQueryError, UnknownShowError

__all__ = ["Catalog", "Resolution", "franchise_key", "normalize_title"]

_SEASON = re.compile(
    r"(?:\bseason\s*\d+|\bpart\s*\d+|\bpart\s+(?:one|two|three)|\bchapter\s*\d+|\b\d+(?:st|nd|rd|th)? season|\b(?:ii|iii|iv)\b|\s\d{1,2})$"
)
# a typed name this close (rapidfuzz ratio, 0-100) to a catalog name means that show: "Sountrack 1"
FUZZY_CUTOFF = 86
FUZZY_TIES = 5  # at most this many equally close names are weighed by _choose
SEARCH_CUTOFF = 70  # rapidfuzz WRatio: a search result a fan would recognise as what they typed
SUGGEST_CUTOFF = 50  # looser: "did you mean" after a miss, never a silent answer


def normalize_title(title: str) -> str:
    """'Soundtrack #1' -> 'soundtrack 1'; case, accents, punctuation and spacing are ignored."""
    text = unicodedata.normalize("NFKC", title).casefold().replace("&", " and ")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"\bno\.\s*(\d)", r"\1", text)
    text = re.sub(r"[^\w]+", " ", text, flags=re.UNICODE)
    return " ".join(text.split())


def _compact(key: str) -> str:
    # "Bong-soon", "Bong Soon" and "Bongsoon" are one name
    return key.replace(" ", "")


def franchise_key(title: str) -> str:
    """The title with any trailing season/part number removed: 'Soundtrack #2' -> 'soundtrack'."""
    # "Kingdom: Ashin of the North" belongs with "Kingdom"
    key = normalize_title(title.split(":")[0]) or normalize_title(title)
    previous = None
    while previous != key:
        previous = key
        key = _SEASON.sub("", key).strip()
    return key or normalize_title(title)


@dataclass(frozen=True)
class Resolution:
    """The show a name was taken to mean, how it matched, and the other shows it could mean."""

    show: Show
    how: str  # "id", "title", "name", "subtitle", "franchise" or "fuzzy"
    alternatives: tuple[Show, ...] = field(default=())

    @property
    def show_id(self) -> str:
        return self.show.show_id

    @property
    def title(self) -> str:
        return self.show.title

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)

    def note(self) -> str:
        """'taking Soundtrack #1 (2022); also: Soundtrack #2 (2023)', or '' when unambiguous."""
        if not self.alternatives:
            return ""
        others = ", ".join(f"{s.title} ({s.year})" if s.year else s.title for s in self.alternatives)
        return f"taking {self.show.title} ({self.show.year}); also: {others}"


class Catalog:
    """Shows by id, and resolution of free-form titles onto them."""

    def __init__(self, shows: Sequence[Show]):
        self.shows = list(shows)
        self.by_id = {s.show_id: s for s in self.shows}
        self._position = {s.show_id: i for i, s in enumerate(self.shows)}
        self._names: dict[str, list[str]] = {}  # normalized name -> show ids, in catalog order
        self._compact: dict[str, list[str]] = {}
        self._short: dict[str, list[str]] = {}  # the part before a subtitle -> show ids
        self._franchise: dict[str, list[str]] = {}
        for show in self.shows:
            for name in (show.title, *show.aliases, show.native_title):
                key = normalize_title(name) if name else ""
                if not key:
                    continue
                _add(self._names, key, show.show_id)
                _add(self._compact, _compact(key), show.show_id)
                if ":" in name:
                    short = normalize_title(name.split(":")[0])
                    if len(short) >= 4:
                        _add(self._short, short, show.show_id)
            _add(self._franchise, franchise_key(show.title), show.show_id)
        self._keys = list(self._names)

    def __len__(self) -> int:
        return len(self.shows)

    def position(self, show_id: str) -> int:
        """The show's row in catalog order."""
        return self._position[show_id]

    def names(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """Every normalized name (titles, aliases, Hangul titles) and the ids of the shows it names."""
        for key, ids in self._names.items():
            yield key, tuple(ids)

    # ---- resolution -----------------------------------------------------------------------------
    def resolve(self, query: str, fuzzy: bool = True, field: str = "title") -> Resolution:
        """The show a user means; raises UnknownShowError with suggestions."""
        return self.resolve_all([query], fuzzy, field)[0]

    def resolve_all(self, queries: Sequence[str], fuzzy: bool = True, field: str = "title") -> list[Resolution]:
        """``resolve`` for several names: the first one that names no show raises, as ``resolve`` would.

        The names no exact rule finds are fuzzy-matched in one batch (rapidfuzz ``cdist`` scores
        many queries against the catalog's names about five times faster than one ``extract`` per
        name): twenty misspelled seeds cost about what four did.
        """
        found = [self._resolve_exactly(query, field) for query in queries]
        misses = [k for k, hit in enumerate(found) if hit is None]
        keys = [normalize_title(queries[k]) for k in misses]
        if fuzzy and any(keys):
            scores = process.cdist(keys, self._keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, dtype=np.float64)
            for k, key, row in zip(misses, keys, scores, strict=True):
                if key:
                    found[k] = self._fuzzy_pick(row)
        for query, hit in zip(queries, found, strict=True):
            if hit is None:
                query = (query or "").strip()
                raise UnknownShowError(query, len(self.shows), self.suggest(query), field=field)
        return found

    def _resolve_exactly(self, query: str, field: str) -> Resolution | None:
        """Every rule but fuzzy matching: id, name, subtitle, franchise (None when none applies)."""
        query = (query or "").strip()
        if not query:
            raise InvalidQueryError(field, "the show name is empty: give a title, an alias, a Hangul title or a show id")
        if query in self.by_id:
            return Resolution(self.by_id[query], "id")
        key = normalize_title(query)
        found = self.exact(query)
        if found:
            chosen = self._choose(found, "name")
            return Resolution(chosen.show, "title", chosen.alternatives) if chosen.show.title == query else chosen
        if key in self._short:
            return self._choose(self._short[key], "subtitle")
        if key in self._franchise and len(self._franchise[key]) > 1:
            return self._choose(self._franchise[key], "franchise")
        return None

    def _fuzzy_pick(self, scores: np.ndarray) -> Resolution | None:
        """The best-scoring names of one query's row (ties: the first five in catalog-name order)."""
        top = float(scores.max()) if len(scores) else 0.0
        if top < FUZZY_CUTOFF:
            return None
        names = [self._keys[j] for j in np.flatnonzero(scores == top)[:FUZZY_TIES]]
        ids = [i for name in names for i in self._names[name]]
        return self._choose(list(dict.fromkeys(ids)), "fuzzy")

    def exact(self, query: str) -> list[str]:
        """Ids of the shows whose id, title, alias or Hangul title is ``query`` (spacing, case and hyphens ignored)."""
        if query in self.by_id:
            return [query]
        key = normalize_title(query or "")
        if not key:
            return []
        return list(self._names.get(key) or self._compact.get(_compact(key)) or ())

    def review_target(self, show_id: str = "", title: str = "") -> Show:
        """The show a review names, exactly (a review must never land on a look-alike title).

        Used by every review path: files (``load_reviews``), ``kdrama ingest`` and ``POST /reviews``.
        """
        show_id, title = (show_id or "").strip(), (title or "").strip()
        if show_id:
            show = self.by_id.get(show_id)
            if show is None:
                raise UnknownShowError(show_id, len(self.shows), self.suggest(show_id), field="show_id")
            if title and show_id not in self.exact(title):
                raise InvalidQueryError("title", f"show_id {show_id!r} is {show.title!r}, but title {title!r} names "
                                                 "another show: give one, or two that agree", fields=("show_id", "title"))
            return show
        if not title:
            raise InvalidQueryError("show_id", "give the show as 'show_id' or 'title'")
        ids = self.exact(title)
        if not ids:
            raise UnknownShowError(title, len(self.shows), self.suggest(title), field="title")
        return self._choose(ids, "name").show

    def _choose(self, ids: list[str], how: str) -> Resolution:
        shows = [self.by_id[i] for i in ids]
        if len(shows) == 1:
            return Resolution(shows[0], how)
        keys = {franchise_key(s.title) for s in shows}
        if len(keys) == 1:  # one franchise: a fan starts at the first season
            ordered = sorted(shows, key=lambda s: (s.year or 9999, self._position[s.show_id]))
        else:  # remakes and namesakes: the more popular one is the likelier meaning
            ordered = sorted(shows, key=lambda s: (-(s.popularity or 0.0), self._position[s.show_id]))
        return Resolution(ordered[0], how, tuple(ordered[1:]))

    # ---- search ---------------------------------------------------------------------------------
    def suggest(self, query: str, n: int = 5) -> list[str]:
        """Titles closest to ``query``, best first (looser than search: only ever offered, never taken)."""
        return [s.title for s in self.search(query, limit=n, cutoff=SUGGEST_CUTOFF)]

    def search(self, query: str, limit: int = 10, offset: int = 0, cutoff: float = SEARCH_CUTOFF) -> list[Show]:
        """Shows whose names contain or resemble ``query``, best first (prefix, substring, fuzzy)."""
        key = normalize_title(query or "")
        if not key:
            ranked = sorted(self.shows, key=lambda s: (-(s.popularity or 0.0), s.title))
            return ranked[offset: offset + limit]
        scores: dict[str, float] = {}
        for name, ids in self._names.items():
            if name == key:
                score = 3.0
            elif name.startswith(key):
                score = 2.0 + len(key) / len(name)
            elif key in name:
                score = 1.5 + len(key) / len(name)
            else:
                continue
            for show_id in ids:
                scores[show_id] = max(scores.get(show_id, 0.0), score)
        if len(scores) < offset + limit:
            # WRatio scores a typed fragment against long titles fairly ("nine tailed" vs "tale of the nine tailed")
            for name, score, _ in process.extract(key, self._keys, scorer=fuzz.WRatio, score_cutoff=cutoff,
                                                  limit=offset + limit):
                if len(name) * 2 < len(key):
                    continue  # WRatio scores a short name inside a long query generously ("grid" for "soundtruck zero")
                for show_id in self._names[name]:
                    scores.setdefault(show_id, score / 100)
        ranked = sorted(scores, key=lambda i: (-scores[i], -(self.by_id[i].popularity or 0.0), self.by_id[i].title))
        return [self.by_id[i] for i in ranked[offset: offset + limit]]


def _add(index: dict[str, list[str]], key: str, show_id: str) -> None:
    ids = index.setdefault(key, [])
    if show_id not in ids:
        ids.append(show_id)
