"""`kdrama serve` with a model it cannot serve (issue 17, item 2): one line, exit 2, the parent
exits (with one worker or two), before any worker starts. A real process on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess

import pytest

from recommender.artifact import key_path
from tests.servers import free_port, kdrama_command
from tests.service.conftest import ROOT, copy_model


def _missing_key(path):
    key_path(path).unlink()


def _bad_signature(path):
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))


def _truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(("damage", "says"), [(_missing_key, "no signing key"), (_bad_signature, "signature does not verify"),
                                              (_truncated, "signature does not verify")])
def test_serve_refuses_a_bad_model_in_one_line(tiny_model_file, tmp_path, damage, says, workers):
    model = copy_model(tiny_model_file, tmp_path / "bad" / "model.joblib")
    damage(model)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KDRAMA_")}
    proc = subprocess.run([*kdrama_command(), "serve", "--port", str(free_port()), "--workers", str(workers),
                           "--model", str(model)], capture_output=True, text=True, timeout=60, cwd=ROOT, env=env)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], proc.stderr
    assert "serving model" not in proc.stderr and "Traceback" not in proc.stderr
