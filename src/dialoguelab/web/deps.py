"""Dependencies shared by the routes: the settings, the case a request asks for, the templates.

Pattern: ``Annotated`` dependency aliases in one module, as full-stack-fastapi-template
``backend/app/api/deps.py``. The app serves its default case (``Settings.case_path``, else the
installed default) and every installed case: a request picks one with ``?case=<id>``. The case is
loaded per request through :func:`dialoguelab.case.load_case`, which returns the same object while no
file of the case changes and the new version after a merge, so the dashboard never serves stale data.
"""

from __future__ import annotations

__all__ = [
    "get_app_settings",
    "get_case",
    "SettingsDep",
    "CaseDep",
    "CaseParam",
    "available_cases",
    "templates",
]

from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.templating import Jinja2Templates

from dialoguelab.case import Case, builtin_case_path, installed_cases, load_case
from dialoguelab.web.config import Settings
from dialoguelab.web.links import safe_url

TEMPLATES_DIR = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
# Jinja2Templates turns autoescaping on for .html files (select_autoescape); make it explicit.
templates.env.autoescape = True
# Links built from case data go through safe_url (http, https or a path on this site): the filter
# gives "" for anything else (href="{{ u|safe_url }}"), the global None (to test before linking).
templates.env.filters["safe_url"] = lambda value: safe_url(value) or ""
templates.env.globals["safe_url"] = safe_url

CaseParam = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=60,
        pattern=r"^[a-z0-9][a-z0-9_.\-]*$",
        description="which case to answer for: the id of an installed case or of the served one "
        "(default: the served case)",
    ),
]


def available_cases(settings: Settings) -> dict[str, Path]:
    """The cases a dashboard serves, by id: the served case first, then every installed case."""
    default = settings.case_path.resolve() if settings.case_path is not None else builtin_case_path()
    out: dict[str, Path] = {}
    default_id = load_case(default).meta.id
    out[default_id] = default
    for name in installed_cases():
        path = builtin_case_path(name)
        if path != default:
            out.setdefault(load_case(path).meta.id, path)
    return out


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_case(request: Request, case: CaseParam = None) -> Case:
    """The case a request asks for (``?case=``; default the served case), current on disk.

    An unknown case id is a 404 naming the ones there are.
    """
    cases: dict[str, Path] = request.app.state.cases
    if case is None:
        path = next(iter(cases.values()))
    elif case in cases:
        path = cases[case]
    else:
        raise HTTPException(404, f"unknown case {case!r}: this dashboard serves {', '.join(cases)}")
    loaded = load_case(path)
    request.state.case = loaded
    return loaded


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CaseDep = Annotated[Case, Depends(get_case)]
