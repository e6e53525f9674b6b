"""The HTML report opens offline in a real browser with every chart drawn and no console error, for both
built-in cases; its "who blocks" chart names every body in full and shows the bodies a majority blocks."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dialoguelab.case import load_case
from dialoguelab.cli import app


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


def test_report_file_has_the_umasks_default_mode(tmp_path: Path) -> None:
    """A report is an ordinary output file: 0o666 less the umask (it was written 0o600 by mkstemp)."""
    from dialoguelab.report import write_report

    old = os.umask(0o022)
    try:
        path = write_report(load_case(), tmp_path / "out")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert not list((tmp_path / "out").glob(".report-*"))
    assert stat.S_IMODE(path.stat().st_mode) & 0o044  # readable beyond its owner


@pytest.mark.browser
@pytest.mark.parametrize("case_id", ["kosovo", "palestine"])
def test_report_is_self_contained_and_every_chart_is_drawn(browser, tmp_path: Path, case_id: str) -> None:
    from dialoguelab.membership.views import body_headlines

    result = CliRunner().invoke(app, ["report", "--case", case_id, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = tmp_path / "out" / "report.html"
    assert report.is_file() and not list((tmp_path / "out").glob(".report-*"))  # no temporary file left
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~_umask()
    html = report.read_text(encoding="utf-8")
    assert "<script src=" not in html and "<link " not in html  # nothing to fetch
    case = load_case(case_id)
    heads = body_headlines(case)

    with browser.new_context(viewport={"width": 1280, "height": 900}) as ctx:
        page = ctx.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        targets = page.eval_on_selector_all("script.dl-figure", "els => els.map(e => e.dataset.target)")
        page.wait_for_function("() => [...document.querySelectorAll('script.dl-figure')].every("
                               "e => document.getElementById(e.dataset.target).getAttribute('data-drawn'))")
        finding_cards = page.locator("article.finding").count()
        basis = page.eval_on_selector_all("tr.event", "els => els.map(e => e.dataset.dateBasis)")
        ticks = page.eval_on_selector_all("#fig-admissions .ytick text", "els => els.map(e => e.textContent)")
        notes = page.eval_on_selector_all("#fig-admissions .annotation-text", "els => els.map(e => e.textContent)")
        plot = page.locator("#fig-admissions").bounding_box()
        label_boxes = page.eval_on_selector_all(
            "#fig-admissions .ytick text", "els => els.map(e => e.getBoundingClientRect().left)")
        missing = {s: page.locator(f"#{s}-missing").count() for s in ("findings", "stance")}

    assert targets, "no chart"
    assert [u for u in requests if not u.startswith("file://")] == []
    assert errors == []
    events = case.events
    assert len(basis) == len(events)  # every event, each saying where its date comes from
    assert sorted(basis) == sorted(e.date_basis.value for e in events)
    # parts the case lacks are named, not failed on
    assert finding_cards == (8 if case.has_part("findings") else 0)
    assert missing["findings"] == (0 if case.has_part("findings") else 1)
    assert missing["stance"] == (0 if case.has_part("blocs") else 1)
    if case.has_part("blocs"):
        assert sum(t.startswith("fig-stance-") for t in targets) == 4
    # the "who blocks" chart: every body's name in full and inside the figure, a note for each body
    assert sorted(ticks) == sorted(b["name"] for b in heads)  # in full, none cut
    assert plot and all(left >= plot["x"] - 1 for left in label_boxes)
    for b in heads:
        if b["passed"]:
            continue
        for st in b["short"]:
            assert any(f"lacks the majority: {st['more_yes_needed']} more yes needed" in n for n in notes), b["body"]
    assert sum(n == "would pass" for n in notes) == sum(b["passed"] for b in heads)
