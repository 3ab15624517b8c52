"""The trope vocabulary, tagging of free text, and runtime extraction.

Every trope has a slug (``friends-to-lovers``), a label, and patterns: regular expressions
matched case-insensitively on word boundaries. Catalog tag strings ("Friends To Lovers",
"Cohabitation") are mapped onto the same slugs; tags outside the vocabulary are kept as their
own normalized slug so no information is thrown away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "TROPES",
    "Trope",
    "extract_runtime",
    "implied_trope",
    "normalize_tag",
    "slugify",
    "strip_negated",
    "tag_text",
    "trope_label",
    "trope_mentions",
    "trope_slugs",
]


@dataclass(frozen=True)
class Trope:
    slug: str
    label: str
    patterns: tuple[str, ...]


def _t(slug: str, label: str, *patterns: str) -> Trope:
    return Trope(slug, label, patterns)


# Patterns are regex fragments; the label and the slug (with spaces or hyphens) always match too.
TROPES: tuple[Trope, ...] = (
    _t("friends-to-lovers", "Friends to lovers",
       r"friends?[- ]to[- ]lovers?", r"best friends? (?:who )?falls? in love",
       r"long ?time (?:bffs?|best friends?)", r"lifelong (?:bffs?|best friends?)",
       r"childhood best friends?", r"old best friends?",
       r"friendship (?:turns?|blossoms?|grows?) into (?:love|romance)",
       r"more than (?:just )?friends", r"best friends? (?:turn|become)s? lovers?",
       r"fall for (?:his|her|their) best friend", r"best friends' relationship"),
    _t("co-habitation", "Co-habitation",
       r"co-?habitation", r"co-?habit(?:ing|ate)", r"living together", r"live together",
       r"lives? under (?:one|the same) roof", r"roommates?", r"flatmates?", r"housemates?",
       r"share (?:a|an|the) (?:house|flat|apartment|home)", r"sharing (?:a|an|the) (?:house|flat|apartment|home)",
       r"stay(?:s|ing)? at (?:his|her|their) (?:house|place|home|apartment)",
       r"move[sd]? in (?:together|with)", r"moving in (?:together|with)", r"share ?house"),
    _t("unrequited-love", "Unrequited love",
       r"unrequited", r"one[- ]sided (?:love|crush|feelings?)", r"love that is not returned",
       r"secretly in love", r"pining", r"loves? (?:her|him) from afar"),
    _t("slow-burn", "Slow-burn romance", r"slow[- ]burn(?:ing)?", r"slow[- ]building romance"),
    _t("enemies-to-lovers", "Enemies to lovers",
       r"enemies[- ]to[- ]lovers", r"rivals?[- ]to[- ]lovers", r"hate (?:each other )?(?:at|on) first sight",
       r"bicker(?:ing)? (?:rivals|enemies)"),
    _t("contract-relationship", "Contract relationship",
       r"contract (?:marriage|relationship|dating|romance|wedding)", r"marriage of convenience",
       r"fake marriage", r"signs? a contract to (?:marry|date)"),
    _t("fake-dating", "Fake dating",
       r"fake (?:dating|relationship|girlfriend|boyfriend|couple)", r"pretend(?:s|ing)? to (?:date|be (?:a )?couple|be (?:his|her) (?:girlfriend|boyfriend))",
       r"pretend relationship"),
    _t("love-triangle", "Love triangle", r"love triangles?", r"love square"),
    _t("second-lead-syndrome", "Second lead syndrome",
       r"second[- ]lead syndrome", r"second male lead", r"second female lead", r"second lead"),
    _t("workplace-romance", "Workplace romance",
       r"workplace romance", r"office romance", r"romance at work", r"falls? for (?:his|her) (?:boss|coworker|co-worker|colleague)",
       r"boss and (?:his|her) secretary", r"office rom-?com", r"workplace"),
    _t("time-travel", "Time travel",
       r"time[- ]travel(?:l?ing|s|er|ers)?", r"travels? (?:back )?(?:in|through) time", r"time[- ]slip",
       r"sent back in time", r"back to the past", r"wakes? up in the past", r"regression"),
    _t("body-swap", "Body swap", r"body[- ]swap(?:ping)?", r"swap(?:s|ped)? bodies", r"switch(?:es|ed)? bodies", r"soul swap"),
    _t("revenge", "Revenge", r"revenge", r"vengeance", r"aveng(?:e|es|ing)", r"payback", r"retribution"),
    _t("chaebol", "Chaebol", r"chaebols?", r"conglomerate (?:heir|heiress|family)", r"rich heir", r"heiress",
       r"heir to (?:a|the) (?:conglomerate|company|fortune|empire)"),
    _t("amnesia", "Amnesia", r"amnesia", r"memory loss", r"loses? (?:his|her|their) memor(?:y|ies)", r"lost (?:his|her|their) memor(?:y|ies)"),
    _t("first-love", "First love", r"first love", r"first loves"),
    _t("second-chance-romance", "Second-chance romance",
       r"second[- ]chance (?:romance|at love|love)", r"reunit(?:e|es|ed) with (?:her|his) (?:ex|first love)",
       r"ex-?(?:boyfriend|girlfriend|lovers?|husband|wife)", r"rekindle"),
    _t("childhood-friends", "Childhood friends", r"childhood friends?", r"grew up together", r"friends since (?:childhood|they were kids|kindergarten)"),
    _t("noona-romance", "Noona romance", r"noona romance", r"older woman,? younger man", r"younger man"),
    _t("age-gap", "Age gap", r"age gap", r"age difference"),
    _t("marriage", "Marriage life", r"married life", r"newlyweds?", r"marriage life"),
    _t("divorce", "Divorce", r"divorce[ds]?", r"divorcing"),
    _t("affair", "Infidelity", r"affair", r"infidelity", r"cheating (?:husband|wife|spouse)", r"adultery", r"betray(?:ed|al) by (?:her|his) (?:husband|wife)"),
    _t("makjang", "Makjang", r"makjang", r"birth secret", r"evil mother-in-law"),
    _t("cinderella", "Cinderella story", r"cinderella", r"rags to riches", r"poor girl (?:meets|and) (?:a )?rich"),
    _t("supernatural", "Supernatural", r"supernatural", r"ghosts?", r"spirits?", r"curse[ds]?", r"reincarnat(?:ion|ed)", r"immortal"),
    _t("goblin-myth", "Mythical beings", r"goblin", r"dokkaebi", r"gumiho", r"nine[- ]tailed fox", r"grim reaper", r"angel", r"demon", r"deity"),
    _t("vampire", "Vampire", r"vampires?"),
    _t("zombie", "Zombie", r"zombies?", r"undead"),
    _t("superpowers", "Superpowers", r"super ?powers?", r"superhuman", r"telekines(?:is|tic)", r"mind[- ]reading", r"reads? minds", r"psychic", r"special abilit(?:y|ies)"),
    _t("fantasy-romance", "Fantasy romance", r"fantasy romance", r"romantic fantasy"),
    _t("murder-mystery", "Murder mystery", r"murder mystery", r"whodunn?it", r"murders?"),
    _t("serial-killer", "Serial killer", r"serial killers?", r"psychopath"),
    _t("detective", "Detective / investigation", r"detectives?", r"investigat(?:ion|or|ors|es|ing)", r"police", r"cops?", r"profiler"),
    _t("legal", "Legal drama", r"lawyers?", r"attorneys?", r"prosecutors?", r"courtroom", r"law firm", r"court case", r"legal battle"),
    _t("medical", "Medical drama", r"medical drama", r"doctors?", r"surgeons?", r"surgery", r"nurses?", r"emergency room"),
    _t("thriller", "Thriller", r"thriller", r"suspense", r"cat[- ]and[- ]mouse", r"conspiracy"),
    _t("political", "Political", r"politic(?:s|al|ian|ians)", r"election", r"national assembly", r"presidential"),
    _t("crime", "Crime", r"crime", r"gangsters?", r"mafia", r"criminal", r"heist", r"con artists?", r"fraud"),
    _t("survival", "Survival", r"survival", r"death game", r"deadly games?", r"battle royale"),
    _t("apocalypse", "Apocalypse", r"apocalyp(?:se|tic)", r"post-apocalyptic", r"end of the world", r"disaster", r"pandemic", r"outbreak"),
    _t("historical", "Historical (sageuk)", r"sageuk", r"historical", r"joseon", r"goryeo", r"silla", r"baekje", r"goguryeo", r"royal court", r"crown prince", r"palace intrigue", r"royal palace"),
    _t("military", "Military", r"military", r"soldiers?", r"army", r"conscription", r"deserter"),
    _t("high-school", "High school", r"high[- ]school", r"high schoolers?", r"classmates?", r"school bully", r"teen(?:s|agers?)?"),
    _t("campus", "College campus", r"college", r"universit(?:y|ies)", r"campus", r"freshm(?:a|e)n"),
    _t("bullying", "Bullying", r"bully(?:ing)?", r"bullied", r"school violence"),
    _t("coming-of-age", "Coming of age", r"coming[- ]of[- ]age", r"growing up", r"youth"),
    _t("family", "Family", r"family drama", r"siblings?", r"brothers? and sisters?", r"family ties"),
    _t("single-parent", "Single parent", r"single (?:mother|father|mom|dad|parent)", r"widow(?:er|ed)?"),
    _t("found-family", "Found family", r"found family", r"chosen family", r"unlikely family"),
    _t("healing", "Healing", r"healing", r"heal(?:s|ing)? (?:each other|wounds|trauma)", r"comfort show", r"warm[- ]hearted", r"slice[- ]of[- ]life"),
    _t("mental-health", "Mental health", r"mental (?:health|illness)", r"depression", r"anxiety", r"trauma", r"ptsd", r"psychiatr(?:ist|y|ic)", r"therap(?:y|ist)"),
    _t("small-town", "Small town / countryside", r"small town", r"seaside (?:town|village)", r"country ?side", r"rural", r"village", r"island"),
    _t("music", "Music / idols", r"songwriter", r"lyricist", r"singers?", r"idol (?:groups?|singers?|trainees?|stars?|bands?)", r"k-pop", r"composer", r"musicians?", r"music industry", r"trainee"),
    _t("photographer", "Photographer", r"photographers?", r"photography"),
    _t("entertainment-industry", "Entertainment industry", r"celebrit(?:y|ies)", r"top star", r"entertainment industry", r"film industry", r"film set", r"drama production", r"aspiring actress", r"rookie actor"),
    _t("webtoon", "Based on a webtoon", r"webtoons?", r"web ?comics?", r"manhwa", r"based on a web novel", r"web novel"),
    _t("cooking", "Food and cooking", r"cooking", r"chefs?", r"bakery", r"culinary"),
    _t("sports", "Sports", r"sports?", r"baseball", r"football", r"soccer", r"basketball", r"fencing", r"swimming", r"athletes?", r"badminton", r"boxing", r"wrestling"),
    _t("business", "Business / start-up", r"start-?ups?", r"business (?:world|rivals?|empire|deals?)", r"ceo", r"corporate", r"entrepreneurs?"),
    _t("dating-app", "Dating app / matchmaking", r"dating app", r"matchmak(?:ing|er)", r"blind date", r"arranged (?:date|meeting)", r"fix(?:ed)? up on a date"),
    _t("secret-identity", "Secret identity", r"secret identity", r"double life", r"hidden identity", r"disguise[ds]?", r"cross-?dressing", r"pretends? to be a (?:man|woman|boy|girl)", r"undercover"),
    _t("love-at-first-sight", "Love at first sight", r"love at first sight"),
    _t("rom-com", "Romantic comedy", r"rom-?com", r"romantic comedy"),
    _t("melodrama", "Melodrama", r"melodrama", r"tear-?jerker"),
    _t("terminal-illness", "Terminal illness", r"terminal(?:ly)? ill(?:ness)?", r"cancer", r"dying", r"months to live", r"incurable"),
    _t("short-series", "Short series", r"mini-?series", r"limited series", r"short (?:drama|series)", r"bite-?sized", r"web drama"),
    _t("anthology", "Anthology", r"anthology", r"omnibus"),
    _t("strong-female-lead", "Strong female lead", r"strong female lead", r"badass (?:heroine|female lead)", r"girl boss"),
    _t("hidden-past", "Hidden past", r"hidden past", r"dark past", r"secrets? from (?:the|her|his) past", r"past (?:that )?comes back"),
    _t("north-korea", "North Korea", r"north korea(?:n)?", r"dmz"),
    _t("wedding-planning", "Weddings", r"wedding planner", r"wedding"),
    _t("artist", "Art and writers", r"painter", r"novelist", r"poet", r"illustrator", r"webtoon artist"),
)

_BY_SLUG = {t.slug: t for t in TROPES}

# A tag from a catalog is matched against labels and these names once normalized.
_NEGATORS = re.compile(
    r"\b(?:not|no|never|without|isn't|isnt|wasn't|wasnt|aren't|arent|don't|dont|doesn't|doesnt|nor|zero|lacks?|free of)\b[^.;!?]{0,25}$",
    re.IGNORECASE,
)


def slugify(text: str) -> str:
    """Lower-case ASCII-ish slug: 'Friends To Lovers' -> 'friends-to-lovers'. Hangul is kept."""
    text = unicodedata.normalize("NFKC", str(text)).lower().replace("&", " and ")
    text = re.sub(r"[’'`]", "", text)
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return re.sub(r"-{2,}", "-", text)


# slugs that are everyday words in review text: "the music was loud" is not a music drama, "my
# family loved it" not a family drama. In free text they need one of their patterns; a catalog tag
# "Music" still maps onto the slug.
EVERYDAY_SLUGS = frozenset({"music", "family", "business", "artist"})


def _alternatives(trope: Trope, text: bool = False) -> list[str]:
    words = trope.slug.replace("-", r"[- ]?")
    label = re.escape(trope.label.lower()).replace(r"\ ", r"[- ]?")
    if text and trope.slug in EVERYDAY_SLUGS:
        return [*([label] if trope.label.lower() != trope.slug else []), *trope.patterns]
    return [words, label, *trope.patterns]


def _compile(trope: Trope) -> re.Pattern[str]:
    body = "|".join(f"(?:{a})" for a in _alternatives(trope))
    return re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])")


def _literal_prefix(pattern: str) -> str:
    """The plain letters every match of ``pattern`` starts with."""
    match = re.match(r"[a-z0-9]+", pattern)
    literal = match.group() if match else ""
    if literal and pattern[match.end(): match.end() + 1] in ("?", "*", "{"):
        literal = literal[:-1]  # the last letter is optional
    if not literal:
        raise ValueError(f"trope pattern {pattern!r} must start with a plain letter")
    return literal


def _anchored(trope: Trope) -> re.Pattern[str]:
    body = "|".join(f"(?:{a})" for a in _alternatives(trope, text=True))
    return re.compile(r"(?:" + body + r")(?![\w-])")


# Tagging looks at word starts only: a word whose first letters begin some pattern of a trope
# triggers one anchored match attempt. Scanning every regex over every review made tagging the
# slowest step of training.
_COMPILED = tuple((t.slug, _compile(t)) for t in TROPES)
_ANCHORED = {t.slug: _anchored(t) for t in TROPES}
_BY_PREFIX: dict[str, tuple[str, ...]] = {}
for _trope in TROPES:
    for _alt in _alternatives(_trope, text=True):
        _key = _literal_prefix(_alt)
        if _trope.slug not in _BY_PREFIX.get(_key, ()):
            _BY_PREFIX[_key] = (*_BY_PREFIX.get(_key, ()), _trope.slug)
_PREFIX_SIZES = tuple(sorted({len(key) for key in _BY_PREFIX}))  # only lengths some pattern starts with
_WORD = re.compile(r"[a-z0-9]+")


# Catalog tag strings that are pure synonyms of a vocabulary trope, beyond what the patterns catch.
_TAG_ALIASES = {
    "cohabitation": "co-habitation",
    "miniseries": "short-series",
    "slow-burn-romance": "slow-burn",
    "long-time-friends": "friends-to-lovers",
    "best-friends-relationship": "friends-to-lovers",
    "contract-marriage": "contract-relationship",
    "fake-relationship": "fake-dating",
    "smart-female-lead": "strong-female-lead",
}


def trope_label(slug: str) -> str:
    """The vocabulary's own label for a slug ("co-habitation" -> "Co-habitation"); other tags as they are."""
    trope = _BY_SLUG.get(slug)
    return trope.label if trope else slug


