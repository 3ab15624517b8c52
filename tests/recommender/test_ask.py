"""recommender/ask.py: a request in words -> pieces with their words; precision and recall on a labelled corpus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from recommender.ask import answer, interpret
from recommender.catalog import Show, load_shows
from recommender.cli import main
from recommender.titles import Catalog
from tests.conftest import ROOT

CORPUS = Path(__file__).with_name("ask_corpus.jsonl")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    shows, _report = load_shows(ROOT / "data" / "shows.csv")
    return Catalog(shows)


@dataclass(frozen=True)
class CountryShow(Show):
    country: str = ""  # the catalog may record countries one day; ask must use them when it does


def tiny(*shows: Show) -> Catalog:
    return Catalog(list(shows))


def kinds(interpretation) -> list[tuple[str, object]]:
    return [(p.kind, p.value) for p in interpretation.pieces]


def words(interpretation, kind: str) -> list[str]:
    return [p.words for p in interpretation.pieces if p.kind == kind]


# ---- the corpus ---------------------------------------------------------------------------------
def load_corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def pieces_of(interpretation, catalog: Catalog) -> set[tuple[str, object]]:
    found = set()
    for p in interpretation.pieces:
        found.add((p.kind, catalog.by_id[p.value].title if p.kind in ("like", "unlike") else p.value))
    return found | {("unused", w.lower()) for w in interpretation.unused}


def expected(case: dict) -> set[tuple[str, object]]:
    return {(k, v) for k, v in case["expect"]} | {("unused", w.lower()) for w in case.get("unused", [])}


def test_corpus_is_large_and_names_only_shows_in_the_catalog(catalog):
    cases = load_corpus()
    assert len(cases) >= 70
    titles = {s.title for s in catalog.shows}
    named = {v for case in cases for k, v in case["expect"] if k in ("like", "unlike")}
    assert named <= titles, named - titles
    for kind in ("exclude_tag", "exclude_genre", "unlike"):  # negation and unlike: several cases each
        assert sum(any(k == kind for k, _ in c["expect"]) for c in cases) >= 5, kind
    assert sum(sum(k == "like" for k, _ in c["expect"]) >= 2 for c in cases) >= 5  # several seeds


def test_corpus_precision_and_recall(catalog):
    tp = fp = fn = 0
    misses = []
    for case in load_corpus():
        got, want = pieces_of(interpret(case["q"], catalog), catalog), expected(case)
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
        if got != want:
            misses.append(f"{case['q']!r}: extra {sorted(got - want, key=str)}, missing {sorted(want - got, key=str)}")
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\nask corpus: precision {precision:.3f}, recall {recall:.3f} over {tp + fn} expected pieces")
    assert precision >= 0.9 and recall >= 0.9, "\n".join(misses)


# ---- seeds and unlikes --------------------------------------------------------------------------
def test_two_seeds_each_with_their_words(catalog):
    it = interpret("similar to goblin and signal", catalog)
    assert [catalog.by_id[i].title for i in it.likes] == ["Guardian: The Lonely and Great God", "Signal"]
    assert words(it, "like") == ["similar to goblin", "and signal"]


@pytest.mark.parametrize("text", [
    "like Hotel del Luna, Alchemy of Souls and Mr. Queen",
    "loved hotel del luna & alchemy of souls or mr queen",
])
def test_a_list_of_seeds(catalog, text):
    assert [catalog.by_id[i].title for i in interpret(text, catalog).likes] == ["Hotel del Luna", "Alchemy of Souls", "Mr. Queen"]


@pytest.mark.parametrize("text, words_", [
    ("nothing like Snowdrop", "nothing like Snowdrop"),
    ("a romance, not like snowdrop", "not like snowdrop"),
    ("something like Vincenzo but not Snowdrop", "but not Snowdrop"),
    ("romance but not like snowdrop", "but not like snowdrop"),
    ("i hated snowdrop", "i hated snowdrop"),
])
def test_unlike(catalog, text, words_):
    it = interpret(text, catalog)
    assert [catalog.by_id[i].title for i in it.unlikes] == ["Snowdrop"]
    assert words(it, "unlike") == [words_]
    assert "snowdrop-2021" not in it.likes


def test_typos_lower_case_and_hangul_titles(catalog):
    for text in ("like crash landing on yoo", "crash landing on you", "사랑의 불시착 같은"):
        assert [catalog.by_id[i].title for i in interpret(text, catalog).likes] == ["Crash Landing on You"], text


def test_the_longest_title_wins(catalog):
    it = interpret("like reply 1988", catalog)
    assert [catalog.by_id[i].title for i in it.likes] == ["Reply 1988"]


@pytest.mark.parametrize("text", ["no more signals please", "the signals were there", "signalling romance"])
def test_no_title_inside_a_longer_word(catalog, text):
    assert "signal-2016" not in interpret(text, catalog).likes


def test_a_one_word_title_that_is_a_common_word_needs_a_cue():
    connection = Show("conn", "Connection", 2024, 14, 60, "SBS", ("Thriller",))
    romance = Show("rom", "Love Pretend", 2021, 8, 40, "tvN", ("Romance",), synopsis="A connection grows between two.")
    catalog = tiny(connection, romance)
    assert interpret("a romance with a real connection", catalog).likes == []
    assert interpret("connection", catalog).likes == []
    assert interpret("like connection but shorter", catalog).likes == ["conn"]
    assert interpret("something in the vein of Connection", catalog).likes == ["conn"]
    assert interpret('"connection" on SBS', catalog).likes == ["conn"]


# ---- negation, tropes and genres ----------------------------------------------------------------
@pytest.mark.parametrize("text, pieces, words_", [
    ("no love triangle", [("exclude_tag", "love-triangle")], "no love triangle"),
    ("without romance", [("exclude_genre", "Romance")], "without romance"),
    ("not too dark", [("exclude_genre", "Thriller"), ("exclude_genre", "Horror")], "not too dark"),
    ("a romance that isn't a love triangle", [("genre", "Romance"), ("exclude_tag", "love-triangle")], "isn't a love triangle"),
])
def test_negation(catalog, text, pieces, words_):
    it = interpret(text, catalog)
    assert kinds(it) == pieces
    assert words_ in [p.words for p in it.pieces]


def test_a_negation_runs_on_through_a_list(catalog):
    it = interpret("no love triangles, amnesia or cheating, a romance", catalog)
    assert it.exclude_tags == ["love-triangle", "amnesia", "affair"]
    assert it.genres == ["Romance"]


def test_wanted_tropes_and_genres(catalog):
    it = interpret("a friends to lovers romance with time travel", catalog)
    assert it.tags == ["friends-to-lovers", "time-travel"] and it.genres == ["Romance"] and not it.exclude_tags


# ---- time, era, platform, country ------------------------------------------------------------------
@pytest.mark.parametrize("text, pieces", [
    ("for the weekend", [("weekend", True)]),
    ("one evening", [("max_minutes", 180)]),
    ("tonight", [("max_minutes", 180)]),
    ("in a day", [("max_minutes", 480)]),
    ("under 5 hours", [("max_minutes", 300)]),
    ("at most 8 episodes", [("max_episodes", 8)]),
    ("under 10 episodes", [("max_episodes", 9)]),
    ("a short one", [("max_episodes", 12)]),
    ("a mini-series", [("max_episodes", 12)]),
    ("something long", [("min_episodes", 17)]),
    ("not too long", [("max_episodes", 16)]),
    ("recent", [("min_year", 2023)]),
    ("2010s", [("min_year", 2010), ("max_year", 2019)]),
    ("after 2020", [("min_year", 2021)]),
    ("before 2015", [("max_year", 2014)]),
    ("old-school", [("max_year", 2015)]),
])
def test_time_and_era(catalog, text, pieces):
    assert kinds(interpret(text, catalog)) == pieces


def test_recent_follows_the_given_latest_year(catalog):
    assert interpret("recent", catalog, latest_year=2030).min_year == 2028


@pytest.mark.parametrize("text, platform, network", [
    ("on Netflix", "Netflix", "Netflix"), ("on netflix", "Netflix", "Netflix"),
    ("Disney+", "Disney+", "Disney+"), ("disney plus", "Disney+", "Disney+"), ("on TVN", "tvN", "TVING tvN"),
])
def test_platform(catalog, text, platform, network):
    it = interpret(text, catalog)
    assert kinds(it) == [("network", platform)]
    # the engine matches a network as a word of the catalog's string: "tvN" finds "TVING tvN" too
    assert it.networks == [platform]
    assert any(platform.casefold() in n.casefold().split() for n in [network])


def test_country_only_when_the_catalog_records_it(catalog):
    assert interpret("a japanese drama", catalog).country is None
    assert "japanese" in interpret("a japanese drama", catalog).unused
    shows = tiny(CountryShow("j1", "Tokyo Love", country="Japan"), CountryShow("k1", "Seoul Love", country="South Korea"))
    it = interpret("a japanese romance", shows)
    assert it.country == "Japan"
    assert it.to_query_kwargs(engine_filters=())["exclude"] == ["k1"]
    assert it.to_query_kwargs()["country"] == "Japan"


# ---- what is left ----------------------------------------------------------------------------------
def test_unknown_words_are_reported_not_ignored(catalog):
    it = interpret("like Soundtrack #1, immaculate vibes", catalog)
    assert it.unused == ["immaculate", "vibes"]
    assert it.describe_unused() == "did not understand: 'immaculate', 'vibes'"


def test_words_the_catalog_uses_become_text_wishes(catalog):
    it = interpret("a mini-series about grief", catalog)
    assert it.text_wishes == ["grief"] and it.unused == []
    assert "grief" in it.to_query_kwargs()["text"]


# ---- output ---------------------------------------------------------------------------------------
def test_describe(catalog):
    it = interpret("something like Soundtrack #1 for the weekend, no love triangle", catalog)
    assert it.describe() == "understood: like Soundtrack #1 · weekend (<= 12 h) · no love-triangle"
    assert interpret("so much vibes", catalog).describe() == "understood: nothing"


def test_to_dict(catalog):
    data = interpret("like Soundtrack #1, no love triangle, vibes", catalog).to_dict()
    assert data["pieces"][0] == {"kind": "like", "value": "soundtrack-1-2022", "words": "like Soundtrack #1",
                                 "label": "like Soundtrack #1"}
    assert data["unused"] == ["vibes"]
    json.dumps(data)


def test_query_kwargs(catalog):
    kwargs = interpret("like Soundtrack #1 on Netflix for the weekend, no love triangle, after 2020", catalog).to_query_kwargs()
    assert kwargs["like"] == ["soundtrack-1-2022"] and kwargs["weekend"] is True and kwargs["min_year"] == 2021
    assert kwargs["network"] == ["Netflix"] and kwargs["exclude_tags"] == ["love-triangle"]
    assert "country" not in kwargs and "min_episodes" not in kwargs and "exclude" not in kwargs
    assert interpret("something long", catalog).to_query_kwargs()["min_episodes"] == 17


def test_an_engine_without_a_filter_gets_it_as_excluded_shows(catalog):
    kwargs = interpret("a romance without comedy, something long", catalog).to_query_kwargs(engine_filters=())
    failing = {s.show_id for s in catalog.shows if "Comedy" in s.genres or (s.episodes or 0) < 17}
    assert set(kwargs["exclude"]) == failing


# ---- running it ------------------------------------------------------------------------------------
def test_answer_honours_every_piece(tiny_model):
    result = answer(tiny_model, "like Spring Roommates, a romance under 6 episodes, nothing like The Cold Ledger")
    assert result.interpretation.likes == ["c1"] and result.interpretation.unlikes == ["r2"]
    assert result.page.results and all(r.episodes <= 5 for r in result.page.results)


def test_answer_tops_up_when_too_few_shows_have_every_trope_and_says_so(tiny_model):
    result = answer(tiny_model, "an unrequited love romance", k=3)
    ids = [r.show_id for r in result.page.results]
    assert ids[:2] == sorted(ids[:2], key=["c2", "c3"].index) and set(ids[:2]) == {"c2", "c3"}
    assert len(ids) == 3 and "only 2 show(s)" in result.note


def test_answer_needs_something_to_rank_by(tiny_model):
    with pytest.raises(ValueError, match="nothing to rank by"):
        answer(tiny_model, "on netflix this weekend")


def test_cli_ask(tiny_model_path, capsys):
    assert main(["ask", "like spring roommates, under 7 episodes, vibes", "--model", str(tiny_model_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("understood: like Spring Roommates · <= 6 episodes\ndid not understand: 'vibes'\n")
    assert "eps x" in out and "Spring Roommates (2021)" in out
    assert main(["ask", "like spring roommates", "--json", "-k", "2", "--model", str(tiny_model_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["interpretation"]["pieces"][0]["value"] == "c1" and len(data["results"]) == 2


def test_cli_ask_with_nothing_to_rank_by_is_one_line(tiny_model_path, capsys):
    assert main(["ask", "this weekend", "--model", str(tiny_model_path)]) == 2
    assert "nothing to rank by" in capsys.readouterr().err
