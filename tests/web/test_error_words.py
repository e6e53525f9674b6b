"""A 422 says in words what a parameter must look like; it never shows the user a regular expression."""

from __future__ import annotations

from typing import Any

from dialoguelab.web.security import PATTERN_WORDS


def _route_patterns(app: Any) -> set[str]:
    """Every pattern a route checks (the ones that can produce a 422), read from FastAPI's own routes."""
    from fastapi.routing import APIRoute

    def params(dependant: Any) -> list[Any]:
        found = [*dependant.query_params, *dependant.path_params]
        for sub in dependant.dependencies:
            found += params(sub)
        return found

    def routes(items: list[Any]) -> list[APIRoute]:
        found: list[APIRoute] = []
        for item in items:
            if isinstance(item, APIRoute):
                found.append(item)
            inner = getattr(item, "original_router", None) or getattr(item, "router", None)
            if inner is not None and inner is not item and hasattr(inner, "routes"):
                found += routes(list(inner.routes))
        return found

    out: set[str] = set()
    for route in routes(list(app.routes)):
        for param in params(route.dependant):
            for meta in [*getattr(param.field_info, "metadata", []), param.field_info]:
                pattern = getattr(meta, "pattern", None)
                if isinstance(pattern, str):
                    out.add(pattern)
    return out


def test_every_pattern_a_route_checks_has_words(app) -> None:
    patterns = _route_patterns(app)
    assert patterns, "no route pattern found: the test would pass vacuously"
    missing = patterns - set(PATTERN_WORDS)
    assert not missing, f"add these to PATTERN_WORDS in web/security.py: {sorted(missing)}"


def test_a_bad_value_is_explained_in_words(client) -> None:
    r = client.get("/api/v1/membership/outcome", params={"body": "un", "date": "abc"})
    assert r.status_code == 422
    body = r.json()
    assert "YYYY-MM-DD" in body["detail"] and "\\d" not in body["detail"] and "abc" not in body["detail"]
    r = client.get("/api/v1/membership/outcome", params={"body": "un", "recognize": "es"})
    assert r.status_code == 422 and "ISO 3166" in r.json()["errors"][0]["message"]
