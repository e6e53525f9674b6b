"""Each check: passing on a synthetic case built for the claim, failing on one built against it.

The Kosovo case's own counterfactuals (Russia recognises, the five recognise, Russia stays out of the
peace efforts, ...) are in ``test_findings_counterfactuals.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from dialoguelab.case import load_case
from dialoguelab.errors import CaseValidationError, InvalidParameterError
from dialoguelab.membership.scenarios import Change, Scenario
from dialoguelab.stance.findings import (
    CHECKS,
    SCENARIO_PARAM,
    STATUSES,
    evaluate_findings,
    load_findings_file,
    run_check,
)
from dialoguelab.world import WORLD_DIR

RUS = {"bloc": "russia"}


def _findings(evidence: list[str], check: str, params: dict, **extra: object) -> dict:
    return {
        "periods": [],
        **extra,
        "findings": [
            {
                "id": "f1",
                "number": 1,
                "title": "t",
                "claim": "c",
                "locator": {"line": 1, "anchor": "abc"},
                "evidence": evidence,
                "sources": ["paper"],
                "check": check,
                "params": params,
            },
        ],
    }


def _ids(result) -> list[str]:
    return list(result.evidence)


# --------------------------------------------------------------------------- statuses and parameters


def test_statuses_include_partly_supported() -> None:
    assert STATUSES == ("supported", "partly supported", "contested", "not computable")


def test_every_check_is_registered_and_unknown_names_are_rejected() -> None:
    assert set(CHECKS) >= {
        "co_movement",
        "shift",
        "took_part_in_efforts",
        "acts",
        "bloc_stance",
        "joined_then_rejected",
        "stance_sign",
        "precedent_invoked",
        "split_blocks_steps",
        "blocks_on_dates",
        "all_parts",
    }
    with pytest.raises(InvalidParameterError, match="must be one of"):
        run_check(None, "veto_player_since", {})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "check, params",
    [
        ("acts", {}),
        ("took_part_in_efforts", {"start": "1998", "end": "1999", "efforts": [{"id": "x", "tags": ["t"]}]}),
        ("joined_then_rejected", {"episodes": [{"id": "e", "tags": ["t"], "start": "2006", "end": "2007"}]}),
        ("precedent_invoked", {"marker_tags": ["p"], "theatres": [{"id": "g", "tags": ["g"]}]}),
        ("bloc_stance", {"targets": ["serbia"]}),
    ],
)
def test_a_check_without_its_bloc_is_not_computable_and_says_where_to_set_it(make_case, steps, check, params) -> None:
    """No check falls back on a bloc of its own: the case names it (findings.yaml `defaults`)."""
    res = run_check(load_case(make_case(steps())), check, params)
    assert res.status == "not computable" and "'bloc' parameter is required" in res.reason
    assert "defaults" in res.reason


def test_an_unknown_bloc_is_named(make_case, steps) -> None:
    res = run_check(load_case(make_case(steps())), "acts", {"bloc": "atlantis"})
    assert res.status == "not computable" and "'bloc' parameter must be one of" in res.reason


# --------------------------------------------------------------------------- co-movement and shifts


def test_co_movement_supported_then_contested_when_the_other_series_moves_against(make_case, steps) -> None:
    ok = load_case(make_case(steps(), name="ok"))
    res = run_check(ok, "co_movement", {"a": "russia-process", "b": "russia-west-other"})
    assert res.status == "supported" and res.figure is not None and res.figure.value == pytest.approx(1.0)
    bad = load_case(make_case(steps(flip_other=True), name="bad"))
    res = run_check(bad, "co_movement", {"a": "russia-process", "b": "russia-west-other"})
    assert res.status == "contested" and res.figure.value == pytest.approx(-1.0)
    few = load_case(make_case(steps()[:9], name="few"))
    assert run_check(few, "co_movement", {"a": "russia-process", "b": "russia-west-other"}).status == "not computable"


def test_co_movement_selections_move_tagged_events_and_refuse_to_count_an_event_twice(make_case, steps, ev) -> None:
    """A selection can take a series' tagged events to the other side (finding 1: Bosnia joins Kosovo)."""
    events = steps()
    # the 'elsewhere' events of 1990-1994 are re-tagged as Yugoslav: they must leave side b for side a
    for e in events:
        if e["id"].endswith("-w") and int(e["id"][3:7]) < 1995:
            e["tags"] = ["elsewhere", "yugo"]
    case = load_case(make_case(events))
    a = [{"series": "russia-process"}, {"series": "russia-west-other", "tags_any": ["yugo"]}]
    b = [{"series": "russia-west-other", "tags_none": ["yugo"]}]
    res = run_check(case, "co_movement", {"a": a, "b": b})
    assert res.status == "supported"
    assert res.details["windows"] == list(range(1995, 2010))  # b has no event before 1995 any more
    assert (res.details["events_a"], res.details["events_b"]) == (45, 15)
    overlap = run_check(case, "co_movement", {"a": a, "b": "russia-west-other"})
    assert overlap.status == "not computable" and "share events" in overlap.reason


