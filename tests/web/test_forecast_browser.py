"""Browser tests of the forecast pages: Playwright drives Debian's chromium against uvicorn.

The pages are opened in a real browser (every request must stay on 127.0.0.1, no console error, no
CSP violation), the numbers shown are compared with the library's for the same parameters, the
scenario controls are used, and screenshots go to ``tests/artifacts/``.
"""

from __future__ import annotations

import pytest
from tests.web.test_browser import _plots_drawn

from dialoguelab.forecast.api import forecast_issue
from dialoguelab.forecast.scenarios import Change, Scenario

pytestmark = pytest.mark.browser


def test_issue_list_links_to_each_issue(page, case):
    from dialoguelab.forecast import list_forecast_issues

    page.goto("/forecast", wait_until="load")
    ids = [i["id"] for i in list_forecast_issues(case)]
    assert page.locator("#forecast-issues tbody tr").count() == len(ids)
    with page.expect_navigation():
        page.click(f"#issue-{ids[0]} a")
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/forecast/{ids[0]}")
    page.wait_for_selector("#chart-trajectory .main-svg")


def test_issue_page_numbers_match_the_library(page, case):
    page.goto("/forecast/un-membership?runs=120&seed=2", wait_until="load")
    _plots_drawn(page)
    lib = forecast_issue(case, "un-membership", runs=120, seed=2, workers=0)
    assert page.locator("#forecast-median").inner_text() == f"{lib.forecast_median:.2f}"
    assert page.locator("#p-pass").inner_text() == f"{lib.ensemble.p_pass:.3f}"
    assert "120 runs, seed 2, replication mode, after 10 rounds" in page.locator("#conditional-on").inner_text()
    judged = page.locator("#judged-run").inner_text()
    assert f"{lib.judged_median:.2f}" in judged
    assert page.locator("#forecast-rounds tbody tr").count() == lib.result.rounds + 1
    # a justification opens and its citation links to the sources page
    row = page.locator("#actor-russia")
    row.locator("details summary").first.click()
    href = row.locator("a.cite").first.get_attribute("href")
    assert href.startswith("/sources#src-")
    page.wait_for_selector("#chart-outcome .main-svg")


def test_scenario_controls_show_the_difference(page, case):
    page.goto("/forecast/un-membership?runs=60", wait_until="load")
    page.fill("#actor-russia .s-salience", "0.4")
    page.check("#actor-china .s-remove")
    with page.expect_navigation():
        page.click("#f-apply")
    page.wait_for_load_state("load")
    url = page.url
    assert "salience=russia%3A0.4" in url and "remove=china" in url and "capability=" not in url
    page.wait_for_selector("#scenario-summary")
    scen = Scenario(name="x", changes=[Change(actor="russia", salience={"set": 0.4}),
                                       Change(actor="china", leave=True)])
    lib = forecast_issue(case, "un-membership", runs=60, workers=0, scenario=scen)
    assert page.locator("#scenario-p-pass").inner_text() == f"{lib.scenario.ensemble.p_pass:.3f}"
    assert page.locator("#actor-china").get_attribute("class") == "removed"
    assert page.locator("#actor-china .s-remove").is_checked()
    assert page.locator("#actor-russia .s-salience").input_value() == "0.4"
    _plots_drawn(page)
    # back to the baseline
    with page.expect_navigation():
        page.click("#f-reset")
    assert page.locator("#scenario-summary").count() == 0


def test_bad_parameter_page_names_it(page):
    response = page.goto("/forecast/un-membership?runs=5000")
    assert response is not None and response.status == 422
    assert "runs" in page.locator("body").inner_text()
    # chromium logs the 422 itself as a console error: that one is expected
    page.watch.errors[:] = [e for e in page.watch.errors if "422" not in e]
