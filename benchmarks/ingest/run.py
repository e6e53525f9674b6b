"""Benchmark of ingestion: documents per second on a generated corpus, and the seed paper's ingest time.

One command: ``python benchmarks/ingest/run.py [--docs 200] [--workers 2]``. Writes
``benchmarks/ingest/results.json`` with the machine's description. The corpus is generated here (a few
paragraphs per document, with absolute, vague and relative dates, aliases and footnotes) so nothing is
downloaded. Back ends compared on the same corpus: serial (baseline), local processes (spawn), and a
local Dask cluster reached by its address, i.e. the code path used for a remote cluster.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from dialoguelab.ingest.actors import Gazetteer  # noqa: E402
from dialoguelab.ingest.candidates import ingest_document  # noqa: E402
from dialoguelab.ingest.parallel import ingest_paths  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "000_8da17b08c6ca7ec0.txt"
ACTORS = ROOT / "tests" / "ingest" / "data" / "seed_actors.yaml"

SUBJECTS = [
    "Russia",
    "Moscow",
    "the Kremlin",
    "Serbia",
    "Belgrade",
    "Kosovo",
    "Pristina",
    "the EU",
    "NATO",
    "Lavrov",
    "Putin",
    "Vučić",
    "the UN Security Council",
]
VERBS = [
    "met with",
    "condemned",
    "signed an agreement with",
    "rejected the proposal of",
    "visited",
    "threatened to veto the bid of",
    "supported",
    "called on",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def make_document(rng: random.Random, n_paragraphs: int = 12) -> str:
    lines: list[str] = []
    fn = 1
    notes: list[str] = []
    for _ in range(n_paragraphs):
        year = rng.randint(1998, 2023)
        a, b = rng.sample(SUBJECTS, 2)
        when = rng.choice(
            [
                f"on {rng.choice(MONTHS)} {rng.randint(1, 28)}, {year}",
                f"in {rng.choice(MONTHS)} {year}",
                f"in early {year}",
                f"at the end of {year}",
            ]
        )
        lines.append(
            f"{when.capitalize()} {a} {rng.choice(VERBS)} {b}.{fn} Two days later, {b} "
            f"{rng.choice(VERBS)} {a} in a statement that the press reported at length."
        )
        notes.append(
            f"{fn} Agency report, {rng.choice(MONTHS)} {year}. Available at: https://example.org/{fn}"
        )
        fn += 1
        lines.append("")
    lines.append(" " * 40)
    lines += notes
    return "\n\n".join(lines) + "\n"


def machine() -> dict[str, object]:
    return {
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = ap.parse_args()
    gaz = Gazetteer.from_actors(yaml.safe_load(ACTORS.read_text(encoding="utf-8")))
    results: dict[str, object] = {"machine": machine(), "docs": args.docs, "workers": args.workers}

    # the seed paper: cold (first call, loads dateparser's data) and warm
    seed: dict[str, object] = {}
    if SEED.is_file():
        t0 = time.perf_counter()
        r = ingest_document(SEED, gaz)
        cold = time.perf_counter() - t0
        seed["cold_seconds"] = round(cold, 3)
        warm = []
        for _ in range(3):
            t0 = time.perf_counter()
            ingest_document(SEED, gaz)
            warm.append(time.perf_counter() - t0)
        seed.update(
            warm_seconds_median=round(statistics.median(warm), 3),
            pages=r.document["pages"],
            candidates=len(r.candidates),
            target_seconds=2.0,
            meets_target=cold < 2.0,
        )
    results["seed_paper"] = seed

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        for i in range(args.docs):
            (folder / f"doc{i:04d}.txt").write_text(make_document(rng), encoding="utf-8")
        runs: dict[str, dict[str, float]] = {}
        serial = ingest_paths([folder], gaz)
        runs["serial"] = {
            "seconds": round(serial.seconds, 3),
            "docs_per_second": round(serial.documents_per_second, 2),
        }
        procs = ingest_paths([folder], gaz, workers=args.workers)
        runs["processes"] = {
            "seconds": round(procs.seconds, 3),
            "docs_per_second": round(procs.documents_per_second, 2),
        }
        from distributed import LocalCluster

        t0 = time.perf_counter()
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address=None) as cluster:
            start = round(time.perf_counter() - t0, 3)
            dask = ingest_paths([folder], gaz, dask_address=cluster.scheduler_address)
        runs["dask_local_cluster"] = {
            "seconds": round(dask.seconds, 3),
            "docs_per_second": round(dask.documents_per_second, 2),
            "cluster_start_seconds": start,
        }
        base = runs["serial"]["seconds"]
        for v in runs.values():
            v["speedup_vs_serial"] = round(base / v["seconds"], 2) if v["seconds"] else 0.0
        results["corpus"] = runs
        results["candidates_per_doc"] = round(sum(len(r.candidates) for r in serial.results) / args.docs, 2)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
