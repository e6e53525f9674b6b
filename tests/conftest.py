"""Shared fixtures: an isolated cache, the synthetic mini case, and the seed paper."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# No property test may fail for being slow: the suite must pass on a slow, busy machine.
settings.register_profile("dialoguelab", deadline=None)
settings.load_profile("dialoguelab")

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini_case"
SEED = ROOT.parent / "shared" / "seed" / "000_8da17b08c6ca7ec0.txt"


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    import os

    os.environ["DIALOGUELAB_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture()
def mini_case_dir(tmp_path: Path) -> Path:
    """A fresh, writable copy of the synthetic mini case."""
    dest = tmp_path / "mini_case"
    shutil.copytree(MINI, dest)
    return dest


@pytest.fixture(scope="session")
def seed_paper() -> Path:
    if not SEED.is_file():
        pytest.fail(f"the seed paper is expected at {SEED} (../shared/seed beside the checkout)")
    return SEED


# ----- chromium for the browser tests ---------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
# One renderer process for every page: the tests' pages are all on 127.0.0.1, and with a renderer started per
# navigation (process per site instance, site isolation) chromium spent 75 CPU-seconds on tests/web/
# test_browser.py against 41-48 with these three flags (measured 5 Dec 2026, the same 44 tests passing).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--renderer-process-limit=1", "--disable-site-isolation-trials", "--disable-features=site-per-process",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright, one per test module (tests/web/conftest.py gives each test a
    page with its own watch of requests and errors). Not one per session: Playwright's synchronous API keeps
    an event loop running in the thread while it is open, and tests that call ``asyncio.run`` would find it."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is required by the browser tests (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
