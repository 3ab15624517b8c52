"""Fixtures for the HTTP service: a tiny hand-made catalog with known answers, a model trained on
it once per session, and TestClients over copies of that model. Every KDRAMA_* path points into
tmp_path, and the working directory is tmp_path, so no test touches real user data."""

from __future__ import annotations

import csv
import json
import os
import shutil
import warnings
from pathlib import Path

import pytest

from recommender.artifact import key_path

with warnings.catch_warnings():
    # newer starlette prefers the httpx2 fork for its TestClient; plain httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`", category=UserWarning)
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]

ROMCOMS = {"rc-a", "rc-b", "rc-c"}
THRILLERS = {"rv-1", "rv-2", "rv-3"}

_COLUMNS = ("show_id", "title", "year", "episodes", "episode_minutes", "network", "genres", "tags", "cast", "aliases",
            "native_title", "synopsis", "popularity")
# (id, title, year, episodes, minutes, network, genres, tags, cast, aliases, native title, synopsis, popularity)
SHOWS = [
    ("rc-a", "Office Pretend", 2020, 8, 30, "Netflix", "Romance|Comedy", "fake-dating|workplace-romance|rom-com",
     "Kim Ara|Lee Joon", "Pretend Boyfriend", "오피스 연애", "An office worker agrees to a fake relationship with her "
     "arrogant boss; the pretend dating at the office turns into real romance and comedy.", 9000),
    ("rc-b", "Contract Sweethearts", 2021, 10, 30, "Netflix", "Romance|Comedy", "fake-dating|rom-com|co-habitation",
     "Kim Ara|Park Min", "", "", "Two strangers sign a dating contract and move in together; the fake relationship "
     "becomes a real romance full of comedy.", 8000),
    ("rc-c", "Boss in Disguise", 2019, 12, 60, "tvN", "Romance|Comedy", "fake-dating|workplace-romance|rom-com",
     "Seo Yul|Lee Joon", "", "", "A chaebol heir hides at the office as an intern and starts a fake relationship with "
     "his boss; romance and comedy follow.", 7000),
    ("fh-1", "Friends House", 2022, 4, 45, "Disney+", "Romance|Music", "friends-to-lovers|co-habitation|music",
     "Han So|Park Hyung", "", "친구의 집", "Two best friends share a house for two weeks while writing songs, and "
     "their friendship turns into love.", 6000),
    ("fh-2", "Friends House 2", 2023, 6, 45, "Disney+", "Romance|Music", "second-chance-romance|music",
     "Keum Sae", "", "", "A composer meets her first love again while writing songs for a music show.", 3000),
    ("lr-1", "Long Family Romance", 2018, 50, 70, "KBS2", "Romance|Family", "rom-com|family",
     "Choi Woo", "", "", "Three generations of a family share one house, love and comedy across fifty episodes.", 2000),
    ("rv-1", "Ashes of Revenge", 2021, 8, 60, "Netflix", "Thriller|Crime", "revenge|crime|thriller",
     "Song Hye|Jung Woo", "", "", "A prosecutor plots revenge against the chaebol who framed her father for murder; "
     "a cold crime thriller.", 9500),
    ("rv-2", "Cold Ledger", 2022, 16, 60, "SBS", "Thriller|Crime", "revenge|crime|bullying",
     "Song Hye|Kang Dae", "", "", "A bullied accountant takes revenge on the conglomerate that ruined his family, one "
     "murder at a time.", 5000),
    ("rv-3", "Blood Debt", 2023, 12, 50, "tvN", "Thriller|Crime|Drama", "revenge|thriller|bullying",
     "Jung Woo|Lim Ji", "", "", "A detective hunts the killer of her sister and plans a cold revenge on the crime "
     "ring behind the murder.", 4000),
    ("ur-1", "Unknown Runtime", 2020, "", "", "MBC", "Historical|Romance", "historical|palace",
     "Yoon Hee", "", "", "A palace maid and a young prince fall in love in Joseon.", 1000),
    ("ny-1", "No Year Love", "", 6, 30, "Viki", "Romance", "rom-com|co-habitation",
     "Lee Na", "", "", "Two roommates fall in love in a tiny flat; sweet romance.", 500),
    ("md-1", "Heart Surgeons", 2017, 16, 70, "MBC", "Medical|Romance", "medical|workplace-romance",
     "Kang Dae", "", "", "Rival surgeons at a hospital fall in love between operations.", 4500),
    ("mu-1", "Music Dream", 2016, 3, 60, "KBS2", "Music|Youth", "music|coming-of-age",
     "Park Hyung", "", "", "A pianist who lost her hearing finds her way back to music with friends.", 1500),
    ("gc-1", "Ghost Chef", 2024, 10, 45, "tvN", "Fantasy|Food|Romance", "ghost|cooking|rom-com",
     "Han So", "", "유령 셰프", "A ghost haunts a restaurant kitchen and helps a young chef cook her way to love.", 3500),
]
REVIEWS = [
    ("rc-a", "Fake dating at the office done right: the boss is arrogant, the romance is sweet and the comedy lands."),
    ("rc-a", "A pretend relationship that becomes real; cute office romance with great chemistry."),
    ("rc-b", "Contract dating and living together, a funny romance comedy with warm chemistry."),
    ("rv-1", "A brutal revenge thriller; the chaebol villain is chilling and the crime plot twists."),
    ("rv-2", "Revenge done cold. Murder, bullying and a conglomerate villain; a tense crime thriller."),
    ("rv-3", "Dark crime thriller about revenge and a murder investigation. Not a romance at all."),
]


