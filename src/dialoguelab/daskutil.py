"""One way to reach a Dask scheduler, for every engine that can scale out (forecast ensembles, ingest).

A scheduler that is not there is reported at once: the address is probed with a plain TCP connection
before ``distributed.Client`` (which would otherwise retry until its timeout), and the error says how to
start one.
"""

from __future__ import annotations

__all__ = ["dask_client"]

import socket
from typing import Any
from urllib.parse import urlsplit

from dialoguelab.errors import InvalidParameterError

_HINT = "start one with `dask scheduler` and give its address, e.g. tcp://127.0.0.1:8786"


def dask_client(address: str, timeout: float = 10.0) -> Any:
    """A ``distributed.Client`` connected to the scheduler at ``address`` (``tcp://host:port``).

    Raises
    ------
    InvalidParameterError
        When the address is malformed, nothing listens there, or the scheduler does not answer in time.
    """
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a declared dependency
        raise InvalidParameterError("--dask needs dask[distributed]: pip install 'dask[distributed]'") from None
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme in ("tcp", "tls"):  # a network address: probe it (an in-process one, inproc://, is not)
        if not parts.hostname or parts.port is None:
            raise InvalidParameterError(f"The Dask address must look like tcp://host:port. Got {address!r}.")
        try:
            with socket.create_connection((parts.hostname, parts.port), timeout=timeout):
                pass
        except OSError as exc:
            raise InvalidParameterError(
                f"Cannot reach the Dask scheduler at {address!r} ({exc.strerror or exc}); {_HINT}."
            ) from None
    try:
        return Client(address, timeout=f"{timeout:g}s")
    except (OSError, TimeoutError) as exc:
        raise InvalidParameterError(f"Cannot connect to the Dask scheduler at {address!r} ({exc}); {_HINT}.") from None
