"""Monte Carlo ensembles: seeded, reproducible, independent of the backend and of chunking."""

from __future__ import annotations

import numpy as np
import pytest

from dialoguelab.errors import InvalidParameterError
from dialoguelab.forecast.bdm import BDMOptions
from dialoguelab.forecast.ensemble import EnsembleSpec, NoiseModel, perturb, run_chunk, run_ensemble


def _spec(n: int = 12, rounds: int = 6, mode: str = "corrected") -> EnsembleSpec:
    rng = np.random.default_rng(11)
    return EnsembleSpec(
        tuple(f"a{i}" for i in range(n)),
        tuple(rng.uniform(0, 100, n).tolist()),
        tuple(rng.uniform(0.1, 1, n).tolist()),
        tuple(rng.uniform(0.1, 1, n).tolist()),
        rounds,
        BDMOptions.for_mode(mode),
    )


def test_same_seed_same_summary_and_other_seed_differs():
    spec = _spec()
    a = run_ensemble(spec, 24, seed=3, workers=0, threshold=50)
    b = run_ensemble(spec, 24, seed=3, workers=0, threshold=50, chunk_size=5)
    c = run_ensemble(spec, 24, seed=4, workers=0, threshold=50)
    assert a.to_dict() == b.to_dict()
    assert a.to_dict() != c.to_dict()
    assert a.p_pass is not None and 0.0 <= a.p_pass <= 1.0
    assert len(a.median_quantiles) == spec.rounds + 1 and len(a.median_quantiles[0]) == 5
    for row in a.median_quantiles:
        assert row == sorted(row)


def test_run_i_depends_only_on_seed_and_index():
    spec = _spec()
    whole = run_chunk(spec, 9, 0, 6)
    part = run_chunk(spec, 9, 4, 6)
    np.testing.assert_array_equal(whole["positions"][4:], part["positions"])
    np.testing.assert_array_equal(whole["initial"][4:], part["initial"])


def test_local_processes_and_local_dask_cluster_agree():
    from distributed import LocalCluster

    spec = _spec(n=10, rounds=5)
    serial = run_ensemble(spec, 16, seed=5, workers=0, threshold=40)
    procs = run_ensemble(spec, 16, seed=5, workers=2, threshold=40, chunk_size=3)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        dask = run_ensemble(
            spec, 16, seed=5, dask_address=cluster.scheduler_address, threshold=40, chunk_size=7
        )
    assert serial.to_dict() == procs.to_dict() == dask.to_dict()


def test_noise_model_bounds_and_zero_noise():
    spec = _spec()
    rng = np.random.default_rng(0)
    for _ in range(50):
        x, c, s = perturb(spec, rng)
        assert np.all((x >= 0) & (x <= 100)) and np.all((s >= 0) & (s <= 1)) and np.all(c > 0)
    quiet = EnsembleSpec(
        spec.names,
        spec.positions,
        spec.capabilities,
        spec.saliences,
        3,
        BDMOptions.replication(),
        NoiseModel(0, 0, 0),
    )
    summ = run_ensemble(quiet, 5, seed=1, workers=0)
    # without noise and with deterministic options every run is the same: all quantiles coincide
    for row in summ.median_quantiles:
        assert max(row) == min(row)


def test_movers_summary_names_every_actor():
    spec = _spec()
    summ = run_ensemble(spec, 10, seed=2, workers=0)
    assert [a["actor"] for a in summ.actors] == list(spec.names)
    assert all(0 <= a["p_moves"] <= 1 and a["mean_move"] >= 0 for a in summ.actors)


def test_ensemble_validation():
    spec = _spec()
    with pytest.raises(InvalidParameterError, match="'runs' parameter must be an integer >= 1"):
        run_ensemble(spec, 0)
    with pytest.raises(InvalidParameterError, match="'seed' parameter"):
        run_ensemble(spec, 2, seed=-1)
    with pytest.raises(InvalidParameterError, match="'workers' parameter"):
        run_ensemble(spec, 2, workers=-2)
    with pytest.raises(InvalidParameterError, match="position_sd"):
        NoiseModel(position_sd=-0.1)
    with pytest.raises(InvalidParameterError, match="Cannot reach the Dask scheduler"):
        run_ensemble(spec, 2, dask_address="tcp://127.0.0.1:9")
