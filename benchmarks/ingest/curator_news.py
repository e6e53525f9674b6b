"""How many of the curator's events from news texts get a ready candidate: at their passage, with their date.

One command, from the project root::

    python benchmarks/ingest/curator_news.py [--src OTHER_CHECKOUT/src --label NAME] [--given-dates]

The Kosovo case's ``events/ingested.yaml`` holds the 23 events of 2024–2026 a curator took from 21 news
texts (their texts are in the case's ``texts/``). Each event is an annotation a reviewer made: its
locator is the passage that reports it, its date the day it happened. Each text is ingested as the
curator's file was (the case stores it with one more newline), with the case's actors and no metadata
(``--given-dates`` gives each text the date its source record has, as ``ingest --date`` would), and:

* **found**: a candidate's passage covers the event's locator line;
* **dated**: such a candidate has the event's date (date, end date);
* **candidates**: all candidates of the 21 texts (the reviewer's load).

The curator had to build 12 of the 23 events on *another* sentence's candidate, editing date, locator and
actors. ``--src`` measures another checkout with the same texts (the code before a change:
``git archive <commit> src | tar -x -C /tmp/old``). Results go to ``curator_news.json`` (one entry per
label). These texts were read while the rules for weekdays, datelines and days without a year were
written: the figure is in-sample for them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("curator_news.json")

MEASURE = r"""
import json, sys
from pathlib import Path
from dialoguelab.case import load_case
from dialoguelab.ingest.actors import Gazetteer
from dialoguelab.ingest.candidates import extract_candidates
from dialoguelab.ingest.document import parse_text
import inspect
given = sys.argv[1] == "1"
case = load_case(sys.argv[2])
gaz = Gazetteer.from_case(case)
takes_metadata = "metadata" in inspect.signature(extract_candidates).parameters
events = [e for e in case.events if e.locator.document and "ingested" in e.tags]
rows, total = [], 0
by_doc = {}
for e in events:
    by_doc.setdefault(e.locator.document, []).append(e)
for sid, evs in sorted(by_doc.items()):
    src = case.source(sid)
    text = (case.root / "texts" / src.text_file).read_text(encoding="utf-8")[:-1]  # the curator's file
    doc = parse_text(text, sid + ".txt")
    kwargs = {"metadata": {"date": str(src.date)}} if given and takes_metadata and src.date else {}
    cands = extract_candidates(doc, gaz, **kwargs).candidates
    total += len(cands)
    for e in evs:
        at = [c for c in cands if c.line <= e.locator.line <= max(c.end_line, c.line)]
        end = str(e.end_date) if e.end_date else None
        dated = [c for c in at if c.date == str(e.date) and (c.end_date or None) == end]
        rows.append({"event": e.id, "found": bool(at), "dated": bool(dated),
                     "candidate_dates": sorted({str(c.date) for c in at})})
print(json.dumps({"events": len(events), "documents": len(by_doc), "candidates": total,
                  "found": sum(r["found"] for r in rows), "dated": sum(r["dated"] for r in rows), "rows": rows}))
"""


def measure(src: Path, given: bool, case: Path) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, "1" if given else "0", str(case)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the src folder of the code to measure")
    ap.add_argument("--label", default="this checkout")
    ap.add_argument("--given-dates", action="store_true", help="give each text its source record's date")
    args = ap.parse_args()
    case = ROOT / "src" / "dialoguelab" / "cases" / "kosovo"  # the same texts and events for every --src
    result = measure(args.src.resolve(), args.given_dates, case)
    label = args.label + (" (dates given)" if args.given_dates else "")
    saved = json.loads(OUT.read_text(encoding="utf-8")) if OUT.is_file() else {}
    saved[label] = result
    OUT.write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{label}: {result['found']}/{result['events']} events found at their passage, "
        f"{result['dated']}/{result['events']} with their date; {result['candidates']} candidates in "
        f"{result['documents']} texts"
    )


if __name__ == "__main__":
    main()
