"""service/routes/page.py and service/static/: the fans' page in a real browser.

Debian's Chromium (``apt-get install chromium``) driven by Playwright for Python, against a real
``kdrama serve`` on a free port; one server per catalog, started once for this module.
Screenshots land in test-output/browser/ (gitignored) for CI to keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Server
from tests.service.conftest import REVIEWS, ROOT, SHOWS, copy_model, train_model, write_catalog

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent; `apt-get install chromium` (or `make browser`) to run the browser tests",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed; pip install -e '.[dev]'")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
OUTPUT = ROOT / "test-output" / "browser"
WEEKEND_MINUTES = 720  # the service's default; the page reads it from GET /config

EVIL_TITLE = "<script>alert(1)</script>Evil"
EVIL_SHOW = ("ev-1", EVIL_TITLE, 2024, 6, 45, "<b>Netflix</b>", "Romance|Comedy", "fake-dating|rom-com",
             "Kim Ara|<i>Lee Joon</i>", "", "", "An office worker <img src=x onerror=alert(2)> agrees to fake dating "
             "with her boss; romance and comedy.", 100)
EVIL_REVIEW = ("ev-1", "Fake dating at the office, <b>html</b> and <script>alert(3)</script> romance comedy.")


# ---- a real server ----------------------------------------------------------------------------------
def _serve(model: Path, folder: Path) -> Iterator[str]:
    """Run `kdrama serve` on ``model`` until the generator is closed; yields the base URL."""
    served = copy_model(model, folder / "models" / "model.joblib")
    env = {"KDRAMA_MODEL_PATH": str(served), "KDRAMA_DB_PATH": str(folder / "models" / "reviews.sqlite3")}
    with Server(folder, env=env, log_level="warning", isolate=True) as server:
        yield server.base


@pytest.fixture(scope="module")
def bundled_site(bundled_model_file, tmp_path_factory) -> Iterator[str]:
    """The page over a model trained on the bundled data/ (Soundtrack #1 and friends)."""
    yield from _serve(bundled_model_file, tmp_path_factory.mktemp("bundled-site"))


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory) -> Iterator[str]:
    """The page over the hand-made catalog of conftest, plus a show whose every field is markup."""
    folder = tmp_path_factory.mktemp("tiny-site")
    shows, reviews = write_catalog(folder / "data", rows=[*SHOWS, EVIL_SHOW], reviews=[*REVIEWS, EVIL_REVIEW])
    model = train_model(shows, [reviews], folder / "trained" / "model.joblib")
    yield from _serve(model, folder)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """open_page(base, width=..., height=...) -> a ready page; fails the test on a dialog or a script error."""
    contexts, problems = [], []

    def open_(base: str, width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", lambda message: _console_error(message, problems))
        page.goto(f"{base}/")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, problems


def _console_error(message, problems: list[str]) -> None:
    # Chromium logs every 4xx answer as "Failed to load resource"; the 404 and 422 tests expect those
    if message.type == "error" and not re.match(r"Failed to load resource: .* status of 4(04|22)", message.text):
        problems.append(f"console error: {message.text}")


def pick_suggestion(page, typed: str, title: str) -> None:
    """Type into the search box and choose ``title`` with the arrow keys and Enter, as a keyboard user would."""
    box = page.get_by_test_id("search-input")
    box.fill("")
    box.press_sequentially(typed)
    expect(page.get_by_test_id("suggestions")).to_have_attribute("data-query", typed)  # not a list for fewer letters
    options = page.get_by_test_id("suggestion")
    wanted = options.filter(has=page.locator(".option-title", has_text=re.compile(f"^{re.escape(title)}$")))
    expect(wanted).to_have_count(1)
    position = options.all_text_contents().index(wanted.text_content())
    for _ in range(position + 1):
        box.press("ArrowDown")
    expect(wanted).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page.get_by_test_id("seed-title")).to_have_text(title)
    settle(page)


