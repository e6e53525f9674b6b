"""The roll calls of the world data: per-state files against their tallies, partial lists, sources."""

import csv
import shutil

import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import CaseValidationError
from dialoguelab.world import WORLD_DIR, check_world, load_world

WORLD = load_world()


def test_every_file_has_its_roll_call_and_every_list_is_consistent():
    for rc_id, rows in WORLD.rollcall_votes.items():
        rc = WORLD.rollcalls[rc_id]
        counts = {v: sum(1 for r in rows if r.vote == v) for v in ("yes", "no", "abstain", "absent")}
        if rc.record == "per_state":
            assert (counts["yes"], counts["no"], counts["abstain"]) == (rc.yes, rc.no, rc.abstain), rc_id
        else:
            assert rc.record == "reported", rc_id
            assert counts["yes"] <= rc.yes and counts["no"] <= rc.no and counts["abstain"] <= rc.abstain, rc_id
        assert len({r.iso3 for r in rows}) == len(rows), rc_id
    # the published figures of the brief
    assert WORLD.rollcalls["coe-cm-2023-04-24"].record == "per_state"
    coe = {r.iso3: r.vote for r in WORLD.rollcall_votes["coe-cm-2023-04-24"]}
    assert sorted(k for k, v in coe.items() if v == "no") == ["AZE", "CYP", "ESP", "GEO", "HUN", "ROU", "SRB"]
    assert coe["ARM"] == "absent" and len(coe) == 46
    assert WORLD.rollcalls["unesco-gc-2015-11-09"].record == "reported"
    assert WORLD.rollcalls["interpol-2018-final"].record == "tally_only"


def test_every_roll_call_cites_known_sources():
    for rc in WORLD.rollcalls.values():
        assert rc.sources and all(s in WORLD.sources for s in rc.sources), rc.id


def _copy_world(tmp_path):
    folder = tmp_path / "world"
    folder.mkdir()
    shutil.copy(WORLD_DIR / "rollcalls.csv", folder / "rollcalls.csv")
    (folder / "rollcalls").mkdir()
    return folder


def _rewrite(path, change):
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    fields = list(rows[0])
    for r in rows:
        change(r)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields)
        w.writeheader()
        w.writerows(rows)


def test_a_reported_list_with_more_votes_than_the_tally_is_located(tmp_path):
    folder = _copy_world(tmp_path)
    src = WORLD_DIR / "rollcalls" / "unesco-gc-2015-11-09.csv"
    dst = folder / "rollcalls" / "unesco-gc-2015-11-09.csv"
    shutil.copy(src, dst)
    assert check_world(folder) == []
    _rewrite(dst, lambda r: r.update(vote="yes") if r["iso3"] == "SRB" else None)  # 93 yes against 92
    problems = check_world(folder)
    assert any(
        p.file.endswith("unesco-gc-2015-11-09.csv") and p.field == "yes" and "gives only 92" in p.message
        for p in problems
    ), problems


def test_a_tally_only_roll_call_with_a_list_and_a_reported_one_without_are_located(tmp_path):
    folder = _copy_world(tmp_path)
    shutil.copy(WORLD_DIR / "rollcalls" / "coe-cm-2023-04-24.csv", folder / "rollcalls" / "interpol-2018-final.csv")
    _rewrite(folder / "rollcalls.csv", lambda r: r.update(record="reported") if r["id"] == "unga-es-11-4" else None)
    problems = check_world(folder)
    msgs = {(p.field, p.message.split(":")[0]) for p in problems}
    assert ("record", "record is tally_only but rollcalls/interpol-2018-final.csv exists") in msgs
    # unga-es-11-4 now has its built-in file only if the override folder lacks it: the built-in file counts
    assert not any("unga-es-11-4" in p.message and p.field == "record" for p in problems)
    _rewrite(folder / "rollcalls.csv", lambda r: r.update(record="reported") if r["id"] == "unga-62-249" else None)
    assert any(
        p.field == "record" and "record is reported but rollcalls/unga-62-249.csv does not exist" in p.message
        for p in check_world(folder)
    )


def test_a_broken_override_stops_the_case_with_the_file_named(case_copy):
    folder = _copy_world(case_copy)
    coe = "coe-cm-2023-04-24"
    _rewrite(folder / "rollcalls.csv", lambda r: r.update(record="tally_only") if r["id"] == coe else None)
    shutil.copy(WORLD_DIR / "rollcalls" / "coe-cm-2023-04-24.csv", folder / "rollcalls" / "coe-cm-2023-04-24.csv")
    with pytest.raises(CaseValidationError, match="rollcalls.csv"):
        _ = load_case(case_copy).world
