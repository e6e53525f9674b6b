"""Evaluation of ingestion against a hand-made annotation: precision and recall of dates, actors, types,
footnote links, and the time per page.

Definitions (also in ``docs/ingest.md``)
----------------------------------------
* An annotated event is *found* when a candidate's sentence covers the annotated line. Candidates and
  annotations are matched one-to-one: first pairs with the same date, then the rest by line.
* **Date recall**: annotated events whose matched candidate has the same date, end date and precision.
* **Actor recall**: annotated events whose matched candidate names every annotated actor (source and
  target) among its actors, over all annotated events (an event not found counts as a miss);
  ``actor_recall_found`` divides by the found events only. *Role accuracy* also asks sources to be among
  its sources.
* **Type accuracy**: among found events with an annotated PLOVER type, the share with the same type.
* **Footnote links**: precision and recall of (event, footnote number) pairs over found events.
* **Precision**: the annotation covers every dated event of a line range (``range`` in the file); among
  the candidates whose sentence starts in that range, the share matched to an annotated event with the
  correct date. A candidate that is not an annotated event, or has the wrong date, counts against it.
"""

from __future__ import annotations

__all__ = ["evaluate", "load_annotation", "default_annotation_path", "EvaluationError"]

import os
import time
from pathlib import Path
from typing import Any

import yaml

from dialoguelab.case.dates import PartialDate
from dialoguelab.errors import InvalidParameterError
from dialoguelab.ingest.actors import Gazetteer
from dialoguelab.ingest.candidates import Candidate, ingest_document

_PRECISIONS = ("day", "month", "part", "year")


class EvaluationError(InvalidParameterError):
    """An annotation file that cannot be used (missing, malformed, paper not found)."""


