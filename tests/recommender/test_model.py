"""The Recommender on a tiny catalog whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from recommender import NotFittedError, Recommender, UnknownShowError

ROMCOMS = {"c1", "c2", "c3"}
THRILLERS = {"r1", "r2", "r3"}


@pytest.mark.parametrize("seed", sorted(ROMCOMS | THRILLERS))
def test_top_two_are_the_same_kind(tiny_model, seed):
    group = ROMCOMS if seed in ROMCOMS else THRILLERS
    top = [r.show_id for r in tiny_model.similar(seed, k=2)]
    assert set(top) == group - {seed}


def test_seed_never_in_results_and_scores_non_increasing(tiny_model):
    for show in tiny_model.shows_:
        results = tiny_model.similar(show.show_id, k=10)
        assert show.show_id not in {r.show_id for r in results}
        scores = [r.score for r in results]
        assert scores == sorted(scores, reverse=True)
        assert len(results) == len(tiny_model.shows_) - 1


def test_results_carry_the_promised_fields(tiny_model):
    result = tiny_model.similar("c3", k=1)[0]
    data = result.to_dict()
    for key in ("show_id", "title", "year", "episodes", "episode_minutes", "total_minutes", "network", "score", "reasons"):
        assert key in data
    assert set(data["reasons"]) == {"shared_tags", "tag_labels", "shared_terms", "shared_cast", "shared_crew",
                                    "same_franchise", "also_in_franchise", "components"}
    assert data["total_minutes"] == data["episodes"] * data["episode_minutes"]
    assert sum(data["reasons"]["components"].values()) == pytest.approx(data["score"], abs=1e-4)
    assert data["reasons"]["shared_tags"], "two rom-coms share tropes"


def test_shared_cast_is_reported(tiny_model):
    by_id = {r.show_id: r for r in tiny_model.similar("c1", k=5)}
    assert by_id["c2"].reasons["shared_cast"] == ["Han F"]


@pytest.mark.parametrize(
    "options, check",
    [
        ({"max_episodes": 8}, lambda s: s.episodes <= 8),
        ({"max_minutes": 300}, lambda s: s.total_minutes <= 300),
        ({"weekend": True}, lambda s: s.total_minutes <= 720),
        ({"min_year": 2022}, lambda s: s.year >= 2022),
        ({"max_year": 2021}, lambda s: s.year <= 2021),
        ({"network": "Netflix"}, lambda s: s.network == "Netflix"),
        ({"genres": ["Comedy"]}, lambda s: "Comedy" in s.genres),
        ({"tags": ["co-habitation"]}, lambda s: "co-habitation" in s.tags),
        ({"exclude_tags": ["revenge"]}, lambda s: "revenge" not in s.tags),
    ],
)
def test_filters_are_always_honoured(tiny_model, options, check):
    for seed in ("r1", "c1"):
        results = tiny_model.similar(seed, k=10, **options)
        assert results, f"{options} should leave something for {seed}"
        for r in results:
            assert check(tiny_model.catalog_.by_id[r.show_id]), (options, r.show_id)


def test_filters_apply_before_the_cut(tiny_model):
    # the rom-coms all pass max_episodes=8; asking for 2 must give 2 even from a thriller seed
    results = tiny_model.similar("r1", k=2, max_episodes=8)
    assert {r.show_id for r in results} <= ROMCOMS and len(results) == 2


def test_unknown_runtime_is_excluded_by_runtime_filters(tiny_files, tmp_path):
    from recommender.training import load_inputs
    from tests.conftest import TINY_SHOWS, write_csv

    rows = [dict(r) for r in TINY_SHOWS]
    rows[3]["episode_minutes"] = ""
    shows, reviews, _ = load_inputs(write_csv(tmp_path / "s.csv", rows), [tiny_files[1]])
    model = Recommender().fit(shows, reviews)
    assert "c1" in {r.show_id for r in model.similar("c2", k=10)}
    assert "c1" not in {r.show_id for r in model.similar("c2", k=10, weekend=True)}


def test_order_is_deterministic(tiny_model):
    first = [(r.show_id, r.score) for r in tiny_model.similar("c1", k=5)]
    assert all([(r.show_id, r.score) for r in tiny_model.similar("c1", k=5)] == first for _ in range(3))


def test_resolution_by_title_alias_and_typo(tiny_model):
    assert tiny_model.resolve("love under one roof").show_id == "c3"
    assert tiny_model.resolve("Love Undr One Roof").show_id == "c3"
    with pytest.raises(UnknownShowError) as info:
        tiny_model.resolve("Completely Different")
    assert "not in the catalog (6 shows)" in str(info.value)


def test_unknown_title_lists_closest_matches(tiny_model):
    with pytest.raises(UnknownShowError) as info:
        tiny_model.similar("Coffee Confession Show")
    assert "Coffee and Confessions" in info.value.suggestions


def test_recommend_with_one_like_equals_similar(tiny_model):
    assert tiny_model.recommend(like=["c1"], k=4).results == tiny_model.similar("c1", k=4)


def test_text_only_query_finds_the_trope(tiny_model):
    results = tiny_model.recommend(text="friends to lovers, living together", k=3).results
    assert {r.show_id for r in results} == ROMCOMS


def test_unlike_pushes_away(tiny_model):
    plain = {r.show_id: r.score for r in tiny_model.recommend(like=["c3"], k=5).results}
    pushed = {r.show_id: r.score for r in tiny_model.recommend(like=["c3"], unlike=["c2"], k=5).results}
    assert "c2" not in pushed
    # c1 shares cast and tropes with the unliked c2, so it loses more than a thriller does
    assert plain["c1"] - pushed["c1"] > plain["r1"] - pushed["r1"]


def test_exclude_and_paging(tiny_model):
    page1 = tiny_model.recommend(like=["r1"], k=2, offset=0).results
    page2 = tiny_model.recommend(like=["r1"], k=2, offset=2).results
    whole = tiny_model.recommend(like=["r1"], k=4).results
    assert [r.show_id for r in page1 + page2] == [r.show_id for r in whole]
    excluded = tiny_model.recommend(like=["r1"], exclude=["r2"], k=5).results
    assert "r2" not in {r.show_id for r in excluded}


@pytest.fixture
def with_sequel(tiny_files, tmp_path):
    from recommender.training import load_inputs
    from tests.conftest import TINY_SHOWS, write_csv

    sequel = dict(TINY_SHOWS[5], show_id="c3b", title="Love Under One Roof Season 2", year=2024, episodes=6)
    shows, reviews, _ = load_inputs(write_csv(tmp_path / "s.csv", [*TINY_SHOWS, sequel]), [tiny_files[1]])
    return Recommender().fit(shows, reviews)


def test_the_seeds_own_season_is_listed_and_flagged(with_sequel):
    results = {r.show_id: r for r in with_sequel.similar("c3", k=10)}
    assert results["c3b"].reasons["same_franchise"] is True
    assert not any(r.reasons["same_franchise"] for r in results.values() if r.show_id != "c3b")
    assert "c3b" not in {r.show_id for r in with_sequel.similar("c3", k=10, include_franchise=False)}


def test_another_franchise_appears_once_as_its_first_season(with_sequel):
    results = with_sequel.similar("c1", k=10)
    ids = [r.show_id for r in results]
    assert "c3" in ids and "c3b" not in ids
    entry = next(r for r in results if r.show_id == "c3")
    assert entry.reasons["also_in_franchise"] == ["Love Under One Roof Season 2"]
    assert entry.reasons["same_franchise"] is False
    page = with_sequel.recommend(like=["c1"], k=10)
    assert page.total == len(ids)  # what one can page through: one entry for the franchise


def test_a_filter_that_drops_season_one_shows_season_two(with_sequel):
    ids = [r.show_id for r in with_sequel.similar("c1", k=10, min_year=2024)]
    assert ids == ["c3b"]


def test_mmr_keeps_k_and_changes_nothing_at_one(tiny_model):
    plain = tiny_model.similar("c1", k=4)
    assert tiny_model.similar("c1", k=4, mmr=1.0) == plain
    assert len(tiny_model.similar("c1", k=4, mmr=0.3)) == 4


def test_not_fitted_is_a_clear_error():
    with pytest.raises(NotFittedError, match="not fitted"):
        Recommender().similar("x")


def test_bad_k_and_empty_query(tiny_model):
    with pytest.raises(ValueError, match="k must be"):
        tiny_model.similar("c1", k=0)
    with pytest.raises(ValueError, match="at least one show"):
        tiny_model.recommend()


def test_no_dense_n_by_n(tiny_model):
    assert tiny_model.stacked_.shape[0] == len(tiny_model.shows_)
    assert all(not isinstance(v, np.ndarray) or v.ndim == 1 for v in vars(tiny_model).values())
