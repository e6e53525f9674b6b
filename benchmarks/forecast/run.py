"""Benchmark of the expected-utility model: vectorized vs per-pair, fast vs bit-exact arithmetic, one big
round, Monte Carlo throughput, and the public port side by side.

Run from the repository root::

    python benchmarks/forecast/run.py            # writes benchmarks/forecast/results.json
    python benchmarks/forecast/run.py --quick    # smaller Monte Carlo, no 200-actor per-pair run
    BDM_REFERENCE_DIR=/tmp/bdmref python benchmarks/forecast/run.py   # also time the public port

The public reference port (dmasad/bdm-scholz-expected-utility-model @d7c7bba, bdm_scholz_model.py) is
never part of this repository: point ``BDM_REFERENCE_DIR`` (or ``--reference``) at a checkout of it or
at its git directory (the file is then read from HEAD into a temporary folder), and its timings,
agreement and speed ratios are recorded too.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.forecast.reference_bdm import RefModel, ref_run  # noqa: E402
from tests.forecast.results import results_bdm as R  # noqa: E402

from dialoguelab.forecast.bdm import BDMOptions, RoundResult, bdm_round, run_bdm  # noqa: E402
from dialoguelab.forecast.ensemble import EnsembleSpec, run_ensemble  # noqa: E402

OPTS = BDMOptions.replication()
FAST = BDMOptions.replication(arithmetic="fast")


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
    return one_round_full(x, c, s, OPTS).positions


def one_round_full(x: list[float], c: list[float], s: list[float], opts: BDMOptions) -> RoundResult:
    xv, cv, sv = (np.asarray(v, dtype=float) for v in (x, c, s))
    delta = float(xv.max() - xv.min()) or 1.0
    return bdm_round(xv, cv, sv, delta, opts)


def round_diff(a: RoundResult, b: RoundResult) -> float:
    """Largest absolute difference over every output of a round (positions, risk, offers, partners, EU
    tables, probabilities)."""
    names = ("positions", "risk", "offer_type", "partner", "eu_challenge", "eu_challenged", "probability")
    return max(float(np.max(np.abs(getattr(a, k).astype(float) - getattr(b, k).astype(float)))) for k in names)


def bench_fast_vs_exact(quick: bool) -> dict[str, Any]:
    """The fast arithmetic (closed-form sums, O(n^2 log n)) against the bit-exact default (O(n^3))."""
    rows: list[dict[str, Any]] = []
    for mode in ("replication", "corrected"):
        ex, fa = BDMOptions.for_mode(mode), BDMOptions.for_mode(mode, arithmetic="fast")
        a = run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, ex, seed=1, keep_details=True)
        b = run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, fa, seed=1, keep_details=True)
        outs = ("positions", "risk", "mean", "median", "offer_types", "partners")
        d = max(float(np.max(np.abs(getattr(a, k).astype(float) - getattr(b, k).astype(float)))) for k in outs)
        d = max([d] + [round_diff(ra, rb) for ra, rb in zip(a.rounds_detail, b.rounds_detail, strict=True)])
        rows.append({"case": f"EU example (10 actors), 10 rounds, {mode}", "n": 10, "max_abs_diff_all_outputs": d,
                     "equal_1e-12": d <= 1e-12})
    for n in (10, 50, 200, 300, 500, 1000):
        if quick and n == 500:
            continue
        x, c, s = synthetic(n)
        reps_exact = 3 if n <= 300 else 1
        et, exact = timed(lambda x=x, c=c, s=s: one_round_full(x, c, s, OPTS), reps_exact)
        ft, fast = timed(lambda x=x, c=c, s=s: one_round_full(x, c, s, FAST), 3)
        d = round_diff(exact, fast)
        rows.append(
            {
                "case": f"synthetic, {n} actors, 1 round, replication",
                "n": n,
                "bit_exact_s": statistics.median(et),
                "bit_exact_runs_s": et,
                "fast_s": statistics.median(ft),
                "fast_runs_s": ft,
                "speedup_fast_over_bit_exact": statistics.median(et) / statistics.median(ft),
                "max_abs_diff_all_outputs": d,
                "equal_1e-12": d <= 1e-12,
            }
        )
        print(f"  {n} actors: bit-exact {statistics.median(et):.3f} s, fast {statistics.median(ft):.3f} s", flush=True)
    big = [r for r in rows if r["n"] == 1000][0]
    return {"rows": rows, "one_round_1000_actors_fast_s": big["fast_s"],
            "one_round_1000_actors_bit_exact_s": big["bit_exact_s"]}


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


def reference_folder(ref: Path) -> tuple[Path, str | None]:
    """A folder holding bdm_scholz_model.py: ``ref`` itself, or HEAD of ``ref`` when it is a git directory."""
    if (ref / "bdm_scholz_model.py").exists():
        head = None
        if (ref / ".git").exists():
            head = subprocess.run(["git", "-C", str(ref), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
        return ref, (head or "").strip() or None
    text = subprocess.run(["git", "--git-dir", str(ref), "show", "HEAD:bdm_scholz_model.py"], capture_output=True,
                          text=True, check=True).stdout
    head = subprocess.run(["git", "--git-dir", str(ref), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    tmp = Path(tempfile.mkdtemp(prefix="bdmref-"))
    (tmp / "bdm_scholz_model.py").write_text(text)
    return tmp, head.strip()


def bench_public_port(ref: Path) -> dict[str, Any]:
    """Time the public port (a copy outside this repository) on the EU example and small synthetic sets."""
    ref_dir, head = reference_folder(ref)
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
        "commit": head,
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
    ot, ours = timed(lambda: run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, OPTS), 5)
    ft, fast = timed(lambda: run_bdm(R.POSITION, R.CAPABILITY, R.SALIENCE, 10, FAST), 5)
    out["eu_example_10_rounds_s"] = t[0]
    out["eu_example_10_rounds_ours_bit_exact_s"] = statistics.median(ot)
    out["eu_example_10_rounds_ours_fast_s"] = statistics.median(ft)
    out["eu_speed_ratio_port_over_bit_exact"] = t[0] / statistics.median(ot)
    out["eu_speed_ratio_port_over_fast"] = t[0] / statistics.median(ft)
    out["eu_means_equal_1e-12"] = bool(np.allclose(ours.mean[1:], means, rtol=1e-12))
    out["eu_means_fast_equal_1e-12"] = bool(np.allclose(fast.mean[1:], means, rtol=0, atol=1e-12))
    for n in (10, 15):
        x, c, s = synthetic(n)

        def one(x: list[float] = x, c: list[float] = c, s: list[float] = s) -> list[float]:
            m = model(x, c, s)
            m.update_risk_aversions()
            m.update_positions()
            return [a.x for a in m.actors]

        t, pos = timed(one, 1)
        vt, vec = timed(lambda x=x, c=c, s=s: one_round_vec(x, c, s), 5)
        ft, fvec = timed(lambda x=x, c=c, s=s: one_round_full(x, c, s, FAST).positions, 5)
        out[f"synthetic_{n}_one_round_s"] = t[0]
        out[f"synthetic_{n}_ours_bit_exact_s"] = statistics.median(vt)
        out[f"synthetic_{n}_ours_fast_s"] = statistics.median(ft)
        out[f"synthetic_{n}_speed_ratio_port_over_bit_exact"] = t[0] / statistics.median(vt)
        out[f"synthetic_{n}_speed_ratio_port_over_fast"] = t[0] / statistics.median(ft)
        out[f"synthetic_{n}_max_abs_diff"] = float(np.max(np.abs(np.asarray(pos) - vec)))
        out[f"synthetic_{n}_fast_max_abs_diff"] = float(np.max(np.abs(np.asarray(pos) - fvec)))
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
    print("fast vs bit-exact …", flush=True)
    results["fast_vs_bit_exact"] = bench_fast_vs_exact(args.quick)
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
