"""The vote model's panels on the membership page, in a real browser (chromium), against the library."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser



def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The dashboard on 127.0.0.1 with a calibration view already computed (from the shipped fits) in its cache."""
    import uvicorn

    from dialoguelab.case import load_case
    from dialoguelab.membership import validation as V
    from dialoguelab.web.app import create_app
    from dialoguelab.web.config import Settings

    mp = pytest.MonkeyPatch()
    mp.setenv("DIALOGUELAB_CACHE", str(tmp_path_factory.mktemp("cache")))
    V.calibration_view(load_case())  # computed once, kept on disk: the page reads it
    mp.setattr(V, "validate", lambda *a, **k: pytest.fail("the page computed the validation"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(Settings(warm_up=False)), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    mp.undo()


def test_swing_and_calibration_panels_show_the_library_figures(browser, server):
    from dialoguelab.case import load_case
    from dialoguelab.membership.swing import swing
    from dialoguelab.membership.validation import calibration_view

    errors: list[str] = []
    with browser.new_context() as ctx:
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(300_000)  # the first page fits the vote model
        page.goto(f"{server}/membership?body=unesco&date=2015-11-09", wait_until="networkidle")
        # the panels ask the server only once they come into view
        assert page.locator("#swing-summary").get_attribute("aria-busy") == "true"
        page.locator("#swing-panel").scroll_into_view_if_needed()
        page.wait_for_selector("#swing-summary[aria-busy=false]")
        page.locator("#calibration-panel").scroll_into_view_if_needed()
        page.wait_for_selector("#calibration-status[data-status=ready]")
        want = swing(load_case(), "unesco", "2015-11-09")
        first = page.locator("#swing-table tbody tr").first
        assert first.get_attribute("data-iso3") == want.states.iloc[0]["iso3"]
        assert page.locator("#swing-summary").get_attribute("data-size") == str(len(want.smallest_set))
        assert page.locator("#swing-summary").get_attribute("data-method") == want.method
        assert "ideal-point model" in page.locator("#swing-basis").inner_text()
        view = calibration_view(load_case(), compute=False)
        assert page.locator("#calibration-table tbody tr").count() == len(view["rows"])
        page.wait_for_selector("#chart-reliability .main-svg")
        assert page.evaluate("() => document.getElementById('chart-reliability').data.length") == 4
    assert not errors, errors