def settle(page) -> None:
    """Wait until the results on screen answer the last change."""
    expect(page.get_by_test_id("results")).to_have_attribute("aria-busy", "false")


def card_titles(page) -> list[str]:
    return page.get_by_test_id("card-title").all_text_contents()


# ---- the main job ------------------------------------------------------------------------------------
def test_soundtrack_weekend_binge_flow(bundled_site, open_page):
    page = open_page(bundled_site)
    # Hangul finds it too
    page.get_by_test_id("search-input").fill("사운드트랙")
    expect(page.get_by_test_id("suggestion").filter(has_text="Soundtrack #1")).to_have_count(1)

    pick_suggestion(page, "Soundtrack", "Soundtrack #1")
    expect(page.get_by_test_id("seed-runtime")).to_have_text(re.compile(r"^4 eps × \d+ min = \d+ h"))
    expect(page.get_by_test_id("tag-filter").first).to_be_visible()

    page.locator("label.switch", has=page.get_by_test_id("weekend-toggle")).click()
    expect(page.get_by_test_id("weekend-toggle")).to_be_checked()
    settle(page)
    cards = page.get_by_test_id("result-card")
    expect(cards).to_have_count(10)
    for card in cards.all():
        total = card.get_attribute("data-total-minutes")
        assert total and int(total) <= WEEKEND_MINUTES, (card.text_content(), total)
        chips = card.locator("[data-testid=reason-chip]:is([data-kind=tag], [data-kind=term], [data-kind=cast])")
        assert chips.count() >= 1, card.text_content()
        expect(card.get_by_test_id("runtime")).to_have_text(re.compile(r"\d+ eps? × \d+ min = "))
    assert "Soundtrack #1" not in card_titles(page)

    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUTPUT / "soundtrack-weekend.png", full_page=True)

    # a click makes a card the seed; the weekend filter still holds
    first = card_titles(page)[0]
    cards.first.click()
    expect(page.get_by_test_id("seed-title")).to_have_text(first)
    settle(page)
    assert first not in card_titles(page)
    assert all(int(m) <= WEEKEND_MINUTES for m in cards.evaluate_all("cs => cs.map(c => c.dataset.totalMinutes)"))

    # and so does Enter on a focused card; Back returns to the previous seed
    second = card_titles(page)[1]
    cards.nth(1).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("seed-title")).to_have_text(second)
    page.go_back()
    expect(page.get_by_test_id("seed-title")).to_have_text(first)


def test_phone_width_has_no_sideways_scrolling(bundled_site, open_page):
    page = open_page(bundled_site, width=375, height=740)
    pick_suggestion(page, "Soundtrack", "Soundtrack #1")
    expect(page.get_by_test_id("result-card")).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUTPUT / "soundtrack-phone.png", full_page=True)


# ---- data is text, never markup --------------------------------------------------------------------
def test_a_script_title_is_shown_as_text(tiny_site, open_page):
    page = open_page(tiny_site)
    pick_suggestion(page, "Evil", EVIL_TITLE)
    seed = page.get_by_test_id("seed-card")
    expect(seed).to_contain_text("An office worker <img src=x onerror=alert(2)> agrees")
    expect(seed).to_contain_text("<b>Netflix</b>")
    # no element made from data: the markup stayed text everywhere it is shown
    assert page.locator("main script, main img, main b, main i").count() == 0
    expect(page.get_by_test_id("result-card").first).to_be_visible()

    # it is just as inert as a result card
    pick_suggestion(page, "Office Pretend", "Office Pretend")
    evil = page.get_by_test_id("result-card").filter(has_text="Evil")
    expect(evil.get_by_test_id("card-title")).to_have_text(EVIL_TITLE)
    assert page.locator("main script, main img, main b, main i").count() == 0
    assert page.evaluate("document.title") == "More like this · K-drama finder"