def _with_roles(root: Path) -> Path:
    """Give the synthetic envoy two offices: the first half of the case and the second."""
    actors = yaml.safe_load((root / "actors.yaml").read_text())
    actors += [
        {
            "id": "dove",
            "name": "Dove",
            "type": "person",
            "affiliation": "rusland",
            "roles": [{"title": "Minister", "organization": "rusland", "start": "1990-01-01", "end": "1999-12-31"}],
        },
        {
            "id": "hawk",
            "name": "Hawk",
            "type": "person",
            "affiliation": "rusland",
            "roles": [
                {"title": "Minister", "organization": "rusland", "start": "2000-01-01", "end": "2004-06-30"},
                {"title": "Premier", "organization": "rusland", "start": "2004-07-01", "end": "2009-12-31"},
            ],
        },
    ]
    (root / "actors.yaml").write_text(yaml.safe_dump(actors, sort_keys=False))
    return root


SHIFT = {
    "series": "russia-process",
    "groups": [
        {"label": "dove", "tenure": {"actor": "dove", "roles": ["Minister"]}},
        {"label": "hawk", "tenure": {"actor": "hawk", "roles": ["Minister", "Premier"]}},
    ],
    "expect": "decrease",
}


def test_shift_between_tenures_supported_then_contested_when_the_successor_cooperates(make_case, steps) -> None:
    case = load_case(_with_roles(make_case(steps(), name="s")))
    res = run_check(case, "shift", SHIFT)
    assert res.status == "supported" and res.figure.value < 0 and res.figure.hi < 0
    assert [g["n"] for g in res.details["groups"]] == [20, 20]  # both roles of the second tenure joined
    flat = [dict(e, type="COOPERATE") for e in steps()]
    res = run_check(load_case(_with_roles(make_case(flat, name="f"))), "shift", SHIFT)
    assert res.status == "contested"
    reverse = run_check(case, "shift", dict(SHIFT, expect="increase"))
    assert reverse.status == "contested"


def test_shift_leaves_out_events_whose_date_straddles_the_change(make_case, steps, ev) -> None:
    events = [*steps(), ev("ev-2000-blur", "2000", "THREATEN", ["rusland"], ["kosland"])]
    case = load_case(_with_roles(make_case(events)))
    # a range ending mid-2000 leaves the year-precision event out and lists it
    res = run_check(case, "shift", dict(SHIFT, groups=[{"end": "2000-06"}, {"start": "2000-07"}]))
    assert "ev-2000-blur" in res.details["groups"][0]["left_out_imprecise"]
    assert "ev-2000-blur" not in res.details["groups"][1]["events"]


