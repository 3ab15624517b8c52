"""Dependencies the routes share: the served model, the settings, and the show a path names.

Tests (and a later admin route) can replace any of them through ``app.dependency_overrides``.
They are ``async def``: FastAPI runs a plain ``def`` dependency in the thread pool, one hop per
dependency per request, and these do microseconds of work. The one slow thing, reloading a
retrained model (a stat, then maybe a second of unpickling), runs in the thread pool, and only
when the holder's check is due (once a second per worker).
"""

from __future__ import annotations

import time
from typing import Annotated, NoReturn

from fastapi import Depends, HTTPException, Path, Request
from starlette.concurrency import run_in_threadpool

from recommender.catalog import Show

from .holder import ModelHolder, ServedModel
from .settings import Settings

__all__ = ["ModelDep", "SettingsDep", "ShowDep", "current_model", "current_settings", "invalid", "path_show"]


async def current_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(current_settings)]


async def current_model(request: Request, settings: SettingsDep) -> ServedModel:
    """The model snapshot this request uses from start to end."""
    holder: ModelHolder = request.app.state.holder
    if settings.auto_reload:
        await _maybe_reload(request.app.state, holder)
    return holder.get()


async def _maybe_reload(state, holder: ModelHolder) -> None:
    """``holder.maybe_reload`` off the event loop, when its check is due: picks up a retrained file."""
    now = time.monotonic()
    if now < getattr(state, "next_reload_check", 0.0):
        return
    # the same ``now`` for the holder's own gate: both open again at the same instant
    state.next_reload_check = now + holder.check_interval
    await run_in_threadpool(holder.maybe_reload, now)


ModelDep = Annotated[ServedModel, Depends(current_model)]


async def path_show(
    served: ModelDep,
    show_id: Annotated[str, Path(max_length=300, description="a show id (titles and aliases work too)",
                                 examples=["soundtrack-1-2022"])],
) -> Show:
    # no fuzzy matching on a path: a near-miss id is a 404 with suggestions, not another show
    return served.model.resolve(show_id, fuzzy=False, field="show_id").show


ShowDep = Annotated[Show, Depends(path_show)]


def invalid(where: str, name: str, message: str) -> NoReturn:
    """A 422 shaped like FastAPI's own validation errors, naming the parameter."""
    raise HTTPException(status_code=422, detail=[{"loc": [where, name], "msg": message, "type": "value_error"}])
