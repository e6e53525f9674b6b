"""The one-stop Python API re-exports callable library functions (and runs its docstring example)."""

import doctest

import dialoguelab.api as api


def test_every_name_is_exported_and_callable() -> None:
    assert sorted(api.__all__) == sorted(set(api.__all__))
    for name in api.__all__:
        assert callable(getattr(api, name)), name


def test_docstring_example_runs() -> None:
    result = doctest.testmod(api, verbose=False)
    assert result.attempted >= 3 and result.failed == 0