def trope_slugs() -> set[str]:
    """Every slug in the vocabulary."""
    return set(_BY_SLUG)


def normalize_tag(tag: str) -> str:
    """Map a catalog tag string onto a vocabulary slug, or keep it as its own normalized slug."""
    slug = slugify(tag)
    if not slug:
        return ""
    if slug in _BY_SLUG:
        return slug
    if slug in _TAG_ALIASES:
        return _TAG_ALIASES[slug]
    phrase = slug.replace("-", " ")
    for trope_slug, pattern in _COMPILED:
        match = pattern.fullmatch(phrase)
        if match:
            return trope_slug
    return slug


def trope_mentions(text: str) -> list[tuple[str, int, int, bool]]:
    """Every trope mention in ``text`` as (slug, start, end, negated), in reading order.

    ``negated`` is True when a negator comes just before in the same clause ("not a love triangle").
    """
    mentions: list[tuple[str, int, int, bool]] = []
    if not text:
        return mentions
    lower = text.lower()
    ends: dict[str, int] = {}
    for word in _WORD.finditer(lower):
        start, token = word.start(), word.group()
        if start and lower[start - 1] == "-":
            continue
        for size in _PREFIX_SIZES:
            if size > len(token):
                break
            for slug in _BY_PREFIX.get(token[:size], ()):
                if ends.get(slug, -1) > start:
                    continue  # inside an earlier match of the same trope
                match = _ANCHORED[slug].match(lower, start)
                if not match:
                    continue
                ends[slug] = match.end()
                negated = bool(_NEGATORS.search(lower[max(0, start - 30): start]))
                mentions.append((slug, start, match.end(), negated))
    return mentions


