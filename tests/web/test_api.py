"""The JSON API and the pages through FastAPI's TestClient, on the built-in Kosovo case.

Values are checked against the library functions each route calls.
"""

from __future__ import annotations

import csv
import io
import warnings

import pytest

from dialoguelab import evidence
from dialoguelab.web.app import create_app
from dialoguelab.web.config import Settings
from dialoguelab.web.nav import NAV
from dialoguelab.web.security import SECURITY_HEADERS

with warnings.catch_warnings():  # Starlette's notice that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PAGES = [item.path for item in NAV]


def test_every_nav_page_renders(client):
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:300])
        assert r.headers["content-type"].startswith("text/html")
        for item in NAV:  # the navigation lists every page
            assert f'href="{item.path}"' in r.text


@pytest.mark.parametrize("path", ["/", "/timeline", "/api/v1/summary", "/api/v1/timeline", "/nope", "/openapi.json",
                                  "/static/css/site.css", "/vendor/plotly.min.js"])
def test_security_headers_on_every_response(client, path):
    r = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert r.headers.get(name) == value, (path, name)
    csp = r.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_pages_have_no_inline_scripts(client):
    import re

    for path in PAGES:
        html = client.get(path).text
        for m in re.finditer(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
            attrs, body = m.group(1), m.group(2).strip()
            assert "src=" in attrs or 'type="application/json"' in attrs, (path, attrs, body[:80])


def test_summary_matches_library(client, case):
    got = client.get("/api/v1/summary").json()
    want = evidence.case_summary(case)
    assert got["counts"] == want["counts"]
    assert got["first_event"] == want["first_event"] and got["last_event"] == want["last_event"]
    assert "paper_text" not in got  # no server path leaks to a client


def test_timeline_json_matches_library(client, case):
    got = client.get("/api/v1/timeline", params={"actor": "Moscow", "date_from": "2008", "date_to": "2013"}).json()
    want = evidence.timeline(case, actor="Moscow", date_from="2008", date_to="2013")
    assert got["total"] == len(want) > 0
    assert [r["id"] for r in got["rows"]] == list(want["id"])
    assert got["columns"] == list(want.columns)


def test_timeline_by_date_basis(client, case):
    got = client.get("/api/v1/timeline", params={"date_basis": "context,footnote"}).json()
    want = evidence.timeline(case, date_basis="context,footnote")
    assert got["total"] == len(want) > 0
    assert {r["date_basis"] for r in got["rows"]} == {"context", "footnote"}
    page = client.get("/timeline", params={"date_basis": "footnote"})
    n_footnote = len(evidence.timeline(case, date_basis="footnote"))
    assert page.status_code == 200 and f'<span id="event-count">{n_footnote}' in page.text
    bad = client.get("/api/v1/timeline", params={"date_basis": "rumour"})
    assert bad.status_code == 422 and "date_basis" in bad.text


def test_timeline_limit_bounds_the_rows(client, case):
    got = client.get("/api/v1/timeline", params={"limit": 3}).json()
    assert got["returned"] == 3 and got["truncated"] is True and got["total"] == len(case.events)


def test_timeline_csv_both_spellings(client, case):
    for url in ("/api/v1/timeline?format=csv&event_type=REJECT", "/api/v1/timeline.csv?event_type=REJECT"):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(r.text)))
        want = evidence.timeline(case, event_type="REJECT")
        assert [row["id"] for row in rows] == list(want["id"])
        assert all(row["type"] == "REJECT" for row in rows)


