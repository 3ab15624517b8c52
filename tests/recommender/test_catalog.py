"""Loading shows and reviews: bad rows are reported with file, line and reason, and skipped."""

from __future__ import annotations

import pytest

from recommender.catalog import load_reviews, load_shows
from recommender.errors import DataError
from recommender.titles import Catalog

HEADER = "show_id,title,year,episodes,episode_minutes,network\n"


def shows_file(tmp_path, body: str | bytes, name="shows.csv"):
    path = tmp_path / name
    data = body if isinstance(body, bytes) else body.encode()
    path.write_bytes(data)
    return path


def test_good_rows_load_and_unknown_columns_are_ignored(tmp_path):
    path = shows_file(tmp_path, "show_id,title,episodes,whatever\na,Alpha,4,x\nb,Beta,,y\n")
    shows, report = load_shows(path)
    assert [s.show_id for s in shows] == ["a", "b"]
    assert shows[1].episodes is None and not report.problems


@pytest.mark.parametrize(
    "row, reason",
    [
        (",No Id,2020,4,45,tvN", "show_id is missing"),
        ("x,,2020,4,45,tvN", "title is missing"),
        ("x,Bad Eps,2020,four,45,tvN", "episodes must be a whole number, got 'four'"),
        ("x,Zero Eps,2020,0,45,tvN", "episodes must be between 1 and 5000, got 0"),
        ("x,Neg Eps,2020,-3,45,tvN", "episodes must be between 1 and 5000, got -3"),
        ("x,Absurd,2020,999999,45,tvN", "episodes must be between 1 and 5000"),
        ("x,Short Row,2020", "expected 6 columns, got 3"),
    ],
)
def test_bad_rows_are_reported_with_line_and_skipped(tmp_path, row, reason):
    path = shows_file(tmp_path, HEADER + "ok,Good Show,2021,8,50,SBS\n" + row + "\n")
    shows, report = load_shows(path)
    assert [s.show_id for s in shows] == ["ok"]
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert problem.line == 3 and reason in problem.reason
    assert str(problem).startswith(f"{path}:3: ")


def test_duplicate_id_names_the_first_line(tmp_path):
    path = shows_file(tmp_path, HEADER + "a,One,2020,4,45,x\na,Two,2021,4,45,x\n")
    shows, report = load_shows(path)
    assert [s.title for s in shows] == ["One"]
    assert "duplicate show_id 'a' (first on line 2)" in report.problems[0].reason


def test_undecodable_bytes_are_blamed_on_their_line(tmp_path):
    path = shows_file(tmp_path, HEADER.encode() + b"a,Good,2020,4,45,x\nb,Caf\xe9 Latin-1,2020,4,45,x\n")
    shows, report = load_shows(path)
    assert [s.show_id for s in shows] == ["a"]
    assert report.problems[0].line == 3 and "UTF-8" in report.problems[0].reason


def test_bom_and_hangul_titles_load(tmp_path):
    path = shows_file(tmp_path, "\ufeff" + HEADER + "a,사운드트랙#1,2022,4,45,Disney+\n")
    shows, _ = load_shows(path)
    assert shows[0].title == "사운드트랙#1"


def test_strict_turns_a_bad_row_into_an_error(tmp_path):
    path = shows_file(tmp_path, HEADER + "a,Good,2020,4,45,x\nb,Bad,2020,zero,45,x\n")
    with pytest.raises(DataError, match=r"shows.csv:3: episodes must be a whole number.*--strict"):
        load_shows(path, strict=True)


@pytest.mark.parametrize("body, message", [(None, "file not found"), ("", "file is empty"), ("  \n\n", "file is empty")])
def test_missing_or_empty_file_is_one_clear_error(tmp_path, body, message):
    path = tmp_path / "shows.csv"
    if body is not None:
        path.write_text(body)
    with pytest.raises(DataError, match=message):
        load_shows(path)


def test_unbalanced_quote_is_reported(tmp_path):
    path = shows_file(tmp_path, HEADER + 'a,Good,2020,4,45,x\nb,"Broken,2020,4,45,x\n')
    shows, report = load_shows(path)
    assert [s.show_id for s in shows] == ["a"]
    assert report.problems and report.problems[0].line == 3


