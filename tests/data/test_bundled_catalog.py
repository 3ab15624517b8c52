"""The bundled catalog in data/: counts, schema, facts checked against real data, originality."""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from functools import lru_cache

import numpy as np

from recommender.catalog import load_reviews, load_shows, person_key
from recommender.titles import Catalog, franchise_key, normalize_title
from recommender.tropes import trope_slugs
from tests.conftest import ROOT, need_shared

SHOWS = ROOT / "data" / "shows.csv"
REVIEWS = ROOT / "data" / "reviews.jsonl"
REQUIRED = ["Soundtrack #1", "Soundtrack #2", "Snowdrop", "Rookie Cops", "Grid", "Crazy Love",
            # fans looked for these and did not find them in the first catalog
            "Chicken Nugget", "Strong Girl Namsoon", "Tale of the Nine-Tailed", "Under the Queen's Umbrella",
            "The Interest of Love", "Military Prosecutor Doberman", "Song of the Bandits", "Connection", "Dear Hyeri",
            "When the Stars Gossip", "Kingdom: Ashin of the North"]
# the names fans type: each must find its show
FAN_NAMES = {"Goblin": "Guardian: The Lonely and Great God", "CLOY": "Crash Landing on You",
             "Strong Girl Bong-soon": "Strong Woman Do Bong Soon", "Strong Girl Nam-soon": "Strong Girl Namsoon",
             "SKY Castle": "SKY Castle", "WWW": "Search: WWW", "Chicken Nugget": "Chicken Nugget"}


@lru_cache(maxsize=1)
def bundled():
    shows, report = load_shows(SHOWS, strict=True)
    reviews, review_report = load_reviews(REVIEWS, Catalog(shows), strict=True)
    return shows, reviews


def test_counts():
    shows, reviews = bundled()
    assert len(shows) >= 700
    assert sum(s.episodes <= 12 for s in shows) >= 300
    years = [s.year for s in shows]
    assert min(years) <= 2005 and max(years) >= 2025
    assert len({s.network for s in shows}) >= 25
    titles = {s.title for s in shows}
    assert not [t for t in REQUIRED if t not in titles]
    per_show = Counter(r.show_id for r in reviews)
    assert len(reviews) >= 1400
    assert all(per_show[s.show_id] >= 2 for s in shows)


def test_crew_country_network_and_hangul_for_every_show():
    shows, _ = bundled()
    assert sum(bool(s.directors) for s in shows) >= 0.95 * len(shows)
    assert sum(bool(s.writers) for s in shows) >= 0.95 * len(shows)
    assert all(s.country == "South Korea" for s in shows)
    assert all(s.network for s in shows), [s.title for s in shows if not s.network]
    assert all(s.native_title and re.search(r"[가-힣]", s.native_title) for s in shows), \
        [s.title for s in shows if not re.search(r"[가-힣]", s.native_title)]


def test_fan_names_and_aliases_resolve_to_their_own_show():
    shows, _ = bundled()
    catalog = Catalog(shows)
    for name, title in FAN_NAMES.items():
        assert catalog.resolve(name).title == title, name
    for show in shows:
        for alias in show.aliases:
            found = catalog.resolve(alias)
            same = found.show_id == show.show_id or franchise_key(found.title) == franchise_key(show.title)
            assert same, (alias, show.title, found.title)


def test_no_alias_is_shared_across_franchises():
    shows, _ = bundled()
    owners: dict[str, set[str]] = {}
    for show in shows:
        for name in (show.title, *show.aliases):
            owners.setdefault(normalize_title(name), set()).add(franchise_key(show.title))
    shared = {name: keys for name, keys in owners.items() if len(keys) > 1}
    # same-title remakes (two shows called "Love Rain" years apart) are not aliases: only alias clashes count
    titles = Counter(normalize_title(s.title) for s in shows)
    assert not {n: k for n, k in shared.items() if titles[n] < 2}, shared


