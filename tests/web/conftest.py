"""Fixtures of the web tests: the app on the built-in case, a client, a live server for the browser."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():  # Starlette's notice that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from dialoguelab.case import load_case
from dialoguelab.web.app import create_app
from dialoguelab.web.config import Settings

MINICASE = Path(__file__).parent / "fixtures" / "minicase"


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
