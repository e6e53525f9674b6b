"""Fixtures of the web tests: the app on the built-in case, a client, a live server for the browser."""

from __future__ import annotations

import re
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

with warnings.catch_warnings():  # Starlette's notice that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dialoguelab.case import load_case
from dialoguelab.web.app import create_app
from dialoguelab.web.config import Settings

MINICASE = Path(__file__).parent / "fixtures" / "minicase"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # tests/artifacts (gitignored): screenshots


@pytest.fixture(scope="session")
def case():
    """The case the app serves (built-in Kosovo case unless DIALOGUELAB_CASE_PATH says otherwise),
    as the library loads it: the oracle for the values shown."""
    return load_case(Settings().case_path)


@pytest.fixture(scope="session")
def app():
    return create_app(Settings())


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    # base_url: the app answers only to its allowed Host names (localhost, 127.0.0.1, ::1 by default)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def mini_client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(case_path=MINICASE)), base_url="http://127.0.0.1",
                    raise_server_exceptions=False) as c:
        yield c


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 and a free port, in a thread."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # wait on the server's state, however long a busy machine takes
        if not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# ----- a page in the browser (tests/conftest.py launches it) -------------------------------------------


class Watch:
    """What a page did: every request URL, console errors and uncaught exceptions."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.expected_status: set[int] = set()
        self.page = page
        self.handlers = {
            "request": lambda r: self.requests.append(r.url),
            "requestfailed": self._failed,
            "console": lambda m: self.errors.append(m.text) if m.type == "error" else None,
            "pageerror": lambda e: self.errors.append(str(e)),
        }
        for event, handler in self.handlers.items():
            page.on(event, handler)

    def detach(self) -> None:
        for event, handler in self.handlers.items():
            self.page.remove_listener(event, handler)

    def _failed(self, request) -> None:
        # net::ERR_ABORTED is the browser dropping a request the page no longer needs (it navigated, or the
        # test closed it while the favicon was still loading on a busy machine): not an answer of the server
        if "ERR_ABORTED" not in str(request.failure):
            self.failed.append(f"{request.url} {request.failure}")

    def check(self) -> None:
        off = [u for u in self.requests if urlparse(u).scheme not in ("data", "blob", "about")
               and urlparse(u).hostname != "127.0.0.1"]
        assert not off, f"requests left the machine: {off}"
        assert not self.failed, f"failed requests: {self.failed}"
        errors = [e for e in self.errors
                  if not any(f"status of {s}" in e for s in self.expected_status)]  # an error page we asked for
        assert not errors, f"console errors: {errors}"


@pytest.fixture(scope="module")
def _module_page(browser, live_server):
    """One page per test module and worker, reused by its tests: a new context or page per test started a
    renderer each (about a CPU-second; a third of the browser tests' CPU). The app keeps no cookies or
    storage; each test gets its own request and error watch, and the page is left on about:blank. A page
    that a failed test left closed or crashed is replaced, so one failure does not fail the rest."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server, locale="en-US")
    crashed: list[bool] = [False]

    def fresh():
        pg = ctx.new_page()
        pg.once("crash", lambda _: crashed.__setitem__(0, True))
        crashed[0] = False
        return pg

    pages = [fresh()]

    def current():
        if pages[0].is_closed() or crashed[0]:
            if not pages[0].is_closed():
                pages[0].close()
            pages[0] = fresh()
        return pages[0]

    yield current
    ctx.close()


@pytest.fixture()
def page(_module_page, request):
    pg = _module_page()
    pg.set_default_timeout(60_000)
    watch = Watch(pg)
    pg.watch = watch  # type: ignore[attr-defined]
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    if not pg.is_closed():
        pg.screenshot(path=str(ARTIFACTS / f"{name}.png"))  # the viewport only: long pages are checked by content
        watch.detach()
        pg.goto("about:blank")
    watch.check()