def test_reviews_resolve_titles_and_report_unknown_shows(tmp_path):
    shows, _ = load_shows(shows_file(tmp_path, HEADER + "st1,Soundtrack #1,2022,4,45,Disney+\n"))
    catalog = Catalog(shows)
    path = tmp_path / "reviews.jsonl"
    path.write_text(
        '{"show_id": "st1", "text": "Lovely."}\n'
        '{"title": "soundtrack 1", "text": "By title."}\n'
        '{"show_id": "nope", "text": "Unknown."}\n'
        '["not", "an", "object"]\n'
        '{"show_id": "st1", "text": ""}\n'
        "{broken json\n"
    )
    reviews, report = load_reviews(path, catalog)
    assert [r.text for r in reviews] == ["Lovely.", "By title."]
    reasons = {p.line: p.reason for p in report.problems}
    assert "show_id 'nope' is not in the catalog" in reasons[3]
    assert "expected a JSON object, got list" in reasons[4]
    assert "text is missing" in reasons[5]
    assert "invalid JSON" in reasons[6]


def test_reviews_csv_with_ratings(tmp_path):
    shows, _ = load_shows(shows_file(tmp_path, HEADER + "st1,Soundtrack #1,2022,4,45,Disney+\n"))
    path = tmp_path / "reviews.csv"
    path.write_text("show_id,text,rating\nst1,Good,9\nst1,Too high,11\nst1,Not a number,great\n")
    reviews, report = load_reviews(path, Catalog(shows))
    assert [r.rating for r in reviews] == [9.0]
    assert [p.line for p in report.problems] == [3, 4]


# ---- crew and country (issue 13/14) -------------------------------------------------------------
CREW_HEADER = "show_id,title,year,episodes,episode_minutes,network,cast,directors,writers,country\n"


def test_crew_and_country_columns_load_and_validate(tmp_path):
    body = CREW_HEADER + (
        "a,Alpha,2020,8,45,tvN,Kim A|Lee B,Park Director|Choi Co,Writer One,South Korea\n"
        "b,Beta,2021,8,45,tvN,Kim A,12345,Writer Two,South Korea\n"  # a number is not a name
        f"c,Gamma,2022,8,45,tvN,Kim A,{'X' * 100},,South Korea\n"  # nor is a 100-character string
    )
    shows, report = load_shows(shows_file(tmp_path, body))
    assert [s.show_id for s in shows] == ["a"]
    assert shows[0].directors == ("Park Director", "Choi Co") and shows[0].writers == ("Writer One",)
    assert shows[0].country == "South Korea" and shows[0].crew == ("Park Director", "Choi Co", "Writer One")
    reasons = {p.line: p.reason for p in report.problems}
    assert "directors: '12345' is not a name" in reasons[3] and "directors" in reasons[4]


def _write_csv(path, header, rows):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_the_mdl_import_maps_crew_keeps_south_korea_and_normalizes_networks(tmp_path):
    from recommender.importers import import_mdl

    header = ["mdl_id", "title", "country", "year", "episodes", "duration_min", "original_network", "genres", "tags",
              "main_cast", "also_known_as", "native_title", "synopsis", "watchers", "director", "screenwriter"]
    titles = _write_csv(tmp_path / "titles.csv", header, [
        ["1", "Seoul Story", "South Korea", "2020", "8", "45", "jTBC", "Romance", "Friends To Lovers", "Kim A|Lee B",
         "", "서울", "Two friends.", "100", "Park Dir, Choi Dir", "Writer Kim"],
        ["2", "Tokyo Story", "Japan", "2020", "10", "45", "Fuji TV", "Drama", "", "Sato", "", "東京", "A story.", "50", "Ito", ""],
    ])
    import_mdl(titles, None, tmp_path / "out")
    shows, _ = load_shows(tmp_path / "out" / "shows.csv", strict=True)
    assert [s.title for s in shows] == ["Seoul Story"]  # the default keeps the K-dramas the README's workflow wants
    show = shows[0]
    assert show.network == "JTBC" and show.country == "South Korea"
    assert show.directors == ("Park Dir", "Choi Dir") and show.writers == ("Writer Kim",)
    import_mdl(titles, None, tmp_path / "all", country=None)
    assert len(load_shows(tmp_path / "all" / "shows.csv")[0]) == 2


def test_the_kaggle_import_maps_python_list_crew(tmp_path):
    from recommender.importers import import_kaggle

    header = ["kdrama_id", "drama_name", "year", "director", "screenwriter", "country", "tot_eps", "duration", "org_net",
              "synopsis", "pop"]
    dramas = _write_csv(tmp_path / "korean_drama.csv", header, [
        ["k1", "Busan Nights", "2021", "['Jung Dir', 'Han Dir']", "['Writer Lee']", "South Korea", "12", "3600", "tvn",
         "Nights in Busan.", "10"],
    ])
    import_kaggle(dramas, tmp_path / "out")
    [show], _ = load_shows(tmp_path / "out" / "shows.csv", strict=True)
    assert show.directors == ("Jung Dir", "Han Dir") and show.writers == ("Writer Lee",)
    assert show.network == "tvN" and show.episode_minutes == 60 and show.country == "South Korea"
