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
