"""Fit the vote model of every built-in case (and its leave-one-out folds) and keep the fits in
src/dialoguelab/membership/fits/.

A fresh install then reads these fits instead of computing them on its first admission probability.
Run after changing the world data, a built-in case's membership files or the vote model's code:

    .venv/bin/python scripts/ship_fits.py

The test tests/membership/test_shipped_fits.py fails when a shipped fit no longer matches the data.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src" / "dialoguelab" / "membership" / "fits"


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DIALOGUELAB_CACHE"] = str(Path(tmp) / "cache")  # fit afresh: nothing read from a cache
        staged = Path(tmp) / "fits"
        staged.mkdir()
        os.environ["DIALOGUELAB_SHIP_FITS"] = str(staged)
        from dialoguelab.case import installed_cases, load_case
        from dialoguelab.membership.idealpoints import SHIPPED_DIR
        from dialoguelab.membership.validation import validate
        from dialoguelab.membership.votes import admission_probability

        moved = SHIPPED_DIR.with_name("fits-old")  # hide the shipped fits, so every fit is computed here
        if SHIPPED_DIR.exists():
            SHIPPED_DIR.rename(moved)
        try:
            for name in installed_cases():
                case = load_case(name)
                for position in case.positions():
                    admission_probability(case, "un", position=position)
                    validate(case, position)  # the leave-one-out folds' fits too (rollcalls validate)
                    print(f"fitted {name} ({position})", file=sys.stderr)
        finally:
            if moved.exists():
                moved.rename(SHIPPED_DIR)
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.mkdir(parents=True)
        for f in sorted(staged.glob("*.npz")):
            shutil.copy(f, TARGET / f.name)
            (TARGET / f.name).chmod(0o644)  # package data, readable by everyone
            print(f"shipped {f.name}")
        (TARGET / "README.md").write_text(
            "Fits of the vote model for the built-in cases, written by scripts/ship_fits.py (see its docstring).\n"
            "Derived data: regenerate them, never edit them.\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
