"""Parallel ingestion (processes, Dask) and the evaluation against the hand-made annotation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dialoguelab.case.paper import PaperText
from dialoguelab.errors import InvalidParameterError
from dialoguelab.ingest.actors import Gazetteer
from dialoguelab.ingest.evaluate import EvaluationError, evaluate, load_annotation
from dialoguelab.ingest.parallel import collect_paths, ingest_paths

DATA = Path(__file__).parent / "data"


def corpus(folder: Path, n: int = 4) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"doc{i}.txt").write_text(
            f"On March {i + 1}, 2011 Lavrov visited Belgrade.\n\nTwo days later Putin met Vučić in Moscow.\n",
            encoding="utf-8",
        )
    (folder / "notes.bin").write_bytes(b"\x00\x01")  # not a document suffix: ignored
    return folder


def _key(batch):  # type: ignore[no-untyped-def]
    return [
        (Path(r.document["path"]).name, [(c.date, c.type, c.actors) for c in r.candidates])
        for r in batch.results
    ]


def test_processes_match_serial(tmp_path: Path, small_gazetteer: Gazetteer) -> None:
    folder = corpus(tmp_path / "c")
    serial = ingest_paths([folder], small_gazetteer)
    procs = ingest_paths([folder], small_gazetteer, workers=2)
    assert procs.backend == "processes" and serial.backend == "serial"
    assert _key(procs) == _key(serial)
    assert [c.date for c in serial.results[1].candidates] == ["2011-03-02", "2011-03-04"]


def test_dask_cluster_by_address(tmp_path: Path, small_gazetteer: Gazetteer) -> None:
    from distributed import LocalCluster

    folder = corpus(tmp_path / "c", 3)
    serial = ingest_paths([folder], small_gazetteer)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        batch = ingest_paths([folder], small_gazetteer, dask_address=cluster.scheduler_address)
    assert batch.backend == "dask" and _key(batch) == _key(serial)


def test_bad_paths_and_parameters(tmp_path: Path, small_gazetteer: Gazetteer) -> None:
    with pytest.raises(InvalidParameterError, match="does not exist"):
        collect_paths([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidParameterError, match="has no documents"):
        collect_paths([tmp_path / "empty"])
    with pytest.raises(InvalidParameterError, match="workers must be at least 1"):
        ingest_paths([tmp_path], small_gazetteer, workers=0)
    with pytest.raises(InvalidParameterError, match="Cannot reach the Dask scheduler"):
        ingest_paths([corpus(tmp_path / "c", 1)], small_gazetteer, dask_address="tcp://127.0.0.1:1")


def test_annotation_is_substantial_and_located(seed_paper: Path) -> None:
    ann = load_annotation(DATA / "seed_annotation.yaml")
    events = ann["events"]
    assert len(events) >= 60
    assert len({e["id"] for e in events}) == len(events)
    paper = PaperText.read(seed_paper)
    assert paper.sha256 == ann["paper_sha256"]
    actor_ids = {a["id"] for a in yaml.safe_load((DATA / "seed_actors.yaml").read_text(encoding="utf-8"))}
    for e in events:
        assert ann["range"]["first_line"] <= e["line"] <= ann["range"]["last_line"]
        assert paper.line(e["line"]).strip(), e["id"]
        assert e["precision"] in ("day", "month", "part", "year")
        assert set(e["source"]) | set(e["target"]) <= actor_ids, e["id"]
        assert set(e["source"]) | set(e["target"]), e["id"]


def test_acceptance_on_the_seed_paper(seed_paper: Path) -> None:
    result = evaluate(DATA / "seed_annotation.yaml", seed_paper)
    m = result["metrics"]
    assert m["date_recall"] >= 0.85
    assert m["actor_recall"] >= 0.80
    assert m["precision"] >= 0.80
    assert result["counts"]["annotated"] >= 60 and result["counts"]["pages"] > 1
    assert 0 <= m["type_accuracy"] <= 1 and 0 <= m["footnote_recall"] <= 1


def test_evaluation_detects_a_wrong_annotation(tmp_path: Path, seed_paper: Path) -> None:
    """The scorer can fail: shift every annotated date by a year and recall collapses."""
    ann = yaml.safe_load((DATA / "seed_annotation.yaml").read_text(encoding="utf-8"))
    for e in ann["events"]:
        e["date"] = str(int(str(e["date"])[:4]) + 1) + str(e["date"])[4:]
        e.pop("end_date", None)
    (tmp_path / "seed_actors.yaml").write_text((DATA / "seed_actors.yaml").read_text(encoding="utf-8"))
    bad = tmp_path / "ann.yaml"
    bad.write_text(yaml.safe_dump(ann, allow_unicode=True), encoding="utf-8")
    m = evaluate(bad, seed_paper)["metrics"]
    assert m["date_recall"] < 0.05 and m["precision"] < 0.05


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(precision="week"), "'precision' must be one of day, month, part, year"),
        (lambda e: e.update(line=99999), "'line' must be a line number within the range 121-1144"),
        (lambda e: e.update(date="1999-13"), "'date' '1999-13' is not a date"),
        (lambda e: e.update(id="a02"), "is annotated twice"),
    ],
)
def test_a_malformed_annotation_is_refused_with_the_event_named(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    ann = yaml.safe_load((DATA / "seed_annotation.yaml").read_text(encoding="utf-8"))
    change(ann["events"][0])
    bad = tmp_path / "ann.yaml"
    bad.write_text(yaml.safe_dump(ann, allow_unicode=True), encoding="utf-8")
    with pytest.raises(EvaluationError, match=re.escape(message)):
        load_annotation(bad)


def test_an_unknown_actor_in_the_annotation_is_an_error_not_a_miss(tmp_path: Path, seed_paper: Path) -> None:
    ann = yaml.safe_load((DATA / "seed_annotation.yaml").read_text(encoding="utf-8"))
    ann["events"][3]["source"] = ["yevgeni-primakov"]  # a misspelt id
    (tmp_path / "seed_actors.yaml").write_text((DATA / "seed_actors.yaml").read_text(encoding="utf-8"))
    bad = tmp_path / "ann.yaml"
    bad.write_text(yaml.safe_dump(ann, allow_unicode=True), encoding="utf-8")
    with pytest.raises(EvaluationError, match="event 'a04' names source actor 'yevgeni-primakov'"):
        evaluate(bad, seed_paper)
