"""Title resolution: ids, names fans type, ambiguity, fuzzy matching with rapidfuzz."""

from __future__ import annotations

import pytest

from recommender.catalog import Show
from recommender.errors import InvalidQueryError, UnknownShowError
from recommender.titles import Catalog, franchise_key, normalize_title


@pytest.fixture
def catalog():
    return Catalog([
        Show("st1", "Soundtrack #1", year=2022, native_title="사운드트랙#1", popularity=100),
        Show("st2", "Soundtrack #2", year=2023, native_title="사운드트랙#2", popularity=500),
        Show("gob", "Guardian: The Lonely and Great God", year=2016, aliases=("Goblin: The Lonely and Great God", "CLOY-not")),
        Show("bong", "Strong Woman Do Bong Soon", year=2017, aliases=("Strong Girl Bong-soon",)),
        Show("w1", "W - Two Worlds", year=2016, aliases=("W",), popularity=900),
        Show("w2", "W", year=2030, popularity=10),
        Show("sig", "Signal", year=2016),
    ])


def test_ids_titles_and_normalized_names(catalog):
    assert catalog.resolve("st1").how == "id"
    assert catalog.resolve("Soundtrack #1").how == "title"
    assert catalog.resolve("soundtrack no. 1").show_id == "st1"
    assert catalog.resolve("사운드트랙#1").show_id == "st1"


def test_an_ambiguous_name_takes_the_first_season_and_says_so(catalog):
    for name in ("Soundtrack", "soundtrack", "사운드트랙"):
        found = catalog.resolve(name)
        assert found.show_id == "st1", name  # though #2 is more popular: a fan starts at Season 1
        assert [s.show_id for s in found.alternatives] == ["st2"]
        assert found.note() == "taking Soundtrack #1 (2022); also: Soundtrack #2 (2023)"


def test_namesakes_of_different_franchises_take_the_more_popular(catalog):
    found = catalog.resolve("w")
    assert found.show_id == "w1" and [s.show_id for s in found.alternatives] == ["w2"]


def test_subtitle_less_and_hyphen_variants(catalog):
    assert catalog.resolve("Goblin").show_id == "gob"  # the alias "Goblin: The Lonely and Great God" without its subtitle
    assert catalog.resolve("Guardian").show_id == "gob"
    for name in ("Strong Girl Bong-soon", "strong girl bong soon", "Strong Girl Bongsoon"):
        assert catalog.resolve(name).show_id == "bong", name


def test_close_misspellings_resolve_and_far_ones_suggest(catalog):
    assert catalog.resolve("Sountrack #1").show_id == "st1"
    with pytest.raises(UnknownShowError) as caught:
        catalog.resolve("Soundtruck Zero")
    assert set(caught.value.suggestions[:2]) == {"Soundtrack #1", "Soundtrack #2"}
    with pytest.raises(UnknownShowError):
        catalog.resolve("Sountrack #1", fuzzy=False)


def test_an_empty_name_is_an_error_not_guesses(catalog):
    with pytest.raises(InvalidQueryError, match="empty"):
        catalog.resolve("   ")


def test_search_says_nothing_rather_than_noise(catalog):
    assert catalog.search("xyzzy") == []
    assert [s.show_id for s in catalog.search("sound")][:2] == ["st2", "st1"]


def test_review_target_is_exact_and_checks_agreement(catalog):
    assert catalog.review_target(title="soundtrack 1").show_id == "st1"
    with pytest.raises(UnknownShowError):
        catalog.review_target(title="Sountrack 1")  # a review never lands on a look-alike
    with pytest.raises(InvalidQueryError) as caught:
        catalog.review_target(show_id="st1", title="Signal")
    assert caught.value.fields == ("show_id", "title")


def test_normalize_and_franchise_keys():
    assert normalize_title("Soundtrack No. 1") == "soundtrack 1"
    assert franchise_key("Soundtrack #2") == franchise_key("Soundtrack #1") == "soundtrack"
    assert franchise_key("Kingdom: Ashin of the North") == "kingdom"


def test_resolve_all_batches_fuzzy_matching_with_the_same_answers(catalog):
    """Several names at once (one rapidfuzz cdist for the misspelled ones) answer as resolve() does, name by name."""
    names = ["Sountrack #1", "st2", "Strong Woman Do Bong Son", "Signl", "W", "Guardian The Lonely and Great Gd"]
    batch = catalog.resolve_all(names, field="like")
    one_by_one = [catalog.resolve(name, field="like") for name in names]
    assert [(r.show_id, r.how) for r in batch] == [(r.show_id, r.how) for r in one_by_one]
    assert [r.show_id for r in batch] == ["st1", "st2", "bong", "sig", "w1", "gob"]
    assert [r.how for r in batch][:4] == ["fuzzy", "id", "fuzzy", "fuzzy"]


def test_resolve_all_raises_for_the_first_name_that_names_no_show(catalog):
    with pytest.raises(UnknownShowError) as caught:
        catalog.resolve_all(["Signal", "Zzqx Unheard Of", "Another Unknown Thing"], field="like")
    assert caught.value.field == "like" and "Zzqx Unheard Of" in str(caught.value)
    with pytest.raises(UnknownShowError):
        catalog.resolve_all(["Sountrack #1"], fuzzy=False)
