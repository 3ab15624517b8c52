"""Boolean masks over the catalog for every filter a query can carry.

Shows with an unknown runtime never pass a runtime filter; shows with an unknown year never
pass a year filter: a filter is a promise about what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .catalog import Show
from .tropes import normalize_tag

__all__ = ["Filters"]


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v and v.strip()]


class Filters:
    def __init__(self, shows: Sequence[Show], show_tags: Sequence[tuple[str, ...]]):
        def column(values):
            return np.array([np.nan if v is None else float(v) for v in values])

        self.episodes = column(s.episodes for s in shows)
        self.total_minutes = column(s.total_minutes for s in shows)
        self.year = column(s.year for s in shows)
        self.network = np.array([s.network.casefold() for s in shows])
        self.genres = [frozenset(g.casefold() for g in s.genres) for s in shows]
        self.tags = [frozenset(t) for t in show_tags]

    def mask(
        self,
        max_episodes: int | None = None,
        max_minutes: int | None = None,
        min_year: int | None = None,
        max_year: int | None = None,
        network: str | Sequence[str] | None = None,
        genres: Sequence[str] | str = (),
        tags: Sequence[str] | str = (),
        exclude_tags: Sequence[str] | str = (),
    ) -> np.ndarray:
        """True for every show that passes all the given filters (None / empty = no filter)."""
        mask = np.ones(len(self.episodes), dtype=bool)
        with np.errstate(invalid="ignore"):  # NaN compares False: unknowns are filtered out
            if max_episodes is not None:
                mask &= self.episodes <= max_episodes
            if max_minutes is not None:
                mask &= self.total_minutes <= max_minutes
            if min_year is not None:
                mask &= self.year >= min_year
            if max_year is not None:
                mask &= self.year <= max_year
        networks = {n.casefold() for n in _as_list(network)}
        if networks:
            mask &= np.isin(self.network, list(networks))
        wanted_genres = {g.casefold() for g in _as_list(genres)}
        if wanted_genres:
            mask &= np.array([wanted_genres <= g for g in self.genres])
        wanted_tags = {normalize_tag(t) for t in _as_list(tags)}
        if wanted_tags:
            mask &= np.array([wanted_tags <= t for t in self.tags])
        unwanted = {normalize_tag(t) for t in _as_list(exclude_tags)}
        if unwanted:
            mask &= np.array([not (unwanted & t) for t in self.tags])
        return mask
