"""Each computable finding's check: passing on a case built for it, failing on a case built against it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import CaseValidationError
from dialoguelab.stance.findings import CHECKS, evaluate_findings, load_findings_file, run_check
from dialoguelab.world import WORLD_DIR


def _findings(evidence: list[str], check: str, params: dict) -> dict:
    return {
        "periods": [],
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


def test_co_movement_supported_then_contested_when_the_other_series_moves_against(make_case, steps) -> None:
    ok = load_case(make_case(steps(), name="ok"))
    res = run_check(ok, "co_movement", {"a": "russia-process", "b": "russia-west-other"})
    assert res.status == "supported" and res.figure is not None and res.figure.value == pytest.approx(1.0)
    bad = load_case(make_case(steps(flip_other=True), name="bad"))
    res = run_check(bad, "co_movement", {"a": "russia-process", "b": "russia-west-other"})
    assert res.status == "contested" and res.figure.value == pytest.approx(-1.0)
    few = load_case(make_case(steps()[:9], name="few"))
    assert run_check(few, "co_movement", {}).status == "not computable"


def test_took_part_in_efforts(make_case, ev) -> None:
    params = {
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


def test_joined_then_rejected(make_case, ev) -> None:
    params = {"episodes": [{"id": "e", "tags": ["talks"], "start": "2006", "end": "2007"}]}
    good = [
        ev("ev-in", "2006-01-01", "CONSULT", ["rusland", "mediator"], [], ["talks"]),
        ev("ev-out", "2007-03-01", "THREATEN", ["rusland"], ["mediator"], ["talks"]),
    ]
    assert (
        run_check(load_case(make_case(good, name="g")), "joined_then_rejected", params).status == "supported"
    )
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
    assert (
        run_check(load_case(make_case(good, name="g")), "precedent_invoked", theatres).status == "supported"
    )
    bad = [good[0], dict(good[1], tags=[])]  # the Crimea event does not invoke the precedent
    res = run_check(load_case(make_case(bad, name="b")), "precedent_invoked", theatres)
    assert res.status == "contested" and "c" in res.reason


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def test_veto_player_since(make_case, steps) -> None:
    root = make_case(steps(), membership=True)
    params = {"bodies": ["un", "osce"], "state": "RUS", "since": "2008-02-17", "until": "2010-02-17"}
    ok = run_check(load_case(root), "veto_player_since", params)
    assert ok.status == "supported" and ok.figure.value == 1.0
    # the case overrides the world's Security Council list without Rusland's permanent seat
    fields, rows = _rows(WORLD_DIR / "members.csv")
    (root / "world").mkdir()
    _write(
        root / "world" / "members.csv",
        fields,
        [r for r in rows if r["body"] == "un-sc" and r["iso3"] != "RUS"],
    )
    bad = run_check(load_case(root), "veto_player_since", params)
    assert bad.status == "contested" and bad.reason.startswith("un:")


def test_blocked_by_non_recognizers(make_case, steps) -> None:
    root = make_case(steps(), membership=True)
    params = {"bodies": ["eu", "nato"], "state": "RUS", "counted_body": "eu", "claimed_count": 5, "on": "2024-06-01"}
    ok = run_check(load_case(root), "blocked_by_non_recognizers", params)
    assert ok.status == "supported", ok.reason
    assert ok.figure.value == 5.0
    fields, rows = _rows(root / "membership" / "recognitions.csv")
    for iso, name in [
        ("ESP", "Spain"),
        ("GRC", "Greece"),
        ("ROU", "Romania"),
        ("SVK", "Slovakia"),
        ("CYP", "Cyprus"),
    ]:
        rows.append(
            {k: "" for k in fields}
            | {
                "iso3": iso,
                "state": name,
                "recognized_on": "2020-01-01",
                "withdrawal_claimed": "false",
                "applicant_position": "recognizes",
                "recognition_disputed": "false",
                "sources": "un-charter",
                "verified": "true",
            }
        )
    _write(root / "membership" / "recognitions.csv", fields, rows)
    bad = run_check(load_case(root), "blocked_by_non_recognizers", params)
    assert bad.status == "contested" and "not blocked" in bad.reason


def test_every_check_is_registered_and_unknown_names_are_rejected() -> None:
    assert set(CHECKS) >= {
        "co_movement",
        "took_part_in_efforts",
        "joined_then_rejected",
        "stance_sign",
        "precedent_invoked",
        "blocked_by_non_recognizers",
        "veto_player_since",
    }


def test_findings_file_errors_are_located(make_case, steps) -> None:
    spec = _findings(["ev-1990-p0", "ev-nope", "ev-1991-p0"], "no_such_check", {})
    case = load_case(make_case(steps(), spec))
    with pytest.raises(CaseValidationError) as err:
        load_findings_file(case)
    text = str(err.value)
    assert (
        "findings.yaml" in text
        and "unknown event id 'ev-nope'" in text
        and "unknown check 'no_such_check'" in text
    )


def test_evaluate_findings_resolves_evidence_and_sources(make_case, steps) -> None:
    spec = _findings(
        ["ev-1990-p0", "ev-1991-p0", "ev-2000-p0"], "stance_sign", {"series": "russia-process", "start": 2000}
    )
    (res,) = evaluate_findings(load_case(make_case(steps(), spec)))
    assert res.status == "supported"
    assert [e["id"] for e in res.evidence[:3]] == ["ev-1990-p0", "ev-1991-p0", "ev-2000-p0"]
    assert {s["id"] for s in res.sources} == {"paper"}


def test_kosovo_findings_do_not_rest_on_the_dates_taken_from_outside_documents() -> None:
    case = load_case()
    full = evaluate_findings(case)
    own = evaluate_findings(case, date_basis="paper,context,footnote")
    outside = {e.id for e in case.events if e.date_basis.value == "outside"}
    assert outside
    assert [r.status for r in own] == [r.status for r in full]
    assert not {e["id"] for r in own for e in r.evidence} & outside
