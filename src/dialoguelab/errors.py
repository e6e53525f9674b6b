"""Exceptions of the library, translated once at each boundary (CLI, web).

Every message says where the problem is and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "DialoguelabError",
    "CaseError",
    "CaseValidationError",
    "Problem",
    "UnknownIdError",
    "InvalidParameterError",
]

from dataclasses import dataclass


class DialoguelabError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a case folder: file, line (1-based, 0 if unknown), field and message."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.message}"


class CaseError(DialoguelabError):
    """A case folder cannot be read (missing folder, unreadable file)."""


class CaseValidationError(CaseError):
    """A case folder has one or more located problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the case:\n{shown}{more}")


class UnknownIdError(DialoguelabError, KeyError):
    """An id or name that the case does not know."""

    def __str__(self) -> str:  # KeyError quotes its message; we do not want that
        return str(self.args[0]) if self.args else "unknown id"


class InvalidParameterError(DialoguelabError, ValueError):
    """A parameter of a public function is out of range or of the wrong kind."""
