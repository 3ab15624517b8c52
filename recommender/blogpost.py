"""A review as bloggers post it: markup and page chrome removed, and the show's facts read from it.

``clean_html`` strips markup with the standard library's ``html.parser`` (scripts, styles, nav,
footers and share/comment widgets dropped); ``clean_text`` drops the boilerplate lines blog
platforms add ("top of page", "Comments", "Writer's picture..."). ``read_facts`` then reads what
the text says about the show it reviews: its title, year, runtime, platform, cast, genres and
tropes. Everything is pattern-based and general; nothing here knows any particular show.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .titles import normalize_title
from .tropes import extract_runtime, tag_text

__all__ = ["KNOWN_NETWORKS", "Post", "ShowFacts", "clean_html", "clean_text", "looks_like_html", "read_facts", "read_post"]

# Broadcasters and streaming platforms, spelled the way the catalog spells them. Longer names first
# when one contains another ("KBS2" before "KBS") is handled by the matcher, not by this order.
KNOWN_NETWORKS = (
    "Netflix", "Disney+", "Apple TV+", "Amazon Prime Video", "Prime Video", "Hulu", "Viki", "Viu", "iQiyi", "WeTV",
    "Kocowa", "TVING", "Wavve", "Watcha", "Coupang Play", "Kakao TV", "Naver TV Cast", "tvN", "JTBC", "SBS", "KBS1",
    "KBS2", "KBS", "MBC", "OCN", "ENA", "MBN", "Mnet", "Channel A", "TV Chosun", "Genie TV", "OnStyle",
)
MIN_TAG_MENTIONS = 2  # a trope named once in passing is not what the show is about

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "nav", "footer", "aside", "form", "button", "iframe",
              "select", "head"}
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
               "header", "main", "blockquote", "figure", "figcaption", "table", "hr", "pre", "title", "dd", "dt"}
# class/id/role words that mark page chrome rather than the post
_CHROME_WORDS = {"nav", "navbar", "navigation", "menu", "sidebar", "share", "sharing", "social", "comments",
                 "comment", "footer", "breadcrumb", "breadcrumbs", "cookie", "banner", "related", "subscribe"}

_BOILERPLATE = re.compile(
    r"^(?:top of page|bottom of page|back to top|skip to (?:main )?content|comments?(?: \(\d+\))?|\d+ comments?"
    r"|leave a (?:comment|reply)|post not marked as liked|\d+ (?:views?|likes?)|\d+ min(?:ute)? read|share(?: this(?: post)?)?"
    r"|(?:facebook|twitter|pinterest|linkedin|whatsapp|email|copy link|x)|recent posts|related posts|see all"
    r"|log ?in(?: ?/ ?sign ?up)?|sign ?up|subscribe.*|read more|menu|search|writer'?s? picture.*|tags?:?|categories:?)$",
    re.IGNORECASE,
)
_WRITER = re.compile(r"^(?:writer'?s? picture\s*|by\s+|posted by\s+|written by\s+)(?P<name>[\w .'-]{2,60})$", re.IGNORECASE)


# ---- cleaning -----------------------------------------------------------------------------------
class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.title: list[str] = []
        self.headline: list[str] = []
        self.author = ""
        self._in_title = self._in_h1 = False

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or "").lower() == "author" and values.get("content"):
            self.author = str(values["content"]).strip()
        if tag == "title":
            self._in_title = True
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in _VOID_TAGS:
            return
        marks = " ".join(str(values.get(k) or "") for k in ("class", "id", "role")).lower()
        chrome = bool(_CHROME_WORDS & set(re.split(r"[^a-z]+", marks)))
        self.stack.append((tag, self.skipping or tag in _SKIP_TAGS or chrome))
        if tag == "h1" and not self.skipping and not self.headline:
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "h1":
            self._in_h1 = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        # close the matching element; unclosed children (sloppy HTML) close with it
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
            return
        if self.skipping:
            return
        if self._in_h1:
            self.headline.append(data)
        self.parts.append(data)


@dataclass
class Post:
    """A cleaned blog post: its text, headline (first line or <h1>), and writer when the page names one."""

    text: str
    headline: str = ""
    author: str = ""


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(?:p|div|body|article|h1|br)\b", head))


def clean_html(markup: str) -> Post:
    """Visible text of the post, one block per line, without scripts, styles or page chrome."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    post = clean_text("".join(parser.parts))
    headline = " ".join("".join(parser.headline).split()) or " ".join("".join(parser.title).split()) or post.headline
    return Post(text=post.text, headline=headline, author=parser.author or post.author)


