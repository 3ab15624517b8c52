"""The words `kdrama ask` knows: cues, fillers, genres, moods, numbers, and what a catalog adds.

Everything fixed lives here as data; ``Lexicon(catalog)`` adds what only a catalog knows (its
names, networks, genres, countries, years and the words of its synopses). ask.py reads both.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from .titles import Catalog, normalize_title

__all__ = ["Lexicon", "lexicon"]

# ---- seeds -----------------------------------------------------------------------------------------
# Regex fragments, matched on lower-case text at word boundaries; unlike cues are tried first
# because "nothing like" contains "like".
UNLIKE_CUES = (
    r"nothing (?:at all )?(?:like|similar to)", r"not (?:at all )?(?:like|similar to)", r"unlike", r"but not(?: (?:like|similar to))?",
    r"anything but", r"except(?: for)?", r"other than", r"(?:i )?(?:did ?n[o']?t|didnt|do ?n[o']?t|dont) (?:like|enjoy|love|want)",
    r"(?:i )?hated", r"(?:i )?disliked", r"not a fan of", r"not another", r"no more",
)
LIKE_CUES = (
    r"similar to", r"similar vibes? to", r"same vibes? as", r"in the vein of", r"reminds? me of", r"such as",
    r"fans? of", r"obsessed with", r"just (?:finished|watched)", r"(?:more )?like", r"likes?", r"liked", r"loved?",
    r"loving", r"enjoyed", r"adored?", r"finished",
)
CONNECTORS = {"and", "or", "nor", "plus", "also", "&"}
SUFFIXES = ("s", "es", "ed", "er", "ers", "ing")  # "signals" is not a typo of "Signal"

# ---- what carries no meaning of its own -----------------------------------------------------------
FILLERS = frozenset("""
a an the i im i'm me my mine we us our you your u it its it's this that these those there here
some something anything any one ones thing things kind sort type kinda sorta
show shows drama dramas kdrama kdramas k series serie watch watching watched binge binged binging bingeable
finish finished can could would will want wanted wanna need needs looking look find give gimme recommend
recommendation recommendations suggest suggestion please pls plz thanks thank ok okay hi hey hello lol
with and or but of in on to for at by from as if into about than then so just also more same very really
is are be been was were do does did have has had get got go going make let lets let's
maybe perhaps preferably ideally only even still though while when where what which who how
good great nice best fun lovely cute enough too much lot lots all every else other another
time watchable something's story stories plot vibe feel feels feeling mood
should will next later keep seeing see make makes made style original watched start
like liked likes love loved enjoyed enjoy similar not no without nothing never
episode episodes eps ep hours hour hrs minutes mins long short
korean korea
같은 같은거 거 것 드라마 추천 추천해줘 추천해주세요 처럼 비슷한 그런 좀
""".split())

# ---- numbers ----------------------------------------------------------------------------------------
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "twenty": 20, "a": 1, "an": 1,
}
NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


def number(token: str) -> float:
    token = token.lower()
    return float(token) if token[0].isdigit() else float(NUMBER_WORDS[token])


# ---- genres, moods, negation ---------------------------------------------------------------------------
# catalog genre -> words that name it. Family, food and military are left to the trope vocabulary:
# the catalog gives those genres to a handful of shows, its tags cover many more.
GENRE_WORDS = {
    "Romance": ("romance", "romances", "romantic", "love story", "love stories"),
    "Comedy": ("comedy", "comedies", "funny", "hilarious", "comedic", "humor", "humour"),
    "Thriller": ("thriller", "thrillers", "thrilling", "suspenseful"),
    "Mystery": ("mystery", "mysteries", "mysterious"),
    "Fantasy": ("fantasy", "fantasies"),
    "Horror": ("horror",),
    "Action": ("action", "action-packed"),
    "Melodrama": ("melodrama", "melodramas", "melo"),
    "Supernatural": ("supernatural",),
    "Historical": ("historical", "period drama", "period dramas", "sageuk"),
    "Psychological": ("psychological",),
    "Business": ("business",),
    "Sci-Fi": ("sci-fi", "scifi", "science fiction"),
    "Crime": ("crime",),
    "Music": ("music", "musical"),
    "Law": ("law", "legal", "courtroom"),
    "Medical": ("medical",),
    "Political": ("political", "politics"),
    "Sports": ("sports", "sport"),
    "Youth": ("youth",),
    "Sitcom": ("sitcom",),
    "Adventure": ("adventure",),
}
DARK = ("Thriller", "Horror")
LIGHT_EXCLUDES = ("Thriller", "Horror", "Melodrama")
# mood word -> (pieces when wanted, pieces when negated); a piece is (kind, value)
MOODS: dict[str, tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]] = {}
for _word in ("dark", "darker", "gritty", "violent", "gory", "bloody", "brutal", "grim"):
    MOODS[_word] = ((("text", _word),), tuple(("exclude_genre", g) for g in DARK))
for _word in ("scary", "creepy", "spooky"):
    MOODS[_word] = ((("genre", "Horror"),), (("exclude_genre", "Horror"),))
for _word in ("sad", "depressing", "tearjerker", "tear-jerker", "heartbreaking", "tragic", "angsty", "angst"):
    MOODS[_word] = ((("genre", "Melodrama"),), (("exclude_genre", "Melodrama"),))
for _word in ("light", "lighter", "light-hearted", "lighthearted", "fluffy", "feel-good", "feel good", "wholesome",
              "cozy", "cosy", "uplifting", "cheerful"):
    _light = tuple(("exclude_genre", g) for g in LIGHT_EXCLUDES)
    MOODS[_word] = (_light, _light)  # "not too fluffy" is rare; "lighter" is never a thing to exclude

# phrases people use for a trope that its patterns (written for reviews) leave out
TROPE_WORDS = {
    r"rom[- ]?coms?": "rom-com", r"cheating|cheaters?|cheated": "affair", r"birth secrets?": "makjang",
    r"body ?swaps?": "body-swap", r"love triangles?": "love-triangle", r"time ?slips?": "time-travel",
    r"second leads?": "second-lead-syndrome", r"slow ?burns?": "slow-burn", r"f2l|friends ?2 ?lovers": "friends-to-lovers",
    r"e2l": "enemies-to-lovers", r"fake relationships?": "fake-dating", r"contract marriages?": "contract-relationship",
}

NEGATORS = frozenset({"no", "not", "without", "nothing", "never", "non", "zero", "dont", "don't", "avoid", "minus",
                      "skip", "w/o", "nor", "isnt", "isn't", "hate", "except"})
NEGATION_FILLERS = frozenset({"too", "much", "any", "a", "an", "the", "more", "overly", "very", "so", "really", "heavy",
                              "big", "of", "at", "all", "over", "that", "want", "i", "do", "super", "cheesy",
                              "annoying", "stupid", "cliche", "cliché", "toxic", "dumb", "forced", "please", "pls"})

# ---- country -------------------------------------------------------------------------------------------
# demonym -> spellings a catalog may use for the country
COUNTRIES = {
    "korean": ("south korea", "korea", "kr", "kor", "korean"),
    "k-drama": ("south korea", "korea", "kr", "kor", "korean"),
    "japanese": ("japan", "jp", "jpn", "japanese"),
    "j-drama": ("japan", "jp", "jpn", "japanese"),
    "chinese": ("china", "cn", "chn", "chinese"),
    "c-drama": ("china", "cn", "chn", "chinese"),
    "taiwanese": ("taiwan", "tw", "twn", "taiwanese"),
    "thai": ("thailand", "th", "tha", "thai"),
}

# ---- platforms ------------------------------------------------------------------------------------------
# how people write a platform -> how catalogs spell it (matched as a word inside a network string)
PLATFORM_SPELLINGS = {
    "disney plus": "disney+", "disney": "disney+", "apple tv plus": "apple tv+", "apple tv": "apple tv+",
    "prime video": "amazon prime", "amazon prime video": "amazon prime", "amazon": "amazon prime",
    "kakao tv": "kakao tv", "kakao": "kakao tv", "coupang play": "coupang", "jtbc": "jtbc", "kbs": "kbs",
}
NETWORK_NOISE = frozenset({"tv", "cast", "mobile", "channel", "a", "joy", "line", "prime", "plus", "genie", "daum"})


@dataclass
class Lexicon:
    """What one catalog adds to the fixed words above, computed once per catalog."""

    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # normalized name -> show ids
    name_keys: list[str] = field(default_factory=list)
    longest_name: int = 1  # in tokens
    genres: dict[str, str] = field(default_factory=dict)  # word -> catalog genre
    networks: list[str] = field(default_factory=list)
    platforms: dict[str, str] = field(default_factory=dict)  # lower-case phrase -> display name
    everyday_platforms: frozenset[str] = frozenset()  # platform phrases that are also ordinary words
    countries: list[str] = field(default_factory=list)
    latest_year: int | None = None
    lower_words: frozenset[str] = frozenset()  # words the synopses use in lower case
    lower_text: str = ""

    def networks_for(self, phrase: str) -> list[str]:
        """Catalog networks that carry ``phrase`` as a word: 'tvn' -> ['tvN', 'TVING tvN', ...]."""
        phrase = PLATFORM_SPELLINGS.get(phrase.lower(), phrase.lower())
        pattern = re.compile(r"(?<![\w+])" + re.escape(phrase) + r"(?:\d*)(?![\w+])", re.IGNORECASE)
        return [n for n in self.networks if pattern.search(n)]


def _names(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    names = dict(catalog.names())
    # "Move to Heaven: I Am a Person Who..." is called by its first part; so is a Hangul title's
    for show in catalog.shows:
        for name in (show.title, *show.aliases, show.native_title):
            for part in re.split(r"\s*[:：]\s*|\s+-\s+", name or "")[:2]:
                key = normalize_title(part)
                if len(key) >= 2 and key not in names:
                    names[key] = (show.show_id,)
    return names


def _platforms(networks: Iterable[str]) -> dict[str, str]:
    phrases: dict[str, str] = {}
    for network in networks:
        phrases.setdefault(network.lower(), network)
        for word in network.split():
            if len(word) >= 3 and word.lower() not in NETWORK_NOISE:
                phrases.setdefault(word.lower(), word)
    for spelled, canonical in PLATFORM_SPELLINGS.items():
        if canonical in phrases:
            phrases.setdefault(spelled, phrases[canonical])
        elif canonical == "kbs" and any(p.startswith("kbs") for p in phrases):
            phrases.setdefault(spelled, "KBS")
    return phrases


def build_lexicon(catalog: Catalog) -> Lexicon:
    names = _names(catalog)
    catalog_genres = {g for s in catalog.shows for g in s.genres}
    genres = {w: g for g, words in GENRE_WORDS.items() if g in catalog_genres for w in words}
    networks = sorted({s.network for s in catalog.shows if s.network})
    years = [s.year for s in catalog.shows if s.year]
    countries = sorted({c for s in catalog.shows if (c := getattr(s, "country", "") or "")})
    lower_text = " ".join(s.synopsis for s in catalog.shows)
    lower_words = frozenset(re.findall(r"\b[a-z][a-z'-]+\b", lower_text))
    platforms = _platforms(networks)
    return Lexicon(
        names=names, name_keys=list(names), longest_name=max((k.count(" ") + 1 for k in names), default=1),
        genres=genres, networks=networks, platforms=platforms, countries=countries,
        # a platform named by an everyday word ("MBC QueeN", "Heavenly") needs "on": "queen" alone is a word
        everyday_platforms=frozenset(p for p in platforms if p in lower_words),
        latest_year=max(years) if years else None, lower_words=lower_words, lower_text=lower_text,
    )


_CACHE: weakref.WeakKeyDictionary[Catalog, Lexicon] = weakref.WeakKeyDictionary()


def lexicon(catalog: Catalog) -> Lexicon:
    """The catalog's lexicon, built on first use and kept as long as the catalog lives."""
    found = _CACHE.get(catalog)
    if found is None:
        found = _CACHE[catalog] = build_lexicon(catalog)
    return found
