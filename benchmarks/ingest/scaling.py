"""Benchmark: ingest time and memory against document size (1, 2, 4 MB), to show that ingest is linear.

One command, from the project root::

    python benchmarks/ingest/scaling.py [--sizes 1 2 4] [--src OTHER_CHECKOUT/src] [--out FILE]

Two kinds of generated documents (nothing is downloaded):

* ``dated`` — the audit's case: line after line of dated sentences naming known actors, every line as
  long as the others, so the whole file is one paragraph (the shape that made ingest quadratic: the
  sentence loop scanned the paragraph's dates, actors and markers once per sentence, and each locator
  check normalised the whole line);
* ``prose`` — paragraphs of two sentences with absolute, vague and relative dates, aliases and
  footnotes, like the corpus of ``run.py``, repeated to the size.

Each size runs in a fresh process (after a small warm-up document, so that dateparser's one-off load is
not counted) and reports the seconds of :func:`~dialoguelab.ingest.candidates.ingest_document`, the
throughput in MB/s, the peak resident memory, and the *linearity ratio*
``(seconds / MB) / (seconds / MB at the smallest size)``: 1.0 is linear, 2.0 at 2 MB means quadratic.
``--src`` measures another checkout (e.g. the code before the fix) with the same documents. Writes
``scaling.json`` beside this file, with the machine's description; speed is never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACTORS = ROOT / "tests" / "ingest" / "data" / "seed_actors.yaml"
MB = 1024 * 1024

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
import yaml
from dialoguelab.ingest.actors import Gazetteer
from dialoguelab.ingest.candidates import ingest_document
gaz = Gazetteer.from_actors(yaml.safe_load(open(sys.argv[2], encoding="utf-8")))
ingest_document(sys.argv[3], gaz)  # warm-up: dateparser's data, compiled patterns
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
r = ingest_document(sys.argv[4], gaz, max_bytes=64 * 1024 * 1024)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "candidates": len(r.candidates), "peak_rss_mb": peak / 1024,
                  "rss_before_mb": before / 1024}))
"""

ACTORS_IN_TEXT = ["Russia", "Moscow", "Serbia", "Belgrade", "Kosovo", "Pristina", "NATO", "the EU", "Lavrov"]
VERBS = ["met with", "condemned", "signed an agreement with", "rejected the proposal of", "supported"]
MONTHS = ["January", "March", "May", "June", "September", "November"]


def dated(size: int) -> str:
    line = "On June 12, 1999 Russia moved troops to Pristina airport, and NATO objected.\n"
    return line * (size // len(line))


def prose(size: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    total, fn, notes = 0, 1, []
    while total < size:
        year = rng.randint(1998, 2023)
        a, b = rng.sample(ACTORS_IN_TEXT, 2)
        when = rng.choice([f"On {rng.choice(MONTHS)} {rng.randint(1, 28)}, {year}", f"In early {year}"])
        para = (
            f"{when} {a} {rng.choice(VERBS)} {b}.{fn} Two days later, {b} {rng.choice(VERBS)} {a} in a "
            "statement that the press reported at length."
        )
        out.append(para)
        notes.append(f"{fn} Agency report, {year}. Available at: https://example.org/{fn}")
        total += len(para) + 2
        fn += 1
        if fn % 40 == 0:  # a page: its footnotes, then the numbering goes on
            out.append(" " * 40)
            out += notes
            total += sum(len(n) + 2 for n in notes)
            notes = []
    return "\n\n".join(out) + "\n"


def machine() -> dict[str, object]:
    return {
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def measure(src: Path, sizes: list[int], kinds: list[str], tmp: Path) -> dict[str, list[dict[str, float]]]:
    warm = tmp / "warm.txt"
    warm.write_text(prose(20_000), encoding="utf-8")
    out: dict[str, list[dict[str, float]]] = {}
    for kind in kinds:
        rows: list[dict[str, float]] = []
        for mb in sizes:
            doc = tmp / f"{kind}-{mb}mb.txt"
            doc.write_text((dated if kind == "dated" else prose)(mb * MB), encoding="utf-8")
            res = subprocess.run(
                [sys.executable, "-c", CHILD, str(src), str(ACTORS), str(warm), str(doc)],
                capture_output=True,
                text=True,
                check=True,
            )
            m = json.loads(res.stdout.strip().splitlines()[-1])
            row = {
                "mb": mb,
                "bytes": doc.stat().st_size,
                "seconds": round(m["seconds"], 3),
                "mb_per_second": round(doc.stat().st_size / MB / m["seconds"], 3),
                "candidates": m["candidates"],
                "peak_rss_mb": round(m["peak_rss_mb"], 1),
            }
            rows.append(row)
            print(kind, row, flush=True)
        base = rows[0]["seconds"] / rows[0]["mb"]
        for row in rows:
            row["linearity_ratio"] = round((row["seconds"] / row["mb"]) / base, 2)
        out[kind] = rows
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 4], help="document sizes in MB")
    ap.add_argument("--kinds", nargs="+", default=["dated", "prose"], choices=["dated", "prose"])
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the dialoguelab source folder to measure")
    ap.add_argument("--label", default="this checkout")
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("scaling.json"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs = measure(args.src.resolve(), args.sizes, args.kinds, Path(tmp))
    results = json.loads(args.out.read_text()) if args.out.is_file() else {}
    results[args.label] = {"machine": machine(), "src": str(args.src), "runs": runs}
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
