"""The fans' web page: GET / (service/static/index.html), its files under /static/, and GET /config.

The page is plain HTML, CSS and JavaScript calling the JSON API from the same origin: no build
step, nothing fetched from elsewhere, so it works offline.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from ..deps import SettingsDep

__all__ = ["STATIC_DIR", "PageConfig", "router"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# only these kinds of file are served, each with its type; anything else under static/ stays private
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}

# defence in depth: even if data ever reached the DOM as markup, no inline script could run
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",  # revalidate (ETag) so a new release shows up on the next load
}

router = APIRouter()


class PageConfig(BaseModel):
    """What the page needs to know about this server's settings."""

    weekend_minutes: int = Field(description="total runtime that counts as a weekend binge", examples=[720])
    max_k: int = Field(description="largest k a caller may ask for", examples=[100])


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return _static("index.html")


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> FileResponse:
    return _static(name)


@router.get("/config", response_model=PageConfig, tags=["service"], summary="Settings the web page shows")
def config(settings: SettingsDep) -> PageConfig:
    return PageConfig(weekend_minutes=settings.weekend_minutes, max_k=settings.max_k)


def _static(name: str) -> FileResponse:
    # {name} never holds a "/", so a request cannot climb out of STATIC_DIR; dot-files stay hidden
    path = STATIC_DIR / name
    media_type = MEDIA_TYPES.get(path.suffix)
    if name.startswith(".") or media_type is None or not path.is_file():
        raise HTTPException(status_code=404, detail=f"no page file {name!r}")
    return FileResponse(path, media_type=media_type, headers=PAGE_HEADERS)