# ---- friendly messages and the other controls ---------------------------------------------------------
def test_an_unknown_title_offers_the_suggestions_from_the_404(tiny_site, open_page):
    page = open_page(tiny_site)
    box = page.get_by_test_id("search-input")
    box.fill("Ofice Pretnd Boyfriend Love")
    box.press("Enter")  # nothing highlighted: the server resolves the words, or says what they might mean
    message = page.get_by_test_id("message")
    expect(message).to_have_attribute("data-kind", "no-match")
    expect(message).to_contain_text("No show called “Ofice Pretnd Boyfriend Love”")
    suggestion = page.get_by_test_id("suggestion-button").first
    title = suggestion.text_content()
    suggestion.click()
    expect(page.get_by_test_id("seed-title")).to_have_text(title)
    expect(message).to_be_hidden()


def test_filters_that_leave_nothing_say_so_and_offer_a_way_back(tiny_site, open_page):
    page = open_page(tiny_site)
    pick_suggestion(page, "Long Family", "Long Family Romance")
    slider = page.get_by_test_id("max-episodes")
    slider.focus()
    page.keyboard.press("Home")  # one episode at most: nothing in this catalog is that short
    expect(page.get_by_test_id("max-episodes-value")).to_have_text("1")
    message = page.get_by_test_id("message")
    expect(message).to_have_attribute("data-kind", "empty")
    expect(page.get_by_test_id("result-card")).to_have_count(0)
    page.get_by_test_id("relax-filter").filter(has_text="Any number of episodes").click()
    expect(message).to_be_hidden()
    expect(page.get_by_test_id("max-episodes-value")).to_have_text("any")
    assert page.get_by_test_id("result-card").count() > 0


def test_a_trope_chip_requires_that_trope(tiny_site, open_page):
    page = open_page(tiny_site)
    pick_suggestion(page, "Office Pretend", "Office Pretend")
    chip = page.get_by_test_id("tag-filter").filter(has_text="workplace romance")
    chip.click()
    expect(chip).to_have_attribute("aria-pressed", "true")
    settle(page)
    cards = page.get_by_test_id("result-card")
    assert cards.count() >= 1
    for card in cards.all():
        expect(card.locator("[data-kind=tag]").filter(has_text="workplace romance")).to_have_count(1)


def test_like_these_recommends_from_several_shows(tiny_site, open_page):
    page = open_page(tiny_site)
    pick_suggestion(page, "Office Pretend", "Office Pretend")
    page.get_by_test_id("seed-card").get_by_test_id("like-toggle").check()
    liked = card_titles(page)[0]
    page.get_by_test_id("result-card").first.get_by_test_id("like-toggle").check()
    expect(page.get_by_test_id("like-bar")).to_be_visible()
    page.get_by_test_id("like-go").click()
    seeds = page.get_by_test_id("seed-list").locator("li")
    expect(seeds).to_have_count(2)
    settle(page)
    titles = card_titles(page)
    assert titles and "Office Pretend" not in titles and liked not in titles


# ---- the page after issues 12, 13, 15 and 16 --------------------------------------------------------------
def test_an_unknown_title_clears_the_old_seed_and_heading(tiny_site, open_page):
    page = open_page(tiny_site)
    pick_suggestion(page, "Office Pretend", "Office Pretend")
    expect(page.get_by_test_id("results-heading")).to_have_text("Like Office Pretend")
    box = page.get_by_test_id("search-input")
    box.fill("Qwxyz Zzyzx")
    box.press("Enter")
    expect(page.get_by_test_id("message")).to_have_attribute("data-kind", "no-match")
    expect(page.get_by_test_id("seed-card")).to_be_hidden()
    expect(page.get_by_test_id("seed-title")).to_have_count(0)
    expect(page.get_by_test_id("results-heading")).not_to_contain_text("Office Pretend")
    expect(page.get_by_test_id("result-card")).to_have_count(0)


