"""``dialoguelab serve``: the --get smoke check (no server) and its errors, through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from dialoguelab.web.cli import register

MINICASE = Path(__file__).parent / "fixtures" / "minicase"
runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test root"""

    register(app)
    return app


def test_get_prints_the_response():
    result = runner.invoke(_app(), ["serve", "--get", "/api/v1/summary"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["id"] == "kosovo" and body["counts"]["events"] > 0


def test_get_a_page_of_another_case():
    result = runner.invoke(_app(), ["serve", "--case", str(MINICASE), "--get", "/timeline?actor=Belgrade"])
    assert result.exit_code == 0, result.output
    assert "ev-2010-07-22-icj-opinion" in result.stdout


def test_get_an_error_exits_1():
    result = runner.invoke(_app(), ["serve", "--get", "/api/v1/actors/nobody-at-all"])
    assert result.exit_code == 1
    assert "unknown actor" in result.stdout
    assert "Error: GET /api/v1/actors/nobody-at-all answered 404" in result.stderr


def test_bad_path_and_bad_case():
    result = runner.invoke(_app(), ["serve", "--get", "api/v1/summary"])
    assert result.exit_code == 2 and "starting with '/'" in result.stderr
    result = runner.invoke(_app(), ["serve", "--case", "/nonexistent/case", "--get", "/"])
    assert result.exit_code == 1 and "does not exist" in result.stderr


def test_help_has_an_example():
    result = runner.invoke(_app(), ["serve", "--help"])
    assert result.exit_code == 0 and "dialoguelab serve --get /api/v1/summary" in result.stdout
