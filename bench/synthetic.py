"""A realistic synthetic catalog of N shows, in the project's shows.csv / reviews.jsonl formats.

Deterministic by seed. What makes it realistic enough to time the engine on:
- review text of real length (150-400 words, about 2 reviews a show; the MDL median is 289 words)
  from a vocabulary whose word frequencies are Zipfian, with English stop words at the top;
- each show has a topic: a third of its words come from that topic's own Zipfian word list,
  so TF-IDF rows have the skewed overlap of real reviews rather than uniform noise;
- tags are trope slugs from ``recommender.tropes.TROPES`` drawn with a skewed (Zipf) popularity,
  and reviews sometimes name a trope or another show ("reminded me of ..."), so trope tagging and
  the review-mention block do real work;
- cast from a pool where a few actors are in many shows; runtime, networks and years as in K-dramas.

    python -m bench.synthetic 5000 --out /tmp/synthetic-5k
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from recommender.importers import write_reviews, write_shows
from recommender.tropes import TROPES

__all__ = ["SyntheticCatalog", "generate", "write_catalog"]

GENERATOR_VERSION = 2  # bump when the output changes: cached catalogs are keyed by it

NETWORKS = ("tvN", "JTBC", "KBS2", "MBC", "SBS", "Netflix", "OCN", "ENA", "Disney+", "TVING", "Coupang Play",
            "Channel A", "MBN", "KakaoTV", "Wavve", "Viki", "Naver TV Cast", "iQIYI")
GENRES = ("Romance", "Comedy", "Drama", "Thriller", "Mystery", "Crime", "Fantasy", "Historical", "Youth", "Family",
          "Action", "Medical", "Law", "Melodrama", "Life", "Horror", "Sci-Fi", "Sports", "Business", "Food")
SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin",
            "Kwon", "Hwang", "Ahn", "Song", "Jeon", "Hong")
SYLLABLES = ("ji", "min", "seo", "yeon", "hyun", "woo", "jin", "soo", "hee", "young", "jae", "eun", "ho", "sung",
             "ha", "na", "bin", "joon", "kyung", "mi", "tae", "hye", "won", "dong", "ra", "gyu", "sol", "chan", "bo", "da")
DRAMA_WORDS = ("drama", "episode", "story", "chemistry", "ending", "actor", "actress", "character", "plot", "scene",
               "romance", "lead", "couple", "cast", "writer", "director", "ost", "love", "family", "friends",
               "acting", "watch", "series", "season", "villain", "twist", "heart", "tears", "laugh", "finale")
# (episodes, minutes per episode) with their rough share of a K-drama catalog; about half fit a weekend (<= 720 min)
RUNTIMES = (((16, 60), 0.25), ((12, 60), 0.12), ((16, 70), 0.10), ((8, 30), 0.08), ((10, 45), 0.08),
            ((20, 60), 0.07), ((6, 50), 0.06), ((12, 40), 0.06), ((24, 35), 0.05), ((50, 40), 0.04),
            ((4, 60), 0.04), ((100, 35), 0.03), ((10, 15), 0.02))


@dataclass
class SyntheticCatalog:
    shows: list[dict]
    reviews: list[dict]


def _zipf(n: int, exponent: float = 1.07) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1) ** exponent
    return p / p.sum()


class _Sampler:
    """Draws from a fixed distribution by binary search on its CDF (``rng.choice(p=...)`` rebuilds it per call)."""

    def __init__(self, p: np.ndarray, rng: np.random.Generator):
        self.cdf = np.cumsum(p)
        self.cdf[-1] = 1.0
        self.rng = rng

    def __call__(self, n: int) -> np.ndarray:
        return np.searchsorted(self.cdf, self.rng.random(n), side="right")


def _vocabulary(rng: np.random.Generator, size: int) -> np.ndarray:
    """Stop words and drama words first (the most frequent), then made-up words of 1-4 syllables."""
    head = sorted(ENGLISH_STOP_WORDS)
    rng.shuffle(head)
    letters = np.array(list("abcdefghijklmnoprstuvwy"))
    made: set[str] = set()
    while len(made) < size:
        draws = letters[rng.integers(0, len(letters), (size, 10))]
        lengths = rng.integers(4, 11, size)
        made.update("".join(row[:k]) for row, k in zip(draws, lengths, strict=True))
    made -= set(head) | set(DRAMA_WORDS)
    words = head[:40] + list(DRAMA_WORDS) + head[40:] + sorted(made)
    return np.array(words[:size], dtype=object)


def _sentences(words: np.ndarray, rng: np.random.Generator) -> str:
    """Words -> sentences of 8-20 words, each capitalized and ended with a full stop."""
    out, i = [], 0
    while i < len(words):
        n = int(rng.integers(8, 21))
        chunk = words[i:i + n]
        out.append(" ".join(chunk).capitalize() + ".")
        i += n
    return " ".join(out)


def generate(n_shows: int, seed: int = 0, reviews_per_show: float = 1.9, vocabulary: int = 40_000,
             n_topics: int | None = None) -> SyntheticCatalog:
    """N shows with about ``reviews_per_show`` reviews each (MDL: 9,021 reviews for 4,789 titles)."""
    rng = np.random.default_rng(seed)
    vocab = _vocabulary(rng, vocabulary)
    draw_word = _Sampler(_zipf(len(vocab)), rng)
    n_topics = n_topics or max(20, n_shows // 50)
    topic_size = 120
    # topic words come from the middle of the vocabulary: not stop words, not hapaxes
    topics = rng.integers(400, min(len(vocab), 25_000), size=(n_topics, topic_size))
    draw_topic_word = _Sampler(_zipf(topic_size, 0.9), rng)
    show_topic = rng.choice(n_topics, n_shows, p=_zipf(n_topics, 0.6))
    trope_slugs = [t.slug for t in TROPES]
    trope_labels = [t.label.lower() for t in TROPES]
    draw_trope = _Sampler(_zipf(len(TROPES), 1.1), rng)
    trope_order = rng.permutation(len(TROPES))  # which tropes are popular depends on the seed
    cast_pool = [f"{rng.choice(SURNAMES)} {rng.choice(SYLLABLES).capitalize()} {rng.choice(SYLLABLES).capitalize()}"
                 for _ in range(max(50, n_shows // 2))]
    draw_cast = _Sampler(_zipf(len(cast_pool), 0.8), rng)
    draw_genre = _Sampler(_zipf(len(GENRES), 0.8), rng)
    runtime_options = [r for r, _ in RUNTIMES]
    runtime_p = np.array([p for _, p in RUNTIMES])
    draw_runtime = _Sampler(runtime_p / runtime_p.sum(), rng)

    titles = []
    seen: set[str] = set()
    for i in range(n_shows):
        words = vocab[topics[show_topic[i], draw_topic_word(int(rng.integers(1, 4)))]]
        title = " ".join(w.capitalize() for w in words)
        if title in seen:
            title = f"{title} {i}"
        seen.add(title)
        titles.append(title)
    by_topic: dict[int, list[int]] = {}
    for i, t in enumerate(show_topic):
        by_topic.setdefault(int(t), []).append(i)

    def text(i: int, n_words: int, topical: float, tags: list[int]) -> str:
        n_topic = int(n_words * topical)
        words = np.concatenate([
            vocab[draw_word(n_words - n_topic)],
            vocab[topics[show_topic[i], draw_topic_word(n_topic)]],
        ])
        rng.shuffle(words)
        body = _sentences(words, rng)
        extra = [f"A {trope_labels[t]} story." for t in tags if rng.random() < 0.4]
        if rng.random() < 0.15:
            other = rng.choice(by_topic[int(show_topic[i])])
            extra.append(f"It reminded me of {titles[other]}.")
        return " ".join([body, *extra])

    shows, reviews = [], []
    for i in range(n_shows):
        episodes, minutes = runtime_options[draw_runtime(1)[0]]
        n_tags = int(rng.integers(3, 12))
        tags = list(dict.fromkeys(int(trope_order[t]) for t in draw_trope(n_tags)))
        n_genres = int(rng.integers(2, 5))
        genres = list(dict.fromkeys(GENRES[g] for g in draw_genre(n_genres)))
        cast = list(dict.fromkeys(cast_pool[c] for c in draw_cast(4)))
        show_id = f"syn-{i:06d}"
        shows.append({
            "show_id": show_id, "title": titles[i], "year": int(rng.integers(2003, 2025)),
            "episodes": episodes, "episode_minutes": minutes, "network": NETWORKS[int(rng.integers(len(NETWORKS)))],
            "genres": genres, "tags": [trope_slugs[t] for t in tags], "cast": cast, "aliases": [],
            "native_title": "", "synopsis": text(i, int(rng.integers(50, 130)), 0.5, tags[:2]),
            "popularity": int(rng.lognormal(8, 1.5)),
        })
        for r in range(rng.poisson(reviews_per_show)):
            reviews.append({
                "review_id": f"{show_id}-r{r}", "show_id": show_id,
                "text": text(i, int(rng.integers(150, 401)), 0.3, tags),
                "author": f"user{int(rng.integers(100_000))}", "date": "2024-01-01",
                "rating": round(float(np.clip(rng.normal(7.8, 1.3), 1, 10)), 1), "source": "synthetic",
            })
    return SyntheticCatalog(shows=shows, reviews=reviews)


def write_catalog(n_shows: int, out: Path, seed: int = 0) -> tuple[Path, Path]:
    """Generate and write ``out/shows.csv`` and ``out/reviews.jsonl``; reuse them if already written."""
    out = Path(out)
    shows_path, reviews_path, stamp = out / "shows.csv", out / "reviews.jsonl", out / "DONE"
    key = f"generator={GENERATOR_VERSION} n={n_shows} seed={seed}"
    if stamp.exists() and stamp.read_text() == key:
        return shows_path, reviews_path
    catalog = generate(n_shows, seed)
    write_shows(catalog.shows, shows_path)
    write_reviews(catalog.reviews, reviews_path)
    stamp.write_text(key)
    return shows_path, reviews_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of shows")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    shows, reviews = write_catalog(args.n, args.out, args.seed)
    print(f"wrote {shows} and {reviews}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
