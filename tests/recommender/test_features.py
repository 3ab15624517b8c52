"""Features: the comparison rule for review mentions, crew blocks, name fragments kept out of reasons."""

from __future__ import annotations

import pytest

from recommender.features import TitleMasker, is_comparison

TITLES = ["Happiness", "Snowdrop", "Grid", "Crazy Love", "Our Beloved Summer", "Goblin"]


@pytest.mark.parametrize("sentence, named", [
    ("This reminds me of Our Beloved Summer in the best way.", {"Our Beloved Summer"}),
    ("If you liked Goblin, try this one.", {"Goblin"}),
    ("Fans of Happiness will enjoy the leads.", {"Happiness"}),
    ("It feels similar to Grid, only warmer.", {"Grid"}),
    ("Snowdrop meets Grid.", {"Snowdrop", "Grid"}),
    # not comparisons: an actor's filmography, a platform's release list, a mention in passing
    ("Photographer Han Seon-woo (Park Hyung-sik, Happiness) and lyricist Lee Eun-soo.", set()),
    ("It is the fourth of five (the others being Snowdrop, Grid, and Crazy Love).", set()),
    ("I watched Goblin last year. This is different.", set()),
])
def test_only_comparisons_count_as_mentions(sentence, named):
    masker = TitleMasker(TITLES)
    text, owners = masker.find(sentence)
    assert {TITLES[i] for i in owners} == named
    for title in TITLES:
        assert title not in text  # every title is masked either way


def test_is_comparison_stays_in_the_sentence():
    text = "I loved Snowdrop's ending. Grid is next on my list."
    start = text.index("Grid")
    assert not is_comparison(text, start, start + 4)


def test_crew_blocks_are_fitted(tiny_files, tmp_path):
    from recommender.model import Recommender
    from recommender.training import load_inputs
    from tests.conftest import TINY_SHOWS, write_csv

    rows = [dict(r) for r in TINY_SHOWS]
    for row in rows:
        row["directors"] = "Kim Director" if row["show_id"] in ("r1", "c3") else f"Other {row['show_id']}"
    shows, reviews, _ = load_inputs(write_csv(tmp_path / "s.csv", rows), [tiny_files[1]])
    model = Recommender().fit(shows, reviews)
    c3 = next(r for r in model.similar("r1", k=10) if r.show_id == "c3")
    assert c3.reasons["shared_crew"] == ["Kim Director"] and c3.reasons["components"]["directors"] > 0
