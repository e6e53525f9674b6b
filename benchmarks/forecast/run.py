"""Benchmark of the expected-utility model: vectorized vs per-pair, one big round, Monte Carlo throughput.

Run from the repository root::

    python benchmarks/forecast/run.py            # writes benchmarks/forecast/results.json
    python benchmarks/forecast/run.py --quick    # smaller Monte Carlo, no 200-actor per-pair run
    BDM_REFERENCE_DIR=/tmp/bdmref python benchmarks/forecast/run.py   # also time the public port

The public reference port (dmasad/bdm-scholz-expected-utility-model, bdm_scholz_model.py) is never
part of this repository: point ``BDM_REFERENCE_DIR`` (or ``--reference``) at a folder holding a copy
fetched elsewhere, and its timings and agreement are recorded too.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.forecast.reference_bdm import RefModel, ref_run  # noqa: E402
from tests.forecast.results import results_bdm as R  # noqa: E402

from dialoguelab.forecast.bdm import BDMOptions, bdm_round, run_bdm  # noqa: E402
from dialoguelab.forecast.ensemble import EnsembleSpec, run_ensemble  # noqa: E402

OPTS = BDMOptions.replication()


class CachedRefModel(RefModel):
    """The per-pair reference with the all-pairs denominator cached per phase (same equations, O(n^4))."""

    _cache: dict[Any, float]

    def probability(self, i: int, j: int) -> float:
        if self.opts.probability != "scholz":
            return super().probability(i, j)
        xi, xj = self.x[i], self.x[j]
        if xi == xj:
            return 0.0
        if not hasattr(self, "_cache"):
            self._cache = {}
        key = (tuple(self.x), tuple(self.r), self.delta)
        den = self._cache.get(key)
        if den is None:
            den = 0.0
            for k in range(self.n):
                for a in range(self.n):
                    for b in range(self.n):
                        den += abs(self.vote(k, self.x[a], self.x[b]))
            self._cache = {key: den}
        num = 0.0
        for k in range(self.n):
            num += max(0.0, self.vote(k, xi, xj))
        return num / den if den > 0 else 0.0


def synthetic(n: int, seed: int = 2024) -> tuple[list[float], list[float], list[float]]:
    """c ~ U(0.01, 1), s ~ U(0.05, 1), x ~ U(0, 100), as in reference/models/bdm.md section 7."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 100, n).tolist(), rng.uniform(0.01, 1, n).tolist(), rng.uniform(0.05, 1, n).tolist()


def timed(fn: Any, reps: int) -> tuple[list[float], Any]:
    times = []
    out = None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return times, out


def one_round_ref(model_cls: type[RefModel], x: list[float], c: list[float], s: list[float]) -> list[float]:
    lo, hi = min(x), max(x)
    m = model_cls(list(x), list(c), list(s), OPTS, (hi - lo) or 1.0)
    new, _, _ = m.step()
    return new


def one_round_vec(x: list[float], c: list[float], s: list[float]) -> np.ndarray:
    xv, cv, sv = (np.asarray(v, dtype=float) for v in (x, c, s))
    delta = float(xv.max() - xv.min()) or 1.0
    return bdm_round(xv, cv, sv, delta, OPTS).positions


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    import dask
    import distributed

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "dask": dask.__version__,
        "distributed": distributed.__version__,
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "memory": mem,
    }


def bench_equality_and_speed(quick: bool) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    # EU example, 10 rounds: vectorized vs the naive per-pair reference (O(n^6) per round)
    vt, vec = timed(lambda: run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, OPTS), 5)
    rt, ref = timed(lambda: ref_run(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, OPTS), 1)
    diff = float(np.max(np.abs(vec.positions - np.asarray(ref[0]))))
    rows.append(
        {
            "case": "EU example (10 actors), 10 rounds",
            "n": 10,
            "rounds": 10,
            "vectorized_s": statistics.median(vt),
            "vectorized_runs_s": vt,
            "per_pair_naive_s": statistics.median(rt),
            "per_pair_cached_s": None,
            "speedup_vs_naive": statistics.median(rt) / statistics.median(vt),
            "max_abs_position_diff": diff,
            "equal_1e-12": diff <= 1e-12,
            "matches_published_means_1e-12": bool(np.allclose(vec.mean, R.PORT_MEANS, rtol=1e-12)),
        }
    )
    for n in (20, 50, 200):
        x, c, s = synthetic(n)
        vt, vec1 = timed(lambda x=x, c=c, s=s: one_round_vec(x, c, s), 5 if n < 200 else 3)
        row: dict[str, Any] = {
            "case": f"synthetic, {n} actors, 1 round",
            "n": n,
            "rounds": 1,
            "vectorized_s": statistics.median(vt),
            "vectorized_runs_s": vt,
        }
        naive = None
        if n <= 20:
            nt, naive = timed(lambda x=x, c=c, s=s: one_round_ref(RefModel, x, c, s), 1)
            row["per_pair_naive_s"] = nt[0]
            row["speedup_vs_naive"] = nt[0] / statistics.median(vt)
        else:
            row["per_pair_naive_s"] = None
            row["per_pair_naive_note"] = "O(n^6): not run (hours for 50 actors, months for 200)"
        if n <= 50 or not quick:
            ct, cached = timed(lambda x=x, c=c, s=s: one_round_ref(CachedRefModel, x, c, s), 1)
            row["per_pair_cached_s"] = ct[0]
            row["speedup_vs_cached"] = ct[0] / statistics.median(vt)
            d = float(np.max(np.abs(np.asarray(cached) - vec1)))
            row["max_abs_position_diff"] = d
            row["equal_1e-12"] = d <= 1e-12
        else:
            row["per_pair_cached_s"] = None
        if naive is not None:
            row["naive_equals_vectorized_1e-12"] = float(np.max(np.abs(np.asarray(naive) - vec1))) <= 1e-12
        rows.append(row)
        print(f"  {row['case']}: vectorized {row['vectorized_s']:.4f} s", flush=True)
    return rows


