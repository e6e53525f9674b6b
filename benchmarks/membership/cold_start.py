"""Cold and warm start of the vote model (run: python benchmarks/membership/cold_start.py).

The first admission-probability call of a process calibrates the vote model (maximum likelihood on
the case's real tallies). This measures that first call in fresh Python processes, three ways:

- ``baseline``: the calibration as first committed — the member-by-member likelihood recursion
  (``votes._e_coef``) and no calibration cache on disk (an empty cache folder each time);
- ``cold``: the class-wise likelihood kernel (``votes._e_coef_classes``), empty cache folder;
- ``warm``: a new process whose cache folder already holds the fit (read from disk, no fitting).

Each run is a new interpreter with its own ``$DIALOGUELAB_CACHE``; the script times, inside it, the
package import, ``load_membership()``, ``fitted_probabilities()`` and the first
``admission_probability("un")`` (what the dashboard's first visitor waits for), and also the full
``calibrate()`` with its leave-one-out fits. Medians over ``--repeats`` processes are reported beside
the baseline, as ratios. Writes ``benchmarks/membership/cold_start.json`` with machine information.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from dialoguelab.case import load_case
from dialoguelab.membership import votes
from dialoguelab.membership.data import membership_data
t1 = time.perf_counter()
if sys.argv[1] == "baseline":
    votes._e_coef_classes = votes._e_coef  # the member-by-member recursion, as first committed
case = load_case()
membership_data(case)
t2 = time.perf_counter()
votes.fitted_probabilities(case)
t3 = time.perf_counter()
p = votes.admission_probability(case, "un")
t4 = time.perf_counter()
votes.calibrate(case)
t5 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "fit_s": t3 - t2, "first_admission_s": t4 - t1,
                  "calibrate_with_leave_one_out_s": t5 - t4, "probability_un": p.probability}))
"""


def run_child(mode: str, cache: Path) -> dict[str, float]:
    env = dict(os.environ, DIALOGUELAB_CACHE=str(cache))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode], env=env, capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(out.stdout)


def summary(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    keys = [k for k in runs[0] if k.endswith("_s")]
    return {
        k: {"median": statistics.median(r[k] for r in runs), "min": min(r[k] for r in runs),
            "max": max(r[k] for r in runs)}
        for k in keys
    }


def machine() -> dict[str, object]:
    import numpy
    import scipy

    mem = None
    try:
        with open("/proc/meminfo") as fh:
            kb = int(next(line for line in fh if line.startswith("MemTotal")).split()[1])
            mem = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory": mem,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


def kernel() -> dict[str, object]:
    """The likelihood kernel alone: E_v(y) of the UNESCO 2015 tally for 7 parameter vectors (one
    objective-and-gradient evaluation of the fit), old recursion against the class-wise form."""
    import numpy as np

    from dialoguelab.case import load_case
    from dialoguelab.membership import votes

    obs = next(o for o in votes._observations(load_case(), "applicant") if o.id == "unesco-gc-2015-11-09")
    s = np.random.default_rng(0).uniform(0.05, 0.95, size=(7, 4))
    v, y = obs.yes + obs.no, obs.yes

    def med(fn, reps: int = 15) -> float:
        fn()
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    old = votes._e_coef(obs.counts, s, v, y)
    new = votes._e_coef_classes(obs.counts, s, v, y)
    t_old = med(lambda: votes._e_coef(obs.counts, s, v, y))
    t_new = med(lambda: votes._e_coef_classes(obs.counts, s, v, y))
    return {
        "tally": obs.id,
        "class_counts": obs.counts,
        "member_recursion_s": t_old,
        "class_wise_s": t_new,
        "speedup": t_old / t_new,
        "max_relative_difference": float(np.max(np.abs(new - old) / np.abs(old))),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5, help="fresh processes per mode (default 5)")
    args = ap.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"baseline": [], "cold": [], "warm": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            runs["baseline"].append(run_child("baseline", Path(tmp) / f"baseline-{i}"))
            cold = Path(tmp) / f"cold-{i}"
            runs["cold"].append(run_child("cold", cold))
            runs["warm"].append(run_child("warm", cold))  # same folder: the fit is on disk now
            print(f"round {i + 1}/{args.repeats}: " + ", ".join(
                f"{m} {runs[m][-1]['first_admission_s']:.2f} s" for m in runs), file=sys.stderr)
    stats = {m: summary(r) for m, r in runs.items()}
    probs = {m: sorted({round(r["probability_un"], 12) for r in rs}) for m, rs in runs.items()}

    def ratio(key: str, mode: str) -> float:
        return stats["baseline"][key]["median"] / stats[mode][key]["median"]

    res = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "what": "first admission_probability('un') call of a fresh process, built-in Kosovo case; seconds",
        "repeats": args.repeats,
        "modes": {
            "baseline": "member-by-member likelihood recursion, empty calibration cache",
            "cold": "class-wise likelihood kernel, empty calibration cache",
            "warm": "class-wise kernel, calibration read from the disk cache",
        },
        "stats": stats,
        "speedup_first_admission": {m: ratio("first_admission_s", m) for m in ("cold", "warm")},
        "speedup_calibrate_with_leave_one_out": {
            m: ratio("calibrate_with_leave_one_out_s", m) for m in ("cold", "warm")
        },
        "probability_un_today": probs,
        "kernel": kernel(),
        "runs": runs,
    }
    out = Path(__file__).with_name("cold_start.json")
    out.write_text(json.dumps(res, indent=2))
    print(json.dumps({k: res[k] for k in ("machine", "speedup_first_admission", "kernel")}, indent=2))


if __name__ == "__main__":
    main()
