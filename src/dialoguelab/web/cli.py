"""``dialoguelab serve``: run the dashboard, or answer one request without a server (``--get``).

Pattern: datasette's ``serve`` (build the app, hand it to uvicorn) and its ``--get`` smoke check.
"""

from __future__ import annotations

__all__ = ["register", "serve"]

import sys
from pathlib import Path
from typing import Annotated

import typer

from dialoguelab.clikit import CASE_HELP, chosen_case, fail
from dialoguelab.errors import DialoguelabError

_fail = fail


def serve(
    case: Annotated[
        Path | None, typer.Option("--case", help=CASE_HELP, show_default=False)
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8000,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Also answer requests for this Host name (repeatable; '*' for any). "
                     "Default: localhost, 127.0.0.1, ::1 and the --host address.", show_default=False),
    ] = None,
    get: Annotated[
        str | None,
        typer.Option("--get", help="Print the response to one GET of this path and exit (no server).",
                     show_default=False),
    ] = None,
) -> None:
    """Run the web dashboard and JSON API on a case (read-only; works offline).

    Examples:

        dialoguelab serve                      # http://127.0.0.1:8000 on the Kosovo case

        dialoguelab serve --case my-case/ --port 8080

        dialoguelab serve --get /api/v1/summary   # one request, printed; exit 1 on a 4xx/5xx

        dialoguelab serve --host 0.0.0.0 --allow-host dashboard.example.org
    """
    from dialoguelab.web.app import create_app
    from dialoguelab.web.config import Settings

    hosts = ["localhost", "127.0.0.1", "::1"]
    if host not in ("0.0.0.0", "::", ""):
        hosts.append(host)
    hosts += list(allow_host or [])
    try:
        # no warm-up for one request
        app = create_app(Settings(case_path=chosen_case(case), warm_up=get is None, allowed_hosts=hosts))
    except DialoguelabError as exc:
        _fail(str(exc))
        return
    if get is not None:
        if not get.startswith("/"):
            _fail(f"--get takes a path starting with '/', like /api/v1/summary. Got {get!r}.", 2)
        import warnings

        with warnings.catch_warnings():  # Starlette's notice about httpx2 is not for the user
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient

        with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
            response = client.get(get)
        sys.stdout.write(response.text)
        if not response.text.endswith("\n"):
            sys.stdout.write("\n")
        if response.status_code >= 400:
            typer.echo(f"Error: GET {get} answered {response.status_code}", err=True)
            raise typer.Exit(1)
        return

    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"Warning: listening on {host}: the dashboard will be reachable from other machines.", err=True)
    typer.echo(f"dialoguelab dashboard on http://{host}:{port}  (Ctrl+C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the main CLI."""
    app.command("serve")(serve)
