"""How often a trope found in a show's review text is also one of the show's catalog tags.

    python -m bench.trope_precision --shows /tmp/mdl/shows.csv --reviews /tmp/mdl/reviews.jsonl

A text trope becomes a show tag once it is mentioned ``TrainConfig.min_text_tag_mentions`` times
(title-masked synopsis + reviews, negation honoured). Precision here = the share of those
(show, trope) tags that the catalog's own tags confirm: MDL's top tags mapped onto the vocabulary,
a longer tag counting for the trope it names ("Adapted From A Webtoon" confirms webtoon). Catalog tags list only a show's top ten, so this is a lower bound; what matters is the
comparison between tropes, and a trope far below the others is one whose patterns misfire.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from recommender.config import TrainConfig
from recommender.features import TitleMasker
from recommender.training import load_inputs
from recommender.tropes import implied_trope, tag_text

from .common import say


def precision(shows, reviews, top: int = 15) -> list[dict]:
    config = TrainConfig()
    names = [(name, i) for i, s in enumerate(shows) for name in (s.title, *s.aliases)]
    masker = TitleMasker([n for n, _ in names], [i for _, i in names])
    texts: dict[str, list[str]] = defaultdict(list)
    for review in reviews:
        texts[review.show_id].append(masker.find(review.text)[0])
    found, confirmed = Counter(), Counter()
    for show in shows:
        counts = tag_text(" ".join([show.synopsis, *texts.get(show.show_id, [])]))
        for slug, count in counts.items():
            if count >= config.min_text_tag_mentions:
                found[slug] += 1
                confirmed[slug] += slug in {*show.tags, *(implied_trope(t) for t in show.tags)}
    return [{"trope": slug, "tagged": n, "confirmed": confirmed[slug], "precision": round(confirmed[slug] / n, 3)}
            for slug, n in found.most_common(top)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shows", required=True)
    parser.add_argument("--reviews", nargs="*", default=[])
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--out", default="bench/out/trope_precision.json")
    args = parser.parse_args()
    shows, reviews, _ = load_inputs(args.shows, args.reviews)
    say(f"{len(shows)} shows, {len(reviews)} reviews")
    rows = precision(shows, reviews, args.top)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(rows, indent=2))
    print(f"{'trope':<24}{'tagged':>8}{'confirmed':>11}{'precision':>11}")
    for row in rows:
        print(f"{row['trope']:<24}{row['tagged']:>8}{row['confirmed']:>11}{row['precision']:>11.3f}")


if __name__ == "__main__":
    main()
