"""What the "words fans use for both" chips show: how many are fragments of people's names.

    python -m bench.reasons_quality [--shows data/shows.csv --reviews data/reviews.jsonl]

For every show of the catalog as a seed, its top 10, and every shown ``shared_terms`` chip: a
chip is a *name fragment* when each hyphen-part of it is a token of some cast or crew name in the
catalog and it is not an ordinary English word — not in the `english-words` list (web2), or, when
it is ("park", "min"), written with a capital letter mid-sentence most of the time in the texts.
This is stricter than the engine's own rule (reasons.name_fragments, capitalization only), so the
figure is an independent check, not the rule grading itself. Target: at most 0.5 %.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

from recommender.model import Recommender
from recommender.paths import DEFAULT_REVIEWS, DEFAULT_SHOWS
from recommender.reasons import GENERIC_TERMS
from recommender.training import load_inputs

from .common import say

EXAMPLES = ("Soundtrack #1", "Crash Landing on You", "Move to Heaven", "Signal", "Hospital Playlist")


def capitalized_share(texts: list[str]) -> dict[str, float]:
    seen, upper = Counter(), Counter()
    for text in texts:
        for match in re.finditer(r"(?<![.!?]\s)(?<!^)\b([A-Za-z][\w'-]*)", text):
            word = match.group(1)
            seen[word.casefold()] += 1
            upper[word.casefold()] += word[0].isupper()
    return {w: upper[w] / n for w, n in seen.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shows", default=str(DEFAULT_SHOWS))
    parser.add_argument("--reviews", nargs="*", default=[str(DEFAULT_REVIEWS)])
    parser.add_argument("--out", default="bench/out/reasons_quality.json")
    args = parser.parse_args()
    from english_words import get_english_words_set  # a dev dependency: the yardstick, not the engine

    words = get_english_words_set(["web2"], lower=True)
    shows, reviews, _ = load_inputs(args.shows, args.reviews)
    model = Recommender().fit(shows, reviews)
    name_tokens = {t.casefold() for s in shows for p in (*s.cast, *s.crew) for t in re.split(r"[\s-]+", p) if t}
    caps = capitalized_share([s.synopsis for s in shows] + [r.text for r in reviews])

    def fragment(term: str) -> bool:
        parts = term.split("-")
        if not all(p in name_tokens for p in parts):
            return False
        return term not in words or caps.get(term, 1.0) >= 0.6

    shown = fragments = generic = 0
    examples, counts = {}, Counter()
    for show in shows:
        for result in model.similar(show.show_id, k=10):
            terms = result.reasons["shared_terms"]
            shown += len(terms)
            bad = [t for t in terms if fragment(t)]
            fragments += len(bad)
            generic += sum(t in GENERIC_TERMS for t in terms)
            counts.update(bad)
    for title in EXAMPLES:
        try:
            page = model.recommend(like=[title], k=5)
        except Exception:  # an example missing from another catalog is skipped
            continue
        examples[title] = [{"title": r.title, "shared_terms": r.reasons["shared_terms"], "shared_tags": r.reasons["shared_tags"]}
                           for r in page.results]
    report = {"seeds": len(shows), "terms_shown": shown, "name_fragments": fragments,
              "share": fragments / shown if shown else 0.0, "generic_shown": generic,
              "most_common_fragments": counts.most_common(15), "examples": examples}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    say(f"{len(shows)} seeds x top 10: {shown} terms shown, {fragments} name fragments ({report['share']:.2%}), "
        f"{generic} generic words")
    for title, rows in examples.items():
        print(f"\n{title}:")
        for row in rows:
            print(f"  {row['title']:<40} terms: {', '.join(row['shared_terms']) or '-'}   tropes: {', '.join(row['shared_tags'])}")


if __name__ == "__main__":
    main()