def test_shift_needs_events_in_both_groups(make_case, steps) -> None:
    case = load_case(_with_roles(make_case(steps()[:6])))
    assert run_check(case, "shift", SHIFT).status == "not computable"


# --------------------------------------------------------------------------- acts, efforts, episodes


def test_took_part_in_efforts(make_case, ev) -> None:
    params = {
        **RUS,
        "start": "1998",
        "end": "1999",
        "efforts": [
            {"id": "res", "tags": ["resolution"], "min": 2},
            {"id": "talks", "tags": ["talks"], "min": 1},
        ],
    }
    good = [
        ev("ev-r1", "1998-03-01", "AGREE", ["mediator", "envoy"], ["serbland"], ["resolution"]),
        ev("ev-r2", "1998-09-01", "AGREE", ["mediator", "rusland"], ["serbland"], ["resolution"]),
        ev("ev-t", "1999-02-01", "CONSULT", ["rusland", "westland"], ["kosland"], ["talks"]),
    ]
    res = run_check(load_case(make_case(good, name="good")), "took_part_in_efforts", params)
    assert res.status == "supported" and res.evidence == ["ev-r1", "ev-r2", "ev-t"]
    bad = [dict(good[0], source_actors=["mediator"]), good[1], good[2]]  # Russia absent from one resolution
    res = run_check(load_case(make_case(bad, name="bad")), "took_part_in_efforts", params)
    assert res.status == "contested" and "res" in res.reason


ACTS = {
    **RUS,
    "start": "1998",
    "end": "1999",
    "tags_any": ["force"],
    "targets": ["west"],
    "sign": "conflictual",
    "min": 1,
    "contrary": {"tags_any": ["force"], "sign": "cooperative"},
}


def test_acts_counts_the_kind_and_fails_on_a_contrary_act(make_case, ev) -> None:
    refuse = ev("ev-no", "1998-09-01", "REJECT", ["rusland"], ["westland"], ["force"])
    assert run_check(load_case(make_case([refuse], name="a")), "acts", ACTS).status == "supported"
    # the refusal turned into an authorisation: no act of the kind, one contrary act
    res = run_check(load_case(make_case([dict(refuse, type="AGREE")], name="b")), "acts", ACTS)
    assert res.status == "contested" and "contrary" in res.reason and "fewer than 1" in res.reason
    # outside the window, or toward someone outside the target blocs, it does not count
    late = dict(refuse, date="2001-01-01")
    assert run_check(load_case(make_case([late], name="c")), "acts", ACTS).status == "contested"
    other = dict(refuse, target_actors=["serbland"])
    assert run_check(load_case(make_case([other], name="d")), "acts", ACTS).status == "contested"


def test_acts_min_years_and_topic(make_case, ev) -> None:
    a = ev("ev-a", "2012-01-01", "ACCUSE", ["rusland"], ["westland"])
    b = ev("ev-b", "2012-02-01", "ACCUSE", ["rusland"], ["westland"])
    c = ev("ev-c", "2015-02-01", "ACCUSE", ["rusland"], ["westland"], ["elsewhere"])
    params = {**RUS, "start": "2011", "targets": ["west"], "sign": "conflictual", "min": 2, "min_years": 2}
    case = load_case(make_case([a, b, c]))
    assert run_check(case, "acts", params).status == "supported"
    on = run_check(case, "acts", dict(params, topic="on"))  # the 2015 act is off the case's topic
    assert on.status == "contested" and "in 1 year" in on.reason


