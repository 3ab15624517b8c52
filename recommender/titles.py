"""Title normalization, resolution and search over a list of shows.

Resolution order: id, exact title, normalized title, alias, native (Hangul) title, then fuzzy.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator, Sequence

from .catalog import Show
from .errors import UnknownShowError

__all__ = ["Catalog", "normalize_title", "franchise_key"]

_SEASON = re.compile(
    r"(?:\bseason\s*\d+|\bpart\s*\d+|\bpart\s+(?:one|two|three)|\bchapter\s*\d+|\b\d+(?:st|nd|rd|th)? season|\b(?:ii|iii|iv)\b|\s\d{1,2})$"
)


def normalize_title(title: str) -> str:
    """'Soundtrack #1' -> 'soundtrack 1'; case, accents, punctuation and spacing are ignored."""
    text = unicodedata.normalize("NFKC", title).casefold().replace("&", " and ")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"\bno\.\s*(\d)", r"\1", text)
    text = re.sub(r"[^\w]+", " ", text, flags=re.UNICODE)
    return " ".join(text.split())


def franchise_key(title: str) -> str:
    """The title with any trailing season/part number removed: 'Soundtrack #2' -> 'soundtrack'."""
    # "Kingdom: Ashin of the North" belongs with "Kingdom"
    key = normalize_title(title.split(":")[0]) or normalize_title(title)
    previous = None
    while previous != key:
        previous = key
        key = _SEASON.sub("", key).strip()
    return key or normalize_title(title)


class Catalog:
    """Shows by id, and resolution of free-form titles onto them."""

    def __init__(self, shows: Sequence[Show]):
        self.shows = list(shows)
        self.by_id = {s.show_id: s for s in self.shows}
        self._names: dict[str, list[str]] = {}  # normalized name -> show ids, in catalog order
        for show in self.shows:
            for name in (show.title, *show.aliases, show.native_title):
                key = normalize_title(name) if name else ""
                if key:
                    ids = self._names.setdefault(key, [])
                    if show.show_id not in ids:
                        ids.append(show.show_id)
        self._keys = list(self._names)

    def __len__(self) -> int:
        return len(self.shows)

    def names(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """Every normalized name (title, alias, Hangul title) with the ids of the shows it names."""
        for name, ids in self._names.items():
            yield name, tuple(ids)

    def resolve(self, query: str, fuzzy: bool = True) -> Show:
        """The show a user means; raises UnknownShowError with suggestions."""
        query = (query or "").strip()
        if query in self.by_id:
            return self.by_id[query]
        for show in self.shows:
            if show.title == query:
                return show
        key = normalize_title(query)
        if key in self._names:
            return self._best(self._names[key])
        if fuzzy and key:
            close = difflib.get_close_matches(key, self._keys, n=1, cutoff=0.88)
            if close:
                return self._best(self._names[close[0]])
        raise UnknownShowError(query, len(self.shows), self.suggest(query))

    def _best(self, ids: list[str]) -> Show:
        # two shows can share a name (remakes): the more popular one is the likelier meaning
        return max((self.by_id[i] for i in ids), key=lambda s: s.popularity or 0.0)

    def suggest(self, query: str, n: int = 5) -> list[str]:
        """Titles closest to ``query``, best first."""
        return [s.title for s in self.search(query, limit=n)]

    def search(self, query: str, limit: int = 10, offset: int = 0) -> list[Show]:
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
            for name in difflib.get_close_matches(key, self._keys, n=offset + limit, cutoff=0.6):
                ratio = difflib.SequenceMatcher(None, key, name).ratio()
                for show_id in self._names[name]:
                    scores.setdefault(show_id, ratio)
        ranked = sorted(scores, key=lambda i: (-scores[i], -(self.by_id[i].popularity or 0.0), self.by_id[i].title))
        return [self.by_id[i] for i in ranked[offset: offset + limit]]