@pytest.mark.parametrize(
    "url",
    ["/api/v1/actors?format=csv", "/api/v1/sources?format=csv", "/api/v1/sources.csv",
     "/api/v1/quotations?format=csv", "/api/v1/timeline/per-year?format=csv",
     "/api/v1/actors/russia/co-actors?format=csv"],
)
def test_every_table_downloads_as_csv(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert len(rows) >= 2 and len(rows[0]) >= 2


def test_per_year_matches_library(client, case):
    got = client.get("/api/v1/timeline/per-year", params={"actor": "russia"}).json()
    want = evidence.events_per_year(case, actor="russia")
    assert sum(r["events"] for r in got["rows"]) == int(want["events"].sum())


def test_event_detail_and_page(client, case):
    e = case.events[0]
    got = client.get(f"/api/v1/events/{e.id}").json()
    assert got["id"] == e.id and got["summary"] == e.summary
    page = client.get(f"/events/{e.id}").text
    for c in e.citations:
        assert f'href="/sources#src-{c}"' in page  # each fact links to its source


def test_actor_profile_resolves_aliases(client, case):
    got = client.get("/api/v1/actors/Moscow").json()
    assert got["actor"]["id"] == "russia"
    want = evidence.actor_profile(case, "russia")
    assert got["events"]["total"] == len(want["events"])
    page = client.get("/actors/the Kremlin")
    assert page.status_code == 200 and case.actor("russia").name in page.text


def test_network(client, case):
    got = client.get("/api/v1/network").json()
    g = evidence.actor_network(case)
    assert len(got["nodes"]) == g.number_of_nodes() and len(got["edges"]) == g.number_of_edges()


def test_sources_table_and_anchors(client, case):
    got = client.get("/api/v1/sources").json()
    assert got["total"] == len(evidence.sources_table(case))
    page = client.get("/sources").text
    for s in case.sources[:20]:
        assert f'id="src-{s.id}"' in page
    missing = client.get("/api/v1/sources", params={"status": "missing"}).json()
    assert all(r["status"] == "missing" for r in missing["rows"])


# --- validation: a clear 422 naming the field ---------------------------------------------------------

@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/timeline?date_from=20080", "date_from"),
        ("/api/v1/timeline?date_to=yesterday", "date_to"),
        ("/api/v1/timeline?date_from=2008-02-30", "date_from"),   # well-formed, impossible day
        ("/api/v1/timeline?date_from=2013&date_to=2008", "date_from"),
        ("/api/v1/timeline?limit=0", "limit"),
        ("/api/v1/timeline?limit=100000", "limit"),
        ("/api/v1/timeline?limit=ten", "limit"),
        ("/api/v1/timeline?role=bystander", "role"),
        ("/api/v1/timeline?event_type=HUG", "event_type"),
        ("/api/v1/timeline?event_type=<b>", "event_type"),
        ("/api/v1/timeline?format=xml", "format"),
        ("/api/v1/timeline?text=" + "x" * 201, "text"),
        ("/api/v1/sources?status=lost", "status"),
        ("/api/v1/sources?kind=book", "kind"),
        ("/api/v1/actors?actor_type=planet", "actor_type"),
        ("/api/v1/network?min_shared=0", "min_shared"),
        ("/api/v1/events/NOT%20AN%20ID", "event_id"),
    ],
)
def test_bad_parameters_get_422_naming_the_field(client, url, field):
    r = client.get(url)
    assert r.status_code == 422, (url, r.status_code, r.text[:200])
    body = r.json()
    assert field in body["detail"], body
    if "errors" in body:
        assert field in {e["field"] for e in body["errors"]}


def test_unknown_ids_get_404(client):
    for url in ("/api/v1/actors/nobody-at-all", "/api/v1/events/ev-none", "/actors/nobody-at-all", "/events/ev-none"):
        r = client.get(url)
        assert r.status_code == 404, url


