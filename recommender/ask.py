"""Ask in your own words: "like Soundtrack #1 but for one evening, no love triangle" -> a query.

``interpret(text, catalog)`` reads a request in passes, each claiming the words it understands:
quoted and cued titles ("like X and Y", "nothing like Z"), then time, era, platform and country,
then bare titles, then genres, moods and tropes with their negations. What no pass claims is
either a wish for free-text matching (a word the catalog's synopses use) or reported unused.
Every piece keeps the exact words it came from, so a caller can show and remove it.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from . import ask_words as W
from .ask_rules import RULES, Context
from .errors import InvalidQueryError
from .query import WEEKEND_MINUTES
from .titles import Catalog, normalize_title
from .tropes import trope_mentions

__all__ = ["Answer", "Interpretation", "Piece", "answer", "interpret"]

ENGINE_FILTERS = frozenset({"country", "min_episodes", "exclude_genres"})  # keys the engine takes natively (besides the usual)
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|&")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Piece:
    """One thing understood: ``kind`` (like, tag, max_episodes, ...), its ``value``, and the words it came from."""

    kind: str
    value: Any
    words: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "words": self.words, "label": self.label}


@dataclass
class Interpretation:
    """A request as understood: its pieces, in reading order, and the words nothing used."""

    text: str
    pieces: list[Piece] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    catalog: Catalog | None = field(default=None, repr=False, compare=False)

    def _values(self, kind: str) -> list[Any]:
        return list(dict.fromkeys(p.value for p in self.pieces if p.kind == kind))

    def _bound(self, kind: str, pick) -> Any:
        values = self._values(kind)
        return pick(values) if values else None

    likes = property(lambda self: self._values("like"))
    unlikes = property(lambda self: self._values("unlike"))
    text_wishes = property(lambda self: self._values("text"))
    tags = property(lambda self: self._values("tag"))
    exclude_tags = property(lambda self: self._values("exclude_tag"))
    genres = property(lambda self: self._values("genre"))
    exclude_genres = property(lambda self: self._values("exclude_genre"))
    max_episodes = property(lambda self: self._bound("max_episodes", min))
    min_episodes = property(lambda self: self._bound("min_episodes", max))
    max_minutes = property(lambda self: self._bound("max_minutes", min))
    weekend = property(lambda self: bool(self._values("weekend")))
    min_year = property(lambda self: self._bound("min_year", max))
    max_year = property(lambda self: self._bound("max_year", min))
    country = property(lambda self: self._bound("country", lambda v: v[-1]))

    @property
    def networks(self) -> list[str]:
        """Catalog network strings: 'Netflix' in the request may stand for several of them."""
        lex = W.lexicon(self.catalog) if self.catalog is not None else None
        found: list[str] = []
        for platform in self._values("network"):
            expanded = lex.networks_for(platform) if lex else [platform]
            # the engine matches a network as a word of the catalog's string ("Netflix" finds "TVING Netflix"),
            # so a platform the catalog spells that way is passed as it is; "KBS" still stands for "KBS2"
            word = re.compile(r"(?:^|\s)" + re.escape(platform.casefold()) + r"(?:\s|$)")
            found += [platform] if any(word.search(n.casefold()) for n in expanded) else expanded
        return list(dict.fromkeys(found))

    def query_text(self) -> str:
        """What ranks the results besides the seeds: the wishes, and the wanted genres' and tropes' words."""
        words = [p.words for p in self.pieces if p.kind in ("text", "genre", "tag")]
        return " ".join(dict.fromkeys(words))

    def to_query_kwargs(self, engine_filters: Container[str] = ENGINE_FILTERS) -> dict[str, Any]:
        """Keyword arguments for ``Recommender.recommend``.

        ``country``, ``min_episodes`` and ``exclude_genres`` are passed as such when in
        ``engine_filters``; otherwise they become ``exclude`` (the ids of the shows that fail them),
        so every piece is honoured by an engine that lacks the filter.
        """
        kwargs: dict[str, Any] = dict(
            like=self.likes, unlike=self.unlikes, text=self.query_text(), max_episodes=self.max_episodes,
            max_minutes=self.max_minutes, weekend=self.weekend, min_year=self.min_year, max_year=self.max_year,
            network=self.networks or None, genres=self.genres, tags=self.tags, exclude_tags=self.exclude_tags,
        )
        fails = []
        for key, value in (("country", self.country), ("min_episodes", self.min_episodes),
                           ("exclude_genres", self.exclude_genres)):
            if not value:
                continue
            if key in engine_filters:
                kwargs[key] = value
            else:
                fails.append(_FAILS[key](value))
        if fails and self.catalog is not None:
            kwargs["exclude"] = [s.show_id for s in self.catalog.shows if any(f(s) for f in fails)]
        return kwargs

    def describe(self) -> str:
        """'understood: like Soundtrack #1 · weekend (<= 12 h) · no love-triangle'."""
        labels = list(dict.fromkeys(p.label for p in self.pieces))
        return "understood: " + (" · ".join(labels) if labels else "nothing")

    def describe_unused(self) -> str:
        """"did not understand: 'vibes'", or '' when every word was used."""
        return "did not understand: " + ", ".join(f"'{w}'" for w in self.unused) if self.unused else ""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "understood": self.describe(), "pieces": [p.to_dict() for p in self.pieces],
                "unused": list(self.unused)}


_FAILS = {
    "country": lambda c: lambda s: (getattr(s, "country", "") or "").casefold() != c.casefold(),
    "min_episodes": lambda n: lambda s: s.episodes is None or s.episodes < n,
    "exclude_genres": lambda gs: lambda s: bool({g.casefold() for g in gs} & {g.casefold() for g in s.genres}),
}


# ---- the reader -------------------------------------------------------------------------------------
@dataclass
class _Token:
    text: str
    start: int
    end: int
    norm: str


def _hours(minutes: float) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


class _Reader:
    """One request being read: its tokens, which are claimed, and the pieces found so far."""

    def __init__(self, text: str, catalog: Catalog, weekend_minutes: int, latest_year: int | None):
        self.text, self.lower = text, text.lower()
        self.catalog, self.lex = catalog, W.lexicon(catalog)
        self.weekend_minutes = weekend_minutes
        self.latest = latest_year or self.lex.latest_year
        self.tokens = [_Token(m.group(), m.start(), m.end(), "and" if m.group() == "&" else normalize_title(m.group()))
                       for m in _TOKEN.finditer(text)]
        self.used = [False] * len(self.tokens)
        self.found: list[tuple[int, Piece]] = []  # (first token, piece): sorted into reading order at the end

    # ---- claiming ------------------------------------------------------------------------------
    def free(self, i: int, j: int) -> bool:
        return 0 <= i < j <= len(self.tokens) and not any(self.used[i:j])

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The tokens a character span covers, or None when it covers none or a claimed one."""
        inside = [k for k, t in enumerate(self.tokens) if t.start >= start and t.end <= end]
        if not inside or not self.free(inside[0], inside[-1] + 1):
            return None
        return inside[0], inside[-1] + 1

    def claim(self, i: int, j: int, kind: str, value: Any, label: str) -> Piece:
        for k in range(i, j):
            self.used[k] = True
        piece = Piece(kind, value, self.text[self.tokens[i].start: self.tokens[j - 1].end], label)
        self.found.append((i, piece))
        return piece

    def label(self, kind: str, value: Any) -> str:
        if kind in ("like", "unlike"):
            title = self.catalog.by_id[value].title
            return f"like {title}" if kind == "like" else f"not like {title}"
        return {
            "text": lambda v: f"about '{v}'", "tag": str, "exclude_tag": lambda v: f"no {v}", "genre": str,
            "exclude_genre": lambda v: f"no {v}", "network": lambda v: f"on {v}",
            "weekend": lambda v: f"weekend (<= {_hours(self.weekend_minutes)} h)",
            "max_minutes": lambda v: f"<= {_hours(v)} h", "max_episodes": lambda v: f"<= {v} episodes",
            "min_episodes": lambda v: f">= {v} episodes", "min_year": lambda v: f"from {v}",
            "max_year": lambda v: f"until {v}", "country": lambda v: f"from {v}",
        }[kind](value)

    def add(self, i: int, j: int, pieces) -> None:
        """Claim tokens i..j for one or more (kind, value) pieces sharing those words."""
        for kind, value in pieces:
            self.claim(i, j, kind, value, self.label(kind, value))
        if not pieces:
            for k in range(i, j):
                self.used[k] = True

    # ---- titles --------------------------------------------------------------------------------
    def _key(self, i: int, j: int) -> str:
        return " ".join(t.norm for t in self.tokens[i:j] if t.norm)

    def title_at(self, i: int, fuzzy: bool) -> tuple[int, str, bool] | None:
        """The longest title starting at token i, as (end token, show id, exact)."""
        limit = i
        while limit < len(self.tokens) and limit - i < self.lex.longest_name and not self.used[limit]:
            limit += 1
        exact = next(((j, self._key(i, j)) for j in range(limit, i, -1) if self._key(i, j) in self.lex.names), None)
        best = None
        if fuzzy:
            for j in range(i + 1, limit + 1):
                key = self._key(i, j)
                if len(key) < 5:
                    continue
                hit = process.extractOne(key, self.lex.name_keys, scorer=fuzz.ratio, score_cutoff=85)
                # a close match (>= 90) to a longer title beats a perfect one to a shorter title: "crash landing
                # on yoo" is Crash Landing on You, not the show "Crash"; for the same title, the fewest words
                rank = (hit[1] >= 90, len(hit[0]), hit[1], -j) if hit else None
                if hit and not any(key == hit[0] + s for s in W.SUFFIXES) and (best is None or rank > best[3]):
                    best = (j, hit[0], hit[1], rank)
        if exact and not (best and best[0] > exact[0] and best[2] >= 90):
            return exact[0], self._show(exact[1]), True
        if best:
            return best[0], self._show(best[1]), False
        return None

    def _show(self, key: str) -> str:
        # two shows can share a name (remakes): the more popular one is the likelier meaning
        ids = self.lex.names[key]
        return max(ids, key=lambda i: self.catalog.by_id[i].popularity or 0.0)

    def titles_after(self, k: int, kind: str, cue_start: int | None, fuzzy: bool = True) -> bool:
        """A title at token k (claimed with the cue), then any more joined by 'and', 'or' or commas."""
        hit = self.title_at(k, fuzzy)
        if not hit:
            return False
        self.claim(cue_start if cue_start is not None else k, hit[0], kind, hit[1], self.label(kind, hit[1]))
        while True:
            j = hit[0]
            if j >= len(self.tokens) or self.used[j]:
                return True
            comma = "," in self.text[self.tokens[j - 1].end: self.tokens[j].start]
            nxt = j + 1 if self.tokens[j].norm in W.CONNECTORS else (j if comma else None)
            if nxt is None or nxt >= len(self.tokens) or (nxt == j + 1 and self.used[j]):
                return True
            hit = self.title_at(nxt, fuzzy)
            if not hit:
                return True
            self.claim(j, hit[0], kind, hit[1], self.label(kind, hit[1]))

    def quoted(self) -> None:
        for m in re.finditer(r'"([^"]+)"|“([^”]+)”', self.text):
            span = self.span(m.start(), m.end())
            if not span:
                continue
            key = normalize_title(m.group(1) or m.group(2))
            hit = key if key in self.lex.names else None
            if hit is None:
                found = process.extractOne(key, self.lex.name_keys, scorer=fuzz.ratio, score_cutoff=80)
                hit = found[0] if found else None
            if hit is None:
                continue
            start, kind = span[0], "like"
            before = re.search(r"(?:" + "|".join(W.UNLIKE_CUES) + r")\s*$", self.lower[: m.start()])
            if before and (cue := self.span(before.start(), before.end())):
                start, kind = cue[0], "unlike"
            show = self._show(hit)
            self.claim(start, span[1], kind, show, self.label(kind, show))

    def cued(self) -> None:
        for kind, cues in (("unlike", W.UNLIKE_CUES), ("like", W.LIKE_CUES)):
            pattern = re.compile(r"(?<![\w-])(?:" + "|".join(cues) + r")(?![\w-])")
            for m in pattern.finditer(self.lower):
                span = self.span(m.start(), m.end())
                if span:
                    self.titles_after(span[1], kind, span[0])

    def bare(self) -> None:
        for i in range(len(self.tokens)):
            if self.used[i]:
                continue
            hit = self.title_at(i, fuzzy=True)
            if hit and self._plausible(i, *hit):
                self.titles_after(i, "like", None)

    def _plausible(self, i: int, j: int, show_id: str, exact: bool) -> bool:
        """Is a title found without a cue meant as one? 'Signal' is; 'connection' in a sentence is not."""
        tokens, key = self.tokens[i:j], self._key(i, j)
        if exact and _HANGUL.search(key):
            return True
        # "good romance" is two words a request is made of; "It's Okay to Not Be Okay" is a title
        if len(tokens) < 4 and all(t.norm in W.FILLERS or t.norm in self.lex.genres or t.norm in W.MOODS for t in tokens):
            return False
        first = tokens[0].text
        initial = i == 0 or re.search(r"[.!?]\s*$", self.text[: tokens[0].start]) is not None
        if len(tokens) == 1:
            if not exact:
                return False
            if first[0].isupper() and not initial:
                return True
            return len(key) >= 5 and key not in self.lex.lower_words and not trope_mentions(key)
        if not exact and len(key) < 10:
            return False
        if (first[0].isupper() and not initial) or any(t.norm.isdigit() for t in tokens):
            return True
        return re.search(r"(?<![\w-])" + re.escape(" ".join(t.text for t in tokens).lower()) + r"(?![\w-])",
                         self.lex.lower_text) is None

    # ---- constraints ----------------------------------------------------------------------------
    def rules(self) -> None:
        ctx = Context(self.latest)
        for pattern, make in RULES:
            for m in pattern.finditer(self.lower):
                span = self.span(m.start(), m.end())
                pieces = make(m, ctx) if span else None
                if pieces:
                    self.add(*span, pieces)

    def platforms(self) -> None:
        phrases = sorted(self.lex.platforms, key=len, reverse=True)
        if not phrases:
            return
        alternatives = "|".join(re.escape(p) for p in phrases)
        pattern = re.compile(r"(?<![\w-])((?:streaming |available |only |watch )?(?:on|via) )?(" + alternatives + r")(?![\w+-])")
        for m in pattern.finditer(self.lower):
            if m.group(2) in self.lex.everyday_platforms and not m.group(1):
                continue
            span = self.span(m.start(), m.end())
            if span and self.lex.networks_for(m.group(2)):
                self.add(*span, [("network", self.lex.platforms[m.group(2)])])

    def countries(self) -> None:
        pattern = re.compile(r"(?<![\w-])(?:from |made in )?(?:south )?(" + "|".join(map(re.escape, W.COUNTRIES)) + r")s?(?![\w-])")
        for m in pattern.finditer(self.lower):
            span = self.span(m.start(), m.end())
            spellings = W.COUNTRIES[m.group(1)]
            known = [c for c in self.lex.countries if c.casefold() in spellings]
            if span and known:
                self.add(*span, [("country", known[0])])

    # ---- genres, moods and tropes, with negation ---------------------------------------------------
    def themes(self) -> None:
        found = []  # (start, end, priority, pieces when wanted, pieces when negated)
        words = {**{w: 0 for w in self.lex.genres}, **{w: 1 for w in W.MOODS}}
        genres = set(self.lex.genres.values())

        def keep(pieces):  # a mood names genres this catalog may not have
            return [(k, v) for k, v in pieces if k == "text" or v in genres]

        pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?![\w-])")
        for m in pattern.finditer(self.lower):
            word = m.group(1)
            if word in self.lex.genres:
                genre = self.lex.genres[word]
                found.append((m.start(), m.end(), 0, [("genre", genre)], [("exclude_genre", genre)]))
            else:
                wanted, negated = W.MOODS[word]
                found.append((m.start(), m.end(), 1, keep(wanted), keep(negated)))
        mentions = [(slug, start, end) for slug, start, end, _negated in trope_mentions(self.text)]
        for pattern, slug in W.TROPE_WORDS.items():
            mentions += [(slug, m.start(), m.end()) for m in re.finditer(r"(?<![\w-])(?:" + pattern + r")(?![\w-])", self.lower)]
        for slug, start, end in mentions:
            found.append((start, end, 2, [("tag", slug)], [("exclude_tag", slug)]))
        chosen: list[tuple[int, int, list, list]] = []
        for start, end, _p, wanted, negated in sorted(found, key=lambda f: (f[0] - f[1], f[2], f[0])):
            span = self.span(start, end)
            if span and not any(a < span[1] and span[0] < b for a, b, _w, _n in chosen):
                chosen.append((*span, wanted, negated))
        last_negated_end = None
        for i, j, wanted, negated in sorted(chosen, key=lambda c: c[0]):
            start = self._negator_before(i)
            if start is None and last_negated_end is not None and self._continues_negation(last_negated_end, i):
                start = i
            if start is None:
                self.add(i, j, wanted)
                last_negated_end = None
            else:
                self.add(start, j, negated)
                last_negated_end = j

    def _negator_before(self, i: int) -> int | None:
        """The first token of 'no', 'not too', 'without any' ... right before token i, if there is one."""
        k = i - 1
        while k >= 0 and not self.used[k] and self.tokens[k].norm in W.NEGATION_FILLERS and i - k <= 4:
            k -= 1
        if k >= 0 and not self.used[k] and self.tokens[k].text.lower() in W.NEGATORS:
            return k
        return None

    def _continues_negation(self, end: int, i: int) -> bool:
        """'no love triangle or amnesia', 'no cheating, amnesia': a list carries its negation on."""
        gap = self.tokens[end:i]
        if any(self.used[end:i]) or len(gap) > 1:
            return False
        between = self.text[self.tokens[end - 1].end: self.tokens[i].start]
        return (not gap and "," in between) or (len(gap) == 1 and gap[0].norm in ("or", "nor", "and"))

    # ---- what is left ----------------------------------------------------------------------------
    def leftovers(self) -> list[str]:
        unused = []
        for k, token in enumerate(self.tokens):
            if self.used[k] or not token.norm or token.norm in W.FILLERS or token.text.lower() in W.FILLERS:
                continue
            if token.norm in self.lex.lower_words and len(token.norm) >= 3:
                self.add(k, k + 1, [("text", token.norm)])
            else:
                unused.append(token.text)
        return unused

    def read(self) -> Interpretation:
        for step in (self.quoted, self.cued, self.rules, self.platforms, self.countries, self.bare, self.themes):
            step()
        unused = self.leftovers()
        pieces = [p for _i, p in sorted(self.found, key=lambda f: f[0])]
        return Interpretation(self.text, pieces, unused, self.catalog)


