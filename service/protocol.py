"""The protocol `kdrama serve` runs: the slow-client guard, with TCP_NODELAY on every connection.

Why: asyncio turns Nagle's algorithm off only for sockets whose ``proto`` is ``IPPROTO_TCP``. With
one worker uvicorn lets ``loop.create_server(host, port)`` make the listening socket (proto 6);
with ``--workers N`` it binds ``socket.socket(AF_INET)`` itself in the supervisor (proto 0), so
every accepted connection kept Nagle on. A response goes out as two writes (head, then body); the
second waited for the client's ACK of the first, which a keep-alive client delays by up to 40 ms
(Linux delayed ACK): the "44 ms per request with 2 workers" of issue 17, item 7. An accepted
socket reads proto=6, TCP_NODELAY=1 behind ``create_server(host, port)`` and proto=0,
TCP_NODELAY=0 behind a socket bound as uvicorn binds it (tests/service/test_protocol.py).
"""

from __future__ import annotations

import socket

from .connections import GuardedH11Protocol

__all__ = ["NoDelayGuardedProtocol", "set_nodelay"]


def set_nodelay(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # a Unix socket has no Nagle
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:  # the peer is already gone: nothing to speed up
        pass


class NoDelayGuardedProtocol(GuardedH11Protocol):
    def connection_made(self, transport) -> None:  # type: ignore[override]
        set_nodelay(transport)
        super().connection_made(transport)
