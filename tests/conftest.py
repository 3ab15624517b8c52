"""Shared fixtures: every path points at a temp dir, and a tiny catalog with a known answer."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
MDL = SHARED_DATA / "mdl_html_seoulmate"
TEST_DATABASE_URL = os.environ.get("KDRAMA_TEST_DATABASE_URL")  # read now: fixtures below clear KDRAMA_*


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path, monkeypatch):
    """Tests never touch real user data: every configurable path lives under tmp_path."""
    monkeypatch.setenv("KDRAMA_MODEL_PATH", str(tmp_path / "models" / "model.joblib"))
    monkeypatch.setenv("KDRAMA_DB_PATH", str(tmp_path / "models" / "reviews.sqlite3"))
    monkeypatch.delenv("KDRAMA_ARTIFACT_KEY", raising=False)
    monkeypatch.delenv("KDRAMA_API_TOKEN", raising=False)
    monkeypatch.delenv("KDRAMA_DATABASE_URL", raising=False)


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server's URL: $KDRAMA_TEST_DATABASE_URL (CI), else a throwaway cluster from
    Debian's binaries, else a skip that says how to get one."""
    from tests.postgres import pg_binaries, throwaway_cluster

    if TEST_DATABASE_URL:
        yield TEST_DATABASE_URL
        return
    if pg_binaries() is None:
        pytest.skip("no PostgreSQL: set KDRAMA_TEST_DATABASE_URL, or install Debian's postgresql (`make postgres`) "
                    "so the tests start a throwaway cluster")
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database of its own for one test."""
    from tests.postgres import fresh_database

    with fresh_database(pg_server) as url:
        yield url


def need_shared(*parts: str) -> Path:
    """The path under ../shared/data, or a clean skip saying why."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared/data is only beside the checkout on dev and CI machines)")
    return path


TINY_SHOWS = [
    # three revenge thrillers
    dict(show_id="r1", title="Ashes of Vengeance", year=2020, episodes=16, episode_minutes=60, network="tvN",
         genres="Thriller|Crime", tags="Revenge|Thriller|Crime", cast="Kim A|Lee B",
         synopsis="A prosecutor plots revenge against the chaebol who framed her father for murder.", popularity=5000),
    dict(show_id="r2", title="The Cold Ledger", year=2021, episodes=12, episode_minutes=60, network="Netflix",
         genres="Thriller|Crime", tags="Revenge|Thriller|Chaebol", cast="Park C|Choi D",
         synopsis="A disgraced accountant takes revenge on the conglomerate that ruined his family, one murder at a time.", popularity=4000),
    dict(show_id="r3", title="Blood Debt", year=2022, episodes=10, episode_minutes=50, network="Netflix",
         genres="Thriller|Crime", tags="Revenge|Crime|Murder Mystery", cast="Kim A|Jung E",
         synopsis="A detective hunts the killer of her sister and plans a cold revenge on the crime ring behind it.", popularity=3000),
    # three rom-coms
    dict(show_id="c1", title="Spring Roommates", year=2021, episodes=8, episode_minutes=30, network="Viki",
         genres="Romance|Comedy", tags="Friends To Lovers|Cohabitation|Rom-Com", cast="Han F|Seo G",
         synopsis="Two best friends become roommates and slowly fall in love while sharing a tiny flat.", popularity=2000),
    dict(show_id="c2", title="Coffee and Confessions", year=2022, episodes=6, episode_minutes=40, network="Disney+",
         genres="Romance|Comedy", tags="Friends To Lovers|Unrequited Love|Rom-Com", cast="Yoon H|Han F",
         synopsis="A barista hides her one-sided love for her childhood best friend in this sweet romantic comedy.", popularity=1000),
    dict(show_id="c3", title="Love Under One Roof", year=2023, episodes=4, episode_minutes=45, network="Disney+",
         genres="Romance|Comedy", tags="Cohabitation|Unrequited Love|Rom-Com", cast="Lim I|Kang J",
         synopsis="A lyricist invites her oldest friend to stay at her house, and a romantic comedy of living together begins.", popularity=1500),
]

TINY_REVIEWS = [
    dict(show_id="r1", text="A brutal revenge thriller; the villain chaebol is chilling and the crime plot twists."),
    dict(show_id="r2", text="Revenge done cold. Murder, money and a conglomerate villain; a tense crime thriller."),
    dict(show_id="r3", text="Dark crime thriller about revenge and a murder investigation. Not a romance at all."),
    dict(show_id="c1", text="Sweet friends to lovers romance with roommates bickering; cute rom-com chemistry."),
    dict(show_id="c2", text="Unrequited love and friends to lovers in a cozy cafe, a warm romantic comedy with great chemistry."),
    dict(show_id="c3", text="Living together turns best friends into lovers; a tender romantic comedy with one-sided love."),
]


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def tiny_files(tmp_path) -> tuple[Path, Path]:
    shows = write_csv(tmp_path / "shows.csv", TINY_SHOWS)
    reviews = write_jsonl(tmp_path / "reviews.jsonl", TINY_REVIEWS)
    return shows, reviews


@pytest.fixture
def tiny_model(tiny_files):
    from recommender import Recommender
    from recommender.training import load_inputs

    shows, reviews, _ = load_inputs(tiny_files[0], [tiny_files[1]])
    return Recommender().fit(shows, reviews)


@pytest.fixture
def tiny_model_path(tiny_files, tmp_path) -> Path:
    from recommender.training import train

    out = tmp_path / "models" / "model.joblib"
    train(tiny_files[0], [tiny_files[1]], out)
    return out
