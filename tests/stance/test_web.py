"""The findings and stance pages and their JSON routes, through FastAPI's TestClient."""

from __future__ import annotations

from fastapi.testclient import TestClient

from dialoguelab.web.app import create_app
from dialoguelab.web.routes import insights


def _client() -> TestClient:
    app = create_app()
    if not any(getattr(r, "path", "") == "/findings" for r in app.routes):
        app.include_router(insights.router)  # until the lead wires the router into ROUTERS
    return TestClient(app, base_url="http://127.0.0.1")  # an allowed Host name


def test_pages_and_api() -> None:
    with _client() as c:
        f = c.get("/api/v1/findings")
        assert f.status_code == 200 and len(f.json()) == 8
        s = c.get("/api/v1/stance", params={"series": "serbia-alignment", "window": 5})
        assert s.status_code == 200 and s.json()["rows"][0]["label"].count("–") == 1
        page = c.get("/stance")
        assert page.status_code == 200 and page.text.count('class="dl-figure"') == 4
        assert "<script>" not in page.text  # the CSP allows no inline script
        assert c.get("/findings").text.count('class="finding"') == 8
        assert c.get("/insights/charts.js").status_code == 200


def test_bad_parameters_get_a_422_naming_the_fix() -> None:
    with _client() as c:
        r = c.get("/api/v1/stance", params={"series": "nope"})
        assert r.status_code == 422 and "'series' parameter must be one of" in r.json()["detail"]
        assert c.get("/api/v1/stance", params={"window": 0}).status_code == 422