def write_catalog(folder: Path, rows=SHOWS, reviews=REVIEWS) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    shows_path, reviews_path = folder / "shows.csv", folder / "reviews.jsonl"
    with open(shows_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(_COLUMNS)
        writer.writerows(rows)
    reviews_path.write_text("".join(json.dumps({"show_id": s, "text": t}) + "\n" for s, t in reviews), encoding="utf-8")
    return shows_path, reviews_path


def train_model(shows_path: Path, review_paths: list[Path], out: Path) -> Path:
    from recommender.training import train

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("KDRAMA_ARTIFACT_KEY", raising=False)  # the key file beside the model signs it
        train(shows_path, review_paths, out)
    return out


def copy_model(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    shutil.copyfile(key_path(source), key_path(target))
    return target


@pytest.fixture(autouse=True)
def _service_env(tmp_path, monkeypatch):
    """No KDRAMA_* setting leaks in from the shell; every path the service knows lives in tmp_path."""
    for name in list(os.environ):
        if name.startswith("KDRAMA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KDRAMA_MODEL_PATH", str(tmp_path / "models" / "model.joblib"))
    monkeypatch.setenv("KDRAMA_SHOWS_PATH", str(tmp_path / "data" / "shows.csv"))
    monkeypatch.setenv("KDRAMA_REVIEWS_PATHS", str(tmp_path / "data" / "reviews.jsonl"))
    monkeypatch.setenv("KDRAMA_DB_PATH", str(tmp_path / "models" / "reviews.sqlite3"))
    monkeypatch.chdir(tmp_path)  # relative defaults (models/model.joblib) land here too


@pytest.fixture(scope="session")
def tiny_model_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    shows, reviews = write_catalog(folder)
    return train_model(shows, [reviews], folder / "model.joblib")


@pytest.fixture(scope="session")
def bundled_model_file(tmp_path_factory) -> Path:
    """A model trained on the bundled data/ (which grows; only Soundtrack #1 checks rely on it)."""
    shows = ROOT / "data" / "shows.csv"
    if not shows.exists():
        pytest.skip(f"{shows} is absent")
    reviews = [p for p in [ROOT / "data" / "reviews.jsonl"] if p.exists()]
    return train_model(shows, reviews, tmp_path_factory.mktemp("bundled") / "model.joblib")


@pytest.fixture
def model_path(tiny_model_file, tmp_path) -> Path:
    """A private copy of the tiny model at KDRAMA_MODEL_PATH: a test may overwrite or break it."""
    return copy_model(tiny_model_file, Path(os.environ["KDRAMA_MODEL_PATH"]))


@pytest.fixture
def make_client(model_path):
    """make_client(weekend_minutes=300, ...) -> a started TestClient over the tiny model."""
    from service.app import create_app
    from service.settings import Settings

    opened = []

    def make(**overrides) -> TestClient:
        settings = Settings(**{"model_path": model_path, **overrides})
        client = TestClient(create_app(settings))
        client.__enter__()  # runs the lifespan: the model loads here
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture
def model(client):
    """The Recommender behind ``client``, to check answers against the catalog."""
    return client.app.state.holder.get().model


def strict_json(response) -> dict:
    """The body, refusing NaN/Infinity: every response must be plain JSON."""
    def refuse(constant):
        raise AssertionError(f"non-JSON constant {constant} in {response.request.url}")

    return json.loads(response.text, parse_constant=refuse)
