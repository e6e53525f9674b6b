"""The dashboard for any case: both built-in cases, a case lacking parts, links that keep the case,
empty filter values, the API index, and error pages in the site's layout.

Pages are fetched through FastAPI's TestClient; values are checked against the library.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dialoguelab.case import load_case
from dialoguelab.web.nav import NAV

CASES = ["kosovo", "palestine"]
WEB = Path(__file__).resolve().parents[2] / "src" / "dialoguelab" / "web"
REPORT_TEMPLATES = WEB.parent / "report_templates"


class Links(HTMLParser):
    """Every same-site link (``href``) and form of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.hidden: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.hrefs.append(a["href"])
        if tag == "form":
            self.forms.append(a)
        if tag == "input" and a.get("type") == "hidden":
            self.hidden.append((a.get("name", ""), a.get("value", "")))


def links(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


def _page_links(hrefs: list[str]) -> list[str]:
    """Links to pages and API routes that answer per case (not static files or the OpenAPI document)."""
    return [h for h in hrefs if not h.startswith(("/static/", "/vendor/", "/openapi.json"))]


# ----- every page, for both built-in cases -----------------------------------------------------------

@pytest.mark.parametrize("case_id", CASES)
@pytest.mark.parametrize("item", NAV, ids=[n.key for n in NAV])
def test_every_page_answers_for_both_cases(client, case_id, item):
    r = client.get(item.path, params={"case": case_id})
    assert r.status_code == 200, (item.path, case_id, r.text[:300])
    assert f'<option value="{case_id}"' in r.text and "selected" in r.text  # the case selector shows it


@pytest.mark.parametrize("case_id", ["palestine"])
@pytest.mark.parametrize("item", NAV, ids=[n.key for n in NAV])
def test_links_keep_a_case_that_is_not_the_default(client, case_id, item):
    page = links(client.get(item.path, params={"case": case_id}).text)
    hrefs = _page_links(page.hrefs)
    assert hrefs, item.path
    lost = [h for h in hrefs if f"case={case_id}" not in h]
    assert not lost, f"links on {item.path} that drop ?case={case_id}: {lost[:5]}"
    for form in page.forms:  # GET forms replace the query: a hidden field carries the case
        if form.get("id") != "case-select":
            assert ("case", case_id) in page.hidden, (item.path, form)


@pytest.mark.parametrize("item", NAV, ids=[n.key for n in NAV])
def test_links_of_the_default_case_carry_no_case(client, item):
    hrefs = _page_links(links(client.get(item.path).text).hrefs)
    assert not [h for h in hrefs if "case=" in h]


def test_the_case_selector_lists_every_served_case_and_opens_the_same_section(client):
    html = client.get("/timeline", params={"case": "palestine"}).text
    m = re.search(r'<form class="case-select" id="case-select" method="get" action="([^"]+)">', html)
    assert m and m.group(1) == "/timeline"
    options = re.findall(r'<option value="([a-z]+)" title="[^"]*"( selected)?>', html)
    assert {o for o, _ in options} >= set(CASES)
    assert [o for o, sel in options if sel] == ["palestine"]
    assert "Palestine" in html and client.get("/timeline", params={"case": "nope"}).status_code == 404


def test_templates_and_scripts_name_no_applicant():
    """Names come from the case (``applicant``, ``objector``, ``positions``), never from the templates."""
    files = [*WEB.glob("templates/*.html"), *WEB.glob("static/js/*.js"), *REPORT_TEMPLATES.glob("*")]
    assert len(files) > 15
    for f in files:
        text = f.read_text(encoding="utf-8")
        found = re.findall(r"kosovo|serbia|russia|palestin|israel|2008-02-17|\bXKX\b", text, flags=re.I)
        assert not found, (f.name, found)


@pytest.mark.parametrize("case_id", CASES)
def test_pages_use_the_cases_names_and_start_dates(client, case_id):
    from dialoguelab.membership.api import applicant_since

    case = load_case(case_id)
    since = applicant_since(case).isoformat()
    html = client.get("/map", params={"case": case_id}).text
    assert f"Recognition of {case.applicant.name}" in html
    assert f'"dates": ["{since}"' in html  # the slider starts at the applicant's since date
    assert f'"applicant_id": "{case.applicant.iso3}"' in html  # the map highlights this case's applicant
    html = client.get("/membership", params={"case": case_id}).text
    assert f'min="{since}"' in html and f"month by month from {since}" in html
    assert f"{case.meta.objector.name} drops its objection" in html
    for label in case.positions().values():
        assert label in html


# ----- a case lacking parts says so ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/findings", "/stance"])
def test_a_case_without_findings_or_blocs_says_so_in_one_sentence(client, path):
    r = client.get(path, params={"case": "palestine"})
    assert r.status_code == 200
    sentence = re.search(r'<p class="warning" id="unavailable">([^<]+)</p>', r.text)
    assert sentence and sentence.group(1).count(". ") == 0 and sentence.group(1).endswith(".")
    assert ("findings.yaml" if path == "/findings" else "blocs.yaml") in sentence.group(1)
    assert 'class="dl-figure"' not in r.text and "/insights/charts.js" not in r.text


@pytest.mark.parametrize("route, part", [("/api/v1/findings", "findings.yaml"), ("/api/v1/stance", "blocs.yaml")])
def test_api_for_a_missing_part_is_a_404_naming_it(client, route, part):
    r = client.get(route, params={"case": "palestine"})
    assert r.status_code == 404 and part in r.json()["detail"]
    assert client.get(route).status_code == 200


@pytest.mark.parametrize("path", ["/", "/map", "/membership", "/sources", "/timeline", "/actors"])
def test_a_case_without_membership_data_still_answers(mini_client, path):
    r = mini_client.get(path)
    assert r.status_code == 200, r.text[:300]
    if path in ("/map", "/membership"):
        assert re.search(r'<p class="warning" id="unavailable">This case has no [a-z]+ data: [^<]+\.</p>', r.text)
    if path == "/":
        assert 'id="membership-missing"' in r.text and 'id="findings-missing"' in r.text


# ----- empty filter values mean "any" --------------------------------------------------------------------

def test_sources_filter_with_an_empty_kind_is_any_kind(client):
    both = client.get("/sources?kind=&status=cut_off")
    assert both.status_code == 200, both.text[:300]
    only = client.get("/sources?status=cut_off")
    count = re.compile(r'<span id="source-count">(\d+)</span>')
    assert count.search(both.text).group(1) == count.search(only.text).group(1) != "0"
    api = client.get("/api/v1/sources?kind=&status=cut_off&format=")
    assert api.status_code == 200 and api.json() == client.get("/api/v1/sources?status=cut_off").json()


def _optional_query_params():
    from fastapi.routing import APIRoute

    from dialoguelab.web.routes import ROUTERS

    for route in (r for router in ROUTERS for r in router.routes):
        if not isinstance(route, APIRoute) or "GET" not in route.methods or route.dependant.path_params:
            continue
        params = list(route.dependant.query_params)
        for dep in route.dependant.dependencies:  # parameters of dependencies (the case, the what-if toggles)
            params += dep.query_params
        for p in params:
            if not p.field_info.is_required():
                yield route.path, p.alias


def test_every_optional_parameter_of_every_route_accepts_an_empty_value(client):
    pairs = sorted(set(_optional_query_params()))
    assert len(pairs) > 40
    required = {"/api/v1/membership/outcome": "body=un", "/api/v1/membership/admission": "body=un",
                "/api/v1/membership/series": "body=un", "/api/v1/membership/power": "body=un",
                "/api/v1/membership/swing": "body=un"}
    bad = []
    for path, name in pairs:
        query = "&".join(q for q in (required.get(path, ""), f"{name}=") if q)
        r = client.get(f"{path}?{query}")
        if r.status_code == 422:
            bad.append((path, name, r.text[:120]))
    assert not bad, bad


def test_an_empty_value_is_dropped_and_others_kept_byte_for_byte():
    from dialoguelab.web.params import drop_empty_values

    assert drop_empty_values(b"kind=&status=cut_off") == b"status=cut_off"
    assert drop_empty_values(b"text=a%20b&actor=") == b"text=a%20b"
    assert drop_empty_values(b"recognize=ESP&recognize=&recognize=GRC") == b"recognize=ESP&recognize=GRC"
    assert drop_empty_values(b"a=1") == b"a=1"


def test_a_required_parameter_sent_empty_is_still_missing(client):
    r = client.get("/api/v1/membership/outcome?body=")
    assert r.status_code == 422 and "body" in r.json()["detail"]


# ----- the API index, the footer, error pages in the layout -------------------------------------------

def test_api_v1_answers_with_an_index_and_the_footer_links_to_the_reference(client):
    r = client.get("/api/v1")
    assert r.status_code == 200
    body = r.json()
    assert body["reference"] == "/api" and set(CASES) <= set(body["cases"])
    paths = {x["path"] for x in body["routes"]}
    assert {"/api/v1/timeline", "/api/v1/membership/headlines", "/api/v1/states/{state}"} <= paths
    html = client.get("/").text
    footer = html[html.index('<footer class="site">'):]
    assert 'href="/api"' in footer and 'href="/api/v1"' not in footer
    for href in _page_links(links(html).hrefs):
        assert client.get(href.split("#")[0]).status_code == 200, href


@pytest.mark.parametrize("url, status", [("/nope", 404), ("/events/no-such-event", 404),
                                          ("/timeline?date_from=yesterday", 422),
                                          ("/actors/nobody?case=palestine", 404)])
def test_error_pages_keep_the_navigation(client, url, status):
    r = client.get(url)
    assert r.status_code == status
    assert 'aria-label="Pages"' in r.text
    for item in NAV:
        assert f'href="{item.path}' in r.text
    assert f"<h1>Error {status}</h1>" in r.text


def test_api_errors_stay_json(client):
    r = client.get("/api/v1/nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")


# ----- smaller fixes -------------------------------------------------------------------------------------

def test_people_of_an_actor_are_people_and_organisations_are_listed_apart(client, case):
    html = client.get("/actors/russia").text
    people = re.search(r'<ul id="people">(.*?)</ul>', html, flags=re.S).group(1)
    others = re.search(r'<ul id="affiliated">(.*?)</ul>', html, flags=re.S).group(1)
    types = {a.id: getattr(a.type, "value", a.type) for a in case.actors}
    assert {types[i] for i in re.findall(r'href="/actors/([^"]+)"', people)} == {"person"}
    assert "person" not in {types[i] for i in re.findall(r'href="/actors/([^"]+)"', others)}
    assert "Gazprom" in others and "Vladimir Putin" in people


def test_actors_page_filters_by_type(client, case):
    from dialoguelab import evidence

    html = client.get("/actors?actor_type=person").text
    n = int(re.search(r'<span id="actor-count">(\d+)</span>', html).group(1))
    assert n == len(evidence.actors_table(case, actor_type="person")) > 0
    assert client.get("/actors?actor_type=").status_code == 200


def test_finding_statuses_are_badges_apart_from_the_title_and_the_overview_links_them(client):
    html = client.get("/findings").text
    heads = re.findall(r'<h2><span class="finding-title">([^<]+)</span> <span class="badge status status-[a-z-]+">'
                       r'(supported|partly supported|contested|not computable)</span></h2>', html)
    assert len(heads) == 8
    overview = client.get("/").text
    linked = re.findall(r'<li><a href="/findings#finding-(\d+)">', overview)
    assert linked == [str(n) for n in range(1, 9)]
    assert overview.count('class="badge status status-') == 8


def test_state_record_of_any_state(client, case):
    from dialoguelab.membership.views import state_record

    r = client.get("/api/v1/states/CHN", params={"date": "2024-06-01"})
    assert r.status_code == 200
    got = r.json()
    assert got == state_record(case, "CHN", "2024-06-01") | {"bodies": got["bodies"]}
    assert got["recognition"]["status"] == "none" and "does not recognise" in got["recognition"]["text"]
    un = next(b for b in got["bodies"] if b["body"] == "un")
    assert un["member"] and un["vote"] == "no" and "Security Council recommendation" in un["votes_in"]
    assert client.get("/api/v1/states/ZZZ").status_code == 404
    assert client.get("/api/v1/states/ISR", params={"case": "palestine"}).json()["stances"]


@pytest.fixture(scope="module")
def palestine_first():
    """The dashboard serving the Palestine case by default, so the Kosovo case is the one asked with ?case=."""
    import warnings

    from dialoguelab.case import builtin_case_path
    from dialoguelab.web.app import create_app
    from dialoguelab.web.config import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    app = create_app(Settings(case_path=builtin_case_path("palestine"), warm_up=False))
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("path", ["/forecast", "/membership?body=nato", "/stance", "/findings"])
def test_pages_of_a_non_default_case_with_every_part_keep_it(palestine_first, path):
    from dialoguelab.forecast.api import load_issues

    if path == "/forecast":  # an issue page too, with its scenario form
        issue = next(iter(load_issues(load_case("kosovo"))))
        path = f"/forecast/{getattr(issue, 'id', issue)}?runs=0"
    sep = "&" if "?" in path else "?"
    r = palestine_first.get(f"{path}{sep}case=kosovo")
    assert r.status_code == 200, r.text[:300]
    page = links(r.text)
    lost = [h for h in _page_links(page.hrefs) if "case=kosovo" not in h]
    assert not lost, lost[:5]
    assert all(("case", "kosovo") in page.hidden for f in page.forms if f.get("id") != "case-select")