def test_at_phone_width_a_result_is_on_the_first_screen(bundled_site, open_page):
    page = open_page(bundled_site, width=390, height=844)
    pick_suggestion(page, "Soundtrack", "Soundtrack #1")
    first = page.get_by_test_id("result-card").first
    expect(first).to_be_visible()
    top, bottom = first.evaluate("c => { const r = c.getBoundingClientRect(); return [r.top, r.bottom]; }")
    assert 0 <= top < 844 - 150 and bottom > 0, (top, bottom)  # its title, facts and runtime at least
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_two_quick_clicks_end_on_the_second_seed(bundled_site, open_page):
    page = open_page(bundled_site)
    pick_suggestion(page, "Soundtrack", "Soundtrack #1")
    cards = page.get_by_test_id("result-card")
    first_id, second_id = cards.nth(0).get_attribute("data-show-id"), cards.nth(1).get_attribute("data-show-id")
    second_title = card_titles(page)[1]
    held = []

    def hold_the_first(route):  # the first click's answer arrives last
        if f"title={first_id}" in route.request.url and not held:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/similar\?"), hold_the_first)
    cards.nth(0).click()
    cards.nth(1).click()
    expect(page.get_by_test_id("seed-title")).to_have_text(second_title)
    settle(page)
    assert held, "the first click never asked"
    try:
        held[0].continue_()
    except Exception:  # noqa: BLE001 - the page aborted it, which is one of the two ways to win
        pass
    page.wait_for_timeout(500)
    expect(page.get_by_test_id("seed-title")).to_have_text(second_title)
    assert f"show={second_id}" in page.url
    assert second_id not in cards.evaluate_all("cs => cs.map(c => c.dataset.showId)")


def test_an_ambiguous_name_takes_the_first_season_and_marks_the_same_series(bundled_site, open_page):
    page = open_page(bundled_site)
    box = page.get_by_test_id("search-input")
    box.fill("Soundtrack")
    box.press("Enter")  # no suggestion highlighted: the server picks, and says which others it could be
    expect(page.get_by_test_id("seed-title")).to_have_text("Soundtrack #1")
    expect(page.get_by_test_id("alternative")).to_have_text(["Soundtrack #2 (2023)"])
    expect(page.get_by_test_id("did-you-mean")).to_contain_text("Showing Soundtrack #1 (2022)")
    settle(page)
    sequel = page.locator("[data-testid=result-card][data-show-id=soundtrack-2-2023]")
    for _ in range(6):  # the sequel ranks by its score like any other show: page on until it shows
        if sequel.count():
            break
        page.get_by_test_id("more-button").click()
        settle(page)
    expect(sequel).to_have_count(1)
    expect(sequel.locator("[data-kind=franchise]")).to_have_text("same series")
    assert page.locator("[data-testid=result-card][data-same-franchise=true]").count() == 1
    # every trope chip reads as the vocabulary names it
    assert not [t for t in page.locator("[data-kind=tag]").all_text_contents() if re.search(r"\w \w+ation|co habitation", t)]
    page.screenshot(path=_shot("soundtrack-same-series.png"), full_page=True)

    page.locator("label.switch", has=page.get_by_test_id("franchise-toggle")).click()
    expect(page.get_by_test_id("franchise-toggle")).not_to_be_checked()
    settle(page)
    assert "franchise=0" in page.url
    for _ in range(3):
        page.get_by_test_id("more-button").click()
        settle(page)
    expect(sequel).to_have_count(0)

    page.get_by_test_id("alternative").click()
    expect(page.get_by_test_id("seed-title")).to_have_text("Soundtrack #2")


