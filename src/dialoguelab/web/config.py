"""Settings of the web dashboard, read from the environment (``DIALOGUELAB_*``).

Pattern: FastAPI's "Settings and environment variables" (``Settings(BaseSettings)`` behind
an ``lru_cache``'d ``get_settings``), as in full-stack-fastapi-template ``core/config.py``.
"""

from __future__ import annotations

__all__ = ["Settings", "get_settings"]

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What the dashboard serves and the bounds it enforces.

    Parameters
    ----------
    case_path : Path or None, default=None
        Folder of the case to serve; ``None`` serves the built-in Kosovo case.
        Environment: ``DIALOGUELAB_CASE_PATH``.
    max_query_length : int, default=2048
        Longest query string accepted (characters); longer requests get 414.
    max_rows : int, default=1000
        Largest number of rows a table route returns (``limit`` is capped here).
    cache_entries : int, default=1024
        Responses of ``/api/v1`` kept in memory (0 turns the cache off); see :mod:`dialoguelab.web.cache`.
    cache_seconds : float, default=300
        How long a cached response is served (routes that default to *today* change at midnight).
    warm_up : bool, default=True
        At start-up, compute the expensive views (the vote model's calibration, admission
        probabilities, the default body's monthly series, the findings, the stance change points) in a
        background thread while the server answers; a visitor who needs one meanwhile waits for it
        (single flight) instead of computing it again.
    allowed_hosts : list of str, default=["localhost", "127.0.0.1", "::1"]
        Host names the server answers to (any port); other ``Host`` headers get 400, which defeats
        DNS rebinding. ``*`` allows every host. Environment: ``DIALOGUELAB_ALLOWED_HOSTS`` as a JSON
        list; command line: ``serve --allow-host NAME``.
    """

    model_config = SettingsConfigDict(env_prefix="DIALOGUELAB_", extra="ignore")

    case_path: Path | None = None
    max_query_length: int = Field(default=2048, ge=64, le=65536)
    max_rows: int = Field(default=1000, ge=1, le=100_000)
    cache_entries: int = Field(default=1024, ge=0, le=100_000)
    cache_seconds: float = Field(default=300.0, gt=0, le=86_400)
    warm_up: bool = True
    allowed_hosts: list[str] = Field(default_factory=lambda: ["localhost", "127.0.0.1", "::1"], min_length=1)


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
