"""API reference page, rendered on the server from the app's own OpenAPI document.

FastAPI's Swagger UI and ReDoc load their JavaScript from a CDN, which this dashboard never does;
``/openapi.json`` is served as usual and ``/api`` lists every route with its parameters.
"""

from __future__ import annotations

__all__ = ["router"]

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dialoguelab.web.deps import CaseDep
from dialoguelab.web.render import render_page

router = APIRouter(tags=["docs"])


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = []
            for p in op.get("parameters", []):
                schema = p.get("schema", {})
                kinds = [k for k in schema.get("anyOf", [schema]) if k.get("maxLength") != 0]  # not "empty"
                enum = next((k.get("enum") for k in kinds if k.get("enum")), None)
                types = [k.get("type") for k in kinds if k.get("type") and k.get("type") != "null"]
                params.append({
                    "name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                    "type": " | ".join(types) or "string", "enum": enum, "pattern": next(
                        (k.get("pattern") for k in kinds if k.get("pattern")), None),
                    "description": p.get("description") or schema.get("description") or "",
                    "default": schema.get("default"),
                })
            ops.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                        "description": op.get("description", ""), "tag": (op.get("tags") or [""])[0],
                        "params": params})
    return ops


@router.get("/api", response_class=HTMLResponse, include_in_schema=False)
def page_api(request: Request, case: CaseDep) -> HTMLResponse:  # the case only for the layout's links
    ops = _operations(request.app.openapi())
    return render_page(request, "api.html", "api", {"operations": ops})


@router.get("/api/v1", summary="Index of the JSON API: every route with what it returns")
def api_index(request: Request) -> dict[str, Any]:
    """Every route of the API (path and summary), the cases served (``?case=``), the reference page and
    the OpenAPI document."""
    ops = _operations(request.app.openapi())
    return {
        "reference": "/api",
        "openapi": "/openapi.json",
        "cases": list(request.app.state.cases),
        "routes": [{"path": o["path"], "summary": o["summary"]} for o in ops if o["path"].startswith("/api/v1")],
    }
