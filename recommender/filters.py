"""Boolean masks over the catalog for every filter a query can carry, and checks of their values.

Shows with an unknown runtime never pass a runtime filter; shows with an unknown year never
pass a year filter: a filter is a promise about what comes back. A filter value the catalog has
never heard of (``--tag frends-to-lovers``, ``--network Netflx``) is an error with suggestions,
not a silent empty list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from .catalog import Show
from .errors import InvalidQueryError
from .query import Query
from .tropes import normalize_tag, trope_slugs

__all__ = ["Filters"]

SUGGEST_CUTOFF = 60  # rapidfuzz WRatio: close enough to offer as "did you mean"


def _word_pattern(value: str) -> re.Pattern[str]:
    # "tvN" matches a show aired on "TVING tvN", not one on "tvN Story"'s neighbours by accident
    return re.compile(r"(?:^|\s)" + re.escape(value.casefold()) + r"(?:\s|$)")


class Filters:
    def __init__(self, shows: Sequence[Show], show_tags: Sequence[tuple[str, ...]]):
        def column(values):
            return np.array([np.nan if v is None else float(v) for v in values])

        self.episodes = column(s.episodes for s in shows)
        self.total_minutes = column(s.total_minutes for s in shows)
        self.year = column(s.year for s in shows)
        # networks as codes into the few distinct names: a network filter is a regex per name, not per show
        names, self.network_codes = np.unique([s.network.casefold() for s in shows], return_inverse=True)
        self.network_names = list(names)
        self.country = np.array([s.country.casefold() for s in shows])
        self.genres = [frozenset(g.casefold() for g in s.genres) for s in shows]
        self.tags = [frozenset(t) for t in show_tags]
        self.known_networks = sorted({s.network for s in shows if s.network})
        self.known_genres = sorted({g for s in shows for g in s.genres})
        self.known_tags = sorted(set().union(*self.tags) | trope_slugs()) if self.tags else sorted(trope_slugs())
        self._known_tags = set(self.known_tags)
        self._known_genres = {g.casefold() for g in self.known_genres}
        self.known_countries = sorted({s.country for s in shows if s.country})
        self._masks: dict[tuple[str, str], np.ndarray] = {}  # (kind, value) -> mask, filled on first use

    def _member_mask(self, kind: str, value: str) -> np.ndarray:
        key = (kind, value)
        if key not in self._masks:
            sets = self.genres if kind == "genre" else self.tags
            self._masks[key] = np.array([value in members for members in sets], dtype=bool)
        return self._masks[key]

    def _network_mask(self, networks: Sequence[str]) -> np.ndarray:
        patterns = [_word_pattern(n) for n in networks]
        hits = np.array([any(p.search(name) for p in patterns) for name in self.network_names], dtype=bool)
        return hits[self.network_codes]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_masks"] = {}  # a cache: never saved
        return state

    # ---- values ---------------------------------------------------------------------------------
    def check(self, query: Query) -> None:
        """Raise InvalidQueryError (naming the field, with suggestions) for a value no show could match."""
        for value in query.networks:
            if not any(_word_pattern(value).search(n) for n in self.network_names if n):
                self._unknown("network", value, self.known_networks)
        for name in ("genres", "exclude_genres"):
            for value in getattr(query, name):
                if value.casefold() not in self._known_genres:
                    self._unknown(name, value, self.known_genres)
        for name in ("tags", "exclude_tags"):
            for value in getattr(query, name):
                if normalize_tag(value) not in self._known_tags:
                    self._unknown(name, value, self.known_tags)
        if query.countries and not self.known_countries:
            raise InvalidQueryError("country", "this catalog records no country for its shows, so it cannot filter by one")
        countries = {c.casefold() for c in self.known_countries}
        for value in query.countries:
            if value.casefold() not in countries:
                self._unknown("country", value, self.known_countries)

    @staticmethod
    def _unknown(field: str, value: str, known: list[str]) -> None:
        close = [name for name, _, _ in process.extract(value, known, scorer=fuzz.WRatio, score_cutoff=SUGGEST_CUTOFF, limit=3)]
        raise InvalidQueryError(field, f"{field}: {value!r} matches no show in this catalog", suggestions=close)

    # ---- masks ----------------------------------------------------------------------------------
    def mask(self, query: Query) -> np.ndarray:
        """True for every show that passes all of the query's filters."""
        mask = np.ones(len(self.episodes), dtype=bool)
        for _, passing in self._each(query):
            mask &= passing
        return mask

    def each(self, query: Query) -> Iterator[tuple[str, bool]]:
        """(filter, whether any show passes it alone), for the filters the query sets."""
        for name, passing in self._each(query):
            yield name, bool(passing.any())

    def _each(self, query: Query) -> Iterator[tuple[str, np.ndarray]]:
        with np.errstate(invalid="ignore"):  # NaN compares False: unknowns are filtered out
            if query.max_episodes is not None:
                yield f"max_episodes={query.max_episodes}", self.episodes <= query.max_episodes
            if query.min_episodes is not None:
                yield f"min_episodes={query.min_episodes}", self.episodes >= query.min_episodes
            if query.weekend:
                yield f"weekend (<= {query.weekend_minutes} min)", self.total_minutes <= query.weekend_minutes
            if query.max_minutes is not None:
                yield f"max_minutes={query.max_minutes}", self.total_minutes <= query.max_minutes
            if query.min_year is not None:
                yield f"min_year={query.min_year}", self.year >= query.min_year
            if query.max_year is not None:
                yield f"max_year={query.max_year}", self.year <= query.max_year
        if query.networks:
            yield f"network={'/'.join(query.networks)}", self._network_mask(query.networks)
        for genre in query.genres:
            yield f"genre={genre}", self._member_mask("genre", genre.casefold())
        for tag in query.tags:
            yield f"tag={tag}", self._member_mask("tag", normalize_tag(tag))
        if query.exclude_genres:
            unwanted = np.zeros(len(self.episodes), dtype=bool)
            for genre in query.exclude_genres:
                unwanted |= self._member_mask("genre", genre.casefold())
            yield f"exclude_genre={'/'.join(query.exclude_genres)}", ~unwanted
        if query.exclude_tags:
            unwanted = np.zeros(len(self.episodes), dtype=bool)
            for tag in query.exclude_tags:
                unwanted |= self._member_mask("tag", normalize_tag(tag))
            yield f"exclude_tag={'/'.join(query.exclude_tags)}", ~unwanted
        if query.countries:
            wanted = {c.casefold() for c in query.countries}
            yield f"country={'/'.join(query.countries)}", np.isin(self.country, list(wanted))