def test_bloc_stance_reads_acts_toward_a_bloc_and_back(make_case, ev) -> None:
    coop = [ev(f"ev-{k}", f"201{k}-01-01", "COOPERATE", ["rusland"], ["serbland"]) for k in range(5)]
    params = {**RUS, "targets": ["serbia"], "start": "2010", "expect": "positive"}
    res = run_check(load_case(make_case(coop, name="a")), "bloc_stance", params)
    assert res.status == "supported" and res.figure.lo > 0
    cold = [dict(e, type="THREATEN") for e in coop]
    assert run_check(load_case(make_case(cold, name="b")), "bloc_stance", params).status == "contested"
    # the other way round: Serbland's acts toward Rusland count only with `mutual`
    back = [ev(f"ev-s{k}", f"201{k}-06-01", "COOPERATE", ["serbland"], ["rusland"]) for k in range(5)]
    case = load_case(make_case(back, name="c"))
    assert run_check(case, "bloc_stance", params).status == "not computable"
    assert run_check(case, "bloc_stance", dict(params, mutual=True)).status == "supported"


def test_joined_then_rejected(make_case, ev) -> None:
    params = {**RUS, "episodes": [{"id": "e", "tags": ["talks"], "start": "2006", "end": "2007"}]}
    good = [
        ev("ev-in", "2006-01-01", "CONSULT", ["rusland", "mediator"], [], ["talks"]),
        ev("ev-out", "2007-03-01", "THREATEN", ["rusland"], ["mediator"], ["talks"]),
    ]
    assert run_check(load_case(make_case(good, name="g")), "joined_then_rejected", params).status == "supported"
    bad = [good[0], dict(good[1], type="AGREE")]  # Russia never rejects
    res = run_check(load_case(make_case(bad, name="b")), "joined_then_rejected", params)
    assert res.status == "contested"


def test_stance_sign(make_case, steps) -> None:
    case = load_case(make_case(steps()))
    late = run_check(case, "stance_sign", {"series": "russia-process", "start": 2000, "expect": "negative"})
    assert late.status == "supported" and late.figure.hi < 0
    early = run_check(case, "stance_sign", {"series": "russia-process", "end": 1999, "expect": "negative"})
    assert early.status == "contested" and early.figure.lo > 0
    none = run_check(case, "stance_sign", {"series": "russia-process", "start": 2009, "min_events": 5})
    assert none.status == "not computable"


def test_precedent_invoked(make_case, ev) -> None:
    theatres = {
        **RUS,
        "marker_tags": ["precedent"],
        "theatres": [
            {"id": "g", "tags": ["g"], "actors": ["georgland"]},
            {"id": "c", "tags": ["c"], "actors": ["crimland"]},
        ],
    }
    good = [
        ev("ev-g", "2008-08-01", "ASSAULT", ["rusland"], ["georgland"], ["precedent"]),
        ev("ev-c", "2014-03-18", "SUPPORT", ["envoy"], ["crimland"], ["precedent"]),
    ]
    assert run_check(load_case(make_case(good, name="g")), "precedent_invoked", theatres).status == "supported"
    bad = [good[0], dict(good[1], tags=[])]  # the Crimea event does not invoke the precedent
    res = run_check(load_case(make_case(bad, name="b")), "precedent_invoked", theatres)
    assert res.status == "contested" and "c" in res.reason
    # the same acts by another bloc do not count for this one
    other = [dict(e, source_actors=["westland"]) for e in good]
    assert run_check(load_case(make_case(other, name="o")), "precedent_invoked", theatres).status == "contested"


# --------------------------------------------------------------------------- the membership engine


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


RECOGNISES = [Change(action="recognize", state="RUS"), Change(action="set_stance", state="RUS", stance="recognizes")]
BLOCKS = {"state": "RUS", "bodies": ["un", "osce"], "since": "2008-02-17", "until": "2010-02-17"}


def test_blocks_on_dates_fails_when_the_state_recognises_although_it_keeps_its_veto(make_case, steps) -> None:
    case = load_case(make_case(steps(), membership=True))
    ok = run_check(case, "blocks_on_dates", BLOCKS)
    assert ok.status == "supported" and ok.figure.value == 1.0
    sc = Scenario(name="Russia recognises", changes=RECOGNISES)
    res = run_check(case, "blocks_on_dates", {**BLOCKS, SCENARIO_PARAM: sc})
    assert res.status == "contested" and res.figure.value == 0.0
    # it is still a veto player of the Council: the old check (veto player) could not fail here
    assert res.details["bodies"][0]["veto_player_on_last_date"] is True


