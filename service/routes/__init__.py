"""One router per resource; ``ROUTERS`` is what the app factory mounts, in this order."""

from __future__ import annotations

from . import admin, ask, health, reviews, shows, similar

ROUTERS = (health.router, shows.router, similar.router, ask.router, reviews.router, admin.router)

__all__ = ["ROUTERS"]