def interpret(text: str, catalog: Catalog, *, weekend_minutes: int = 720, latest_year: int | None = None) -> Interpretation:
    """The query a request in words stands for, with the words each piece came from.

    ``weekend_minutes`` only labels "weekend" (the engine applies its own); ``latest_year`` anchors
    "recent" and "old-school" (default: the newest year in the catalog).
    """
    return _Reader(text or "", catalog, weekend_minutes, latest_year).read()


@dataclass
class Answer:
    """A request, how it was understood, its results, and why any piece was relaxed."""

    interpretation: Interpretation
    page: Any  # recommender.model.Page
    note: str = ""


def answer(model, text: str, k: int = 10, *, weekend_minutes: int = WEEKEND_MINUTES, catalog: Catalog | None = None) -> Answer:
    """Interpret ``text`` against ``model``'s catalog and run it.

    Every piece is a filter, except that when fewer than ``k`` shows carry all the wanted tropes the
    page is topped up with shows ranked by them (the tropes stay in the ranking text), and ``note``
    says so. ``weekend_minutes`` is the weekend that counts (a server's own).
    Raises InvalidQueryError (field ``q``) when the request names neither a show nor anything to rank by.
    """
    catalog = catalog if catalog is not None else model.catalog
    interpretation = interpret(text, catalog, weekend_minutes=weekend_minutes)
    kwargs = interpretation.to_query_kwargs()
    if not kwargs["like"] and not kwargs["text"].strip():
        raise InvalidQueryError("q", f"{interpretation.describe()}; nothing to rank by: name a show you like "
                                     "('like Soundtrack #1') or say what you want ('a friends to lovers romance')")
    kwargs["weekend_minutes"] = weekend_minutes
    page = model.recommend(k=k, **kwargs)
    if len(page.results) >= k or not kwargs["tags"]:
        return Answer(interpretation, page)
    strict = len(page.results)
    relaxed = model.recommend(k=k, **{**kwargs, "tags": []})
    seen = {r.show_id for r in page.results}
    page.results += [r for r in relaxed.results if r.show_id not in seen][: k - strict]
    if len(page.results) == strict:
        return Answer(interpretation, page)
    page.total = relaxed.total
    note = (f"only {strict} show(s) have every wanted trope ({', '.join(kwargs['tags'])}); "
            f"the next {len(page.results) - strict} rank by them without having them all")
    return Answer(interpretation, page, note)