def implied_trope(tag: str) -> str:
    """The vocabulary trope a longer catalog tag names ("Adapted From A Webtoon" -> "webtoon",
    "Joseon Dynasty" -> "historical"), or ''. The tag itself is kept too: it says more."""
    phrase = slugify(tag).replace("-", " ")
    for trope_slug, pattern in _COMPILED:
        if pattern.search(phrase):
            return trope_slug
    return ""


def tag_text(text: str) -> dict[str, int]:
    """Tropes mentioned in free text, with how many (non-negated) mentions each has."""
    found: dict[str, int] = {}
    for slug, _start, _end, negated in trope_mentions(text):
        # "this is not a love triangle": a negator just before, in the same clause, cancels it
        if not negated:
            found[slug] = found.get(slug, 0) + 1
    return found


_NEGATED_SPAN = re.compile(
    r"\b(?:not|no|never|without|nothing like|none of|isn't|isnt|wasn't|wasnt|aren't|arent|don't|dont|doesn't|doesnt|nor|"
    r"free of|lacks?)\b((?:\s+(?!(?:but|and|or|with|yet)\b)[^\W\d_][\w'-]*){1,3})",
    re.IGNORECASE,
)


def strip_negated(text: str) -> tuple[str, list[str]]:
    """The text without what it negates ("friends to lovers, no love triangle" -> "friends to lovers,"),
    and the negated phrases: a wish's word matching must not reward what the fan ruled out."""
    removed: list[str] = []

    def drop(match: re.Match[str]) -> str:
        removed.append(match.group(1).strip())
        return " "

    return _NEGATED_SPAN.sub(drop, text or ""), removed


