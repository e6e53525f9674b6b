"""Parts of a case that engines own (membership files, forecast issues, findings, stance blocs).

The case format knows the evidence files itself (``actors.yaml``, ``events/`` …). Every other part of
a case folder belongs to an engine package, which describes it with a :class:`CasePart`: the files it
reads, how to load it from a :class:`~dialoguelab.case.Case` and how to validate it. Packages
register their parts as entry points of the group ``dialoguelab.case_parts`` (see ``pyproject.toml``),
so ``dialoguelab check`` validates every part without this package importing any engine::

    [project.entry-points."dialoguelab.case_parts"]
    membership = "dialoguelab.membership.data:PART"

A part is loaded lazily, once per case version: ``case.part(PART)`` (or ``case.part("membership")``)
calls its loader the first time and keeps the result with the case.
"""

from __future__ import annotations

__all__ = ["CasePart", "registered_parts", "ENTRY_POINT_GROUP"]

import functools
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dialoguelab.errors import CaseError, CaseValidationError, Problem

if TYPE_CHECKING:
    from dialoguelab.case.loader import Case

T = TypeVar("T")
ENTRY_POINT_GROUP = "dialoguelab.case_parts"


@dataclass(frozen=True)
class CasePart(Generic[T]):
    """One engine-owned part of a case folder.

    Parameters
    ----------
    name : str
        The part's name (``membership``, ``forecast``, ``findings``, ``blocs``).
    paths : tuple of str
        Files or folders of the case the part reads, relative to the case folder.
    load : callable
        ``load(case) -> T``; raises :class:`~dialoguelab.errors.CaseValidationError` with located
        problems when the files are invalid.
    present : callable, optional
        ``present(case) -> bool``: whether the case has this part at all (default: any of ``paths``
        exists). A case without a part is valid; using the part then raises a clear error.
    patterns : tuple of str, optional
        Glob patterns, relative to the case folder, of the files the part reads
        (``("forecast/*.yaml",)``); ``dialoguelab check`` reports any other file in the part's folders.
        Default: every file under ``paths``.
    """

    name: str
    paths: tuple[str, ...]
    load: Callable[[Case], T]
    present: Callable[[Case], bool] | None = None
    patterns: tuple[str, ...] = ()

    def reads(self, relative: str) -> bool:
        """Whether the file at ``relative`` (a path inside the case folder, with ``/``) is one this part
        reads."""
        rel = PurePosixPath(relative)
        if self.patterns:
            return any(
                len(rel.parts) == len(PurePosixPath(p).parts) and rel.match(p) for p in self.patterns
            )
        return any(rel == PurePosixPath(p) or PurePosixPath(p) in rel.parents for p in self.paths)

    def is_present(self, case: Case) -> bool:
        if self.present is not None:
            return self.present(case)
        return any((case.root / p).exists() for p in self.paths)

    def validate(self, case: Case) -> list[Problem]:
        """Every located problem of this part (empty when valid or absent)."""
        if not self.is_present(case):
            return []
        try:
            case.part(self)
        except CaseValidationError as exc:
            return list(exc.problems)
        except CaseError as exc:
            return [Problem(self.paths[0] if self.paths else self.name, 0, "", str(exc))]
        return []


@functools.lru_cache(maxsize=1)
def registered_parts() -> dict[str, CasePart[Any]]:
    """The parts registered under the entry-point group ``dialoguelab.case_parts``, by name."""
    out: dict[str, CasePart[Any]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        part = ep.load()
        if isinstance(part, CasePart):
            out[part.name] = part
    return out
