"""Member lists are dated as precisely as the bodies publish them (a year-only accession miscounts a year)."""

import csv
import shutil

from typer.testing import CliRunner

from dialoguelab.case import builtin_case_path
from dialoguelab.cli import app
from dialoguelab.world import WORLD_DIR, check_world, load_world

WORLD = load_world()


def _override_members(tmp_path, change):
    """A world override whose members.csv is the built-in one with ``change`` applied to each row."""
    folder = tmp_path / "world"
    folder.mkdir()
    rows = list(csv.DictReader((WORLD_DIR / "members.csv").open(encoding="utf-8", newline="")))
    for r in rows:
        change(r)
    with (folder / "members.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return folder


def test_every_body_that_publishes_days_has_day_dates_in_the_built_in_lists():
    day_bodies = {b.id for b in WORLD.bodies.values() if b.accession_dates == "day"}
    assert {"un", "nato", "eu", "coe", "osce", "unesco"} <= day_bodies
    assert check_world() == []


def test_nato_counts_north_macedonia_from_27_march_2020():
    nato = WORLD.bodies["nato"].members.members_of
    assert nato == "nato"
    rows = {r.iso3: r for r in WORLD.members if r.body == "nato"}
    assert str(rows["MKD"].joined) == "2020-03-27"


def test_a_year_only_accession_in_a_day_precise_list_is_rejected_where_it_is(tmp_path):
    def coarsen(r):
        if r["body"] == "nato" and r["iso3"] == "MKD":
            r["joined"] = "2020"

    problems = check_world(_override_members(tmp_path, coarsen))
    hits = [p for p in problems if p.field == "joined" and "MKD" in p.message]
    assert len(hits) == 1, problems
    assert hits[0].file.endswith("members.csv") and hits[0].line > 1
    assert "coarser than the day" in hits[0].message and "lexicals-nato" in hits[0].message


def test_a_month_only_date_and_a_left_date_are_rejected_too(tmp_path):
    def coarsen(r):
        if r["body"] == "coe" and r["iso3"] == "RUS":
            r["left"] = "2022-03"
        if r["body"] == "un" and r["iso3"] == "SSD":
            r["joined"] = "2011-07"

    fields = {(p.field, p.message.split(" ")[0]) for p in check_world(_override_members(tmp_path, coarsen))}
    assert ("left", "RUS") in fields and ("joined", "SSD") in fields


def test_a_body_whose_record_gives_no_day_keeps_coarser_dates(tmp_path):
    # INTERPOL publishes no accession days: a month-precise row stays acceptable
    assert WORLD.bodies["interpol"].accession_dates is None
    assert any(
        r.left is not None and r.left.precision.value == "month" for r in WORLD.members if r.body == "interpol"
    )

    def coarsen(r):
        if r["body"] == "interpol" and r["iso3"] == "PLW":
            r["joined"] = "2023-11"

    assert not any("PLW" in p.message for p in check_world(_override_members(tmp_path, coarsen)))


def test_check_on_a_case_with_a_coarse_member_row_fails_naming_the_file(tmp_path):
    case = tmp_path / "case"
    shutil.copytree(builtin_case_path("kosovo"), case)
    folder = _override_members(
        tmp_path, lambda r: r.update(joined="2004") if r["iso3"] == "EST" and r["body"] == "nato" else None
    )
    shutil.move(folder, case / "world")
    result = CliRunner().invoke(app, ["check", str(case), "--csv"])
    assert result.exit_code != 0
    assert "members.csv" in result.output and "EST joined 2004" in result.output
