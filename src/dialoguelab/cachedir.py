"""Where dialoguelab keeps what it can rebuild: parsed cases, stores, fitted models.

``$DIALOGUELAB_CACHE`` or ``~/.cache/dialoguelab``. Everything in it is keyed by content hashes, so a
stale entry is never read; deleting the folder only costs time.
"""

from __future__ import annotations

__all__ = ["cache_dir"]

import os
from pathlib import Path


def cache_dir(sub: str | None = None) -> Path:
    """The cache folder (created if needed), or its sub-folder ``sub``."""
    env = os.environ.get("DIALOGUELAB_CACHE")
    base = Path(env) if env else Path.home() / ".cache" / "dialoguelab"
    if sub:
        base = base / sub
    base.mkdir(parents=True, exist_ok=True)
    return base
