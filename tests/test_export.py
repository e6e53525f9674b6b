"""The full export (dialoguelab.export): every table a user would want, in three formats, atomically."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.evidence.export import ExportTargetExistsError, write_tables
from dialoguelab.export import ENGINE_TABLES, export_all

MINI = Path(__file__).resolve().parent / "data" / "mini_case"
ON = "2024-06-01"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "kosovo"
    res = export_all(load_case(), out, on=ON)
    assert res.skipped == {} and res.on == ON
    return out


def test_every_engine_table_is_written_in_every_format(exported: Path) -> None:
    names = {p.name for p in exported.iterdir()}
    for table in [*ENGINE_TABLES, "events", "sources", "quotations", "actors"]:
        assert {f"{table}.csv", f"{table}.parquet", f"{table}.json"} <= names, table
    assert "network.graphml" in names


def test_the_tables_hold_what_the_engines_say(exported: Path) -> None:
    from dialoguelab.membership.views import applicant_memberships, body_outcomes, recognition_table
    from dialoguelab.stance.findings import findings_table

    case = load_case()
    findings = list(csv.DictReader((exported / "findings.csv").open(encoding="utf-8")))
    assert [(int(r["number"]), r["status"]) for r in findings] == [
        (f["number"], f["status"]) for f in findings_table(case)
    ]
    outcomes = json.loads((exported / "body_outcomes.json").read_text(encoding="utf-8"))
    assert outcomes == json.loads(json.dumps(body_outcomes(case, ON)))
    assert {o["date"] for o in outcomes} == {ON}
    rec = pd.read_parquet(exported / "recognitions.parquet")
    pd.testing.assert_frame_equal(rec, recognition_table(case, ON), check_dtype=False)
    memberships = json.loads((exported / "applicant_memberships.json").read_text(encoding="utf-8"))
    assert memberships == applicant_memberships(case)
    rollcalls = pd.read_csv(exported / "rollcalls.csv")
    assert set(rollcalls["id"]) == set(case.world.rollcalls)
    stance = pd.read_parquet(exported / "stance.parquet")
    from dialoguelab.stance.series import series_specs

    assert set(stance["series"]) == set(series_specs(case))


def test_a_case_without_engine_parts_names_what_it_left_out(tmp_path: Path) -> None:
    res = export_all(load_case(str(MINI)), tmp_path / "out", formats=["csv"])
    assert set(res.skipped) == {"recognitions", "applicant_memberships", "body_outcomes", "findings", "stance"}
    assert "membership" in res.skipped["recognitions"]
    names = {p.name for p in res.files}
    assert "events.csv" in names and "rollcalls.csv" in names and "findings.csv" not in names


def test_an_existing_folder_is_refused_before_any_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    import dialoguelab.export as export_module

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed tables before refusing the folder")

    monkeypatch.setattr(export_module, "evidence_tables", boom)
    with pytest.raises(ExportTargetExistsError) as exc:
        export_all(load_case(str(MINI)), out)
    assert exc.value.path == out
    with pytest.raises(InvalidParameterError, match="'formats' parameter"):
        export_all(load_case(str(MINI)), tmp_path / "new", formats=["xls"])
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(InvalidParameterError, match="is a file"):
        export_all(load_case(str(MINI)), tmp_path / "file")


def test_a_failed_export_leaves_the_old_folder_and_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dialoguelab.evidence.export as ev

    out = tmp_path / "out"
    write_tables({"a": [{"x": 1}]}, out, formats=["csv"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    tables = {"b": pd.DataFrame({"y": [1]}), "c": pd.DataFrame({"z": [2]})}
    original = ev._json_cells
    calls: list[object] = []

    def fails_on_the_second_table(df: pd.DataFrame, *, dicts_only: bool) -> pd.DataFrame:
        calls.append(df)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(df, dicts_only=dicts_only)

    monkeypatch.setattr(ev, "_json_cells", fails_on_the_second_table)
    with pytest.raises(OSError, match="disk full"):
        write_tables(tables, out, formats=["csv"], overwrite=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the old export, untouched
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # nothing half-written beside it
    # counterfactual: the same call without the failure does replace the folder
    monkeypatch.setattr(ev, "_json_cells", original)
    write_tables(tables, out, formats=["csv"], overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["b.csv", "c.csv"]


def test_nested_cells_are_json_text_in_csv(tmp_path: Path) -> None:
    write_tables({"t": [{"ids": ["a", "b"], "d": {"k": 1}, "n": None}]}, tmp_path / "o", formats=["csv", "parquet"])
    row = next(csv.DictReader((tmp_path / "o" / "t.csv").open(encoding="utf-8")))
    assert json.loads(row["ids"]) == ["a", "b"] and json.loads(row["d"]) == {"k": 1} and row["n"] == ""
    back = pd.read_parquet(tmp_path / "o" / "t.parquet")
    assert list(back.loc[0, "ids"]) == ["a", "b"] and json.loads(back.loc[0, "d"]) == {"k": 1}


def test_the_folder_has_the_mode_mkdir_gives(tmp_path: Path) -> None:
    write_tables({"a": [{"x": 1}]}, tmp_path / "out", formats=["csv"])
    (tmp_path / "plain").mkdir()
    assert (tmp_path / "out").stat().st_mode == (tmp_path / "plain").stat().st_mode  # not mkdtemp's 0o700