def test_blocks_on_dates_fails_without_the_permanent_seat(make_case, steps) -> None:
    root = make_case(steps(), membership=True)
    fields, rows = _rows(WORLD_DIR / "members.csv")
    (root / "world").mkdir()
    _write(
        root / "world" / "members.csv", fields, [r for r in rows if not (r["body"] == "un-sc" and r["iso3"] == "RUS")]
    )
    res = run_check(load_case(root), "blocks_on_dates", {**BLOCKS, "bodies": ["un"]})
    assert res.status == "contested" and res.reason.startswith("un:")


STEPS = {
    "state": "RUS",
    "since": "2024-01-01",
    "until": "2024-03-01",
    "counted_body": "eu",
    "claimed_count": 5,
    "steps": [
        {"body": "nato", "stage": "invitation", "blockers": ["ESP", "GRC", "ROU", "SVK"]},
        {"body": "eu", "stage": "candidate_status", "blockers": ["CYP", "ESP", "GRC", "ROU", "SVK"]},
    ],
}


def test_split_blocks_steps_holds_on_the_builtin_membership_data(make_case, steps) -> None:
    res = run_check(load_case(make_case(steps(), membership=True)), "split_blocks_steps", STEPS)
    assert res.status == "supported", res.reason
    assert res.details["count"]["on_last_date"] == 5


def test_split_blocks_steps_fails_when_the_five_recognise(make_case, steps) -> None:
    case = load_case(make_case(steps(), membership=True))
    five = Scenario(
        name="five recognise",
        changes=[Change(action="recognize", state=s) for s in ("CYP", "ESP", "GRC", "ROU", "SVK")],
    )
    res = run_check(case, "split_blocks_steps", {**STEPS, SCENARIO_PARAM: five})
    assert res.status == "contested" and "not blocked" in res.reason and "other than the paper's 5" in res.reason


def test_split_blocks_steps_fails_when_the_block_comes_from_elsewhere(make_case, steps) -> None:
    case = load_case(make_case(steps(), membership=True))
    france = Scenario(name="France withdraws", changes=[Change(action="withdraw", state="FRA")])
    res = run_check(case, "split_blocks_steps", {**STEPS, SCENARIO_PARAM: france})
    assert res.status == "contested" and "also blocked by FRA" in res.reason
    assert "still blocked if the named states recognise" in res.reason
    # and when the paper's list misses one of the blockers
    short = {**STEPS, "steps": [dict(STEPS["steps"][0], blockers=["ESP", "GRC", "ROU"])]}
    res = run_check(case, "split_blocks_steps", short)
    assert res.status == "contested" and "also blocked by SVK" in res.reason


def test_split_blocks_steps_fails_when_russia_sits_in_the_organ(make_case, steps) -> None:
    root = make_case(steps(), membership=True)
    fields, rows = _rows(WORLD_DIR / "members.csv")
    rows.append(dict(rows[0], body="nato", iso3="RUS", joined="2000-01-01", left=""))
    (root / "world").mkdir()
    _write(root / "world" / "members.csv", fields, [r for r in rows if r["body"] in ("nato", "eu")])
    res = run_check(load_case(root), "split_blocks_steps", STEPS)
    assert res.status == "contested" and "RUS is a member" in res.reason


# --------------------------------------------------------------------------- a finding as a whole


def _part(pid: str, check: str, params: dict) -> dict:
    return {"id": pid, "label": pid, "check": check, "params": params}


