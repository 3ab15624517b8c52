"""The trope vocabulary, free-text tagging and runtime extraction."""

from __future__ import annotations

import pytest

from recommender.tropes import TROPES, extract_runtime, normalize_tag, tag_text
from tests.conftest import SHARED


def test_vocabulary_is_broad_and_unique():
    slugs = [t.slug for t in TROPES]
    assert len(slugs) >= 40
    assert len(set(slugs)) == len(slugs)


def seed_review() -> str:
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").exists() else []
    if not seeds:
        pytest.skip("../shared/seeds is absent")
    return seeds[0].read_text(encoding="utf-8")


def test_seed_review_tropes_and_runtime():
    text = seed_review()
    found = tag_text(text)
    assert {"friends-to-lovers", "co-habitation", "unrequited-love"} <= set(found)
    assert extract_runtime(text) == (4, 45)


@pytest.mark.parametrize(
    "text, slug",
    [
        ("longtime BFFs finally fall for each other", "friends-to-lovers"),
        ("best friends fall in love over one summer", "friends-to-lovers"),
        ("she invites him to stay at her house for two weeks", "co-habitation"),
        ("they end up as roommates", "co-habitation"),
        ("a painful one-sided love", "unrequited-love"),
        ("a contract marriage with a CEO", "contract-relationship"),
        ("he wakes up in the past after a time-slip", "time-travel"),
        ("the second lead syndrome is real", "second-lead-syndrome"),
    ],
)
def test_synonyms_tag(text, slug):
    assert slug in tag_text(text)


@pytest.mark.parametrize("text", ["This is not a love triangle.", "There is no love triangle here", "without any love triangle"])
def test_simple_negation_does_not_tag(text):
    assert "love-triangle" not in tag_text(text)


def test_negation_stays_in_its_clause():
    assert "love-triangle" in tag_text("Not my favourite. But the love triangle works.")


@pytest.mark.parametrize(
    "tag, slug",
    [("Friends To Lovers", "friends-to-lovers"), ("Cohabitation", "co-habitation"), ("Unrequited Love", "unrequited-love"),
     ("Slow Burn Romance", "slow-burn"), ("Time Travel", "time-travel"), ("Songwriter Female Lead", "songwriter-female-lead")],
)
def test_catalog_tags_map_onto_slugs_or_keep_their_own(tag, slug):
    assert normalize_tag(tag) == slug


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a four-episode series", (4, None)),
        ("only 12 episodes of about 60 minutes", (12, 60)),
        ("only four 45-minute episodes", (4, 45)),
        ("sixteen hour-long episodes", (16, 60)),
        ("16 episodes, each 70 minutes long", (16, None)),
        ("nothing about length here", (None, None)),
    ],
)
def test_runtime_extraction(text, expected):
    assert extract_runtime(text) == expected
