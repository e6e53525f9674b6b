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


def _cheap_fit(case, role, exclude):
    """A short fit of the per-state vote model: enough to check mechanics (tables, folds), not figures."""
    from dialoguelab.membership import idealpoints as ip

    saved = dict(ip.FIT_OPTIONS)
    ip.FIT_OPTIONS.update(max_em_iterations=2, m_step_iterations=10)
    try:
        return ip.fit_design(ip.design_from_case(case, role, exclude), laplace=False)
    finally:
        ip.FIT_OPTIONS.clear()
        ip.FIT_OPTIONS.update(saved)


@pytest.fixture(scope="session")
def cheap_fit():
    return _cheap_fit
