"""recommender/ingest.py + blogpost.py + retraining.py: files in, shows recognised or created, retrain."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.artifact import read_header
from recommender.blogpost import clean_html, read_facts
from recommender.catalog import load_shows
from recommender.cli import main
from recommender.errors import DataError
from recommender.ingest import Ingester
from recommender.model import Recommender
from recommender.retraining import retrain
from recommender.store import ReviewStore

from ..conftest import SHARED, TINY_SHOWS, write_csv, write_jsonl

SEEDS = SHARED / "seeds"


def seed_review() -> Path:
    found = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip(f"{SEEDS} has no seed review (../shared is only beside the checkout on dev and CI machines)")
    return found[0]


@pytest.fixture
def store(tmp_path):
    with ReviewStore(tmp_path / "reviews.sqlite3") as opened:
        yield opened


@pytest.fixture
def catalog(tiny_files):
    shows, _ = load_shows(tiny_files[0])
    return shows


# ---- the seed review: cold start ------------------------------------------------------------------
def test_the_seed_review_creates_its_show_when_the_catalog_lacks_it(store, catalog):
    assert not any("soundtrack" in s.title.lower() for s in catalog)
    report = Ingester(store, catalog).ingest(seed_review())
    assert (report.stored, report.duplicates, report.problems) == (1, 0, [])
    [show] = report.shows_created
    assert show.title == "Soundtrack #1" and show.year == 2022
    assert show.episodes == 4 and 40 <= show.episode_minutes <= 50
    assert show.network == "Disney+"
    assert set(show.cast) >= {"Park Hyung Sik", "Han So Hee"}  # the catalog's way, so shared cast works
    assert {"friends-to-lovers", "co-habitation", "unrequited-love"} <= set(show.tags)
    assert store.shows() == [show]
    [review] = store.reviews()
    assert review.show_id == show.show_id
    for chrome in ("top of page", "bottom of page", "Writer's picture"):
        assert chrome not in review.text
    assert "\nComments\n" not in review.text and review.author  # the writer's line became the author
    assert "show created: 'Soundtrack #1'" in report.summary()


def test_the_seed_review_is_not_mistaken_for_a_show_it_mentions_in_passing(store, catalog, tmp_path):
    # the post names Happiness and My Name as the leads' earlier work; it is about neither
    shows = write_csv(tmp_path / "more.csv", [*TINY_SHOWS,
                      dict(show_id="happy", title="Happiness", year=2021, episodes=12, episode_minutes=60),
                      dict(show_id="name", title="My Name", year=2021, episodes=8, episode_minutes=50)])
    report = Ingester(store, load_shows(shows)[0]).ingest(seed_review())
    assert report.show.title == "Soundtrack #1" and report.shows_created


def test_the_seed_review_joins_its_show_when_the_catalog_has_it(store, tmp_path):
    shows = write_csv(tmp_path / "with.csv", [*TINY_SHOWS, dict(
        show_id="st1", title="Soundtrack #1", year=2022, episodes=4, episode_minutes=44, aliases="Soundtrack No. 1")])
    report = Ingester(store, load_shows(shows)[0]).ingest(seed_review())
    assert report.show.show_id == "st1" and not report.shows_created and report.stored == 1


def test_ingesting_the_same_post_twice_stores_it_once(store, catalog):
    ingester = Ingester(store, catalog)
    ingester.ingest(seed_review())
    again = ingester.ingest(seed_review())
    assert (again.stored, again.duplicates, again.shows_created) == (0, 1, [])
    assert len(store.reviews()) == 1 and len(store.shows()) == 1


# ---- extraction is general -------------------------------------------------------------------------
OTHER_POST = """<!doctype html><html><head><title>Ledger review | My Blog</title><style>p {color: red}</style>
<script>var tracking = "Netflix Netflix Netflix";</script></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a> tvN KBS2 </nav>
<div class="share-buttons">Share on Facebook</div>
<article><h1>Review: &ldquo;Midnight Ledger&rdquo;</h1>
<p>top of page</p>
<p>The Netflix six-episode thriller series Midnight Ledger (2024) starring Kim Ara, Lee Joon and Park Min-young
follows an accountant who plots revenge on the firm that ruined her family.</p>
<p>Its six 50-minute episodes are tight. The revenge plot is cold and the murder at the midpoint is shocking.</p>
<p>Midnight Ledger never drags.</p></article>
<div id="comments">Comments <p>great post!! time travel time travel</p></div>
<footer>bottom of page &copy; 2024</footer></body></html>"""


def test_html_is_cleaned_of_markup_scripts_and_page_chrome():
    post = clean_html(OTHER_POST)
    assert post.headline == "Review: \u201cMidnight Ledger\u201d"
    for gone in ("tracking", "color: red", "Home", "Share on Facebook", "great post", "top of page", "bottom of page",
                 "<p>"):
        assert gone not in post.text
    assert "plots revenge" in post.text


def test_facts_come_from_what_any_post_says():
    post = clean_html(OTHER_POST)
    facts = read_facts(post.text, post.headline)
    assert (facts.title, facts.year, facts.episodes, facts.episode_minutes) == ("Midnight Ledger", 2024, 6, 50)
    assert facts.network == "Netflix"
    assert facts.cast == ("Kim Ara", "Lee Joon", "Park Min Young")
    assert "revenge" in facts.tags and "time-travel" not in facts.tags  # the comments were dropped
    assert "Thriller" in facts.genres


def test_an_html_post_is_ingested_and_its_show_created(store, catalog, tmp_path):
    path = tmp_path / "ledger.html"
    path.write_text(OTHER_POST, encoding="utf-8")
    report = Ingester(store, catalog).ingest(path)
    assert [s.show_id for s in report.shows_created] == ["midnight-ledger-2024"]


def test_title_forces_the_show(store, catalog, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Cute and short. I binged it in one evening; the roommates bicker all the time.\n", encoding="utf-8")
    ingester = Ingester(store, catalog)
    unknown = ingester.ingest(path)
    assert unknown.failed and "pass --title" in str(unknown.problems[0])
    forced = ingester.ingest(path, title="Spring Roommates")
    assert forced.show.show_id == "c1" and forced.stored == 1 and not forced.shows_created


# ---- review rows ---------------------------------------------------------------------------------
def test_rows_are_stored_and_bad_rows_reported_by_line(store, catalog, tmp_path):
    path = write_jsonl(tmp_path / "rows.jsonl", [
        dict(show_id="c1", text="Lovely roommates story.", author="A"),
        dict(title="Blood Debt", text="Grim revenge.", rating=7),
        dict(title="No Such Show", text="?"),
        dict(show_id="c1", text=""),
        dict(show_id="c2", text="Cozy", rating=42),
    ])
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    report = Ingester(store, catalog).ingest(path)
    assert (report.stored, report.duplicates) == (2, 0)
    reasons = {p.line: p.reason for p in report.problems}
    assert set(reasons) == {3, 4, 5, 6}
    assert "not in the catalog" in reasons[3] and "text is missing" in reasons[4]
    assert "rating must be between 0 and 10" in reasons[5] and "invalid JSON" in reasons[6]
    assert Ingester(store, catalog).ingest(path).duplicates == 2


@pytest.mark.parametrize("content, message", [
    (None, "file not found"),
    (b"", "file is empty"),
    (b"\xff\xfe bad bytes \xff", "not UTF-8"),
    (b"\x00\x01binary", "looks binary"),
])
def test_a_bad_file_is_a_one_line_problem(store, catalog, tmp_path, content, message):
    path = tmp_path / "post.txt"
    if content is not None:
        path.write_bytes(content)
    report = Ingester(store, catalog).ingest(path)
    assert report.failed and message in str(report.problems[0])


# ---- retrain ------------------------------------------------------------------------------------
def test_retrain_learns_the_cold_start_show_then_skips_when_nothing_changed(store, catalog, tiny_files, tmp_path):
    Ingester(store, catalog).ingest(seed_review())
    out = tmp_path / "models" / "model.joblib"
    first = retrain(tiny_files[0], [tiny_files[1]], store, out)
    assert not first.skipped and store.last_run().outcome == "trained" and store.reviews_waiting() == 0
    model = Recommender.load(out)
    show = model.resolve("Soundtrack #1")
    assert {"friends-to-lovers", "co-habitation", "unrequited-love"} <= set(model.tags_of(show.show_id))
    again = retrain(tiny_files[0], [tiny_files[1]], store, out)
    assert again.skipped and "retrain skipped" in again.summary()
    assert store.last_run().outcome == "skipped"


def test_a_failed_retrain_is_recorded_and_leaves_the_model_alone(store, tiny_files, tmp_path):
    out = tmp_path / "models" / "model.joblib"
    retrain(tiny_files[0], [tiny_files[1]], store, out)
    before = out.read_bytes()
    with pytest.raises(DataError):
        retrain(tmp_path / "missing.csv", [], store, out, force=True)
    assert out.read_bytes() == before
    last = store.last_run()
    assert last.outcome == "failed" and "missing.csv" in last.error


def test_cli_ingest_then_retrain(tiny_files, tmp_path, capsys):
    db, out = tmp_path / "r.sqlite3", tmp_path / "m.joblib"
    post = tmp_path / "post.txt"
    post.write_text('The KBS2 sixteen-episode drama "Harbor Lights" (2019) stars Choi Woo and Lee Na.\n'
                    "Harbor Lights is a healing story about a seaside village. Healing and warm-hearted.\n", encoding="utf-8")
    assert main(["ingest", str(post), "--db", str(db), "--shows", str(tiny_files[0])]) == 0
    output = capsys.readouterr().out
    assert "1 review stored" in output and "show created: 'Harbor Lights' (harbor-lights-2019; 2019, 16 eps" in output
    assert "1 review(s) waiting" in output
    args = ["retrain", "--db", str(db), "--shows", str(tiny_files[0]), "--reviews", str(tiny_files[1]), "--out", str(out),
            "--quiet"]
    assert main(args) == 0
    assert "trained" in capsys.readouterr().out and read_header(out)[0]["n_shows"] == len(TINY_SHOWS) + 1
    assert main(args) == 0
    assert "retrain skipped" in capsys.readouterr().out


def test_cli_ingest_reports_bad_files_on_stderr(tiny_files, tmp_path, capsys):
    code = main(["ingest", str(tmp_path / "absent.txt"), "--db", str(tmp_path / "r.sqlite3"), "--shows", str(tiny_files[0])])
    captured = capsys.readouterr()
    assert code == 1 and "absent.txt: file not found" in captured.err
