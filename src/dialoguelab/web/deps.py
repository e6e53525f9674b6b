"""Dependencies shared by the routes: the settings, the loaded case, the templates.

Pattern: ``Annotated`` dependency aliases in one module, as full-stack-fastapi-template
``backend/app/api/deps.py``. The app built by :func:`dialoguelab.web.app.create_app` keeps its
settings and case on ``app.state``; tests may swap either through ``app.dependency_overrides``.
"""

from __future__ import annotations

__all__ = ["get_app_settings", "get_case", "SettingsDep", "CaseDep", "load_case_cached", "templates"]

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from dialoguelab.case import Case, load_case
from dialoguelab.web.config import Settings

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
# Jinja2Templates turns autoescaping on for .html files (select_autoescape); make it explicit.
templates.env.autoescape = True


@lru_cache(maxsize=8)
def load_case_cached(path: Path | None) -> Case:
    """Load a case once per folder (``None`` is the built-in Kosovo case).

    A case is immutable, so every request may share it.
    """
    return load_case(path)


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_case(request: Request) -> Case:
    """The case the app serves (loaded when the app was created)."""
    case: Case = request.app.state.case
    return case


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CaseDep = Annotated[Case, Depends(get_case)]