def clean_text(text: str) -> Post:
    """Drop boilerplate lines and collapse spacing; the writer's name is kept aside when a line gives it."""
    lines, author = [], ""
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.replace("\u00a0", " ").split())
        if not line:
            if lines and lines[-1]:
                lines.append("")
            continue
        writer = _WRITER.match(line)
        if writer and not author and len(line.split()) <= 8:
            author = writer.group("name").strip()
            continue
        if _BOILERPLATE.match(line):
            continue
        lines.append(line)
    body = "\n".join(lines).strip()
    headline = next((line for line in body.split("\n") if line), "")
    return Post(text=body, headline=headline, author=author)


def read_post(content: str, html: bool | None = None) -> Post:
    """Clean ``content`` as HTML or as plain text (guessed when ``html`` is None)."""
    return clean_html(content) if (looks_like_html(content) if html is None else html) else clean_text(content)


# ---- facts ----------------------------------------------------------------------------------------
@dataclass
class ShowFacts:
    title: str
    year: int | None = None
    episodes: int | None = None
    episode_minutes: int | None = None
    network: str = ""
    cast: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    synopsis: str = ""
    evidence: dict[str, str] = field(default_factory=dict)  # which sentence each fact came from


_YEAR = r"\((?P<year>(?:19|20)\d\d)\)"
_Q_OPEN, _Q_CLOSE = "\"“'‘", "\"”'’"
# "the Disney+ four-episode romantic series Soundtrack #1 (2022)"; 'the drama "X" (2021)'
_INTRO = re.compile(
    r"\b(?:series|drama|k-?drama|show|mini-?series|film|movie|web ?drama|web ?series|sitcom)\s+"
    rf"[{_Q_OPEN}]?(?P<title>[A-Z0-9#][^\n(){_Q_OPEN}{_Q_CLOSE}]{{0,80}}?)[{_Q_CLOSE}]?\s*{_YEAR}"
)
_CONNECTORS = r"(?:of|the|a|an|and|in|at|to|for|on|with|is|are|my|your|our|from|by|me|you|who|what|when|no|not|or|&|-)"
_CAP_WORD = r"(?:[A-Z0-9#][\w'’:#&!?.,+-]*)"
_TITLE_YEAR = re.compile(rf"(?P<title>{_CAP_WORD}(?: (?:{_CAP_WORD}|{_CONNECTORS}))*)\s+{_YEAR}")
_QUOTED = re.compile(rf"[{_Q_OPEN}](?P<title>[^\n{_Q_OPEN}{_Q_CLOSE}]{{1,80}}?)[{_Q_CLOSE}]")
_TITLE_LIKE = re.compile(rf"^{_CAP_WORD}(?: (?:{_CAP_WORD}|{_CONNECTORS}))*$")