def default_annotation_path() -> Path:
    """``tests/ingest/data/seed_annotation.yaml`` of the project checkout this package runs from."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "tests" / "ingest" / "data" / "seed_annotation.yaml"
        if cand.is_file():
            return cand
    raise EvaluationError(
        "no annotation file given and tests/ingest/data/seed_annotation.yaml was not found beside this "
        "package: pass --annotation FILE."
    )


def load_annotation(path: str | Path) -> dict[str, Any]:
    """Read and check an annotation file (see ``tests/ingest/data/seed_annotation.yaml``)."""
    p = Path(path)
    if not p.is_file():
        raise EvaluationError(f"annotation file {p} does not exist.")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise EvaluationError(f"annotation file {p} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list) or not data["events"]:
        raise EvaluationError(f"annotation file {p} needs a non-empty list 'events'.")
    rng = data.get("range") or {}
    lo, hi = int(rng.get("first_line", 1)), int(rng.get("last_line", 10**9))
    seen: set[str] = set()
    for k, ev in enumerate(data["events"]):
        for key in ("id", "line", "date", "precision"):
            if not isinstance(ev, dict) or key not in ev:
                raise EvaluationError(f"{p}: event {k + 1} lacks {key!r}.")
        where = f"{p}: event {ev['id']!r}"
        if ev["id"] in seen:
            raise EvaluationError(f"{where} is annotated twice: ids must be unique.")
        seen.add(str(ev["id"]))
        if isinstance(ev["line"], bool) or not isinstance(ev["line"], int) or not lo <= ev["line"] <= hi:
            raise EvaluationError(f"{where}: 'line' must be a line number within the range {lo}-{hi}.")
        if ev["precision"] not in _PRECISIONS:
            raise EvaluationError(f"{where}: 'precision' must be one of {', '.join(_PRECISIONS)}.")
        for key in ("date", "end_date"):
            if ev.get(key) is not None:
                try:
                    PartialDate.parse(str(ev[key]))
                except ValueError as exc:
                    raise EvaluationError(f"{where}: {key!r} {ev[key]!r} is not a date: {exc}") from None
    data["_path"] = str(p)
    return data


def _check_actors(ann: dict[str, Any], known: set[str]) -> None:
    """Every annotated actor must be in the actor list, or a typo would pass for a pipeline miss."""
    for ev in ann["events"]:
        for role in ("source", "target"):
            unknown = [a for a in ev.get(role) or [] if a not in known]
            if unknown:
                raise EvaluationError(
                    f"{ann['_path']}: event {ev['id']!r} names {role} actor {unknown[0]!r}, which is not in the "
                    "annotation's actor list: add it there or fix the id."
                )


def _find_paper(ann: dict[str, Any], explicit: str | Path | None) -> Path:
    if explicit is not None:
        return Path(explicit)
    name = ann.get("paper")
    if not name:
        raise EvaluationError("the annotation names no paper: pass paper=…")
    base = Path(ann["_path"]).resolve().parent
    candidates = [base / name]
    env = os.environ.get("DIALOGUELAB_PAPER_PATH")
    if env:
        candidates += [Path(d) / name for d in env.split(os.pathsep) if d]
    for parent in base.parents:
        candidates.append(parent / "shared" / "seed" / name)
        candidates.append(parent.parent / "shared" / "seed" / name)
    for c in candidates:
        if c.is_file():
            return c
    raise EvaluationError(f"the paper {name!r} was not found (set DIALOGUELAB_PAPER_PATH or pass paper=…).")


def _covers(c: Candidate, line: int) -> bool:
    return c.line <= line <= max(c.end_line, c.line)


def _same_date(c: Candidate, a: dict[str, Any]) -> bool:
    return (
        str(c.date) == str(a["date"])
        and (c.end_date or None) == (str(a["end_date"]) if a.get("end_date") else None)
        and c.precision == a["precision"]
    )


def evaluate(
    annotation: str | Path | None = None,
    paper: str | Path | None = None,
    gazetteer: Gazetteer | None = None,
) -> dict[str, Any]:
    """Ingest the annotated paper and score the candidates against the annotation.

    Parameters
    ----------
    annotation : path, optional
        The annotation file (default: :func:`default_annotation_path`).
    paper : path, optional
        The paper's text (default: found by the annotation's ``paper`` name).
    gazetteer : Gazetteer, optional
        Default: built from the annotation's ``actors`` file.

    Returns
    -------
    dict
        ``metrics`` (the figures defined in the module notes), ``counts``, ``seconds``,
        ``seconds_per_page`` and ``events`` (one row per annotated event, for inspection).
    """
    ann = load_annotation(annotation if annotation is not None else default_annotation_path())
    paper_path = _find_paper(ann, paper)
    if gazetteer is None:
        actors_file = Path(ann["_path"]).parent / str(ann.get("actors", "seed_actors.yaml"))
        if not actors_file.is_file():
            raise EvaluationError(f"the annotation's actor list {actors_file} does not exist.")
        actor_list = yaml.safe_load(actors_file.read_text(encoding="utf-8")) or []
        _check_actors(ann, {str(a["id"]) for a in actor_list if isinstance(a, dict) and "id" in a})
        gazetteer = Gazetteer.from_actors(actor_list)
    t0 = time.perf_counter()
    result = ingest_document(paper_path, gazetteer)
    seconds = time.perf_counter() - t0
    lo = int(ann.get("range", {}).get("first_line", 1))
    hi = int(ann.get("range", {}).get("last_line", 10**9))
    cands = [c for c in result.candidates if lo <= c.line <= hi]
    events: list[dict[str, Any]] = ann["events"]
    match: dict[str, Candidate] = {}
    used: set[str] = set()
    for exact in (True, False):
        for a in events:
            if a["id"] in match:
                continue
            pool = [c for c in cands if c.id not in used and _covers(c, int(a["line"]))]
            if exact:
                pool = [c for c in pool if _same_date(c, a)]
            if pool:
                best = min(pool, key=lambda c: abs(c.line - int(a["line"])))
                match[a["id"]] = best
                used.add(best.id)
    n = len(events)
    date_ok = actors_ok = roles_ok = typed = type_ok = 0
    fn_tp = fn_pred = fn_gold = 0
    value_ok = 0
    rows = []
    for a in events:
        c = match.get(a["id"])
        gold_actors = set(a.get("source") or []) | set(a.get("target") or [])
        gold_fns = set(a.get("footnotes") or [])
        row: dict[str, Any] = {"id": a["id"], "line": a["line"], "date": a["date"], "found": c is not None}
        if c is not None:
            d_ok = _same_date(c, a)
            date_ok += d_ok
            value_ok += str(c.date) == str(a["date"])
            a_ok = gold_actors <= set(c.actors)
            actors_ok += a_ok
            roles_ok += set(a.get("source") or []) <= set(c.source_actors)
            if a.get("type"):
                typed += 1
                type_ok += c.type == a["type"]
            pred_fns = {f["number"] for f in c.footnotes}
            fn_tp += len(pred_fns & gold_fns)
            fn_pred += len(pred_fns)
            fn_gold += len(gold_fns)
            row.update(
                candidate=c.id,
                cand_date=c.date,
                cand_precision=c.precision,
                date_ok=d_ok,
                actors_ok=a_ok,
                missing_actors=sorted(gold_actors - set(c.actors)),
                type=a.get("type"),
                cand_type=c.type,
            )
        else:
            fn_gold += len(gold_fns)
        rows.append(row)
    tp = sum(1 for a in events if a["id"] in match and _same_date(match[a["id"]], a))
    pages = max(int(result.document["pages"]), 1)
    metrics = {
        "date_recall": round(date_ok / n, 4),
        "date_value_recall": round(value_ok / n, 4),
        "actor_recall": round(actors_ok / n, 4),
        "actor_recall_found": round(actors_ok / len(match), 4) if match else 0.0,
        "role_accuracy": round(roles_ok / n, 4),
        "event_recall": round(len(match) / n, 4),
        "precision": round(tp / len(cands), 4) if cands else 0.0,
        "type_accuracy": round(type_ok / typed, 4) if typed else 0.0,
        "footnote_precision": round(fn_tp / fn_pred, 4) if fn_pred else 0.0,
        "footnote_recall": round(fn_tp / fn_gold, 4) if fn_gold else 0.0,
    }
    return {
        "annotation": ann["_path"],
        "paper": str(paper_path),
        "range": [lo, hi],
        "counts": {
            "annotated": n,
            "candidates_in_range": len(cands),
            "candidates_total": len(result.candidates),
            "matched": len(match),
            "typed": typed,
            "pages": pages,
        },
        "metrics": metrics,
        "seconds": round(seconds, 4),
        "seconds_per_page": round(seconds / pages, 5),
        "unmatched_candidates": [
            {"id": c.id, "line": c.line, "date": c.date, "text": c.date_text}
            for c in cands
            if c.id not in used
        ],
        "events": rows,
    }