def test_soundtrack_tropes_are_well_represented():
    shows, _ = bundled()
    wanted = {"friends-to-lovers", "co-habitation", "unrequited-love", "slow-burn"}
    sharing = [s for s in shows if wanted & set(s.tags)]
    assert len(sharing) >= 60
    assert sum(s.episodes <= 12 for s in sharing) >= 20 and sum(s.episodes > 12 for s in sharing) >= 20


def test_schema_and_consistency():
    shows, reviews = bundled()
    ids = [s.show_id for s in shows]
    assert len(ids) == len(set(ids))
    vocabulary = trope_slugs()
    unknown = sorted({t for s in shows for t in s.tags if t not in vocabulary})
    assert not unknown, f"tags outside the trope vocabulary: {unknown}"
    for show in shows:
        assert show.year and show.episodes and show.episode_minutes and show.cast and show.genres, show.show_id
        sentences = len(re.findall(r"[.!?](?:\s|$)", show.synopsis))
        assert 1 <= sentences <= 3, (show.show_id, show.synopsis)
    # a few web dramas stream on platforms no catalog records; the rest must name theirs
    assert sum(not s.network for s in shows) <= 0.05 * len(shows)
    review_ids = [r.review_id for r in reviews]
    assert len(review_ids) == len(set(review_ids))
    for review in reviews:
        words = len(review.text.split())
        assert 60 <= words <= 250, (review.review_id, words)
        assert review.author and review.date and review.rating is not None


