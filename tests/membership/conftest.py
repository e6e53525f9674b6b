import shutil
from pathlib import Path

import pytest

from dialoguelab.case import builtin_case_path


@pytest.fixture()
def case_copy(tmp_path: Path) -> Path:
    """A writable copy of the built-in Kosovo case (its membership files are edited by the tests)."""
    dst = tmp_path / "case"
    shutil.copytree(builtin_case_path("kosovo"), dst)
    return dst
