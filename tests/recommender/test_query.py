"""The Query: one set of rules for the CLI, HTTP and Python."""

from __future__ import annotations

import pytest

from recommender.errors import InvalidQueryError
from recommender.query import LIMITS, WEEKEND_MINUTES, Query, weekend_minutes


def test_lists_are_split_once_and_titles_never():
    query = Query(like=("Love, Rain",), tags="friends-to-lovers, co-habitation", networks=["Netflix,tvN"])
    assert query.like == ("Love, Rain",)  # titles may hold commas
    assert query.tags == ("friends-to-lovers", "co-habitation")
    assert query.networks == ("Netflix", "tvN")


@pytest.mark.parametrize("options, field", [
    ({"k": 0}, "k"), ({"offset": -1}, "offset"), ({"mmr": 0}, "mmr"), ({"mmr": 2}, "mmr"),
    ({"max_episodes": 0}, "max_episodes"), ({"min_year": 1800}, "min_year"), ({"k": "10"}, "k"),
    ({"like": ()}, "like"), ({"like": ("",)}, "like"), ({"text": "x" * (LIMITS.max_text + 1)}, "text"),
    ({"exclude": ["x"] * (LIMITS.max_exclude + 1)}, "exclude"), ({"like": ["x"] * (LIMITS.max_likes + 1)}, "like"),
])
def test_bad_values_name_their_field(options, field):
    with pytest.raises(InvalidQueryError) as caught:
        Query.build(**{"like": ("a",), **options})
    assert caught.value.field == field


def test_contradictions_name_both_fields():
    with pytest.raises(InvalidQueryError) as caught:
        Query(like=("a",), min_year=2024, max_year=2020)
    assert caught.value.fields == ("min_year", "max_year") and "2024" in str(caught.value)
    with pytest.raises(InvalidQueryError) as caught:
        Query(like=("a",), tags=("love-triangle",), exclude_tags=("Love-Triangle",))
    assert caught.value.fields == ("tags", "exclude_tags")


def test_mmr_range_is_the_same_message_everywhere():
    for bad in (0, 2, -1):
        with pytest.raises(InvalidQueryError, match=r"\(0, 1\]"):
            Query(like=("a",), mmr=bad)
    assert Query(like=("a",), mmr=1).mmr == 1


def test_weekend_is_a_query_time_setting(monkeypatch):
    assert Query(like=("a",), weekend=True).runtime_limit == WEEKEND_MINUTES == 720
    assert Query(like=("a",), weekend=True, weekend_minutes=300, max_minutes=400).runtime_limit == 300
    assert Query(like=("a",), max_minutes=400).runtime_limit == 400
    assert Query(like=("a",)).runtime_limit is None
    monkeypatch.setenv("KDRAMA_WEEKEND_MINUTES", "600")
    assert weekend_minutes() == 600
    monkeypatch.setenv("KDRAMA_WEEKEND_MINUTES", "lots")
    assert weekend_minutes() == 720


def test_build_accepts_the_singular_names_and_refuses_unknown_options():
    query = Query.build(like=["a"], network="Netflix", country="South Korea")
    assert query.networks == ("Netflix",) and query.countries == ("South Korea",)
    with pytest.raises(InvalidQueryError, match="unknown query option 'colour'"):
        Query.build(like=["a"], colour="red")


def test_filters_in_use_read_like_the_parameters():
    query = Query(like=("a",), weekend=True, max_episodes=8, tags=("slow-burn",))
    assert query.filters_in_use == ["max_episodes=8", "weekend (<= 720 min)", "tag=slow-burn"]
