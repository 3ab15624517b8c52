"""recommender/bounds.py: one review limit and one file limit at every door (issue 17, item 8)."""

from __future__ import annotations

import json
import time

import pytest

from recommender.bounds import MAX_POST_BYTES, MAX_REVIEW_CHARS, check_review_text, is_blank
from recommender.catalog import load_reviews, load_shows
from recommender.cli import main
from recommender.ingest import Ingester
from recommender.store import ReviewStore
from recommender.titles import Catalog


@pytest.mark.parametrize("text", ["", " ", "\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u3164", "\u2800\u2800", "\u00a0\t\n"])
def test_invisible_text_is_blank(text):
    assert is_blank(text)
    with pytest.raises(ValueError, match="no visible characters"):
        check_review_text(text)


@pytest.mark.parametrize("text", ["ok", "사랑", "🙂", "a\u200bb"])
def test_visible_text_is_not_blank(text):
    assert not is_blank(text)


def test_the_loader_refuses_an_oversized_review_naming_the_limit(tiny_files, tmp_path):
    shows_path, _ = tiny_files
    shows, _ = load_shows(shows_path)
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"show_id": "r1", "text": "slow burn " * 500_000}) + "\n"
                    + json.dumps({"show_id": "r1", "text": "short one"}) + "\n"
                    + json.dumps({"show_id": "r1", "text": "\u200b\u200b"}) + "\n")
    reviews, report = load_reviews(path, Catalog(shows))
    assert [r.text for r in reviews] == ["short one"]
    reasons = [p.reason for p in report.problems]
    assert f"at most {MAX_REVIEW_CHARS:,} (MAX_REVIEW_CHARS)" in reasons[0] and "no visible characters" in reasons[1]


def test_ingest_refuses_a_huge_page_before_parsing_it(tiny_files, tmp_path):
    shows_path, _ = tiny_files
    shows, _ = load_shows(shows_path)
    page = tmp_path / "huge.html"
    page.write_text("<html><body>" + "<p>Ashes of Vengeance was a slow cold revenge.</p>" * 80_000 + "</body></html>")
    assert page.stat().st_size > MAX_POST_BYTES
    with ReviewStore(tmp_path / "reviews.sqlite3") as store:
        started = time.perf_counter()
        report = Ingester(store, shows).ingest(page)
        assert time.perf_counter() - started < 1.0
        assert report.failed and "MAX_POST_BYTES" in report.problems[0].reason
        assert f"{MAX_POST_BYTES:,} bytes" in report.problems[0].reason
        assert store.count_reviews() == 0


def test_ingest_refuses_a_post_longer_than_a_review_may_be(tiny_files, tmp_path):
    shows_path, _ = tiny_files
    shows, _ = load_shows(shows_path)
    post = tmp_path / "long.txt"
    post.write_text("Ashes of Vengeance\n\n" + "The prosecutor plots a slow cold revenge and I loved it. " * 1000)
    with ReviewStore(tmp_path / "reviews.sqlite3") as store:
        report = Ingester(store, shows).ingest(post)
        assert report.failed and "MAX_REVIEW_CHARS" in report.problems[0].reason
        assert store.count_reviews() == 0


def test_ingest_cli_says_which_limit(tiny_files, tmp_path, capsys):
    shows_path, _ = tiny_files
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"show_id": "r1", "text": "x" * (MAX_REVIEW_CHARS + 1)}) + "\n")
    assert main(["ingest", str(rows), "--shows", str(shows_path), "--db", str(tmp_path / "r.sqlite3")]) == 1
    captured = capsys.readouterr()
    assert "MAX_REVIEW_CHARS" in captured.err + captured.out