def test_page_errors_are_html_and_escaped(client):
    r = client.get("/timeline", params={"actor": "<script>alert(1)</script>"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text


def test_hostile_text_is_escaped_in_pages(client):
    r = client.get("/timeline", params={"text": '"><script>alert(1)</script>'})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text
    assert "&#34;&gt;&lt;script&gt;" in r.text or "&quot;&gt;&lt;script&gt;" in r.text


def test_validation_error_does_not_echo_input(client):
    r = client.get("/api/v1/timeline", params={"limit": "<script>x</script>"})
    assert r.status_code == 422 and "<script>" not in r.text


def test_long_query_string_is_refused(client):
    r = client.get("/api/v1/timeline?text=" + "a" * 5000)
    assert r.status_code == 414 and "limit" in r.json()["detail"]


def test_read_only(client):
    for method in ("post", "put", "delete", "patch"):
        r = client.request(method.upper(), "/api/v1/timeline")
        assert r.status_code == 405
        assert r.headers["allow"] == "GET, HEAD"


def test_no_stack_trace_reaches_a_client(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(evidence, "case_summary", boom)
    fresh = create_app(Settings(cache_entries=0))  # no cached answer from another test
    with TestClient(fresh, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        for url in ("/api/v1/summary", "/"):
            r = c.get(url)
            assert r.status_code == 500
            assert "secret internal detail" not in r.text and "Traceback" not in r.text
            assert r.headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_every_api_route(client, app):
    spec = client.get("/openapi.json").json()
    api_paths = {r.path for r in app.routes if getattr(r, "path", "").startswith("/api/v1")}
    assert api_paths <= set(spec["paths"])
    page = client.get("/api").text
    for p in api_paths:
        assert p in page


def test_plotly_and_map_are_served_locally(client):
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert len(r.content) > 1_000_000
    topo = client.get("/static/topo/world_110m.json")
    assert topo.status_code == 200, "run scripts/fetch_map.sh to fetch the map geometry"
    ids = {g.get("id") for g in topo.json()["objects"]["countries"]["geometries"]}
    assert {"SRB", "RUS", "USA", "XKX"} <= ids


def test_other_case_folder(mini_client):
    s = mini_client.get("/api/v1/summary").json()
    assert s["id"] == "minicase" and s["counts"]["events"] == 3
    assert mini_client.get("/").status_code == 200
    r = mini_client.get("/timeline", params={"actor": "Belgrade"})
    assert r.status_code == 200 and "ev-2010-07-22-icj-opinion" in r.text


def test_response_cache_serves_identical_answers():
    cached = create_app(Settings(cache_entries=8))
    with TestClient(cached, base_url="http://127.0.0.1") as c:
        first = c.get("/api/v1/timeline", params={"actor": "russia"})
        again = c.get("/api/v1/timeline", params={"actor": "russia"})
        other = c.get("/api/v1/timeline", params={"actor": "serbia"})
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and first.content != other.content
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    mw = cached.middleware_stack
    while mw is not None and type(mw).__name__ != "ResponseCacheMiddleware":
        mw = getattr(mw, "app", None)
    assert mw is not None and mw.hits == 1 and mw.misses == 2


def test_errors_are_not_cached():
    cached = create_app(Settings(cache_entries=8))
    with TestClient(cached, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        assert c.get("/api/v1/actors/nobody").status_code == 404
        assert c.get("/api/v1/actors/nobody").status_code == 404
    mw = cached.middleware_stack
    while mw is not None and type(mw).__name__ != "ResponseCacheMiddleware":
        mw = getattr(mw, "app", None)
    assert mw is not None and mw.hits == 0


# --- Host names (DNS rebinding), case versions, single flight, documented errors ------------------


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8000", "127.0.0.1.attacker.example",
                                  "localhost.attacker.example", "10.0.0.5"])
def test_unknown_host_names_get_400(app, host):
    with TestClient(app, base_url=f"http://{host}", raise_server_exceptions=False) as c:
        api = c.get("/api/v1/summary")
        page = c.get("/")
    assert api.status_code == 400 and "--allow-host" in api.json()["detail"]
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert "Russia" not in api.text and "Russia" not in page.text


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:1234", "[::1]:8000", "LOCALHOST"])
def test_local_host_names_are_answered(app, host):
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/api/v1/summary", headers={"host": host}).status_code == 200


def test_allowed_hosts_are_configurable():
    app = create_app(Settings(allowed_hosts=["dashboard.example.org"]))
    with TestClient(app, base_url="http://dashboard.example.org") as c:
        assert c.get("/api/v1/summary").status_code == 200
        assert c.get("/api/v1/summary", headers={"host": "127.0.0.1"}).status_code == 400


def test_serve_allow_host_option(monkeypatch):
    from typer.testing import CliRunner

    from dialoguelab.cli import app as cli_app

    seen = {}

    def fake_run(app, **kwargs):
        seen["hosts"] = app.state.settings.allowed_hosts

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    res = CliRunner().invoke(cli_app, ["serve", "--host", "192.168.1.5", "--allow-host", "dash.example"])
    assert res.exit_code == 0, res.output
    assert {"localhost", "127.0.0.1", "::1", "192.168.1.5", "dash.example"} == set(seen["hosts"])


def test_every_answer_says_which_case_version(client, case):
    for url in ("/api/v1/summary", "/", "/api/v1/actors/nobody"):
        assert client.get(url).headers["x-case-version"] == case.content_hash[:12]


def test_a_changed_case_is_not_served_from_the_cache(tmp_path):
    import shutil

    from tests.web.conftest import MINICASE

    folder = tmp_path / "case"
    shutil.copytree(MINICASE, folder)
    app = create_app(Settings(case_path=folder, warm_up=False))
    mw = _cache_of(app)
    mw.version_check = 0.0  # read the case's version on every request
    with TestClient(app, base_url="http://127.0.0.1") as c:
        first = c.get("/api/v1/summary")
        events = folder / "events.yaml"
        text = events.read_text(encoding="utf-8")
        events.write_text(text + "\n# edited\n", encoding="utf-8")
        again = c.get("/api/v1/summary")
    assert first.headers["x-case-version"] != again.headers["x-case-version"]
    assert mw.hits == 0 and mw.misses == 2


def _cache_of(app):
    app.middleware_stack = app.build_middleware_stack()
    mw = app.middleware_stack
    while mw is not None and type(mw).__name__ != "ResponseCacheMiddleware":
        mw = getattr(mw, "app", None)
    assert mw is not None
    return mw


def test_concurrent_identical_requests_are_computed_once():
    """Single flight: 20 identical requests at once run the route once; the others wait for its answer."""
    import asyncio
    import threading

    import httpx

    calls = []
    gate = threading.Event()
    app = create_app(Settings(warm_up=False))

    @app.get("/api/v1/slow-test", include_in_schema=False)
    def slow() -> dict[str, int]:
        calls.append(1)
        gate.wait(timeout=30)  # hold the first computation until every request has arrived
        return {"n": len(calls)}

    mw = _cache_of(app)

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            tasks = [asyncio.create_task(c.get("/api/v1/slow-test")) for _ in range(20)]
            while mw.waits < 19:  # every other request is waiting for the first
                await asyncio.sleep(0.01)
            gate.set()
            return await asyncio.gather(*tasks)

    answers = asyncio.run(run())
    assert len(calls) == 1
    assert {r.json()["n"] for r in answers} == {1} and all(r.status_code == 200 for r in answers)
    assert mw.misses == 1 and mw.hits == 19


def test_openapi_documents_real_error_bodies(client):
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    err = spec["components"]["schemas"]["ErrorBody"]
    assert set(err["properties"]) == {"detail", "errors"}
    for path, ops in spec["paths"].items():
        responses = ops["get"]["responses"]
        for code in ("400", "404", "414", "422"):
            assert responses[code]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"}, (path, code)
    mode = spec["paths"]["/api/v1/forecast/{issue}"]["get"]["parameters"]
    schema = next(p for p in mode if p["name"] == "mode")["schema"]
    kinds = schema.get("anyOf", [schema])  # an optional parameter may also be sent empty (not given)
    assert [k["enum"] for k in kinds if "enum" in k] == [["replication", "corrected"]]
    assert {"type": "string", "maxLength": 0} in [{k: v for k, v in x.items() if k != "description"} for x in kinds]


# --- URLs from case files: only http(s) accepted and rendered --------------------------------------


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", "JavaScript:alert(1)", "data:text/html,<b>x</b>",
                                 "vbscript:msgbox(1)", "ftp://example.org/file"])
def test_check_rejects_non_http_source_urls_with_file_line_field(tmp_path, url):
    import shutil

    from tests.web.conftest import MINICASE

    from dialoguelab.case import check_case

    folder = tmp_path / "case"
    shutil.copytree(MINICASE, folder)
    sources = folder / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace('urls: ["https://www.icj-cij.org/case/141"]', f'urls: ["{url}"]'), encoding="utf-8")
    line = next(i for i, ln in enumerate(sources.read_text(encoding="utf-8").splitlines(), 1) if url in ln)
    report = check_case(folder)
    bad = [p for p in report.problems if "urls" in p.field]
    assert bad, report.problems
    assert bad[0].file.endswith("sources.yaml") and bad[0].line in (line, line - 5)
    # the counterfactual: the original https URL passes
    assert not [p for p in check_case(MINICASE).problems if "urls" in p.field]


def test_safe_url_filter_never_renders_a_script_link():
    from dialoguelab.web.deps import templates

    tpl = templates.env.from_string('<a href="{{ u|safe_url }}">x</a>{% if safe_url(u) %}linked{% endif %}')
    assert tpl.render(u="javascript:alert(1)") == '<a href="">x</a>'
    assert tpl.render(u="https://example.org/?a=1&b=2") == '<a href="https://example.org/?a=1&amp;b=2">x</a>linked'
    assert "java" not in tpl.render(u="java\nscript:alert(1)")