_NAME = r"[A-Z][a-z]{1,8}(?: [A-Z][a-z]*(?:-[A-Za-z][a-z]+)?){1,2}"
_STARS = re.compile(
    rf"\b(?:stars|starring|starred|co-stars|features|featuring|led by|headlined by)\s+"
    rf"(?P<names>{_NAME}(?:\s*,\s*{_NAME})*(?:,?\s+and\s+{_NAME})?)"
)
_PAREN_ACTOR = re.compile(rf"\((?P<cameo>cameo by\s+)?(?P<name>{_NAME})\s*[,)]")
_PLOT_HEADING = re.compile(r"^(?:the )?(?:plot|synopsis|story|premise|summary)\s*:?$", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")

_GENRE_WORDS = (
    ("Romance", r"romantic|romance|rom-?com|love story"), ("Comedy", r"comedy|comedic|rom-?com|sitcom"),
    ("Thriller", r"thriller"), ("Horror", r"horror"), ("Fantasy", r"fantasy"), ("Mystery", r"mystery"),
    ("Crime", r"crime"), ("Melodrama", r"melodrama"), ("Historical", r"historical|sageuk|period"),
    ("Action", r"action"), ("Family", r"family"), ("Medical", r"medical"), ("Legal", r"legal|courtroom"),
    ("Music", r"musical|music"), ("Youth", r"coming-of-age|youth|teen"), ("Sci-Fi", r"sci-?fi|science fiction"),
)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def count_mentions(name: str, text: str, normalized: str | None = None) -> int:
    """How often ``name`` occurs in ``text`` as whole words (case/punctuation ignored; one-word names
    must match case too, so the show "Moving" is not every "moving")."""
    key = normalize_title(name)
    if not key:
        return 0
    if " " not in key:
        return len(re.findall(rf"(?<![\w-]){re.escape(name.strip())}(?![\w-])", text))
    normalized = normalized if normalized is not None else f" {normalize_title(text)} "
    return normalized.count(f" {key} ")


def title_candidates(text: str, headline: str = "") -> dict[str, tuple[str, float]]:
    """Titles the post seems to be about: normalized key -> (spelling, score), best evidence first.

    Score = mentions in the text, +3 when the headline names it, +3 when an introduction
    ("the series X (2022)") names it.
    """
    spellings: dict[str, Counter] = {}
    bonus: Counter = Counter()
    for match in _INTRO.finditer(text):
        title = _trim(match.group("title"))
        if title:
            spellings.setdefault(normalize_title(title), Counter())[title] += 3
            bonus[normalize_title(title)] += 3
    for pattern in (_TITLE_YEAR, _QUOTED):
        for match in pattern.finditer(text):
            title = _trim(match.group("title"))
            if title and _TITLE_LIKE.match(title) and len(title) <= 80:
                spellings.setdefault(normalize_title(title), Counter())[title] += 1
    normalized, head = f" {normalize_title(text)} ", f" {normalize_title(headline)} "
    scored = {}
    for key, names in spellings.items():
        if not key:
            continue
        spelling = names.most_common(1)[0][0]
        score = count_mentions(spelling, text, normalized) + bonus[key] + (3 if f" {key} " in head else 0)
        scored[key] = (spelling, float(score))
    return dict(sorted(scored.items(), key=lambda item: -item[1][1]))


def _trim(title: str) -> str:
    title = title.strip().strip(_Q_OPEN + _Q_CLOSE).strip()
    return title.rstrip(",;:").strip()


def find_network(text: str, networks: Iterable[str] = KNOWN_NETWORKS, prefer: str = "") -> str:
    """The platform named in ``prefer`` (the introducing sentence) if any, else the one named most."""
    names = sorted({n.strip() for n in networks if n and n.strip()}, key=len, reverse=True)
    if not names:
        return ""
    pattern = re.compile(r"(?<![\w+])(" + "|".join(re.escape(n) for n in names) + r")(?![\w+])", re.IGNORECASE)
    canonical = {n.casefold(): n for n in reversed(names)}
    for where in (prefer, text):
        found = [canonical[m.group(1).casefold()] for m in pattern.finditer(where or "")]
        if found:
            counts = Counter(found)
            return max(found, key=lambda n: (counts[n], -found.index(n)))
    return ""


def catalog_name(name: str) -> str:
    """A person's name the catalog's way: 'Han So-hee' -> 'Han So Hee', 'PARK hyung-sik' -> 'Park Hyung Sik'."""
    return " ".join(part[:1].upper() + part[1:].lower() for part in re.split(r"[\s\-‐‑]+", name.strip()) if part)


def find_cast(text: str, prefer: str = "") -> tuple[str, ...]:
    """Actors from "stars A and B" / "starring A, B and C", else "(Actor, earlier show)" asides."""
    for where in (prefer, text):
        match = _STARS.search(where or "")
        if match:
            names = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", match.group("names"))
            return tuple(catalog_name(n) for n in names if n.strip())
    asides = [catalog_name(m.group("name")) for m in _PAREN_ACTOR.finditer(text) if not m.group("cameo")]
    return tuple(dict.fromkeys(asides))[:2]


_ASIDE = re.compile(r"\s*\([^()]{0,120}\)|\s*[—–]\s*[^—–.]{0,60}[—–]\s*")
MAX_SYNOPSIS_SENTENCES = 3


def _about_the_show(paragraph: str) -> str:
    """The plot paragraph without the blog's asides: "(Park Hyung-sik, Happiness)", "—no, 19 to be exact—"."""
    text = _ASIDE.sub(" ", paragraph)
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()
    return " ".join(_sentences(text)[:MAX_SYNOPSIS_SENTENCES]) or text


def find_synopsis(text: str, fallback: str = "", limit: int = 800) -> str:
    """The paragraph under a "Plot"/"Synopsis" heading, else ``fallback``."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _PLOT_HEADING.match(line):
            body = []
            for following in lines[i + 1:]:
                if body and not following:
                    break
                if following:
                    body.append(following)
            if body:
                return _about_the_show(" ".join(body))[:limit].strip()
    return _about_the_show(fallback)[:limit].strip()


def read_facts(text: str, headline: str = "", title: str | None = None,
               networks: Iterable[str] = KNOWN_NETWORKS) -> ShowFacts | None:
    """What the post says about the show it reviews; None when it names no title (pass ``title``)."""
    if not title:
        candidates = title_candidates(text, headline)
        if not candidates:
            return None
        title = next(iter(candidates.values()))[0]
    key = normalize_title(title)
    intro, year = "", None
    for match in _INTRO.finditer(text):
        if normalize_title(_trim(match.group("title"))) == key:
            intro, year = _sentence_at(text, match.start()), int(match.group("year"))
            break
    if year is None:
        for match in _TITLE_YEAR.finditer(text):
            if normalize_title(match.group("title")).endswith(key):
                year = int(match.group("year"))
                intro = intro or _sentence_at(text, match.start())
                break
    if not intro:
        intro = next((s for s in _sentences(text) if f" {key} " in f" {normalize_title(s)} "), "")
    episodes, minutes = extract_runtime(intro)
    all_episodes, all_minutes = extract_runtime(text)
    counts = tag_text(text)
    tags = tuple(slug for slug, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n >= MIN_TAG_MENTIONS)
    genres = tuple(name for name, words in _GENRE_WORDS if re.search(rf"\b(?:{words})\b", intro, re.IGNORECASE))
    follow = _sentences(text[text.find(intro) + len(intro):])[:1] if intro and intro in text else []
    return ShowFacts(
        title=title, year=year, episodes=episodes or all_episodes, episode_minutes=minutes or all_minutes,
        network=find_network(text, networks, prefer=intro), cast=find_cast(text, prefer=intro), genres=genres,
        tags=tags, synopsis=find_synopsis(text, fallback=" ".join([intro, *follow])), evidence={"intro": intro},
    )


def _sentence_at(text: str, position: int) -> str:
    start = max(text.rfind(".", 0, position), text.rfind("\n", 0, position), text.rfind("?", 0, position),
                text.rfind("!", 0, position)) + 1
    ends = [i for i in (text.find(". ", position), text.find("\n", position), text.find("? ", position)) if i >= 0]
    end = min(ends) + 1 if ends else len(text)
    return text[start:end].strip()