_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_NUM = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_EPISODES_RE = re.compile(
    _NUM + r"[- ](?:\d{1,3}[- ]?min(?:ute)?s?[- ](?:long[- ])?|hour[- ]long[- ]|short[- ])?(?:part|episodes?|eps?\b)", re.IGNORECASE
)
_HOUR_LONG_RE = re.compile(r"\b(?:an? )?hour[- ]long episodes?", re.IGNORECASE)
_MINUTES_RE = re.compile(_NUM + r"[- ]?(?:minutes?|mins?\b)(?:[- ]long)?(?= episodes?| eps?\b| each|-episode)", re.IGNORECASE)
_MINUTES_EACH_RE = re.compile(r"episodes? of (?:about |around |roughly )?" + _NUM + r"[- ]?(?:minutes?|mins?)", re.IGNORECASE)


def _number(token: str) -> int | None:
    token = token.lower()
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token)


def extract_runtime(text: str) -> tuple[int | None, int | None]:
    """(episodes, minutes per episode) stated in free text, or None where the text says nothing.

    "four-episode", "4 episodes", "only four 45-minute episodes", "episodes of about 45 minutes".
    The most frequent plausible statement wins, ties going to the first one.
    """

    def most_common(values: list[int]) -> int | None:
        if not values:
            return None
        return max(values, key=lambda v: (values.count(v), -values.index(v)))

    episodes = [n for m in _EPISODES_RE.finditer(text or "") if (n := _number(m.group(1))) and 1 <= n <= 200]
    minutes = [n for m in _MINUTES_RE.finditer(text or "") if (n := _number(m.group(1))) and 5 <= n <= 180]
    minutes += [n for m in _MINUTES_EACH_RE.finditer(text or "") if (n := _number(m.group(1))) and 5 <= n <= 180]
    minutes += [60 for _ in _HOUR_LONG_RE.finditer(text or "")]
    return most_common(episodes), most_common(minutes)