# ---- facts against real data -------------------------------------------------------------------
def _reference_rows():
    """(dataset, normalized title, aliases, year, episodes, director keys) from the three real catalogs."""
    rows = []
    csv.field_size_limit(10**8)
    with open(need_shared("mdl_html_seoulmate", "titles.csv"), encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["country"] == "South Korea":
                aliases = {normalize_title(a) for a in r["also_known_as"].split(" | ") if a.strip()}
                directors = {person_key(d) for d in r["director"].split(",") if d.strip()}
                rows.append(("mdl", normalize_title(r["title"]), aliases, _int(r["year"]), _int(r["episodes"]), directors))
    with open(need_shared("johndkim_mdl_2022", "kdrama_data.csv"), encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            rows.append(("johndkim", normalize_title(r["title"]), set(), _int(r["aired"][:4]), _int(r["ep"]), set()))
    with open(need_shared("kaggle_kdrama_2015_2023", "korean_drama.csv"), encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            rows.append(("kaggle", normalize_title(r["drama_name"]), set(), _int(r["year"]), _int(r["tot_eps"]), set()))
    return rows


def _int(value):
    match = re.search(r"\d+", value or "")
    return int(match.group()) if match else None


def test_facts_agree_with_real_data():
    shows, _ = bundled()
    reference = _reference_rows()
    by_title: dict[str, list] = {}
    for row in reference:
        for name in {row[1], *row[2]}:
            by_title.setdefault(name, []).append(row)
    matched = 0
    episode_checks = year_checks = director_checks = 0
    episode_bad, year_bad, director_bad = [], [], []
    for show in shows:
        names = {normalize_title(show.title), *(normalize_title(a) for a in show.aliases)}
        candidates = [row for name in names for row in by_title.get(name, [])]
        if not candidates:
            continue
        matched += 1
        for dataset in ("mdl", "johndkim", "kaggle"):
            rows = [r for r in candidates if r[0] == dataset and r[3]]
            if not rows:
                continue
            best = min(rows, key=lambda r: abs(r[3] - show.year))  # remakes share titles: take the nearest year
            year_checks += 1
            if best[3] != show.year:
                year_bad.append(f"{show.title}: year {show.year} vs {dataset} {best[3]}")
            if best[4]:
                episode_checks += 1
                if best[4] != show.episodes:
                    episode_bad.append(f"{show.title}: {show.episodes} episodes vs {dataset} {best[4]}")
            if best[5] and show.directors and dataset == "mdl":
                director_checks += 1
                if not {person_key(d) for d in show.directors} & best[5]:
                    director_bad.append(f"{show.title}: directors {show.directors} vs {dataset} {sorted(best[5])}")
    for line in episode_bad + year_bad + director_bad:
        print("mismatch:", line)
    print(f"matched {matched}/{len(shows)}; episode checks {episode_checks}, year checks {year_checks}")
    assert matched >= 0.8 * len(shows)
    assert 1 - len(episode_bad) / episode_checks >= 0.97
    assert 1 - len(year_bad) / year_checks >= 0.98
    print(f"director checks {director_checks}, agreeing {director_checks - len(director_bad)}")
    assert director_checks >= 0.5 * len(shows)
    assert 1 - len(director_bad) / director_checks >= 0.90


# ---- originality -----------------------------------------------------------------------------
_WORDS = re.compile(r"[a-z0-9']+")


def _shingles(text: str, n: int = 10) -> np.ndarray:
    words = _WORDS.findall(text.lower().replace("’", "'"))
    # 64-bit hashes: with millions of reference shingles a 32-bit hash collides by chance
    digests = (hashlib.blake2b(" ".join(words[i: i + n]).encode(), digest_size=8).digest() for i in range(len(words) - n + 1))
    return np.array([int.from_bytes(d, "little") for d in digests], dtype=np.uint64)


def _shared_texts():
    csv.field_size_limit(10**8)
    mdl = need_shared("mdl_html_seoulmate")
    with open(mdl / "titles.csv", encoding="utf-8") as handle:
        yield from (r["synopsis"] for r in csv.DictReader(handle))
    with open(mdl / "reviews.csv", encoding="utf-8") as handle:
        yield from (r["review_text"] for r in csv.DictReader(handle))
    with open(need_shared("johndkim_mdl_2022", "kdrama_data.csv"), encoding="utf-8") as handle:
        yield from (r["description"] for r in csv.DictReader(handle))
    with open(need_shared("kaggle_kdrama_2015_2023", "korean_drama.csv"), encoding="utf-8") as handle:
        yield from (r["synopsis"] for r in csv.DictReader(handle))


def test_no_text_shares_ten_words_with_shared_data():
    reference = np.unique(np.concatenate([_shingles(t) for t in _shared_texts() if t]))
    shows, _ = bundled()
    ours = [(s.show_id, "synopsis", s.synopsis) for s in shows]
    ours += [(r.review_id, "review", r.text) for r in bundled()[1]]
    copied = []
    for key, kind, text in ours:
        hashes = _shingles(text)
        where = np.searchsorted(reference, hashes).clip(max=len(reference) - 1)
        if len(hashes) and (reference[where] == hashes).any():
            copied.append(f"{kind} {key}")
    assert not copied, f"10-word runs shared with ../shared/data: {copied}"


def test_no_two_bundled_reviews_share_ten_words():
    # no templates: every review is written on its own
    _, reviews = bundled()
    seen: dict[int, str] = {}
    shared = []
    for review in reviews:
        for digest in set(_shingles(review.text).tolist()):
            other = seen.setdefault(digest, review.review_id)
            if other != review.review_id:
                shared.append((other, review.review_id))
    assert not shared, shared[:10]


def test_soundtrack_weekend_answer_a_fan_would_nod_at(tmp_path):
    from recommender.model import Recommender

    shows, reviews = bundled()
    model = Recommender().fit(shows, reviews)
    results = model.similar("Soundtrack #1", k=10, weekend=True)
    assert len(results) == 10
    assert all(r.total_minutes <= 720 for r in results)
    wanted = {"friends-to-lovers", "co-habitation", "unrequited-love"}
    sharing = [r.title for r in results if wanted & set(model.tags_of(r.show_id))]
    assert len(sharing) >= 6, sharing
