"""Slow clients and hostile logs (issue 17, items 1 and 9): service/connections.py, service/logging.py.

A real `kdrama serve` on 127.0.0.1 under a 256-descriptor limit: 300 half-open sockets (a partial
request line, partial headers, a body at one byte per while) must not starve ``/health``, must be
closed by the read deadlines, and must not flood the log. Bounded: 300 sockets, about 10 s.
"""

from __future__ import annotations

import http.client
import logging
import socket
import time

import pytest

from service.logging import OncePerSecond, RedactSecrets, redact_target
from tests.servers import Server

HOST = "127.0.0.1"
SLOW = 300
PARTIALS = (b"GET /hea", b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ",
            b"POST /reviews HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")


def _health_seconds(port: int) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", "/health")
        status = connection.getresponse().status
    except OSError:
        status = 0
    finally:
        connection.close()
    return status, time.perf_counter() - started


def _open_slow(port: int, n: int) -> list[socket.socket]:
    sockets = []
    for i in range(n):
        s = socket.create_connection((HOST, port), timeout=5)
        s.sendall(PARTIALS[i % len(PARTIALS)])
        sockets.append(s)
    return sockets


def _closed_by_server(s: socket.socket) -> bool:
    s.settimeout(0.5)
    try:
        data = s.recv(4096)
    except TimeoutError:
        return False
    except OSError:
        return True
    return data == b"" or data.startswith(b"HTTP/1.1 408") or data.startswith(b"HTTP/1.1 503")


@pytest.mark.slow
def test_half_open_sockets_do_not_starve_health(model_path, tmp_path):
    env = {"KDRAMA_MODEL_PATH": str(model_path), "KDRAMA_HEADER_TIMEOUT_SECONDS": "3", "KDRAMA_BODY_TIMEOUT_SECONDS": "3"}
    with Server(tmp_path, env=env, log_level="info", file_limit=256) as server:
        sockets = _open_slow(server.port, SLOW)
        try:
            answers = [_health_seconds(server.port) for _ in range(5)]
            assert all(status == 200 for status, _ in answers), answers
            assert max(seconds for _, seconds in answers) < 1.0, answers
            time.sleep(4.5)  # past the read deadlines
            closed = sum(_closed_by_server(s) for s in sockets)
            assert closed == SLOW, f"{SLOW - closed} of {SLOW} slow sockets still open after the deadlines"
        finally:
            for s in sockets:
                s.close()
        assert _health_seconds(server.port)[0] == 200
    log = server.log.read_text(errors="replace")
    assert "Traceback" not in log and "Too many open files" not in log
    assert len(log) < 200_000, f"{len(log):,} bytes of log for {SLOW} slow sockets"


@pytest.mark.slow
def test_a_slow_body_gets_a_408_and_the_server_carries_on(model_path, tmp_path):
    env = {"KDRAMA_MODEL_PATH": str(model_path), "KDRAMA_BODY_TIMEOUT_SECONDS": "1"}
    with Server(tmp_path, env=env, log_level="warning") as server:
        s = socket.create_connection((HOST, server.port), timeout=5)
        s.sendall(PARTIALS[2])
        started = time.perf_counter()
        answer = s.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408") and b"request body not received within 1 s" in answer
        assert time.perf_counter() - started < 3
        s.close()
        assert _health_seconds(server.port)[0] == 200
    assert "Traceback" not in server.log.read_text(errors="replace")


@pytest.mark.slow
def test_the_access_log_holds_no_token(model_path, tmp_path):
    with Server(tmp_path, env={"KDRAMA_MODEL_PATH": str(model_path)}, log_level="info") as server:
        for path in ("/health?token=SECRET1", "/similar?title=Office%20Pretend&api_key=SECRET2",
                     "/admin/status?x=SECRET3", "/reviews?anything=SECRET4"):
            connection = http.client.HTTPConnection(HOST, server.port, timeout=5)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()
    log = server.log.read_text(errors="replace")
    assert "GET /similar?title=Office%20Pretend&api_key=[redacted]" in log
    assert not any(f"SECRET{i}" in log for i in range(1, 5)), log[-2000:]


# ---- the filters on their own ------------------------------------------------------------------
@pytest.mark.parametrize(("target", "logged"), [
    ("/similar?title=Soundtrack%20%231", "/similar?title=Soundtrack%20%231"),
    ("/similar?title=x&token=abc&k=5", "/similar?title=x&token=[redacted]&k=5"),
    ("/shows?q=a&API_KEY=1&password=2&x-auth-sig=3", "/shows?q=a&API_KEY=[redacted]&password=[redacted]&x-auth-sig=[redacted]"),
    ("/admin/status?anything=1", "/admin/status?[redacted]"),
    ("/reviews?title=x", "/reviews?[redacted]"),
    ("/health", "/health"),
])
def test_redact_target(target, logged):
    assert redact_target(target) == logged


def test_redact_secrets_rewrites_uvicorns_access_record():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/x?session=s3cr3t", "1.1", 200), None)
    assert RedactSecrets().filter(record) and "s3cr3t" not in record.getMessage()


def test_once_per_second_drops_a_flood_and_says_how_much():
    flood = OncePerSecond()

    def record():
        return logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "socket.accept() out of system resource", (), None)

    kept = [flood.filter(record()) for _ in range(1000)]
    assert sum(kept) == 1
    flood._last = {k: v - 1.0 for k, v in flood._last.items()}  # a second later
    later = record()
    assert flood.filter(later) and "999 more like this" in later.getMessage()


@pytest.mark.parametrize("file_limit", [128, 256, 300, 512, 1024, 4096, 20000])
def test_the_cap_leaves_room_for_the_accept_pipeline(file_limit):
    """asyncio holds up to three accept batches before the cap sees them: cap + 3 batches + reserve fit."""
    from service.connections import ACCEPT_PIPELINE, FD_RESERVE, accept_batch, effective_cap

    batch, cap = accept_batch(file_limit), effective_cap(1000, file_limit)
    assert 8 <= batch <= 128 and 8 <= cap <= 1000
    assert cap + ACCEPT_PIPELINE * batch + FD_RESERVE <= file_limit, (cap, batch)
    if file_limit >= FD_RESERVE + 4 * 128 + 1000:  # plenty of descriptors: nothing lowered
        assert (batch, cap) == (128, 1000)
