"""API reference page, rendered on the server from the app's own OpenAPI document.

FastAPI's Swagger UI and ReDoc load their JavaScript from a CDN, which this dashboard never does;
``/openapi.json`` is served as usual and ``/api`` lists every route with its parameters.
"""

from __future__ import annotations

__all__ = ["router"]

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dialoguelab.web.render import render_page

router = APIRouter(tags=["docs"])


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    ops = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = []
            for p in op.get("parameters", []):
                schema = p.get("schema", {})
                kinds = schema.get("anyOf", [schema])
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
def page_api(request: Request) -> HTMLResponse:
    ops = _operations(request.app.openapi())
    return render_page(request, "api.html", "api", {"operations": ops})
