"""Why a show was recommended: what it shares with the seeds, in words a fan recognises.

An ``Explainer`` is built at fit time from the fitted features and saved with the model. It
decides which vocabulary terms may be shown as "words fans use for both": never a fragment of a
person's name (a token of a cast, crew or character name that the texts almost always write with
a capital letter: "park", "hee", "soo"), never a generic review word ("short", "finish", "thing"),
and only terms that carry a real share of the overlap (fewer chips rather than weak ones).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .catalog import Show, person_key
from .titles import franchise_key
from .tropes import trope_label

__all__ = ["GENERIC_TERMS", "LENGTH_TAGS", "Explainer", "SeedContext", "name_fragments"]

# length facts, not tropes: runtime is on every card already
LENGTH_TAGS = frozenset({"short-series"})

# words every review uses about watching, length and quality: never a reason on their own
GENERIC_TERMS = frozenset("""
actor actors actress acted acting audience awesome bad beautiful best better binge binged bit burn cast character
characters chemistry completely couldn definitely didn doesn drama dramas ending endings enjoyed episode episodes
especially everyone fan fans favorite favourite feel feeling feels felt finale finish finished finishing gets getting
good got great half hour hours isn just kept kind later lead leads little long longer lot lots loved makes making
minute minutes min mins moment moments need nice overall pace paced pacing part parts people performance performances
plot plots pretty quite rating really recommend rewatch role roles scene scenes season seasons second series shift
short shorter show shows slow star stars start started story stories stream streaming sure thing things time times
totally truly viewer viewers wasn watch watched watching way weekend worth wouldn writing year years
different forever left person persons ways week weeks works work working sided laughed laugh cried cry
ninety eighty seventy sixty fifty forty thirty twenty eleven twelve hundred couple moments setup arc arcs
felt fine okay ok gets goes going gone thing stuff lots maybe kinda sort whole entire rest side sides
""".split())
# number words and -ly adverbs ("quietly", "deeply") are never the theme two shows share
_NOT_ADVERBS = frozenset("family bully lily ally italy july ugly holy rely supply assembly anomaly".split())

MIN_CAPITALIZED_SHARE = 0.6  # a name token written with a capital this often (mid-sentence) is a name, not a word
MIN_TERM_SHARE = 0.2  # a shown term carries at least this share of the strongest shared term's overlap
MAX_TERMS = 5
MAX_TAGS = 6

_WORD = re.compile(r"[^\W\d_][\w'-]*[^\W_]", re.UNICODE)
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|[\"“(]\s*)$")


def name_fragments(documents: Sequence[str], vocabulary: Sequence[str], shows: Sequence[Show]) -> np.ndarray:
    """True for each vocabulary term that is a piece of a person's name rather than a word.

    A term qualifies when every hyphen-part of it is a token of some cast or crew name in the
    catalog ("seon-woo" is made of name syllables too) and the texts write it with a capital
    letter, mid-sentence, at least ``MIN_CAPITALIZED_SHARE`` of the time. "song" and "young" are
    name tokens too, but written lower-case as words most of the time, so they stay.
    """
    name_tokens = {token.casefold() for show in shows for person in (*show.cast, *show.crew)
                   for token in re.split(r"[\s\-]+", person) if token}
    wanted = {term for term in vocabulary if all(part in name_tokens for part in term.split("-"))}
    capitalized, seen = Counter(), Counter()
    for document in documents:
        for match in _WORD.finditer(document):
            word = match.group()
            lower = word.casefold()
            if lower not in wanted:
                continue
            if _SENTENCE_START.search(document[max(0, match.start() - 3): match.start()]):
                continue  # a capital at a sentence start says nothing
            seen[lower] += 1
            capitalized[lower] += word[0].isupper()

    def is_name(term: str) -> bool:
        # never seen mid-sentence: only ever at sentence starts or not at all, so treat it as a name
        return term in wanted and (not seen[term] or capitalized[term] / seen[term] >= MIN_CAPITALIZED_SHARE)

    return np.array([is_name(term) for term in vocabulary], dtype=bool)


def _could_be_a_theme(term: str) -> bool:
    if term in GENERIC_TERMS:
        return False
    return not (term.endswith("ly") and len(term) > 5 and term not in _NOT_ADVERBS)


@dataclass(frozen=True)
class SeedContext:
    """The seeds' tags, people and franchises, and the query row: shared by every result of a query."""

    seed_rows: tuple[int, ...]
    query: np.ndarray
    tags: frozenset[str]
    cast: frozenset[str]
    crew: frozenset[str]
    franchises: frozenset[str]
    edges: np.ndarray  # each block's (start, end) column, flattened: one searchsorted per result


