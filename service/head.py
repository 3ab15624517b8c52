"""HEAD answers wherever GET does (load balancers and uptime checks send HEAD /health).

FastAPI routes declared with ``@router.get`` answer HEAD with 405; Starlette's plain routes would
not. This ASGI middleware runs a HEAD as the GET it stands for and sends the headers only (the
Content-Length of the GET body included, as RFC 9110 asks).
"""

from __future__ import annotations

__all__ = ["HeadAsGet"]


class HeadAsGet:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        return await self.app({**scope, "method": "GET"}, receive, headers_only)
