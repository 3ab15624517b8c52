"""The bad-input corpus (tests/corpus/): clear messages naming file and line, good rows kept,
never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from recommender.catalog import load_reviews, load_shows
from recommender.cli import main
from recommender.titles import Catalog
from tests.conftest import ROOT

CORPUS = ROOT / "tests" / "corpus"

CASES = {
    # file: (ids that must load, [(line, words in the reason)])
    "unbalanced_quote.csv": (["ok1", "ok2"], [(3, "unbalanced quote")]),
    "wrong_column_count.csv": (["ok1", "ok2"], [(3, "expected 6 columns, got 8"), (4, "expected 6 columns, got 3")]),
    "utf8_bom.csv": (["ok1"], []),
    "latin1_row.csv": (["ok1", "ok2"], [(3, "must be UTF-8")]),
    "invalid_utf8.csv": (["ok1", "ok2"], [(3, "must be UTF-8")]),
    "duplicate_ids.csv": (["d1", "ok2"], [(3, "duplicate show_id 'd1' (first on line 2)")]),
    "bad_episodes.csv": (["ok1", "ok2"], [(3, "got -4"), (4, "got 100000000"), (5, "got 0"), (6, "whole number, got '2.5'")]),
    "html_and_unicode.csv": (["x1", "h1", "e1"], []),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file(name):
    expected_ids, expected_problems = CASES[name]
    shows, report = load_shows(CORPUS / name)
    assert [s.show_id for s in shows] == expected_ids
    assert [p.line for p in report.problems] == [line for line, _ in expected_problems]
    for problem, (_, words) in zip(report.problems, expected_problems, strict=True):
        assert words in problem.reason
        assert str(problem).startswith(f"{CORPUS / name}:{problem.line}: ")


def test_html_and_unicode_titles_are_kept_verbatim():
    shows, _ = load_shows(CORPUS / "html_and_unicode.csv")
    titles = {s.show_id: s.title for s in shows}
    assert titles["x1"] == "<script>alert(1)</script>Evil"
    assert titles["h1"] == "사운드트랙#1"
    assert titles["e1"] == "Emoji Love 💕🎬"
    catalog = Catalog(shows)
    assert catalog.resolve("사운드트랙#1").show_id == "h1"
    assert catalog.resolve("emoji love").show_id == "e1"


@pytest.mark.parametrize("name", ["empty.csv", "header_only.csv"])
def test_empty_files_are_one_line_errors(name, capsys, tmp_path):
    code = main(["train", "--shows", str(CORPUS / name), "--reviews", "--out", str(tmp_path / "m.joblib")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith(f"error: {CORPUS / name}")
    assert "Traceback" not in "\n".join(err)


def test_json_that_is_not_an_object():
    shows, _ = load_shows(CORPUS / "utf8_bom.csv")
    reviews, report = load_reviews(CORPUS / "not_objects.jsonl", Catalog(shows))
    assert [r.text for r in reviews] == ["fine review", "second fine review"]
    assert [(p.line, p.reason.split(",")[0]) for p in report.problems] == [
        (2, "expected a JSON object"), (3, "expected a JSON object"), (4, "expected a JSON object"), (6, "invalid JSON (Expecting property name enclosed in double quotes at column 2)")
    ]


def test_a_five_megabyte_review_is_refused_naming_the_limit_and_the_rest_trains(tmp_path):
    from recommender.bounds import MAX_REVIEW_CHARS

    shows, _ = load_shows(CORPUS / "html_and_unicode.csv")
    big = ("a very long review about friends to lovers and slow burn romance " * 80_000)[:5_000_000]
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"show_id": "h1", "text": big}) + "\n" + json.dumps({"show_id": "e1", "text": "short one"}) + "\n")
    reviews, report = load_reviews(path, Catalog(shows))
    assert [r.text for r in reviews] == ["short one"]
    assert [p.line for p in report.problems] == [1] and f"at most {MAX_REVIEW_CHARS:,}" in report.problems[0].reason
    from recommender import Recommender

    model = Recommender().fit(shows, reviews)
    assert model.stats().n_reviews == 1


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES) + ["empty.csv", "header_only.csv"])
def test_cli_never_prints_a_traceback(name, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "recommender.cli", "train", "--shows", str(CORPUS / name), "--reviews", "--out", str(tmp_path / "m.joblib")],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 2)
    if proc.returncode == 0:
        assert "trained" in proc.stdout
    else:
        assert proc.stderr.strip().splitlines()[-1].startswith("error: ")
