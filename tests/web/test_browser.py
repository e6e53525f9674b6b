"""Browser tests: Playwright drives Debian's chromium against the app served by uvicorn on 127.0.0.1.

Each test opens pages in a real browser, records every request (none may leave 127.0.0.1), fails on
any console error or uncaught exception (a CSP violation is one), checks the values shown against
the library, and saves a screenshot to ``tests/artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from dialoguelab import evidence
from dialoguelab.web.nav import NAV

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # tests/artifacts (gitignored)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """What a page did: every request URL, console errors and uncaught exceptions."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def check(self) -> None:
        off = [u for u in self.requests if urlparse(u).scheme not in ("data", "blob", "about")
               and urlparse(u).hostname != "127.0.0.1"]
        assert not off, f"requests left the machine: {off}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture()
def page(browser, live_server, request):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    watch = Watch(pg)
    pg.watch = watch  # type: ignore[attr-defined]
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    ctx.close()
    watch.check()


def _plots_drawn(pg) -> None:
    """Wait until every Plotly container on the page has drawn its SVG."""
    for el in pg.query_selector_all(".plot"):
        el.wait_for_selector(".main-svg", state="attached")


@pytest.mark.parametrize("item", NAV, ids=[n.key for n in NAV])
def test_every_page_renders_offline(page, item):
    response = page.goto(item.path, wait_until="networkidle")
    assert response is not None and response.status == 200
    assert page.locator("h1").first.inner_text().strip()
    assert page.locator(f'nav a[href="{item.path}"]').get_attribute("aria-current") == "page"
    _plots_drawn(page)


def test_timeline_filter(page, case):
    page.goto("/timeline", wait_until="networkidle")
    assert int(page.locator("#event-count").inner_text()) == len(evidence.timeline(case))
    page.select_option("#f-type", "REJECT")
    page.fill("#f-from", "2008")
    with page.expect_navigation():
        page.click("#timeline-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    url = page.url
    assert "event_type=REJECT" in url and "date_from=2008" in url and "actor=" not in url  # empty fields dropped
    want = evidence.timeline(case, event_type="REJECT", date_from="2008")
    assert int(page.locator("#event-count").inner_text()) == len(want)
    shown = page.locator("#events li.event").evaluate_all("els => els.map(e => e.id)")
    assert shown == list(want["id"])
    _plots_drawn(page)


def test_timeline_by_where_dates_come_from(page, case):
    page.goto("/timeline", wait_until="networkidle")
    page.select_option("#f-basis", "paper,footnote")
    with page.expect_navigation():
        page.click("#timeline-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "date_basis=paper%2Cfootnote" in page.url and "event_type=" not in page.url
    want = evidence.timeline(case, date_basis="paper,footnote")
    assert 0 < int(page.locator("#event-count").inner_text()) == len(want) < len(case.events)
    assert page.locator("#f-basis").input_value() == "paper,footnote"


def test_timeline_text_search_escapes(page):
    page.goto("/timeline", wait_until="networkidle")
    page.fill("#f-text", "<img src=x onerror=alert(1)>")
    with page.expect_navigation():
        page.click("#timeline-filters button[type=submit]")
    assert page.locator("#f-text").input_value() == "<img src=x onerror=alert(1)>"
    assert page.locator("img[src=x]").count() == 0


def test_actor_page_from_network(page, case):
    page.goto("/actors/russia", wait_until="networkidle")
    assert page.locator("#actor-name").inner_text() == case.actor("russia").name
    want = evidence.actor_profile(case, "russia")
    assert int(page.locator("#actor-event-count").inner_text()) == len(want["events"])


def test_map_slider_and_position(page, case):
    from dialoguelab.membership.api import world

    page.goto("/map?date=2020-01-01", wait_until="networkidle")
    page.wait_for_selector("#map .main-svg")
    # the page script sets the date once it has drawn: wait for it rather than race it
    page.wait_for_function("() => document.body.getAttribute('data-map-date') === '2020-01-01'")
    kosovo = world(case, "2020-01-01", position="kosovo").recognizer_count()
    assert int(page.locator("#count-kosovo").inner_text()) == kosovo
    # Kosovo is drawn from its own polygon: plotly gives it a path in the choropleth layer
    assert page.evaluate("() => document.getElementById('map').data[1].locations[0]") == "XKX"

    slider = page.locator("#date-slider")
    slider.focus()
    day = page.evaluate("() => JSON.parse(document.getElementById('map-data').textContent).dates[12]")
    with page.expect_response(lambda r: "/api/v1/recognitions" in r.url and r.status == 200):
        slider.evaluate("(el) => { el.value = 12; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    page.wait_for_function(f"() => document.body.getAttribute('data-map-date') === '{day}'")
    for pos in ("kosovo", "serbia"):
        want = world(case, day, position=pos).recognizer_count()
        assert int(page.locator(f"#count-{pos}").inner_text()) == want
    assert page.url.endswith(f"/map?date={day}&position=kosovo")

    # Serbia's view of the disputed withdrawals, at the last date of the slider
    last = page.evaluate("() => { const s = document.getElementById('date-slider'); return s.max; }")
    with page.expect_response(lambda r: "/api/v1/recognitions" in r.url and r.status == 200):
        slider.evaluate(f"(el) => {{ el.value = {last}; el.dispatchEvent(new Event('input', {{bubbles: true}})); }}")
    page.wait_for_function("() => document.body.getAttribute('data-map-date') !== '" + day + "'")
    with page.expect_response(lambda r: "position=serbia" in r.url):
        page.check('input[name="position"][value="serbia"]')
    page.wait_for_function("() => document.body.getAttribute('data-map-position') === 'serbia'")
    shown = page.locator("body").get_attribute("data-map-date")
    assert int(page.locator("#count-serbia").inner_text()) == world(case, shown, position="serbia").recognizer_count()

    # click Serbia's neighbour record through the table link target: the record panel is filled by JS
    page.evaluate("() => document.getElementById('map').emit('plotly_click', {points: [{location: 'FRA'}]})")
    assert "France" in page.locator("#state-record h3").inner_text()
    assert page.locator("#state-record a.cite").count() >= 1


def test_membership_what_if_toggle(page, case):
    from dialoguelab.membership.api import outcome

    page.set_default_timeout(120_000)  # the first call may calibrate the vote model
    page.goto("/membership?body=nato&date=2024-06-01", wait_until="networkidle")
    base = outcome(case, "nato", "2024-06-01")
    assert page.locator("#outcome-baseline .blocking").inner_text().count(",") == len(base.blocking) - 1
    page.wait_for_selector("#chart-series[aria-busy=false] .main-svg")
    first = base.blocking[0]
    with page.expect_navigation():
        page.check(f'input[name="recognize"][value="{first}"]')
    page.wait_for_load_state("networkidle")
    assert f"recognize={first}" in page.url
    from dialoguelab.membership.api import Scenario
    from dialoguelab.membership.scenarios import Change

    want = outcome(case, "nato", "2024-06-01",
                   scenario=Scenario(name="what-if", changes=[Change(action="recognize", state=first)]))
    scen_blocking = page.locator("#outcome-scenario .blocking").inner_text()
    assert base.names[first] not in scen_blocking
    assert scen_blocking.count(",") == max(len(want.blocking) - 1, 0)
    assert page.locator("#whatif-change").is_visible()
    page.wait_for_selector("#chart-series[aria-busy=false] .main-svg")
    assert page.evaluate("() => document.getElementById('chart-series').data.length") == 2
