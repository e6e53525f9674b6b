"""The HTML report opens offline in a real browser with every chart drawn and no console error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dialoguelab.cli import app

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.browser
def test_report_is_self_contained_and_every_chart_is_drawn(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), f"{CHROMIUM} is required (apt-get install -y chromium)"
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = tmp_path / "out" / "report.html"
    assert report.is_file() and not list((tmp_path / "out").glob(".report-*"))  # no temporary file left
    html = report.read_text(encoding="utf-8")
    assert "<script src=" not in html and "<link " not in html  # nothing to fetch

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        targets = page.eval_on_selector_all("script.dl-figure", "els => els.map(e => e.dataset.target)")
        drawn = page.eval_on_selector_all(
            "script.dl-figure",
            "els => els.map(e => { const t = '#' + e.dataset.target;"
            " return !!document.querySelector(t + ' svg, ' + t + ' canvas'); })",
        )
        finding_cards = page.locator("article.finding").count()
        basis = page.eval_on_selector_all("tr.event", "els => els.map(e => e.dataset.dateBasis)")
        browser.close()
    assert len(targets) >= 6  # four stance series, recognitions, admissions
    assert all(drawn), dict(zip(targets, drawn, strict=True))
    assert [u for u in requests if not u.startswith("file://")] == []
    assert errors == []
    assert finding_cards == 8
    from dialoguelab.case import load_case

    events = load_case().events
    assert len(basis) == len(events)  # every event, each saying where its date comes from
    assert sorted(basis) == sorted(e.date_basis.value for e in events)
