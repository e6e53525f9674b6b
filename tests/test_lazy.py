"""Packages re-export on first use (dialoguelab.lazy) and behave as when they imported eagerly."""

from __future__ import annotations

import subprocess
import sys
from types import ModuleType

import pytest

import dialoguelab.case
import dialoguelab.evidence
import dialoguelab.forecast
import dialoguelab.ingest


@pytest.mark.parametrize("package", [dialoguelab.case, dialoguelab.evidence, dialoguelab.forecast, dialoguelab.ingest])
def test_every_name_of_all_resolves(package: object) -> None:
    for name in package.__all__:  # type: ignore[attr-defined]
        assert getattr(package, name) is not None, name
    assert set(package.__all__) <= set(dir(package))  # type: ignore[attr-defined]


def test_a_function_named_like_its_module_stays_the_function() -> None:
    import dialoguelab.evidence.timeline as module_loaded  # noqa: F401  (the submodule is loaded first)
    import dialoguelab.ingest.api as api
    import dialoguelab.ingest.evaluate
    import dialoguelab.ingest.review  # noqa: F401
    from dialoguelab.evidence import timeline
    from dialoguelab.ingest import evaluate, review

    assert callable(timeline) and timeline.__module__ == "dialoguelab.evidence.timeline"
    assert evaluate is api.evaluate and review is api.review  # the functions, not the modules
    assert not isinstance(dialoguelab.ingest.review, ModuleType)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing_here'"):
        dialoguelab.evidence.nothing_here  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(ImportError):
        exec("from dialoguelab.case import nothing_here")


def test_importing_a_package_imports_none_of_its_modules() -> None:
    code = (
        "import sys, dialoguelab.case, dialoguelab.evidence, dialoguelab.forecast, dialoguelab.ingest; "
        "print(sorted(m for m in sys.modules if m.startswith('dialoguelab.') and m.count('.') > 1))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    code = "import sys, dialoguelab.evidence as e; e.timeline; print('dialoguelab.evidence.timeline' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"  # counterfactual: reading the name does import its module
