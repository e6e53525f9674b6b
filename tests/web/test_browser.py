"""Browser tests: Playwright drives Debian's chromium against the app served by uvicorn on 127.0.0.1.

Each test opens pages in a real browser, records every request (none may leave 127.0.0.1), fails on
any console error or uncaught exception (a CSP violation is one), checks the values shown against
the library, and saves a screenshot of the viewport to ``tests/artifacts/`` (never of a whole long page:
long pages are checked by their content and rows). Every wait is on page state, never on a fixed time.
Pages are opened for both built-in cases.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from dialoguelab import evidence
from dialoguelab.case import load_case
from dialoguelab.web.nav import NAV

pytestmark = pytest.mark.browser

CASES = ["kosovo", "palestine"]


def _plots_drawn(pg) -> None:
    """Wait until every Plotly container on the page has drawn its SVG."""
    for el in pg.query_selector_all(".plot"):
        el.wait_for_selector(".main-svg", state="attached")


def _query(pg) -> dict[str, list[str]]:
    return parse_qs(urlparse(pg.url).query)


# ----- every page, both cases ---------------------------------------------------------------------------

@pytest.mark.parametrize("case_id", CASES)
@pytest.mark.parametrize("item", NAV, ids=[n.key for n in NAV])
def test_every_page_renders_offline(page, item, case_id):
    response = page.goto(f"{item.path}?case={case_id}", wait_until="load")
    assert response is not None and response.status == 200
    assert page.locator("h1").first.inner_text().strip()
    current = page.locator('nav a[aria-current="page"]').get_attribute("href")
    assert urlparse(current).path == item.path and ("case=palestine" in current) == (case_id == "palestine")
    assert page.locator("#case-choice").input_value() == case_id
    _plots_drawn(page)


@pytest.mark.parametrize("case_id", CASES)
def test_pages_lacking_a_part_say_so(page, case_id):
    case = load_case(case_id)
    for path, part in (("/findings", "findings"), ("/stance", "blocs")):
        page.goto(f"{path}?case={case_id}", wait_until="load")
        note = page.locator("#unavailable")
        assert note.count() == (0 if case.has_part(part) else 1), (path, case_id)
        if note.count():
            assert f"{part}.yaml" in note.inner_text()


def test_case_selector_switches_case_and_links_keep_it(page):
    page.goto("/timeline", wait_until="load")
    with page.expect_navigation():
        page.select_option("#case-choice", "palestine")
    page.wait_for_load_state("load")
    assert urlparse(page.url).path == "/timeline" and _query(page)["case"] == ["palestine"]
    want = len(evidence.timeline(load_case("palestine")))
    assert int(page.locator("#event-count").inner_text()) == want
    with page.expect_navigation():
        page.click('nav a:has-text("Actors")')
    assert _query(page)["case"] == ["palestine"]
    first = page.locator("#actors-table tbody a").first
    with page.expect_navigation():
        first.click()
    assert urlparse(page.url).path.startswith("/actors/") and _query(page)["case"] == ["palestine"]


# ----- controls ---------------------------------------------------------------------------------------

def test_timeline_filter(page, case):
    page.goto("/timeline", wait_until="load")
    assert int(page.locator("#event-count").inner_text()) == len(evidence.timeline(case))
    page.select_option("#f-type", "REJECT")
    page.fill("#f-from", "2008")
    with page.expect_navigation():
        page.click("#timeline-filters button[type=submit]")
    page.wait_for_load_state("load")
    url = page.url
    assert "event_type=REJECT" in url and "date_from=2008" in url and "actor=" not in url  # empty fields dropped
    want = evidence.timeline(case, event_type="REJECT", date_from="2008")
    assert int(page.locator("#event-count").inner_text()) == len(want)
    shown = page.locator("#events li.event").evaluate_all("els => els.map(e => e.id)")
    assert shown == list(want["id"])
    _plots_drawn(page)


def test_timeline_by_where_dates_come_from(page, case):
    page.goto("/timeline", wait_until="load")
    page.select_option("#f-basis", "paper,footnote")
    with page.expect_navigation():
        page.click("#timeline-filters button[type=submit]")
    page.wait_for_load_state("load")
    assert "date_basis=paper%2Cfootnote" in page.url and "event_type=" not in page.url
    want = evidence.timeline(case, date_basis="paper,footnote")
    assert 0 < int(page.locator("#event-count").inner_text()) == len(want) < len(case.events)
    assert page.locator("#f-basis").input_value() == "paper,footnote"


def test_timeline_text_search_escapes(page):
    page.goto("/timeline", wait_until="load")
    page.fill("#f-text", "<img src=x onerror=alert(1)>")
    with page.expect_navigation():
        page.click("#timeline-filters button[type=submit]")
    assert page.locator("#f-text").input_value() == "<img src=x onerror=alert(1)>"
    assert page.locator("img[src=x]").count() == 0


def test_sources_filter_with_kind_left_at_any(page, case):
    """The form sends ``kind=`` for "any": the server reads it as any kind (it answered 422 before)."""
    page.goto("/sources", wait_until="load")
    page.select_option('select[name="status"]', "cut_off")
    with page.expect_navigation() as nav:
        page.click("form.filters button[type=submit]")
    assert nav.value.status == 200
    assert "kind=" in page.url and "status=cut_off" in page.url
    want = evidence.sources_table(case, status="cut_off")
    assert int(page.locator("#source-count").inner_text()) == len(want) > 0
    assert page.locator("#sources-table tbody tr").count() == len(want)
    assert page.locator('nav[aria-label="Pages"]').count() == 1


def test_long_sources_page_is_checked_by_its_rows(page, case):
    page.goto("/sources", wait_until="domcontentloaded")
    rows = page.locator("#sources-table tbody tr")
    assert rows.count() == len(evidence.sources_table(case))
    assert rows.first.get_attribute("id").startswith("src-")


def test_membership_date_is_applied_only_when_complete(page):
    """Typing 11092015 into the date field must not submit 0001-…, 0020-… on the way: the date is applied
    on Enter (or when the field loses focus), once complete."""
    page.goto("/membership?body=unesco", wait_until="load")
    page.wait_for_selector("#chart-series[aria-busy=false]")  # its request done before we navigate on
    start = page.url
    navigations: list[str] = []
    def navigated(f) -> None:
        if f == page.main_frame:
            navigations.append(f.url)

    page.on("framenavigated", navigated)
    field = page.locator("#m-date")
    field.click()
    page.keyboard.press("Control+a")  # the month segment
    page.keyboard.type("11092015")
    assert field.input_value() == "2015-11-09"
    assert navigations == [] and page.url == start
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert _query(page)["date"] == ["2015-11-09"]
    assert "on 2015-11-09" in page.locator("#headline h2").inner_text()
    page.wait_for_selector("#chart-series[aria-busy=false]")
    # leaving the field applies a changed, complete date too
    navigations.clear()
    field = page.locator("#m-date")
    field.click()
    page.keyboard.type("01022016")
    assert navigations == []
    with page.expect_navigation():
        page.locator("#m-body").focus()
    assert _query(page)["date"] == ["2016-01-02"]
    page.wait_for_selector("#chart-series[aria-busy=false]")
    page.remove_listener("framenavigated", navigated)  # the page serves the module's next tests


def test_error_page_keeps_the_navigation(page):
    page.watch.expected_status.update({404, 422})
    response = page.goto("/timeline?date_from=yesterday", wait_until="load")
    assert response.status == 422
    assert page.locator('nav[aria-label="Pages"] a').count() == len(NAV)
    response = page.goto("/no-such-page?case=palestine", wait_until="load")
    assert response.status == 404 and page.locator("#case-choice").count() == 1
    with page.expect_navigation():
        page.click('nav a:has-text("Timeline")')
    assert page.locator("h1").inner_text() == "Timeline"


def test_footer_api_link_answers(page):
    page.goto("/", wait_until="load")
    with page.expect_navigation() as nav:
        page.click('footer a:has-text("API reference")')
    assert nav.value.status == 200 and urlparse(page.url).path == "/api"


# ----- actors ------------------------------------------------------------------------------------------

def test_actor_page(page, case):
    page.goto("/actors/russia", wait_until="load")
    assert page.locator("#actor-name").inner_text() == case.actor("russia").name
    want = evidence.actor_profile(case, "russia")
    assert int(page.locator("#actor-event-count").inner_text()) == len(want["events"])


@pytest.mark.parametrize("case_id", CASES)
def test_network_labels_do_not_overlap(page, case_id):
    page.goto(f"/actors?case={case_id}", wait_until="load")
    page.wait_for_selector("#chart-network[data-labels]")
    boxes = page.eval_on_selector_all(
        "#chart-network .annotation-text-g",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })")
    assert len(boxes) == int(page.locator("#chart-network").get_attribute("data-labels")) >= 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1
            assert not overlap, (a, b)


# ----- charts ------------------------------------------------------------------------------------------

def test_event_types_keep_one_colour_whatever_the_filter(page):
    from dialoguelab.web.render import PLOVER_COLOURS

    assert len(set(PLOVER_COLOURS.values())) == 16 == len(PLOVER_COLOURS)
    page.goto("/timeline", wait_until="load")
    page.wait_for_selector("#chart-per-year[data-drawn]")
    every = page.evaluate("() => document.getElementById('chart-per-year').data.map(t => [t.name, t.marker.color])")
    assert {name: colour for name, colour in every} == {n: PLOVER_COLOURS[n] for n, _ in every}
    names = [n for n, _ in every]
    assert names == [t for t in PLOVER_COLOURS if t in names]  # PLOVER's order, in the legend too
    page.goto("/timeline?event_type=REJECT", wait_until="load")
    page.wait_for_selector("#chart-per-year[data-drawn]")
    one = page.evaluate("() => document.getElementById('chart-per-year').data.map(t => [t.name, t.marker.color])")
    assert one == [["REJECT", PLOVER_COLOURS["REJECT"]]]
    badge = page.locator("#events .type").first.evaluate("e => getComputedStyle(e).borderLeftColor")
    r, g, b = (int(PLOVER_COLOURS["REJECT"][i:i + 2], 16) for i in (1, 3, 5))
    assert badge == f"rgb({r}, {g}, {b})"


def test_stance_charts_share_one_year_range_with_labels_inside(page):
    page.goto("/stance", wait_until="load")
    _plots_drawn(page)
    ranges = page.eval_on_selector_all(".plot", "els => els.map(e => e._fullLayout.xaxis.range)")
    assert len(ranges) >= 2 and all(r == ranges[0] for r in ranges)
    for fig in page.query_selector_all(".plot"):
        plot = fig.query_selector(".nsewdrag").bounding_box()  # the plotting area
        for label in fig.query_selector_all(".annotation-text-g"):
            box = label.bounding_box()
            assert plot["x"] - 1 <= box["x"] and box["x"] + box["width"] <= plot["x"] + plot["width"] + 1
            assert plot["y"] - 1 <= box["y"] and box["y"] + box["height"] <= plot["y"] + plot["height"] + 1
    assert page.locator("#periods-key li").count() == len(page.query_selector_all("#" + page.query_selector(
        ".plot").get_attribute("id") + " .annotation-text-g"))


# ----- map ---------------------------------------------------------------------------------------------

def test_map_slider_and_position(page, case):
    from dialoguelab.membership.api import world

    applicant, objector = case.applicant.position, case.objector.position
    page.goto("/map?date=2020-01-01", wait_until="load")
    page.wait_for_selector("#map .main-svg")
    page.wait_for_function("() => document.body.getAttribute('data-map-date') === '2020-01-01'")
    want = world(case, "2020-01-01", position=applicant).recognizer_count()
    assert int(page.locator(f"#count-{applicant}").inner_text()) == want
    traces = page.evaluate("() => document.getElementById('map').data.map(t => t.locations)")
    assert traces[-1] == [case.applicant.iso3]  # the applicant, drawn last, from its own polygon

    slider = page.locator("#date-slider")
    slider.focus()
    day = page.evaluate("() => JSON.parse(document.getElementById('map-data').textContent).dates[12]")
    with page.expect_response(lambda r: "/api/v1/recognitions" in r.url and r.status == 200):
        slider.evaluate("(el) => { el.value = 12; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function(f"() => document.body.getAttribute('data-map-date') === '{day}'")
    for pos in (applicant, objector):
        assert int(page.locator(f"#count-{pos}").inner_text()) == world(case, day, position=pos).recognizer_count()
    assert page.url.endswith(f"/map?date={day}&position={applicant}")

    last = page.evaluate("() => document.getElementById('date-slider').max")
    with page.expect_response(lambda r: "/api/v1/recognitions" in r.url and r.status == 200):
        slider.evaluate(f"(el) => {{ el.value = {last}; el.dispatchEvent(new Event('input', {{bubbles: true}})); }}")
    page.wait_for_function("() => document.body.getAttribute('data-map-date') !== '" + day + "'")
    with page.expect_response(lambda r: f"position={objector}" in r.url):
        page.check(f'input[name="position"][value="{objector}"]')
    page.wait_for_function(f"() => document.body.getAttribute('data-map-position') === '{objector}'")
    shown = page.locator("body").get_attribute("data-map-date")
    want = world(case, shown, position=objector).recognizer_count()
    assert int(page.locator(f"#count-{objector}").inner_text()) == want


@pytest.mark.parametrize("case_id, iso, name", [("kosovo", "CHN", "China"), ("kosovo", "FRA", "France"),
                                                ("palestine", "USA", "United States")])
def test_map_click_opens_the_record_of_any_state_in_view(page, case_id, iso, name):
    from dialoguelab.membership.views import state_record

    want = state_record(load_case(case_id), iso)
    page.goto(f"/map?case={case_id}", wait_until="load")
    page.wait_for_selector("#map .main-svg")
    page.wait_for_function("() => document.body.getAttribute('data-map-date')")
    clickable = page.evaluate("() => [].concat(...document.getElementById('map').data.map(t => t.locations || []))")
    assert iso in clickable  # every state is drawn, recognising or not
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate(f"() => document.getElementById('map').emit('plotly_click', {{points: [{{location: '{iso}'}}]}})")
    page.wait_for_selector(f"#state-record[data-iso='{iso}']")
    panel = page.locator("#state-record")
    assert f"{name} ({iso})" in panel.locator("h3").inner_text()
    assert want["recognition"]["text"] in panel.inner_text()
    voting = [b["name"] for b in want["bodies"] if b["votes_in"]]
    assert panel.locator("tbody tr").count() == len(voting)
    box = panel.bounding_box()
    view = page.viewport_size
    assert box and box["y"] >= 0 and box["y"] + min(box["height"], 200) <= view["height"]  # opened in view
    page.click("#state-record button.close")
    assert panel.is_hidden()


# ----- membership ----------------------------------------------------------------------------------------

def test_membership_what_if_toggle(page, case):
    from dialoguelab.membership.api import Scenario, outcome
    from dialoguelab.membership.scenarios import Change

    page.goto("/membership?body=nato&date=2024-06-01", wait_until="load")
    base = outcome(case, "nato", "2024-06-01")
    assert page.locator("#outcome-baseline .blocking").inner_text().count(",") == len(base.blocking) - 1
    page.wait_for_selector("#chart-series[aria-busy=false] .main-svg")
    first = base.blocking[0]
    with page.expect_navigation():
        page.check(f'input[name="recognize"][value="{first}"]')
    page.wait_for_load_state("load")
    assert f"recognize={first}" in page.url
    want = outcome(case, "nato", "2024-06-01",
                   scenario=Scenario(name="what-if", changes=[Change(action="recognize", state=first)]))
    scen_blocking = page.locator("#outcome-scenario .blocking").inner_text()
    assert base.names[first] not in scen_blocking
    assert scen_blocking.count(",") == max(len(want.blocking) - 1, 0)
    assert page.locator("#whatif-change").is_visible()
    assert page.locator("#whatif-why").inner_text().startswith("unchanged: blocked by")
    page.wait_for_selector("#chart-series[aria-busy=false] .main-svg")
    assert page.evaluate("() => document.getElementById('chart-series').data.length") == 2


@pytest.mark.parametrize("case_id", CASES)
def test_membership_headline_gives_two_named_answers(page, case_id):
    from dialoguelab.membership.views import body_headlines
    from dialoguelab.output import percent

    un = next(b for b in body_headlines(load_case(case_id)) if b["body"] == "un")
    page.goto(f"/membership?case={case_id}&body=un", wait_until="load")
    head = page.locator("#headline")
    assert "Outcome if every member votes as its recognition and declared stance say" in head.inner_text()
    assert "Probability of admission under the vote model" in head.inner_text()
    assert page.locator("#headline-outcome").get_attribute("data-passed") == ("true" if un["passed"] else "false")
    assert page.locator("#admission-probability").inner_text() == percent(un["probability"])
    assert "calibrated" in page.locator("#probability-condition").inner_text()


def test_a_page_a_test_left_closed_is_replaced_for_the_next(_module_page):
    first = _module_page()
    assert _module_page() is first  # reused while it lives
    first.close()
    second = _module_page()
    assert second is not first and not second.is_closed()
    assert second.goto("/api").status == 200
