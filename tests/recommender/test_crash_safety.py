"""Crash safety of the model file: a full disk or a SIGKILL while training leaves the old model
intact and loadable, and no half-written file behind."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from recommender.artifact import load_artifact
from tests.conftest import ROOT


def _limit_file_size(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
def test_full_disk_while_writing_keeps_the_old_model(tiny_files, tiny_model_path):
    before = tiny_model_path.read_bytes()
    version = load_artifact(tiny_model_path).meta["model_version"]
    proc = subprocess.run(
        [sys.executable, "-m", "recommender.cli", "train", "--shows", str(tiny_files[0]), "--reviews", str(tiny_files[1]),
         "--out", str(tiny_model_path), "--quiet"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, preexec_fn=_limit_file_size(4096),
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "File too large" in proc.stderr
    assert str(tiny_model_path) in proc.stderr and "previous model is unchanged" in proc.stderr  # names the file
    assert tiny_model_path.read_bytes() == before
    assert load_artifact(tiny_model_path).meta["model_version"] == version
    assert not list(tiny_model_path.parent.glob("*.part"))


@pytest.mark.slow
def test_sigkill_while_training_keeps_the_old_model(tiny_model_path, tmp_path):
    # a bigger catalog so training is still running when the kill lands
    rows = ["show_id,title,year,episodes,episode_minutes,network,synopsis"]
    words = "love revenge friends roommates murder palace chaebol ghost doctor music slow burn office secret".split()
    for i in range(4000):
        text = " ".join(words[(i * 7 + j) % len(words)] + str(j % 50) for j in range(300))
        rows.append(f"s{i},Show {i},2020,{i % 20 + 1},45,tvN,{text}")
    shows = tmp_path / "big.csv"
    shows.write_text("\n".join(rows) + "\n")
    before = tiny_model_path.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-m", "recommender.cli", "train", "--shows", str(shows), "--reviews", "--out", str(tiny_model_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    seen = ""
    while time.monotonic() < deadline and "fitting" not in seen:
        seen += proc.stderr.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    assert "fitting" in seen, "training never started"
    assert tiny_model_path.read_bytes() == before
    assert load_artifact(tiny_model_path).model.similar("c1", k=2)
