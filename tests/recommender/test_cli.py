"""The `kdrama` command and train.py: exit codes, JSON output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from recommender.cli import main
from tests.conftest import ROOT


def test_similar_json(tiny_model_path, capsys):
    code = main(["similar", "Love Under One Roof", "--max-episodes", "8", "--json", "--model", str(tiny_model_path)])
    assert code == 0
    results = json.loads(capsys.readouterr().out)
    assert results and all(r["episodes"] <= 8 for r in results)
    assert "c3" not in {r["show_id"] for r in results}
    assert all(r["reasons"]["components"] for r in results)


def test_similar_table(tiny_model_path, capsys):
    assert main(["similar", "c1", "-k", "2", "--model", str(tiny_model_path)]) == 0
    out = capsys.readouterr().out
    assert "More like Spring Roommates (2021)" in out and "eps x" in out


def test_unknown_title_prints_suggestions_and_exits_2(tiny_model_path, capsys):
    code = main(["similar", "Sprung Roomies Forever", "--model", str(tiny_model_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "not in the catalog" in err and "'Spring Roommates'" in err


def test_show_and_search(tiny_model_path, capsys):
    assert main(["show", "c3", "--json", "--model", str(tiny_model_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_minutes"] == 180 and "co-habitation" in data["tags"]
    assert main(["search", "roof", "--model", str(tiny_model_path)]) == 0
    assert "Love Under One Roof" in capsys.readouterr().out


def test_missing_model_is_one_line(tmp_path, capsys):
    code = main(["similar", "x", "--model", str(tmp_path / "none.joblib")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and "kdrama train" in err


def test_train_reports_and_skips_when_unchanged(tiny_files, tmp_path, capsys):
    out = tmp_path / "m.joblib"
    args = ["train", "--shows", str(tiny_files[0]), "--reviews", str(tiny_files[1]), "--out", str(out)]
    assert main(args) == 0
    assert "6 shows, 6 reviews" in capsys.readouterr().out
    assert main([*args, "--if-changed"]) == 0
    assert "retrain skipped" in capsys.readouterr().out


def test_train_missing_file_exits_2(tmp_path, capsys):
    code = main(["train", "--shows", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "m.joblib")])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"error: {tmp_path / 'absent.csv'}: file not found"


@pytest.mark.slow
def test_train_py_script_with_progress(tiny_files, tmp_path):
    out = tmp_path / "m.joblib"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "train.py"), "--shows", str(tiny_files[0]), "--reviews", str(tiny_files[1]), "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "fitting on 6 shows and 6 reviews" in proc.stderr
    assert "vocabulary" in proc.stdout and out.exists()
    assert "Traceback" not in proc.stderr
