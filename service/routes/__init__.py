"""One router per resource; ``ROUTERS`` is what the app factory mounts, in this order."""

from __future__ import annotations

from . import health, shows, similar

ROUTERS = (health.router, shows.router, similar.router)

__all__ = ["ROUTERS"]