def test_cards_show_genres_a_summary_and_labelled_tropes(bundled_site, open_page):
    page = open_page(bundled_site)
    pick_suggestion(page, "Soundtrack", "Soundtrack #1")
    for card in page.get_by_test_id("result-card").all()[:5]:
        expect(card.get_by_test_id("genres")).not_to_be_empty()
        summary = card.get_by_test_id("summary").text_content()
        assert summary and summary.count(". ") == 0, summary  # one sentence
    labels = page.locator("[data-kind=tag]").all_text_contents()
    assert labels and all("-" not in label or label[0].isupper() for label in labels), labels


def test_an_unknown_tag_offers_the_close_ones_and_taking_one_runs_again(tiny_site, open_page):
    page = open_page(tiny_site)
    page.goto(f"{tiny_site}/#show=rc-a&tags=workplace-romanse")
    message = page.get_by_test_id("message")
    expect(message).to_have_attribute("data-kind", "invalid")
    expect(page.get_by_test_id("issue")).to_contain_text("workplace-romanse")
    expect(page.get_by_test_id("seed-card")).to_be_hidden()
    page.get_by_test_id("issue-suggestion").first.click()
    expect(page.get_by_test_id("seed-title")).to_have_text("Office Pretend")
    expect(message).to_be_hidden()
    settle(page)
    pressed = page.locator("[data-testid=tag-filter][aria-pressed=true]")
    expect(pressed).to_have_count(1)
    assert pressed.get_attribute("data-tag") == "workplace-romance"
    assert page.get_by_test_id("result-card").count() >= 1


def _honours(page, base: str, show_id: str, pieces: list[tuple[str, str]]) -> None:
    show = page.request.get(f"{base}/shows/{show_id}").json()
    for kind, value in pieces:
        if kind == "genre":
            assert value in show["genres"], (show["title"], kind, value)
        elif kind == "max_episodes":
            assert show["episodes"] and show["episodes"] <= int(value), (show["title"], kind, value)
        elif kind == "exclude_tag":
            assert value not in show["tags"], (show["title"], kind, value)
        else:
            raise AssertionError(f"no check for {kind}")


def test_ask_in_words_shows_removable_chips_and_results_that_honour_them(bundled_site, open_page):
    page = open_page(bundled_site)
    ask = page.get_by_test_id("ask-input")
    ask.fill("a funny romance under 10 episodes, no love triangle, immaculate vibes")
    ask.press("Enter")
    chips = page.get_by_test_id("ask-piece")
    expect(chips).to_have_count(4)
    expect(page.get_by_test_id("ask-unused")).to_contain_text("vibes")
    settle(page)
    cards = page.get_by_test_id("result-card")
    expect(cards).to_have_count(10)
    pieces = [(c.get_attribute("data-kind"), c.get_attribute("data-value")) for c in chips.all()]
    assert sorted(k for k, _ in pieces) == ["exclude_tag", "genre", "genre", "max_episodes"], pieces
    before = cards.evaluate_all("cs => cs.map(c => c.dataset.showId)")
    for show_id in before:
        _honours(page, bundled_site, show_id, pieces)
    page.screenshot(path=_shot("ask-chips.png"), full_page=True)

    chips.filter(has_text="episodes").click()  # drop "under 10 episodes"
    expect(chips).to_have_count(3)
    expect(page.locator("[data-testid=ask-piece][data-kind=max_episodes]")).to_have_count(0)
    expect(ask).not_to_have_value(re.compile("10 episodes"))
    settle(page)
    expect(cards).to_have_count(10)
    after = cards.evaluate_all("cs => cs.map(c => c.dataset.showId)")
    assert after != before
    assert any(int(n) > 9 for n in cards.evaluate_all("cs => cs.map(c => c.dataset.episodes || 0)"))
    left = [(c.get_attribute("data-kind"), c.get_attribute("data-value")) for c in chips.all()]
    assert sorted(left) == sorted(p for p in pieces if p[0] != "max_episodes")
    for show_id in after:
        _honours(page, bundled_site, show_id, left)
    assert "ask=" in page.url


def _shot(name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    return OUTPUT / name
