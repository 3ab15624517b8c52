"""Property tests: for random catalogs and queries the engine keeps its promises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommender import Recommender
from recommender.catalog import Review, Show
from recommender.errors import InvalidQueryError
from recommender.tropes import TROPES, trope_slugs

TAGS = [t.slug for t in TROPES[:12]]
WORDS = ["love", "revenge", "friends", "roommates", "murder", "palace", "chaebol", "ghost", "doctor", "music",
         "slow", "burn", "time", "travel", "school", "office", "secret", "family", "summer", "rain"]
NETWORKS = ["tvN", "Netflix", "Disney+", "SBS", "KBS2"]


@st.composite
def catalogs(draw):
    n = draw(st.integers(min_value=2, max_value=14))
    shows, reviews = [], []
    for i in range(n):
        shows.append(Show(
            show_id=f"s{i}",
            title=f"Show {chr(65 + i)} {draw(st.sampled_from(WORDS))}",
            year=draw(st.one_of(st.none(), st.integers(2005, 2025))),
            episodes=draw(st.one_of(st.none(), st.integers(1, 40))),
            episode_minutes=draw(st.one_of(st.none(), st.integers(5, 90))),
            network=draw(st.sampled_from(NETWORKS)),
            genres=tuple(draw(st.lists(st.sampled_from(["Romance", "Thriller", "Comedy"]), max_size=2, unique=True))),
            tags=tuple(draw(st.lists(st.sampled_from(TAGS), max_size=4, unique=True))),
            cast=tuple(draw(st.lists(st.sampled_from(["Kim A", "Lee B", "Park C", "Han D"]), max_size=2, unique=True))),
            synopsis=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=0, max_size=12))),
            popularity=draw(st.one_of(st.none(), st.floats(0, 1e5))),
        ))
        for _ in range(draw(st.integers(0, 2))):
            reviews.append(Review(show_id=f"s{i}", text=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=20)))))
    return shows, reviews


queries = st.fixed_dictionaries({}, optional={
    "max_episodes": st.integers(1, 40),
    "max_minutes": st.integers(30, 2000),
    "weekend": st.booleans(),
    "min_year": st.integers(2005, 2025),
    "max_year": st.integers(2005, 2025),
    "network": st.sampled_from(NETWORKS),
    "tags": st.lists(st.sampled_from(TAGS), max_size=1),
    "exclude_tags": st.lists(st.sampled_from(TAGS), max_size=2),
    "mmr": st.sampled_from([None, 0.5, 1.0]),
})

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def honours(show: Show, tags: tuple[str, ...], q: dict) -> bool:
    total = show.total_minutes
    ok = True
    if "max_episodes" in q:
        ok &= show.episodes is not None and show.episodes <= q["max_episodes"]
    if "max_minutes" in q:
        ok &= total is not None and total <= q["max_minutes"]
    if q.get("weekend"):
        ok &= total is not None and total <= 720
    if "min_year" in q:
        ok &= show.year is not None and show.year >= q["min_year"]
    if "max_year" in q:
        ok &= show.year is not None and show.year <= q["max_year"]
    if "network" in q:
        ok &= show.network == q["network"]
    ok &= set(q.get("tags", ())) <= set(tags)
    ok &= not (set(q.get("exclude_tags", ())) & set(tags))
    return bool(ok)


@SLOW
@given(data=catalogs(), q=queries, k=st.integers(1, 20), seed_index=st.integers(0, 100))
def test_engine_promises(data, q, k, seed_index):
    shows, reviews = data
    model = Recommender().fit(shows, reviews)
    seed = shows[seed_index % len(shows)].show_id
    try:
        page = model.recommend(like=[seed], k=k, **q)
    except InvalidQueryError as exc:
        # refused only for what no show could pass: a contradiction, or a value the catalog never has
        contradiction = q.get("min_year", 0) > q.get("max_year", 9999) or set(q.get("tags", ())) & set(q.get("exclude_tags", ()))
        unknown = {"network": q.get("network") not in {s.network for s in shows},
                   "tags": not set(q.get("tags", ())) <= {t for s in shows for t in model.tags_of(s.show_id)} | trope_slugs()}
        assert contradiction or unknown.get(exc.field), (exc.field, str(exc), q)
        return
    results = page.results
    assert len(results) <= k
    assert seed not in {r.show_id for r in results}
    if not q.get("mmr") or q["mmr"] == 1.0:
        scores = [r.score for r in results]
        assert scores == sorted(scores, reverse=True)
    for r in results:
        assert honours(model.catalog_.by_id[r.show_id], model.tags_of(r.show_id), q), (r.show_id, q)
    again = model.recommend(like=[seed], k=k, **q).results
    assert [(r.show_id, r.score) for r in again] == [(r.show_id, r.score) for r in results]
    assert model.recommend(like=[seed], k=k, **q).results == model.similar(seed, k=k, **q)


@SLOW
@given(data=catalogs(), k=st.integers(1, 20))
def test_k_results_whenever_k_pass(data, k):
    shows, reviews = data
    model = Recommender().fit(shows, reviews)
    page = model.recommend(like=[shows[0].show_id], k=k, max_episodes=20)
    assert len(page.results) == min(k, page.total)
