"""The web dashboard and JSON API: a thin FastAPI layer over the library.

Start it with ``dialoguelab serve`` or build the app in Python::

    from dialoguelab.web import create_app
    app = create_app()
"""

from __future__ import annotations

__all__ = ["create_app"]

from typing import Any


def __getattr__(name: str) -> Any:  # lazy, so `python -m dialoguelab.web.geo` needs no FastAPI import
    if name == "create_app":
        from dialoguelab.web.app import create_app

        return create_app
    raise AttributeError(name)