class Explainer:
    """Turns one result's row into reasons: shared tropes, terms, cast, crew, franchise, components."""

    def __init__(self, shows: Sequence[Show], show_tags: Sequence[tuple[str, ...]], terms: Sequence[str],
                 blocked_terms: np.ndarray, offsets: dict[str, tuple[int, int]], tag_names: Sequence[str]):
        self.shows = list(shows)
        self.show_tags = list(show_tags)
        self.terms = np.asarray(terms, dtype=object)
        self.showable = ~blocked_terms & np.array([_could_be_a_theme(t) for t in terms], dtype=bool)
        self.offsets = dict(offsets)
        self.tag_names = list(tag_names)
        self.cast_keys = [{person_key(c): c for c in s.cast} for s in self.shows]
        self.crew_keys = [{person_key(c): c for c in s.crew} for s in self.shows]
        self.franchise = [franchise_key(s.title) for s in self.shows]

    def context(self, seed_rows: list[int], query: np.ndarray) -> SeedContext:
        """What every result of one query is compared with: built once per query, not once per result."""
        if seed_rows:
            tags = frozenset().union(*(self.show_tags[s] for s in seed_rows))
        else:
            start, end = self.offsets["tags"]
            tags = frozenset(self.tag_names[j] for j in np.flatnonzero(query[start:end] > 0))
        edges = np.fromiter((edge for span in self.offsets.values() for edge in span), dtype=np.int64)
        return SeedContext(
            seed_rows=tuple(seed_rows), query=query, tags=tags, edges=edges,
            cast=frozenset().union(*(self.cast_keys[s].keys() for s in seed_rows)),
            crew=frozenset().union(*(self.crew_keys[s].keys() for s in seed_rows)),
            franchises=frozenset(self.franchise[s] for s in seed_rows))

    def explain(self, i: int, context: SeedContext, cols: np.ndarray, values: np.ndarray,
                weights: dict[str, float], extras: dict[str, float], also: list[str]) -> dict[str, Any]:
        """One result's reasons; ``extras`` holds this result's value of each weighted extra signal."""
        query = context.query
        products = query[cols] * values
        # every block's span in the sorted row from one searchsorted, and the sums of the blocks the
        # row touches from one reduceat (the blocks are contiguous column ranges, so each non-empty
        # block runs to the start of the next non-empty one); was one searchsorted and one sum a block
        spans = cols.searchsorted(context.edges.astype(cols.dtype, copy=False))
        starts, ends = spans[0::2], spans[1::2]
        filled = ends > starts
        sums = iter(np.add.reduceat(products, starts[filled]).tolist() if filled.any() else ())
        components, text_span = {}, slice(0, 0)
        for name, lo, hi, touched in zip(self.offsets, starts.tolist(), ends.tolist(), filled.tolist(), strict=True):
            components[name] = round(weights.get(name, 0.0) * next(sums), 6) if touched else 0.0
            if name == "text":
                text_span = slice(lo, hi)
        for name, value in extras.items():
            components[name] = round(value, 6)
        tags = [t for t in self.show_tags[i] if t in context.tags and t not in LENGTH_TAGS][:MAX_TAGS]
        return {
            "shared_tags": tags,
            "tag_labels": [trope_label(t) for t in tags],
            "shared_terms": self._strongest_terms(cols[text_span], products[text_span]),
            "shared_cast": [name for key, name in self.cast_keys[i].items() if key in context.cast],
            "shared_crew": [name for key, name in self.crew_keys[i].items() if key in context.crew],
            "same_franchise": self.franchise[i] in context.franchises,
            "also_in_franchise": also,
            "components": components,
        }

    def _strongest_terms(self, cols: np.ndarray, overlap: np.ndarray) -> list[str]:
        """Of the text block's columns and their overlap with the query (products already taken)."""
        start = self.offsets["text"][0]
        keep = (overlap > 0) & self.showable[cols - start]
        if not keep.any():
            return []
        cols, overlap = cols[keep], overlap[keep]
        order = np.lexsort((cols, -overlap))[:MAX_TERMS]
        strongest = overlap[order[0]]
        return [str(self.terms[cols[j] - start]) for j in order if overlap[j] >= MIN_TERM_SHARE * strongest]
