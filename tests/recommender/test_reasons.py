"""Reasons a fan can read: no name fragments, no filler, no length tags, labels from the vocabulary."""

from __future__ import annotations

import numpy as np

from recommender.catalog import Show
from recommender.model import Recommender
from recommender.reasons import LENGTH_TAGS, _could_be_a_theme, name_fragments


def test_name_tokens_written_capitalized_are_fragments_and_words_are_not():
    shows = [Show("a", "A", cast=("Park Hyung Sik", "Han So Hee", "Song Kang")), Show("b", "B", cast=("Lee Young Ae",))]
    documents = [
        "Park Hyung Sik and Han So Hee share a flat. Later Seon-woo meets Park again, and Hee smiles.",
        "The song she writes is about a young love; every song is sad. Young people love it. Han is great.",
        "They sing a song in the park at night, then Park and Han So Hee argue.",
    ]
    vocabulary = ["park", "han", "hee", "song", "young", "flat", "love", "seon-woo"]
    blocked = dict(zip(vocabulary, name_fragments(documents, vocabulary, shows), strict=True))
    assert blocked["hee"] and blocked["han"] and blocked["park"]
    assert not blocked["song"] and not blocked["young"] and not blocked["flat"] and not blocked["love"]
    assert not blocked["seon-woo"]  # "seon" and "woo" are no cast tokens here


def test_filler_and_adverbs_are_never_themes():
    for word in ("short", "finish", "thing", "kept", "quietly", "deeply", "ninety"):
        assert not _could_be_a_theme(word), word
    for word in ("family", "photographer", "lyricist", "revenge"):
        assert _could_be_a_theme(word), word


def test_reasons_on_the_tiny_catalog(tiny_model):
    for show in tiny_model.catalog.shows:
        for result in tiny_model.similar(show.show_id, k=5):
            reasons = result.reasons
            assert not set(reasons["shared_tags"]) & LENGTH_TAGS
            assert len(reasons["tag_labels"]) == len(reasons["shared_tags"])
            assert "co habitation" not in reasons["tag_labels"]
            assert np.isclose(sum(reasons["components"].values()), result.score, atol=1e-4)


def test_labels_are_the_vocabularys(tiny_model):
    result = next(r for r in tiny_model.similar("c1", k=5) if "co-habitation" in r.reasons["shared_tags"])
    i = result.reasons["shared_tags"].index("co-habitation")
    assert result.reasons["tag_labels"][i] == "Co-habitation"


def test_shared_cast_matches_across_spellings(tiny_files, tmp_path):
    from recommender.training import load_inputs
    from tests.conftest import TINY_SHOWS, write_csv

    rows = [dict(r) for r in TINY_SHOWS]
    rows[3]["cast"] = "Han So-hee|Seo G"  # c1, written the blog's way
    rows[4]["cast"] = "Han So Hee|Yoon H"  # c2, the catalog's way
    shows, reviews, _ = load_inputs(write_csv(tmp_path / "s.csv", rows), [tiny_files[1]])
    model = Recommender().fit(shows, reviews)
    c2 = next(r for r in model.similar("c1", k=5) if r.show_id == "c2")
    assert c2.reasons["shared_cast"] == ["Han So Hee"]


def test_negated_words_are_not_reasons_and_unknown_text_says_so(tiny_model):
    page = tiny_model.recommend(text="a romance, not a revenge thriller")
    assert all("revenge" not in r.reasons["shared_terms"] and "thriller" not in r.reasons["shared_terms"] for r in page.results)
    # "no romance" ranks exactly as if the romance had not been mentioned: it does not pull romances up
    plain = [(r.show_id, r.score) for r in tiny_model.recommend(text="best friends", k=6).results]
    assert [(r.show_id, r.score) for r in tiny_model.recommend(text="best friends, no romance", k=6).results] == plain
    import pytest

    from recommender.errors import InvalidQueryError

    with pytest.raises(InvalidQueryError, match="none of the words"):
        tiny_model.recommend(text="사랑 이야기")
    page = tiny_model.recommend(like=["c1"], text="사랑 이야기")
    assert any("no word this engine can use" in note for note in page.notes)