def bench_monte_carlo(samples: int, n: int, rounds: int, workers: int) -> dict[str, Any]:
    from distributed import LocalCluster

    x, c, s = synthetic(n, seed=7)
    spec = EnsembleSpec(
        tuple(f"a{i}" for i in range(n)),
        tuple(x),
        tuple(c),
        tuple(s),
        rounds,
        BDMOptions.corrected(),
        scale=(0.0, 100.0),
    )
    out: dict[str, Any] = {
        "samples": samples,
        "actors": n,
        "rounds": rounds,
        "workers": workers,
        "mode": "corrected (stochastic conflicts)",
        "seed": 12345,
    }
    t = time.perf_counter()
    local = run_ensemble(spec, samples, 12345, threshold=50, workers=workers)
    out["local_processes_s"] = time.perf_counter() - t
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        t = time.perf_counter()
        dask = run_ensemble(spec, samples, 12345, threshold=50, dask_address=cluster.scheduler_address)
        out["dask_local_cluster_s"] = time.perf_counter() - t
    t = time.perf_counter()
    serial = run_ensemble(spec, max(samples // 10, 1), 12345, threshold=50, workers=0)
    out["in_process_s_per_sample"] = (time.perf_counter() - t) / max(samples // 10, 1)
    out["local_samples_per_s"] = samples / out["local_processes_s"]
    out["dask_samples_per_s"] = samples / out["dask_local_cluster_s"]
    out["identical_summaries_local_vs_dask"] = local.to_dict() == dask.to_dict()
    out["p_pass_median"] = local.p_pass
    del serial
    return out


def bench_public_port(ref_dir: Path) -> dict[str, Any]:
    """Time the public port (a copy outside this repository) on the EU example and small synthetic sets."""
    spec = importlib.util.spec_from_file_location("bdm_scholz_model", ref_dir / "bdm_scholz_model.py")
    if spec is None or spec.loader is None:
        return {"run": False, "reason": f"no bdm_scholz_model.py in {ref_dir}"}
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)

    def model(x: list[float], c: list[float], s: list[float]) -> Any:
        rows = [
            {"Actor": f"a{i}", "Capability": c[i], "Position": x[i], "Salience": s[i]} for i in range(len(x))
        ]
        return mod.BDMScholzModel(rows, verbose=False)

    out: dict[str, Any] = {
        "run": True,
        "source": "dmasad/bdm-scholz-expected-utility-model @d7c7bba, "
        "bdm_scholz_model.py, run from a copy outside the repository",
    }

    def eu10() -> Any:
        m = model(R.POSITION, R.CAPABILITY, R.SALIENCE)
        means = []
        for _ in range(10):
            m.update_risk_aversions()
            m.update_positions()
            means.append(m.mean_position())
        return means

    t, means = timed(eu10, 1)
    ours = run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, OPTS)
    out["eu_example_10_rounds_s"] = t[0]
    out["eu_means_equal_1e-12"] = bool(np.allclose(ours.mean[1:], means, rtol=1e-12))
    for n in (10, 15):
        x, c, s = synthetic(n)

        def one(x: list[float] = x, c: list[float] = c, s: list[float] = s) -> list[float]:
            m = model(x, c, s)
            m.update_risk_aversions()
            m.update_positions()
            return [a.x for a in m.actors]

        t, pos = timed(one, 1)
        vec = one_round_vec(x, c, s)
        out[f"synthetic_{n}_one_round_s"] = t[0]
        out[f"synthetic_{n}_max_abs_diff"] = float(np.max(np.abs(np.asarray(pos) - vec)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--quick", action="store_true",
        help="100 Monte Carlo samples instead of 1000; skip the per-pair run at 200 actors (minutes)",
    )
    ap.add_argument(
        "--reference",
        type=Path,
        default=os.environ.get("BDM_REFERENCE_DIR"),
        help="folder with a copy of the public port's bdm_scholz_model.py (outside this repo)",
    )
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = ap.parse_args()
    results: dict[str, Any] = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    print("vectorized vs per-pair …", flush=True)
    results["model"] = bench_equality_and_speed(args.quick)
    big = [r for r in results["model"] if r["n"] == 200][0]
    results["one_round_200_actors_s"] = big["vectorized_s"]
    print("Monte Carlo …", flush=True)
    samples = 100 if args.quick else 1000
    results["monte_carlo"] = bench_monte_carlo(samples, 20, 20, workers=min(os.cpu_count() or 1, 4))
    if args.reference:
        print("public port …", flush=True)
        results["public_port"] = bench_public_port(Path(args.reference))
    else:
        results["public_port"] = {
            "run": False,
            "reason": "set BDM_REFERENCE_DIR to a fetched copy to include it",
        }
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
