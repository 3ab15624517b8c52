"""TCP_NODELAY on every connection, whatever made the listening socket (issue 17, item 7)."""

from __future__ import annotations

import asyncio
import socket

from service.connections import GuardedH11Protocol
from service.protocol import NoDelayGuardedProtocol, set_nodelay
from service.server import uvicorn_options


def _accepted_nodelay(fix: bool) -> int:
    """TCP_NODELAY of a connection accepted on a socket bound as uvicorn binds it for --workers N."""

    async def main() -> int:
        seen = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport):
                if fix:
                    set_nodelay(transport)
                sock = transport.get_extra_info("socket")
                seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        listener = socket.socket(family=socket.AF_INET)  # uvicorn's Config.bind_socket: proto 0
        listener.bind(("127.0.0.1", 0))
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname())
        try:
            return await asyncio.wait_for(seen, 5)
        finally:
            writer.close()
            server.close()

    return asyncio.run(main())


def test_a_pre_bound_listener_leaves_nagle_on_and_set_nodelay_turns_it_off():
    assert _accepted_nodelay(fix=False) == 0  # why --workers 2 cost 40 ms a response
    assert _accepted_nodelay(fix=True) == 1


def test_kdrama_serve_runs_the_nodelay_protocol():
    assert uvicorn_options("127.0.0.1", 8000, 2, "warning")["http"] == "service.protocol:NoDelayGuardedProtocol"
    assert issubclass(NoDelayGuardedProtocol, GuardedH11Protocol)  # the slow-client guard still runs
