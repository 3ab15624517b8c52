"""Bearer-token access for the endpoints that write (POST /reviews) or administer (/admin/*).

The token comes from ``KDRAMA_API_TOKEN``; with none configured these endpoints are off (403),
so a fresh install never accepts writes from anyone by accident.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException

from .deps import SettingsDep

__all__ = ["TokenDep", "require_token"]


def require_token(
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(description="Bearer <KDRAMA_API_TOKEN>")] = None,
) -> None:
    expected = settings.api_token.get_secret_value() if settings.api_token is not None else ""
    if not expected:
        raise HTTPException(
            status_code=403,
            detail="this endpoint is disabled on this server: set KDRAMA_API_TOKEN to enable it, "
                   "then send 'Authorization: Bearer <token>'",
        )
    scheme, _, given = (authorization or "").partition(" ")
    # compare_digest: how long a wrong guess takes says nothing about how close it was
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(
            status_code=401,
            detail="missing or wrong token: send 'Authorization: Bearer <KDRAMA_API_TOKEN>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


TokenDep = Depends(require_token)
