"""Filters: unknown values are errors with suggestions; networks match as words; what emptied a list."""

from __future__ import annotations

import pytest

from recommender.errors import InvalidQueryError


@pytest.mark.parametrize("options, field, suggestion", [
    ({"tags": ["frends-to-lovers"]}, "tags", "friends-to-lovers"),
    ({"genres": ["Romanse"]}, "genres", "Romance"),
    ({"network": "Netflx"}, "network", "Netflix"),
    ({"exclude_tags": ["revange"]}, "exclude_tags", "revenge"),
])
def test_an_unknown_value_is_an_error_with_did_you_mean(tiny_model, options, field, suggestion):
    with pytest.raises(InvalidQueryError) as caught:
        tiny_model.recommend(like=["c1"], **options)
    assert caught.value.field == field and suggestion in caught.value.suggestions


def test_no_country_filter_on_a_catalog_without_countries(tiny_model):
    with pytest.raises(InvalidQueryError, match="records no country"):
        tiny_model.recommend(like=["c1"], country="South Korea")


def test_an_empty_page_names_the_filters_that_emptied_it(tiny_model):
    page = tiny_model.recommend(like=["c1"], max_episodes=5, genres=["Thriller"])
    assert not page.results and page.total == 0
    assert "max_episodes=5 + genre=Thriller" in page.message()
    lone = tiny_model.recommend(like=["c1"], max_minutes=10)
    assert lone.message().startswith("no show passes max_minutes=10")


def test_paging_past_the_end_says_so(tiny_model):
    page = tiny_model.recommend(like=["c1"], offset=50)
    assert not page.results and page.total == 5
    assert page.message().startswith("page past the end (5 shows")
