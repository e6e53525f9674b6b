"""Benchmark of the membership engine (run: python benchmarks/membership/run.py).

1. Exact tally distribution (dynamic programming) against Monte Carlo on the UNESCO General Conference
   of 9 November 2015 under the calibrated vote model: same admission probability within sampling
   error, and the speed ratio.
2. Exact power indices (big-integer generating functions) against the ``powerindex`` package
   (pip install powerindex; used here only) on the same weighted games: equality where it computes,
   speed ratio, and the sizes where it fails.

Writes benchmarks/membership/results.json with machine information.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np


def timed(fn, reps=5):
    times = []
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def bench_votes() -> dict:
    from dialoguelab.membership.votes import (
        fitted_probabilities,
        member_matrix,
        monte_carlo_probability,
        stage_probability,
    )
    from dialoguelab.membership.world import world

    probs = fitted_probabilities()
    w = world("2015-11-09")
    st = w.data.stages["unesco"][-1]
    members, p = member_matrix(w, "unesco", st, probs)
    exact, t_exact = timed(lambda: stage_probability(st.rule, members, p), reps=7)
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


def bench_power() -> list[dict]:
    from dialoguelab.membership.power import weighted_indices

    try:
        import powerindex as px
    except ImportError:  # pragma: no cover
        px = None
    games = [
        ("UN Security Council [39; 7x5, 1x10]", [7] * 5 + [1] * 10, 39),
        ("EEC 1958 [12; 4,4,4,2,2,1]", [4, 4, 4, 2, 2, 1], 12),
        ("General Assembly 2/3 [129; 1x193]", [1] * 193, 129),
        ("lognormal n=60 W~1000 q=50%+1", None, None),
        ("lognormal n=170 W~1000 q=50%+1", None, None),
        ("lognormal n=190 W~1000 q=50%+1", None, None),
    ]
    rows = []
    for name, w, q in games:
        if w is None:
            n = int(name.split("n=")[1].split()[0])
            w = lognormal_weights(n, 1000)
            q = sum(w) // 2 + 1
        ours, t_ours = timed(lambda w=w, q=q: weighted_indices(w, q), reps=3)
        row = {"game": name, "n": len(w), "total_weight": sum(w), "quota": q, "ours_seconds": t_ours,
               "ss_sum_is_one": sum(ours.shapley_shubik) == 1}
        if px is not None:
            for idx, attr in (("banzhaf", "banzhaf"), ("shapley_shubik", "shapley_shubik")):
                try:
                    def run(w=w, q=q, idx=idx):
                        g = px.Game(q, weights=w)
                        (g.calc_banzhaf if idx == "banzhaf" else g.calc_shapley_shubik)()
                        return g.banzhaf if idx == "banzhaf" else g.shapley_shubik
                    theirs, t_theirs = timed(run, reps=3 if len(w) < 100 else 1)
                    mine = [float(x) for x in getattr(ours, attr)]
                    diff = max(abs(a - b) for a, b in zip(mine, theirs, strict=True))
                    row[f"powerindex_{idx}_seconds"] = t_theirs
                    row[f"powerindex_{idx}_max_abs_difference"] = diff
                    row[f"powerindex_{idx}_equal_1e-9"] = diff < 1e-9
                    row[f"speed_ratio_powerindex_over_ours_{idx}"] = t_theirs / t_ours
                except Exception as exc:  # noqa: BLE001 - record the failure
                    row[f"powerindex_{idx}_error"] = f"{type(exc).__name__}: {exc}"
        rows.append(row)
    return rows


def main() -> None:
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
        "power": bench_power(),
    }
    try:
        import powerindex

        res["machine"]["powerindex"] = getattr(powerindex, "__version__", "0.3.5 (no __version__)")
    except ImportError:
        res["machine"]["powerindex"] = None
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps(res, indent=2, default=str))
    print(json.dumps(res, indent=2, default=str))


if __name__ == "__main__":
    main()
