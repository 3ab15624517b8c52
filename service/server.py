"""How `kdrama serve` starts uvicorn: the app factory, the slow-client guard, the log filters.

Everything is passed by import path or as plain data, because each worker process is spawned
and rebuilds it: the protocol class (``service.connections``), the logging filters
(``service.logging``) and the app factory (``service.app:factory``).
"""

from __future__ import annotations

import copy
from inspect import signature
from typing import Any

from .connections import listen_backlog

__all__ = ["log_config", "run", "uvicorn_options"]

# the slow-client guard (service/connections.py) plus TCP_NODELAY (service/protocol.py: issue 17, item 7)
PROTOCOL = "service.protocol:NoDelayGuardedProtocol"


def log_config() -> dict[str, Any]:
    """uvicorn's own logging setup, plus redaction on the access log and one-a-second on the rest."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact": {"()": "service.logging.RedactSecrets"},
                         "once_a_second": {"()": "service.logging.OncePerSecond"}}
    config["handlers"]["default"]["filters"] = ["once_a_second"]
    config["loggers"]["uvicorn.access"]["filters"] = ["redact"]
    # asyncio reports "socket.accept() out of system resource" here: same handler, same flood guard
    config["loggers"]["asyncio"] = {"handlers": ["default"], "level": "WARNING", "propagate": False}
    return config


def uvicorn_options(host: str, port: int, workers: int, log_level: str) -> dict[str, Any]:
    import uvicorn

    options: dict[str, Any] = {
        "factory": True, "host": host, "port": port, "workers": workers, "log_level": log_level,
        "http": PROTOCOL, "log_config": log_config(), "backlog": listen_backlog(),
        "timeout_keep_alive": 5,  # idle keep-alive sockets: uvicorn's own timer (read deadlines are the guard's)
    }
    # uvicorn kills a worker that misses its 5 s health ping; importing scikit-learn and loading the
    # model in several workers at once takes longer than that on a small machine
    if "timeout_worker_healthcheck" in signature(uvicorn.run).parameters:
        options["timeout_worker_healthcheck"] = 120
    return options


def run(host: str, port: int, workers: int, log_level: str) -> int:
    """Serve until stopped; the exit code. Several workers on Linux: one SO_REUSEPORT socket each (service/supervisor.py)."""
    import uvicorn

    from .supervisor import reuse_port_supported, serve_workers

    options = uvicorn_options(host, port, workers, log_level)
    if workers > 1 and reuse_port_supported():
        uvicorn.Config("service.app:factory", **options)  # configures logging in this process, as uvicorn.run does
        return serve_workers(options, host, port, workers)
    uvicorn.run("service.app:factory", **options)
    return 0
