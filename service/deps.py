"""Dependencies the routes share: the served model, the settings, and the show a path names.

Tests (and a later admin route) can replace any of them through ``app.dependency_overrides``.
"""

from __future__ import annotations

from typing import Annotated, NoReturn

from fastapi import Depends, HTTPException, Path, Request

from recommender.catalog import Show

from .holder import ModelHolder, ServedModel
from .settings import Settings

__all__ = ["ModelDep", "SettingsDep", "ShowDep", "current_model", "current_settings", "invalid", "path_show"]


def current_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(current_settings)]


def current_model(request: Request, settings: SettingsDep) -> ServedModel:
    """The model snapshot this request uses from start to end."""
    holder: ModelHolder = request.app.state.holder
    if settings.auto_reload:
        holder.maybe_reload()  # a stat, at most once a second: picks up a retrained file
    return holder.get()


ModelDep = Annotated[ServedModel, Depends(current_model)]


def path_show(
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
