"""service/cli.py: `kdrama serve`, down to a real server answering over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from recommender.cli import main


def test_serve_is_a_kdrama_subcommand(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "serve" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "--workers" in capsys.readouterr().out


def test_serve_runs_uvicorn_with_the_app_factory(model_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append((app, options)))
    assert main(["serve", "--port", "8123", "--workers", "3", "--host", "0.0.0.0", "--model", str(model_path)]) == 0
    app, options = calls[0]
    assert app == "service.app:factory" and options["factory"] is True
    assert (options["host"], options["port"], options["workers"]) == ("0.0.0.0", 8123, 3)
    # worker processes build their settings from the environment, so --model travels there
    assert os.environ["KDRAMA_MODEL_PATH"] == str(model_path.resolve())
    assert "on http://0.0.0.0:8123" in capsys.readouterr().err


def test_serve_without_a_model_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("started without a model"))
    assert main(["serve", "--model", str(tmp_path / "absent.joblib")]) == 2
    err = capsys.readouterr().err
    assert "no model file; run `kdrama train`" in err and len(err.strip().splitlines()) == 1


def test_serve_refuses_zero_workers(model_path, capsys):
    assert main(["serve", "--workers", "0", "--model", str(model_path)]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err


# ---- a real server ---------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _kdrama() -> list[str]:
    script = Path(sys.executable).with_name("kdrama")
    return [str(script)] if script.exists() else [sys.executable, "-m", "recommender.cli"]


def _wait_for_health(base: str, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"kdrama serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            response = httpx.get(f"{base}/health", timeout=1.0)
            if response.status_code == 200:
                return response.json()
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"kdrama serve did not answer /health within {timeout} s:\n{log.read_text()}")


@pytest.mark.slow
def test_a_real_server_answers_soundtrack_weekend(bundled_model_file, tmp_path, monkeypatch):
    model = tmp_path / "served" / "model.joblib"
    from tests.service.conftest import copy_model

    copy_model(bundled_model_file, model)
    monkeypatch.setenv("KDRAMA_MODEL_PATH", str(model))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([*_kdrama(), "serve", "--port", str(port), "--log-level", "warning"],
                                   cwd=tmp_path, env=dict(os.environ), stdout=output, stderr=subprocess.STDOUT)
        try:
            health = _wait_for_health(base, process, log)
            assert health["status"] == "ok" and health["n_shows"] > 100
            response = httpx.get(f"{base}/similar?title=Soundtrack%20%231&weekend=true", timeout=10.0)
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["seed"]["title"] == "Soundtrack #1"
            assert len(body["results"]) == 10
            for result in body["results"]:
                assert result["total_minutes"] is not None and result["total_minutes"] <= 720
                assert result["reasons"]["shared_tags"] or result["reasons"]["shared_terms"]
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert process.returncode is not None
