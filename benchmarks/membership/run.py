"""Benchmark of the membership engine (run: python benchmarks/membership/run.py).

1. Exact tally distribution (dynamic programming) against Monte Carlo on the UNESCO General Conference
   of 9 November 2015 under the calibrated vote model: same admission probability within sampling
   error, and the speed ratio.
2. Power indices of weighted games against the ``powerindex`` package (PyPI, 0.3.5), in the same run:
   our float path (default) for Banzhaf alone, Shapley–Shubik alone and both, our exact path, and
   ``powerindex`` on the same games, with speed ratios and the largest differences (float vs exact,
   ours vs powerindex).

``powerindex`` is a benchmark-only dependency and never imported by dialoguelab: it runs in its own
virtual environment, by default ``/tmp/dialoguelab-bench/powerindex`` (made on first use with
``python -m venv`` and ``pip install powerindex==0.3.5``), or the interpreter given by
``--powerindex-python`` / ``$POWERINDEX_PYTHON``. ``powerindex_side.py`` is what runs there.

Writes benchmarks/membership/results.json with machine information. ``--quick`` skips the largest games.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BASELINE_VENV = Path("/tmp/dialoguelab-bench/powerindex")
POWERINDEX_PIN = "powerindex==0.3.5"


def timed(fn, reps=5):
    times = []
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def bench_votes() -> dict:
    from dialoguelab.case import load_case
    from dialoguelab.membership.votes import (
        fitted_probabilities,
        member_matrix,
        monte_carlo_probability,
        stage_probability,
    )
    from dialoguelab.membership.world import world

    case = load_case()
    probs = fitted_probabilities(case)
    w = world(case, "2015-11-09")
    st = w.data.stages["unesco"][-1]
    members, p = member_matrix(w, "unesco", st, probs)
    from dialoguelab.membership import votes

    def exact_dp() -> float:
        votes._STAGE_MEMO.clear()  # time the dynamic programme, not the memo of a repeated question
        return stage_probability(st.rule, members, p)

    exact, t_exact = timed(exact_dp, reps=7)
    n = 20000
    (est, se), t_mc = timed(lambda: monte_carlo_probability(st.rule, members, p, n_samples=n, seed=1), reps=1)
    return {
        "game": "UNESCO General Conference 2015-11-09, calibrated vote model",
        "members": len(members),
        "exact_probability": exact,
        "monte_carlo_probability": est,
        "monte_carlo_standard_error": se,
        "monte_carlo_samples": n,
        "within_4_standard_errors": abs(exact - est) < 4 * se,
        "exact_seconds": t_exact,
        "monte_carlo_seconds": t_mc,
        "speed_ratio_mc_over_exact": t_mc / t_exact,
    }


def lognormal_weights(n: int, total: int, seed: int = 7) -> list[int]:
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0, 1.2, n)
    return [max(1, int(v)) for v in np.round(x / x.sum() * total)]


def baseline_python(explicit: str | None) -> tuple[str | None, str]:
    """The interpreter that has powerindex: the one given, or the benchmark's own venv (made if missing)."""
    if explicit:
        return explicit, "given"
    py = BASELINE_VENV / "bin" / "python"
    if not py.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(BASELINE_VENV)], check=True, capture_output=True)
            subprocess.run([str(py), "-m", "pip", "install", "-q", POWERINDEX_PIN], check=True, capture_output=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            return None, f"could not make {BASELINE_VENV}: {exc}"
    return str(py), f"venv {BASELINE_VENV} ({POWERINDEX_PIN})"


def run_baseline(py: str, games: list[dict]) -> dict:
    proc = subprocess.run(
        [py, str(HERE / "powerindex_side.py")], input=json.dumps({"games": games}), capture_output=True,
        text=True, check=True,
    )
    return json.loads(proc.stdout)


def max_diff(a, b) -> float:
    return max((abs(float(x) - float(y)) for x, y in zip(a, b, strict=True)), default=0.0)


def bench_power(baseline_py: str | None, quick: bool) -> tuple[list[dict], dict]:
    from dialoguelab.membership.power import weighted_indices

    games = [
        ("UN Security Council [39; 7x5, 1x10]", [7] * 5 + [1] * 10, 39),
        ("EEC 1958 [12; 4,4,4,2,2,1]", [4, 4, 4, 2, 2, 1], 12),
        ("General Assembly 2/3 [129; 1x193]", [1] * 193, 129),
    ]
    sizes = [(20, 100), (60, 1000), (100, 1000), (170, 1000), (190, 1000), (190, 10_000)]
    if not quick:
        sizes += [(190, 100_000), (1000, 10_000)]
    for n, total in sizes:
        w = lognormal_weights(n, total)
        games.append((f"lognormal n={n} W~{total:,} q=50%+1", w, sum(w) // 2 + 1))
    rows = []
    jobs = []
    for name, w, q in games:
        n, total = len(w), sum(w)
        small = total <= 2000
        reps = 21 if total < 500 else 5 if total <= 2000 else 3 if total <= 20_000 else 1
        row: dict = {"game": name, "n": n, "total_weight": total, "quota": q}
        bz, t_bz = timed(lambda w=w, q=q: weighted_indices(w, q, indices="banzhaf"), reps)
        ss, t_ss = timed(lambda w=w, q=q: weighted_indices(w, q, indices="shapley_shubik"), reps)
        both, t_both = timed(lambda w=w, q=q: weighted_indices(w, q), reps)
        ex_bz, t_ex_bz = timed(lambda w=w, q=q: weighted_indices(w, q, indices="banzhaf", method="exact"), reps)
        row.update(
            ours_float_banzhaf_s=t_bz,
            ours_float_shapley_shubik_s=t_ss,
            ours_float_both_s=t_both,
            ours_exact_banzhaf_s=t_ex_bz,
            float_banzhaf_max_abs_diff_vs_exact=max(max_diff(bz.banzhaf, ex_bz.banzhaf),
                                                    max_diff(bz.banzhaf_absolute, ex_bz.banzhaf_absolute)),
            float_ss_sum=float(sum(both.shapley_shubik)),
        )
        if n * n * q <= 2e8:  # the exact Shapley–Shubik path is O(n^2 q) in Python integers
            ex, t_ex = timed(lambda w=w, q=q: weighted_indices(w, q, method="exact"), 1 if total > 2000 else 3)
            worst = max(max_diff(both.shapley_shubik, ex.shapley_shubik), max_diff(both.banzhaf, ex.banzhaf))
            row.update(
                {
                    "ours_exact_both_s": t_ex,
                    "speed_ratio_exact_over_float_both": t_ex / t_both,
                    "exact_ss_sum_is_one": sum(ex.shapley_shubik) == 1,
                    "float_ss_max_abs_diff_vs_exact": max_diff(both.shapley_shubik, ex.shapley_shubik),
                    "float_equal_exact_1e-12": worst <= 1e-12,
                }
            )
        else:
            row["ours_exact_both_s"] = None
            row["ours_exact_both_note"] = "not run: O(n^2 q) Python integers (minutes)"
        rows.append((row, bz, ss))
        jobs.append({"weights": w, "quota": q, "index": "banzhaf", "reps": reps if total <= 20_000 else 1})
        # powerindex's Shapley–Shubik fails with OverflowError (float(n!)) for n >= 171, after its DP
        # (O(n^2 q) time and memory: 44 s and 2.4 GB at n=170, W=10,000), so only the smaller games run
        jobs.append({"weights": w, "quota": q, "index": "shapley_shubik",
                     "reps": 1 if n > 100 else reps} if small else None)
    info: dict = {"baseline": "powerindex", "environment": None}
    baseline = None
    if baseline_py is not None:
        todo = [j for j in jobs if j is not None]
        baseline = run_baseline(baseline_py, todo)
        info.update(version=baseline["powerindex_version"], python=baseline["python"])
        it = iter(baseline["results"])
        results = [next(it) if j is not None else None for j in jobs]
    out = []
    for k, (row, bz, ss) in enumerate(rows):
        if baseline is None:
            out.append(row)
            continue
        for idx, res, mine, t_mine in (
            ("banzhaf", results[2 * k], bz.banzhaf, row["ours_float_banzhaf_s"]),
            ("shapley_shubik", results[2 * k + 1], ss.shapley_shubik, row["ours_float_shapley_shubik_s"]),
        ):
            if res is None:
                row[f"powerindex_{idx}_note"] = (
                    "not run: fails with OverflowError for n >= 171 after an O(n^2 q) DP"
                    if row["n"] >= 171 else "not run: O(n^2 q) memory (GBs) and minutes at this size"
                )
            elif "error" in res:
                row[f"powerindex_{idx}_error"] = res["error"]
            else:
                row[f"powerindex_{idx}_s"] = res["seconds"]
                row[f"powerindex_{idx}_max_abs_diff_vs_ours"] = max_diff(mine, res["values"])
                row[f"speed_ratio_powerindex_over_ours_{idx}"] = res["seconds"] / t_mine
        out.append(row)
    return out, info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--powerindex-python", default=os.environ.get("POWERINDEX_PYTHON"),
                    help="interpreter with powerindex installed (default: the benchmark's own venv)")
    ap.add_argument("--no-baseline", action="store_true", help="time our side only")
    ap.add_argument("--quick", action="store_true", help="skip the n=190 W~100,000 and n=1000 games")
    args = ap.parse_args()
    py, how = (None, "skipped (--no-baseline)") if args.no_baseline else baseline_python(args.powerindex_python)
    res = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
        },
        "date": time.strftime("%Y-%m-%d"),
        "votes": bench_votes(),
    }
    print("votes done", flush=True)
    power, info = bench_power(py, args.quick)
    info["environment"] = how
    res["power_baseline"] = info
    res["power"] = power
    out = HERE / "results.json"
    out.write_text(json.dumps(res, indent=2, default=str) + "\n")
    print(json.dumps(res, indent=2, default=str))


if __name__ == "__main__":
    main()
