"""The query: what a caller asks the engine, validated once, with the same rules for every caller.

The CLI, the HTTP routes and Python code all build a ``Query``; its checks (ranges, lengths,
contradictions) raise ``InvalidQueryError`` naming the field, so `kdrama similar --mmr 2`, a
``POST /recommend`` with ``"mmr": 2`` and ``Query(mmr=2)`` say the same thing. Checks that need the
catalog (an unknown tag, network or genre) are the engine's (``Recommender.recommend``).

The weekend length is a query-time setting (``weekend_minutes``): the service passes its own, the
CLI passes ``$KDRAMA_WEEKEND_MINUTES`` or the default below.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from .catalog import split_list
from .errors import InvalidQueryError

__all__ = ["LIMITS", "WEEKEND_MINUTES", "Query", "weekend_minutes"]

WEEKEND_MINUTES = 720  # two days of six hours: the one place this number lives


def weekend_minutes() -> int:
    """$KDRAMA_WEEKEND_MINUTES when set (the service's setting of the same name), else 720."""
    value = os.environ.get("KDRAMA_WEEKEND_MINUTES", "")
    return int(value) if value.strip().isdigit() and int(value) > 0 else WEEKEND_MINUTES


@dataclass(frozen=True)
class Limits:
    """Bounds on a query. Lists are bounded so that no request costs much more than a normal one."""

    max_k: int = 1000
    max_offset: int = 100_000
    max_likes: int = 20      # fuzzy title matching runs only for these: a person types a few seeds
    max_unlikes: int = 50
    max_exclude: int = 1000  # exact matches only (ids, titles, normalized titles): cheap lookups
    max_filter_values: int = 50
    max_text: int = 2000
    max_title: int = 300


LIMITS = Limits()

_LISTS = ("like", "unlike", "exclude", "networks", "genres", "exclude_genres", "tags", "exclude_tags", "countries")
_SPLIT = ("networks", "genres", "exclude_genres", "tags", "exclude_tags", "countries")  # titles may hold commas: never split those


@dataclass(frozen=True)
class Query:
    """Seeds, steering, wishes in words, filters, paging and ranking options."""

    like: tuple[str, ...] = ()
    unlike: tuple[str, ...] = ()
    text: str = ""
    exclude: tuple[str, ...] = ()
    k: int = 10
    offset: int = 0
    max_episodes: int | None = None
    min_episodes: int | None = None
    max_minutes: int | None = None
    weekend: bool = False
    weekend_minutes: int = WEEKEND_MINUTES
    min_year: int | None = None
    max_year: int | None = None
    networks: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    exclude_genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    exclude_tags: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    mmr: float | None = None
    include_franchise: bool = True

    def __post_init__(self) -> None:
        for name in _LISTS:
            value = getattr(self, name)
            parts = split_list(value, sep=",") if name in _SPLIT else _titles(value, name)
            object.__setattr__(self, name, parts)
        object.__setattr__(self, "text", (self.text or "").strip())
        self._validate()

    @classmethod
    def build(cls, **options: Any) -> Query:
        """A query from keyword options; ``network=`` is accepted for ``networks=`` (and ``country=``)."""
        if "network" in options:
            options["networks"] = options.pop("network") or ()
        if "country" in options:
            options["countries"] = options.pop("country") or ()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(options) - known)
        if unknown:
            raise InvalidQueryError(unknown[0], f"unknown query option {unknown[0]!r}; known: {', '.join(sorted(known))}")
        return cls(**{k: v for k, v in options.items() if v is not None or k in ("mmr",)})

    def with_(self, **changes: Any) -> Query:
        return replace(self, **changes)

    @property
    def runtime_limit(self) -> int | None:
        """The total-runtime cap: the weekend, ``max_minutes``, or the tighter of the two."""
        limits = [m for m in (self.weekend_minutes if self.weekend else None, self.max_minutes) if m is not None]
        return min(limits) if limits else None

    @property
    def filters_in_use(self) -> list[str]:
        """The filters this query sets, as ``name=value`` (the CLI flag and the HTTP parameter alike)."""
        names = [f"{name}={getattr(self, name)}" for name in ("max_episodes", "min_episodes", "max_minutes", "min_year", "max_year")
                 if getattr(self, name) is not None]
        if self.weekend:
            names.append(f"weekend (<= {self.weekend_minutes} min)")
        for name, label in (("networks", "network"), ("genres", "genre"), ("exclude_genres", "exclude_genre"), ("tags", "tag"),
                            ("exclude_tags", "exclude_tag"), ("countries", "country")):
            names += [f"{label}={v}" for v in getattr(self, name)]
        return names

    # ---- validation ---------------------------------------------------------------------------
    def _validate(self) -> None:
        limits = LIMITS
        _whole(self.k, "k", 1, limits.max_k)
        _whole(self.offset, "offset", 0, limits.max_offset)
        for name in ("max_episodes", "min_episodes", "max_minutes"):
            if getattr(self, name) is not None:
                _whole(getattr(self, name), name, 1, 10_000_000)
        for name in ("min_year", "max_year"):
            if getattr(self, name) is not None:
                _whole(getattr(self, name), name, 1900, 2100)
        _whole(self.weekend_minutes, "weekend_minutes", 1, 100_000)
        if self.min_year is not None and self.max_year is not None and self.min_year > self.max_year:
            raise InvalidQueryError("min_year", f"min_year {self.min_year} is after max_year {self.max_year}: nothing can pass both",
                                    fields=("min_year", "max_year"))
        if self.min_episodes is not None and self.max_episodes is not None and self.min_episodes > self.max_episodes:
            raise InvalidQueryError("min_episodes", f"min_episodes {self.min_episodes} is more than max_episodes {self.max_episodes}",
                                    fields=("min_episodes", "max_episodes"))
        if self.mmr is not None:
            if isinstance(self.mmr, bool) or not isinstance(self.mmr, int | float) or not 0 < self.mmr <= 1:
                raise InvalidQueryError("mmr", f"mmr must be a number in (0, 1] (1 = pure relevance), got {self.mmr!r}")
        for wanted, unwanted, what in (("tags", "exclude_tags", "tag"), ("genres", "exclude_genres", "genre")):
            both = sorted({t.casefold() for t in getattr(self, wanted)} & {t.casefold() for t in getattr(self, unwanted)})
            if both:
                raise InvalidQueryError(wanted, f"{what} {both[0]!r} is both required ({wanted}) and excluded ({unwanted})",
                                        fields=(wanted, unwanted))
        for name, most in (("like", limits.max_likes), ("unlike", limits.max_unlikes), ("exclude", limits.max_exclude)):
            values = getattr(self, name)
            if len(values) > most:
                raise InvalidQueryError(name, f"{name} takes at most {most} shows, got {len(values)}")
            for value in values:
                if len(value) > limits.max_title:
                    raise InvalidQueryError(name, f"a show name in {name} is {len(value)} characters; at most {limits.max_title}")
        for name in _SPLIT:
            if len(getattr(self, name)) > limits.max_filter_values:
                raise InvalidQueryError(name, f"{name} takes at most {limits.max_filter_values} values")
        if len(self.text) > limits.max_text:
            raise InvalidQueryError("text", f"text is {len(self.text)} characters; at most {limits.max_text}")
        if not self.like and not self.text:
            raise InvalidQueryError("like", "give at least one show you like, or a text describing what you want")


def _titles(value: str | Iterable[str] | None, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    out = []
    for item in value:
        if not isinstance(item, str):
            raise InvalidQueryError(name, f"a show in {name} must be a title or an id (a string), got {item!r}")
        if not item.strip():
            raise InvalidQueryError(name, f"a show name in {name} is empty: give a title, an alias or an id")
        out.append(item.strip())
    return tuple(out)


def _whole(value: Any, name: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidQueryError(name, f"{name} must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise InvalidQueryError(name, f"{name} must be between {low} and {high}, got {value}")