def test_all_parts_combines_the_statuses(make_case, steps) -> None:
    case = load_case(make_case(steps()))
    late = _part("late", "stance_sign", {"series": "russia-process", "start": 2000, "expect": "negative"})
    early = _part("early", "stance_sign", {"series": "russia-process", "end": 1999, "expect": "negative"})
    empty = _part("empty", "stance_sign", {"series": "russia-process", "start": 2009, "min_events": 5})
    assert run_check(case, "all_parts", {"parts": [late]}).status == "supported"
    both = run_check(case, "all_parts", {"parts": [late, early]})
    assert both.status == "contested" and both.reason.startswith("early:")
    partly = run_check(case, "all_parts", {"parts": [late, empty]})
    assert partly.status == "partly supported" and partly.reason.startswith("empty not computable")
    cause = {"id": "cause", "label": "cause", "reason": "a motive"}
    res = run_check(case, "all_parts", {"parts": [late], "untestable": [cause]})
    assert res.status == "partly supported" and res.reason.startswith("cause not computable: a motive")
    assert run_check(case, "all_parts", {"parts": [empty]}).status == "not computable"
    assert [p["id"] for p in res.details["parts"]] == ["late"] and res.details["untestable"] == [cause]


def test_all_parts_passes_the_shared_names_down(make_case, ev) -> None:
    acts = [ev("ev-a", "2012-01-01", "ACCUSE", ["rusland"], ["westland"])]
    part = _part("p", "acts", {"targets": ["west"], "sign": "conflictual"})
    case = load_case(make_case(acts))
    assert run_check(case, "all_parts", {"parts": [part], "bloc": "russia"}).status == "supported"
    assert run_check(case, "all_parts", {"parts": [part], "bloc": "west"}).status == "contested"


# --------------------------------------------------------------------------- findings.yaml


def test_findings_file_errors_are_located(make_case, steps) -> None:
    spec = _findings(
        ["ev-1990-p0", "ev-nope", "ev-1991-p0"],
        "all_parts",
        {"parts": [{"id": "x", "check": "no_such_check", "params": {}}]},
    )
    case = load_case(make_case(steps(), spec))
    with pytest.raises(CaseValidationError) as err:
        load_findings_file(case)
    text = str(err.value)
    assert "findings.yaml" in text and "unknown event id 'ev-nope'" in text
    assert "unknown check 'no_such_check'" in text and "parts.x.check" in text


def test_evaluate_findings_resolves_evidence_sources_and_defaults(make_case, steps) -> None:
    spec = _findings(
        ["ev-1990-p0", "ev-1991-p0", "ev-2000-p0"],
        "acts",
        {"start": "2000", "sign": "conflictual", "min": 3},
        defaults={"bloc": "russia"},
    )
    (res,) = evaluate_findings(load_case(make_case(steps(), spec)))
    assert res.status == "supported"
    assert [e["id"] for e in res.evidence[:3]] == ["ev-1990-p0", "ev-1991-p0", "ev-2000-p0"]
    assert {s["id"] for s in res.sources} == {"paper"}
    spec["defaults"] = {"bloc": "west"}
    (res,) = evaluate_findings(load_case(make_case(steps(), spec, name="w")))
    assert res.status == "contested"  # the West did none of it


def test_evaluate_findings_hands_the_scenario_to_the_membership_checks(make_case, steps) -> None:
    spec = _findings(
        ["ev-1990-p0", "ev-1991-p0", "ev-2000-p0"],
        "blocks_on_dates",
        {"bodies": ["osce"], "since": "2010-01-01", "until": "2010-03-01"},
        defaults={"state": "RUS"},
    )
    case = load_case(make_case(steps(), spec, membership=True))
    assert evaluate_findings(case)[0].status == "supported"
    sc = Scenario(name="Russia recognises", changes=RECOGNISES)
    (res,) = evaluate_findings(case, scenario=sc)
    assert res.status == "contested" and res.scenario == "Russia recognises"
    assert evaluate_findings(case)[0].status == "supported"  # the baseline is cached apart
