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


def test_stance_charts_share_one_x_range_and_number_the_periods() -> None:
    import json
    import re

    with _client() as c:
        html = c.get("/stance").text
    figs = [json.loads(m) for m in re.findall(r'<script type="application/json" class="dl-figure"[^>]*>(.*?)</script>',
                                              html, flags=re.S)]
    assert len(figs) == 4
    ranges = {tuple(f["layout"]["xaxis"]["range"]) for f in figs}
    assert len(ranges) == 1  # every chart on the same years
    lo, hi = ranges.pop()
    for f in figs:
        xs = [x for t in f["data"] for x in t["x"] if x is not None]
        assert lo < min(xs) and max(xs) < hi
        labels = [a["text"] for a in f["layout"]["annotations"]]
        assert labels == [f"<b>{i}</b>" for i in range(1, len(labels) + 1)]  # short numbers inside the plot
        assert all(0 < a["y"] <= 1 and a["yanchor"] == "top" for a in f["layout"]["annotations"])
    key = re.search(r'<div class="panel periods-key" id="periods-key">.*?<ol>(.*?)</ol>', html, flags=re.S).group(1)
    assert key.count("<li>") == len(figs[0]["layout"]["annotations"])
