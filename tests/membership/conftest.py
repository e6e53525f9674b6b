import shutil
from pathlib import Path

import pytest

from dialoguelab.membership.data import default_case_root


@pytest.fixture()
def case_copy(tmp_path: Path) -> Path:
    """A writable copy of the Kosovo case's membership folder."""
    dst = tmp_path / "case"
    shutil.copytree(default_case_root() / "membership", dst / "membership")
    return dst
