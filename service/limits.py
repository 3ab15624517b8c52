"""Bounds on what a request may carry: body bytes and query-string length.

A pure ASGI middleware, so an oversized body is refused before anything reads it into memory.
"""

from __future__ import annotations

import json

__all__ = ["RequestLimits"]


class RequestLimits:
    def __init__(self, app, max_body_bytes: int, max_query_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_query_bytes = max_query_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string", b"")) > self.max_query_bytes:
            return await _refuse(send, 414, f"query string longer than {self.max_query_bytes} bytes (KDRAMA_MAX_QUERY_BYTES)")
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            return await _refuse(send, 413, f"request body larger than {self.max_body_bytes} bytes (KDRAMA_MAX_BODY_BYTES)")

        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            return await self.app(scope, receive, send)
        # read the body first (it is small by contract): a chunked body declares no length,
        # so count it as it arrives and refuse it before the app parses a byte
        messages, received = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left (or the slow-client guard closed it): nobody to answer
            messages.append(message)
            if message["type"] != "http.request":
                break
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                return await _refuse(send, 413, f"request body larger than {self.max_body_bytes} bytes (KDRAMA_MAX_BODY_BYTES)")
            if not message.get("more_body", False):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        return await self.app(scope, replay, send)


async def _refuse(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
