"""uvicorn's HTTP protocol with TCP_NODELAY set on every accepted connection.

Why: asyncio turns Nagle's algorithm off only for sockets whose ``proto`` is ``IPPROTO_TCP``. With
one worker uvicorn lets ``loop.create_server(host, port)`` make the listening socket (proto 6);
with ``--workers N`` it binds ``socket.socket(AF_INET)`` itself in the supervisor (proto 0), so
every accepted connection keeps Nagle on. A response goes out as two writes (head, then body); the
second waits for the client's ACK of the first, which a keep-alive client delays by up to 40 ms
(Linux delayed ACK): the "44 ms per request with 2 workers" of issue 17. Setting TCP_NODELAY on
each connection makes N workers behave like one.
"""

from __future__ import annotations

import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

__all__ = ["NoDelayHTTPProtocol", "set_nodelay"]


def set_nodelay(transport) -> None:
    sock = transport.get_extra_info("socket")
    if sock is None or sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # a Unix socket has no Nagle
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:  # the peer is already gone: nothing to speed up
        pass


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # httptools when installed, else h11 (uvicorn's own choice)
    def connection_made(self, transport) -> None:
        set_nodelay(transport)
        super().connection_made(transport)
