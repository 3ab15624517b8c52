"""service/cli.py: `kdrama serve`, down to a real server answering over HTTP."""

from __future__ import annotations

import os

import httpx
import pytest

from recommender.cli import main
from tests.servers import Server


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
    assert main(["serve", "--port", "8123", "--host", "0.0.0.0", "--model", str(model_path)]) == 0
    app, options = calls[0]
    assert app == "service.app:factory" and options["factory"] is True
    assert (options["host"], options["port"], options["workers"]) == ("0.0.0.0", 8123, 1)
    # worker processes build their settings from the environment, so --model travels there
    assert os.environ["KDRAMA_MODEL_PATH"] == str(model_path.resolve())
    assert "on http://0.0.0.0:8123" in capsys.readouterr().err


def test_serve_with_workers_runs_them_on_sockets_of_their_own(model_path, monkeypatch, capsys):
    """Several workers on Linux go to service/supervisor.py (one SO_REUSEPORT socket each), with the same options."""
    from service.supervisor import reuse_port_supported

    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append(("uvicorn", options)))
    monkeypatch.setattr("service.supervisor.serve_workers",
                        lambda options, host, port, count: calls.append(("supervisor", options)) or 0)
    assert main(["serve", "--port", "8123", "--workers", "3", "--model", str(model_path)]) == 0
    (who, options), = calls
    assert who == ("supervisor" if reuse_port_supported() else "uvicorn")
    assert (options["port"], options["workers"], options["http"]) == (8123, 3, "service.protocol:NoDelayGuardedProtocol")


def test_serve_without_a_model_says_what_to_do(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: pytest.fail("started without a model"))
    assert main(["serve", "--model", str(tmp_path / "absent.joblib")]) == 2
    err = capsys.readouterr().err
    assert "no model file; run `kdrama train`" in err and len(err.strip().splitlines()) == 1


def test_serve_refuses_zero_workers(model_path, capsys):
    assert main(["serve", "--workers", "0", "--model", str(model_path)]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err


# ---- a real server ---------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_real_server_answers_soundtrack_weekend(bundled_model_file, tmp_path, monkeypatch):
    model = tmp_path / "served" / "model.joblib"
    from tests.service.conftest import copy_model

    copy_model(bundled_model_file, model)
    monkeypatch.setenv("KDRAMA_MODEL_PATH", str(model))
    with Server(tmp_path, log_level="warning") as server:
        health = server.health
        assert health["status"] == "ok" and health["n_shows"] > 100
        response = httpx.get(f"{server.base}/similar?title=Soundtrack%20%231&weekend=true", timeout=10.0)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["seed"]["title"] == "Soundtrack #1"
        assert len(body["results"]) == 10
        for result in body["results"]:
            assert result["total_minutes"] is not None and result["total_minutes"] <= 720
            assert result["reasons"]["shared_tags"] or result["reasons"]["shared_terms"]
    assert server.process.returncode is not None
