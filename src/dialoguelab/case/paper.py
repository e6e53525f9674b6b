"""The paper's text, found on disk, and the check of locators against it.

The paper is not shipped with the package (its prose is not ours to copy). A case names the
paper's text file and its SHA-256; :func:`find_paper` looks for it beside the case, in the case's
search paths and in ``$DIALOGUELAB_PAPER_PATH``. When found, every locator is verified.
"""

from __future__ import annotations

__all__ = ["PaperText", "find_paper", "normalise"]

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from dialoguelab.case.files import MAX_TEXT_BYTES, read_file_bytes
from dialoguelab.case.schema import CaseMeta, Locator
from dialoguelab.errors import CaseValidationError, Problem

_WS = re.compile(r"\s+")
WINDOW = 6  # lines after the locator's line that an anchor may run into


def normalise(text: str) -> str:
    """Collapse runs of whitespace to one space and strip.

    >>> normalise("  the   Kremlin\\n said ")
    'the Kremlin said'
    """
    return _WS.sub(" ", text).strip()


@dataclass(frozen=True)
class PaperText:
    """The lines of the paper's text file (1-based access through :meth:`line`)."""

    path: Path
    lines: tuple[str, ...]
    sha256: str

    @classmethod
    def read(cls, path: Path) -> PaperText:
        """Read a text file of at most :data:`~dialoguelab.case.files.MAX_TEXT_BYTES` bytes.

        Raises :class:`~dialoguelab.errors.CaseValidationError` naming the file when it cannot be read
        or is larger than the limit.
        """
        problems: list[Problem] = []
        raw = read_file_bytes(path, str(path), problems, MAX_TEXT_BYTES)
        if raw is None:
            raise CaseValidationError(problems)
        text = raw.decode("utf-8", errors="replace")
        return cls(path, tuple(text.split("\n")), hashlib.sha256(raw).hexdigest())

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 1 <= number <= len(self.lines) else ""

    def window(self, number: int) -> str:
        """Text from ``number`` through the next :data:`WINDOW` non-blank lines, whitespace collapsed."""
        parts = [self.line(number)]
        taken, n = 0, number + 1
        while taken < WINDOW and n <= len(self.lines):
            if self.lines[n - 1].strip():
                parts.append(self.lines[n - 1])
                taken += 1
            n += 1
        return normalise(" ".join(parts))

    def check(self, loc: Locator) -> str | None:
        """None if the locator's anchor starts on its line; otherwise the reason it does not."""
        if loc.line > len(self.lines):
            return f"line {loc.line} is past the end of the paper ({len(self.lines)} lines)"
        anchor = normalise(loc.anchor)
        window = self.window(loc.line)
        first = normalise(self.line(loc.line))
        if not first:
            near = self.find(anchor)
            hint = f"; the anchor is found on line {near}" if near else ""
            return f"paper line {loc.line} is blank: a locator points at the line where its anchor starts{hint}"
        idx = window.find(anchor)
        while idx != -1:
            if idx < max(len(first), 1):
                return None
            idx = window.find(anchor, idx + 1)
        near = self.find(anchor)
        hint = f"; the anchor is found on line {near}" if near else "; the anchor is not in the paper"
        return f"anchor {loc.anchor!r} does not start on paper line {loc.line}{hint}"

    def find(self, anchor: str) -> int | None:
        """The first line on which ``anchor`` starts, or None."""
        anchor = normalise(anchor)
        for n in range(1, len(self.lines) + 1):
            first = normalise(self.line(n))
            if not first:
                continue
            idx = self.window(n).find(anchor)
            if idx != -1 and idx < len(first):
                return n
        return None


def find_paper(meta: CaseMeta, root: Path) -> Path | None:
    """Locate the paper's text file for a case, or None when it is not on this machine."""
    if meta.paper is None:
        return None
    name = meta.paper.text_file
    candidates: list[Path] = []
    env = os.environ.get("DIALOGUELAB_PAPER_PATH")
    if env:
        candidates += [Path(p) for p in env.split(os.pathsep) if p]
    candidates.append(root)
    for sp in meta.paper.search_paths:
        p = Path(sp)
        if p.is_absolute():
            candidates.append(p)
        else:
            candidates.append(Path.cwd() / p)
            candidates.append(root / p)
    # the project checkout: <repo>/src/dialoguelab/cases/<id> → <repo>/../shared/seed
    for parent in root.resolve().parents:
        candidates.append(parent.parent / "shared" / "seed")
        if (parent / "pyproject.toml").exists():
            break
    for c in candidates:
        f = c / name
        if f.is_file():
            return f
    return None
