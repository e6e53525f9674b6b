"""Start-up of the command line: ``--help``, ``--version``, ``summary``, ``timeline`` and a first ``admission``.

Run: python benchmarks/cli/run.py   (writes benchmarks/cli/results.json; about five minutes)

Each command is a fresh process, timed with hyperfine when it is installed (``apt-get install hyperfine``),
otherwise by repeated subprocess runs (median of the wall times, CPU from ``wait4``). The baseline is the
code at ``--baseline-ref`` (default: main at the commit this work started from), checked out with
``git worktree add`` into a temporary folder and run by the same interpreter with ``PYTHONPATH`` pointing
at it; the current code runs from this checkout's ``src``. Each side has its own ``$DIALOGUELAB_CACHE``,
warmed by the warm-up runs (the parsed case and the vote model's fit are then read from disk, as on a
user's second command); ``admission_cold_cache`` empties its cache before every run.

Targets (an idle 2-core machine): ``--help`` < 0.5 s, ``summary`` < 1.5 s, first ``admission`` < 2 s wall.
The machine these figures come from is shared: its load average is recorded before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).with_name("results.json")
#: main when this work started (the commit before the lazy imports)
BASELINE_REF = "d8da3f8a24bd3f2fbc94fdd4e488ed7fa12b2d81"
TARGETS_S = {"help": 0.5, "summary": 1.5, "admission": 2.0}
ENTRY = "import sys\nsys.argv[0] = 'dialoguelab'\nfrom dialoguelab.cli import main\nmain()\n"

#: name -> (arguments of dialoguelab, runs factor, cold cache)
COMMANDS: dict[str, tuple[list[str], float, bool]] = {
    "help": (["--help"], 1.0, False),
    "version": (["--version"], 1.0, False),
    "summary": (["summary"], 1.0, False),
    "timeline_csv": (["timeline", "--csv"], 1.0, False),
    "admission": (["admission", "--org", "UN", "--on", "2024-06-01"], 1.0, False),
    "admission_cold_cache": (["admission", "--org", "UN", "--on", "2024-06-01"], 0.3, True),
}


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout.strip()


def _hyperfine(cmd: list[str], env: dict[str, str], runs: int, warmup: int, prepare: str | None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        export = Path(fh.name)
    args = ["hyperfine", "-N", "--style", "none", "--runs", str(runs), "--warmup", str(warmup),
            "--export-json", str(export)]
    if prepare:
        args += ["--prepare", prepare]
    subprocess.run([*args, " ".join(cmd)], env=env, check=True, stdout=subprocess.DEVNULL)
    r = json.loads(export.read_text())["results"][0]
    export.unlink()
    return {"median_s": r["median"], "mean_s": r["mean"], "stddev_s": r["stddev"], "min_s": r["min"],
            "max_s": r["max"], "user_s": r["user"], "system_s": r["system"], "runs": len(r["times"])}


def _subprocess(cmd: list[str], env: dict[str, str], runs: int, warmup: int, cache: Path | None) -> dict[str, Any]:
    walls, users, systems = [], [], []
    for i in range(warmup + runs):
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed")
        if i >= warmup:
            walls.append(wall)
            users.append(usage.ru_utime)
            systems.append(usage.ru_stime)
    return {"median_s": statistics.median(walls), "mean_s": statistics.fmean(walls),
            "stddev_s": statistics.stdev(walls) if len(walls) > 1 else 0.0, "min_s": min(walls),
            "max_s": max(walls), "user_s": statistics.fmean(users), "system_s": statistics.fmean(systems),
            "runs": runs}


def _imports(python: str, entry: Path, env: dict[str, str], args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([python, "-X", "importtime", str(entry), *args], env=env, capture_output=True, text=True)
    mods = {ln.rsplit("|", 1)[1].strip() for ln in proc.stderr.splitlines() if ln.startswith("import time:")}
    mods.discard("imported package")
    top = {m.split(".")[0] for m in mods}
    heavy = sorted(top & {"pandas", "numpy", "duckdb", "scipy", "pyarrow", "networkx", "pydantic", "yaml"})
    return {"modules": len(mods), "heavy_libraries": heavy}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline-ref", default=BASELINE_REF)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--no-hyperfine", action="store_true", help="Time with subprocess even if hyperfine exists.")
    opts = ap.parse_args()

    hyperfine = None if opts.no_hyperfine else shutil.which("hyperfine")
    tool = (subprocess.run(["hyperfine", "--version"], capture_output=True, text=True).stdout.strip()
            if hyperfine else "subprocess (median of wall times, CPU from wait4)")
    work = Path(tempfile.mkdtemp(prefix="dl-cli-bench-"))
    baseline_src = work / "baseline"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline_src), opts.baseline_ref],
                   check=True, capture_output=True)
    entry = work / "dialoguelab_entry.py"
    entry.write_text(ENTRY, encoding="utf-8")
    sides = {"current": ROOT / "src", "baseline": baseline_src / "src"}
    load_before = os.getloadavg()
    results: dict[str, Any] = {}
    imports: dict[str, Any] = {}
    try:
        empty = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        cmd = [sys.executable, "-c", "pass"]
        results["python_empty"] = (
            _hyperfine(cmd, empty, opts.runs, opts.warmup, None) if hyperfine
            else _subprocess(cmd, empty, opts.runs, opts.warmup, None)
        )
        for name, (args, factor, cold) in COMMANDS.items():
            row: dict[str, Any] = {"args": args}
            for side, src in sides.items():
                cache = work / f"cache-{side}{'-cold' if cold else ''}"
                env = dict(os.environ, PYTHONPATH=str(src), DIALOGUELAB_CACHE=str(cache), COLUMNS="80")
                cmd = [sys.executable, str(entry), *args]
                runs = max(3, round(opts.runs * factor))
                warmup = 1 if cold else opts.warmup
                print(f"{name} ({side}): {runs} runs", file=sys.stderr, flush=True)
                row[side] = (
                    _hyperfine(cmd, env, runs, warmup, f"rm -rf {cache}" if cold else None) if hyperfine
                    else _subprocess(cmd, env, runs, warmup, cache if cold else None)
                )
                if name == "help":
                    imports[side] = _imports(sys.executable, entry, env, args)
            row["ratio_baseline_over_current"] = row["baseline"]["median_s"] / row["current"]["median_s"]
            row["cpu_ratio_baseline_over_current"] = (
                (row["baseline"]["user_s"] + row["baseline"]["system_s"])
                / (row["current"]["user_s"] + row["current"]["system_s"])
            )
            target = TARGETS_S.get(name)
            if target is not None:
                row["target_s"] = target
                row["meets_target"] = row["current"]["median_s"] < target
                # on an idle machine a process's wall time is its CPU time plus a few ms of I/O: the CPU
                # figure says whether the target is met when the machine is not shared
                row["meets_target_by_cpu"] = row["current"]["user_s"] + row["current"]["system_s"] < target
            results[name] = row
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline_src)],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    out = {
        "command": "python benchmarks/cli/run.py",
        "date": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "tool": tool,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_1_5_15_before": [round(x, 2) for x in load_before],
            "load_average_1_5_15_after": [round(x, 2) for x in load_after],
        },
        "baseline": {"ref": _git("rev-parse", opts.baseline_ref), "what": "main when this work started"},
        "current": {"ref": _git("rev-parse", "HEAD"), "uncommitted_changes": bool(_git("status", "--porcelain"))},
        "help_imports": imports,
        "results": results,
        "reading": (
            "Seconds are medians of fresh processes; ratios are baseline over current (above 1: faster now). "
            "user_s and system_s are CPU seconds per run. The machine is shared: a load average above its "
            "2 cores inflates wall times, the CPU ratio is the steadier comparison."
        ),
    }
    OUT.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    for name, row in results.items():
        if name == "python_empty":
            print(f"{name:22} {row['median_s']:.3f} s")
            continue
        cur, base = row["current"], row["baseline"]
        mark = ""
        if "meets_target" in row:
            mark = "  target met" if row["meets_target"] else "  target missed in wall time"
            mark += ", met in CPU time" if row["meets_target_by_cpu"] else ", MISSED in CPU time"
        print(f"{name:22} {cur['median_s']:.3f} s (baseline {base['median_s']:.3f} s, "
              f"x{row['ratio_baseline_over_current']:.1f}; CPU {cur['user_s'] + cur['system_s']:.2f} s){mark}")


if __name__ == "__main__":
    main()
