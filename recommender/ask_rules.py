"""The constraint rules of `kdrama ask`: time, episodes and era, as (pattern, pieces) pairs.

Each rule is a regex over the lower-case request and a function from its match to the pieces it
means, each piece a (kind, value) pair. Rules are tried in order and never overlap: the more
specific ("not too long", "under 10 episodes") come before the general ("long", "10 episodes").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .ask_words import NUM, number

__all__ = ["Context", "RULES"]

EPISODES = r"\s*(?:episodes?|eps?)\b"
HOURS = r"\s*(?:hours?|hrs?|h)\b"
MINUTES = r"\s*(?:minutes?|mins?)\b"
YEAR = r"((?:19|20)\d\d)"
SHORT_EPISODES = 12  # "short" and "mini-series"
LONG_EPISODES = 16  # "long" is more than this
EVENING_MINUTES = 180
DAY_MINUTES = 480
OLD_SCHOOL_YEARS = 10  # "old-school": at least this many years before the catalog's newest show
RECENT_YEARS = 3  # "recent": the catalog's last three years


@dataclass(frozen=True)
class Context:
    latest_year: int | None


Pieces = list[tuple[str, object]]


def _decade(m: re.Match, ctx: Context) -> Pieces:
    part, digits = m.group(1), m.group(2)
    base = int(digits) if len(digits) == 4 else (2000 + int(digits) if int(digits) < 50 else 1900 + int(digits))
    lo, hi = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}.get(part or "", (0, 9))
    return [("min_year", base + lo), ("max_year", base + hi)]


def _recent(m: re.Match, ctx: Context) -> Pieces:
    return [("min_year", ctx.latest_year - RECENT_YEARS + 1)] if ctx.latest_year else []


def _old(m: re.Match, ctx: Context) -> Pieces:
    return [("max_year", ctx.latest_year - OLD_SCHOOL_YEARS)] if ctx.latest_year else []


def _n(m: re.Match, group: int = 1) -> float:
    return number(m.group(group))


def _rule(pattern: str, make: Callable[[re.Match, Context], Pieces]) -> tuple[re.Pattern, Callable]:
    return re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w+-])"), make


_UNDER = r"(?:under|less than|fewer than|below|shorter than)\s*"
_AT_MOST = r"(?:at most|max(?:imum)?|no more than|not more than|up to|within|<=?|in)\s*"
_AT_LEAST = r"(?:at least|min(?:imum)?|no less than|no fewer than|>=)\s*"
_OVER = r"(?:more than|over|above|longer than)\s*"
_OR_LESS = r"\s*(?:or (?:less|fewer|under|shorter)|max|tops|at most)"

RULES: tuple[tuple[re.Pattern, Callable[[re.Match, Context], Pieces]], ...] = (
    # ---- time -----------------------------------------------------------------------------------
    _rule(r"(?:(?:over|in|for|during|on|by) )?(?:(?:this|a|the|one|1|next) )?weekends?(?:[- ]long)?",
          lambda m, c: [("weekend", True)]),
    _rule(r"tonight|(?:(?:in|for|over|during) )?(?:this|one|an|a|1|single) (?:evening|night|sitting)",
          lambda m, c: [("max_minutes", EVENING_MINUTES)]),
    _rule(r"(?:in|within|over|for) (?:one|a|1|single) day", lambda m, c: [("max_minutes", DAY_MINUTES)]),
    _rule(r"(?:" + _UNDER + "|" + _AT_MOST + ")" + NUM + HOURS, lambda m, c: [("max_minutes", round(_n(m) * 60))]),
    _rule(NUM + HOURS + _OR_LESS, lambda m, c: [("max_minutes", round(_n(m) * 60))]),
    _rule(r"(?:" + _UNDER + "|" + _AT_MOST + ")" + NUM + MINUTES + r"(?! (?:episodes?|each|per))",
          lambda m, c: [("max_minutes", round(_n(m)))]),
    # ---- episodes ---------------------------------------------------------------------------------
    _rule(_UNDER + NUM + EPISODES, lambda m, c: [("max_episodes", int(_n(m)) - 1)]),
    _rule(_AT_MOST + NUM + EPISODES, lambda m, c: [("max_episodes", int(_n(m)))]),
    _rule(NUM + EPISODES + _OR_LESS, lambda m, c: [("max_episodes", int(_n(m)))]),
    _rule(_OVER + NUM + EPISODES, lambda m, c: [("min_episodes", int(_n(m)) + 1)]),
    _rule(_AT_LEAST + NUM + EPISODES, lambda m, c: [("min_episodes", int(_n(m)))]),
    _rule(NUM + r"\+" + EPISODES, lambda m, c: [("min_episodes", int(_n(m)))]),
    _rule(NUM + EPISODES + r"\s*(?:or (?:more|longer)|plus|minimum|at least)", lambda m, c: [("min_episodes", int(_n(m)))]),
    _rule(r"(\d+)[- ](?:episodes?|eps?|ep)(?:[- ]long)?", lambda m, c: [("max_episodes", int(_n(m)))]),
    _rule(r"(?:not|isn'?t|nothing|no) (?:too |very |super |that |overly )?long(?:er)?(?: ones?| shows?| series| dramas?)?",
          lambda m, c: [("max_episodes", LONG_EPISODES)]),
    _rule(r"(?:not|nothing|no) (?:too |very |super |that |overly )?short", lambda m, c: [("min_episodes", SHORT_EPISODES + 1)]),
    _rule(r"short(?:er)?(?:[- ](?:ones?|series|dramas?|shows?|kdramas?))?|mini[- ]?series|miniseries|limited series|"
          r"bite[- ]?sized|few episodes|quick (?:watch|binge)",
          lambda m, c: [("max_episodes", SHORT_EPISODES)]),
    _rule(r"(?<!hour-)(?<!hour )long(?:er)?(?:[- ](?:ones?|series|dramas?|shows?|running))?(?![- ](?:time|ago|lost|distance|awaited|standing))",
          lambda m, c: [("min_episodes", LONG_EPISODES + 1)]),
    # ---- era ---------------------------------------------------------------------------------------
    _rule(r"between " + YEAR + r" and " + YEAR, lambda m, c: [("min_year", int(m.group(1))), ("max_year", int(m.group(2)))]),
    _rule(YEAR + r"\s*(?:-|–|to)\s*" + YEAR, lambda m, c: [("min_year", int(m.group(1))), ("max_year", int(m.group(2)))]),
    _rule(r"(?:after|post|newer than|later than)[- ]?" + YEAR, lambda m, c: [("min_year", int(m.group(1)) + 1)]),
    _rule(r"(?:(?:since|from) )?" + YEAR + r"\s*(?:or (?:later|newer|after)|onwards?|and (?:later|after|up|newer)|\+)",
          lambda m, c: [("min_year", int(m.group(1)))]),
    _rule(r"(?:since|from)\s+" + YEAR + r"(?: on(?:wards?)?)?", lambda m, c: [("min_year", int(m.group(1)))]),
    _rule(r"(?:before|pre|older than|earlier than)[- ]?" + YEAR, lambda m, c: [("max_year", int(m.group(1)) - 1)]),
    _rule(r"(?:until|till|up to|through)\s+" + YEAR, lambda m, c: [("max_year", int(m.group(1)))]),
    _rule(YEAR + r"\s*or (?:earlier|older|before)", lambda m, c: [("max_year", int(m.group(1)))]),
    _rule(r"(?:in|from the year) " + YEAR, lambda m, c: [("min_year", int(m.group(1))), ("max_year", int(m.group(1)))]),
    _rule(r"(?:(early|mid|late)[- ])?(?:the )?((?:19|20)\d0|\d0)'?s", _decade),
    _rule(r"(?:very |more )?(?:recent|recently|newer|newest|latest|new|modern|current)(?: ones?| shows?| dramas?| releases?)?",
          _recent),
    _rule(r"old[- ]?school|classics?|oldies|older(?: ones?| shows?| dramas?)?|vintage|throwbacks?", _old),
)
