"""Re-exports imported on first use, so that importing a package does not import its heavy modules.

A package's ``__init__`` names what it re-exports and from which module; the module is imported
when the name is first read. ``import dialoguelab.evidence.cli`` (which runs
``dialoguelab/evidence/__init__.py``) therefore costs nothing until a command asks for
:func:`~dialoguelab.evidence.timeline`, and ``dialoguelab --help`` never imports pandas.

Usage, at the end of a package's ``__init__.py``::

    if TYPE_CHECKING:  # what type checkers and readers see
        from dialoguelab.evidence.timeline import timeline
    lazy_exports(__name__, {"timeline": "dialoguelab.evidence.timeline"})

References
----------
PEP 562, "Module __getattr__ and __dir__"; the Python Language Reference, section 3.3.2.1,
"Customizing module attribute access" (a module's ``__class__`` may be set to a subclass of
``types.ModuleType``).
"""

from __future__ import annotations

__all__ = ["lazy_exports"]

import importlib
import sys
from types import ModuleType
from typing import Any


class _LazyPackage(ModuleType):
    """A package whose re-exported names are imported from their modules when first read."""

    def __getattr__(self, name: str) -> Any:
        exports: dict[str, str] = self.__dict__.get("_lazy_exports", {})
        source = exports.get(name)
        if source is None:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(source), name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # The import system sets every loaded submodule as an attribute of its package. A function
        # re-exported under the name of its own module (evidence.timeline.timeline) must stay the
        # package's attribute, as it was when the package imported it eagerly.
        exports: dict[str, str] = self.__dict__.get("_lazy_exports", {})
        if isinstance(value, ModuleType) and name in exports:
            return
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.__dict__.get("_lazy_exports", {})))


def lazy_exports(package: str, exports: dict[str, str]) -> None:
    """Make each name of ``exports`` an attribute of ``package``, imported from its module on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``; it must already be in ``sys.modules`` (call this from its ``__init__``).
    exports : dict of str to str
        Name to the dotted module that defines it.

    Examples
    --------
    >>> import dialoguelab.evidence.timeline  # the module is loaded...
    >>> import dialoguelab.evidence
    >>> dialoguelab.evidence.timeline.__name__  # ...and the package's name is still the function
    'timeline'
    """
    module = sys.modules[package]
    module.__dict__["_lazy_exports"] = dict(exports)
    module.__class__ = _LazyPackage
