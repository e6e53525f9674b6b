"""Monte Carlo ensembles of the expected-utility model over uncertain inputs.

Each run perturbs the positions, saliences and capabilities with the noise of :class:`NoiseModel`,
runs the model, and keeps the trajectory. Run ``i`` draws from its own stream,
``numpy.random.SeedSequence(seed, spawn_key=(i,))`` (the i-th child of ``SeedSequence(seed).spawn``),
so a run's result depends only on the seed and its index: the summaries are identical whether the
runs go through one process, a pool of local processes or a Dask cluster, and however they are
split into chunks. The backends are all :class:`concurrent.futures.Executor` objects used through
the same code path (:func:`executor`).

Noise model (documented in ``docs/forecast.md``):

* position: ``x + N(0, position_sd * (scale_max - scale_min))``, clipped to the scale;
* salience: ``s + N(0, salience_sd)``, clipped to [0, 1] (Masad's sensitivity analysis of the
  Scholz port used N(0, 0.05) on saliences);
* capability: ``c * exp(N(0, capability_sd))`` (multiplicative, stays positive).
"""

from __future__ import annotations

__all__ = [
    "NoiseModel",
    "EnsembleSpec",
    "EnsembleSummary",
    "SerialExecutor",
    "executor",
    "perturb",
    "run_chunk",
    "run_ensemble",
    "QUANTILES",
]

import math
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dialoguelab.errors import InvalidParameterError
from dialoguelab.forecast.bdm import BDMOptions, run_bdm

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class NoiseModel:
    """Standard deviations of the input noise.

    Parameters
    ----------
    position_sd : float, default=0.05
        Additive normal noise on positions, as a fraction of the scale's range; clipped to the scale.
    salience_sd : float, default=0.05
        Additive normal noise on saliences; clipped to [0, 1].
    capability_sd : float, default=0.1
        Log-normal multiplicative noise on capabilities: ``c * exp(N(0, sd))``.
    """

    position_sd: float = 0.05
    salience_sd: float = 0.05
    capability_sd: float = 0.1

    def __post_init__(self) -> None:
        for name in ("position_sd", "salience_sd", "capability_sd"):
            v = getattr(self, name)
            if not isinstance(v, int | float) or isinstance(v, bool) or not (0 <= float(v) < math.inf):
                raise InvalidParameterError(
                    f"The {name!r} of NoiseModel must be a float >= 0. Got {v!r} instead."
                )


@dataclass(frozen=True)
class EnsembleSpec:
    """Everything a worker needs to run samples (picklable, no case objects)."""

    names: tuple[str, ...]
    positions: tuple[float, ...]
    capabilities: tuple[float, ...]
    saliences: tuple[float, ...]
    rounds: int
    options: BDMOptions
    noise: NoiseModel = field(default_factory=NoiseModel)
    scale: tuple[float, float] = (0.0, 100.0)


def perturb(spec: EnsembleSpec, rng: np.random.Generator) -> tuple[NDArray[np.float64], ...]:
    """One draw of the noisy inputs (positions, capabilities, saliences), in that order of draws."""
    x = np.asarray(spec.positions, dtype=np.float64)
    c = np.asarray(spec.capabilities, dtype=np.float64)
    s = np.asarray(spec.saliences, dtype=np.float64)
    lo, hi = spec.scale
    n = len(x)
    x = np.clip(x + rng.normal(0.0, spec.noise.position_sd * (hi - lo), n), lo, hi)
    s = np.clip(s + rng.normal(0.0, spec.noise.salience_sd, n), 0.0, 1.0)
    c = c * np.exp(rng.normal(0.0, spec.noise.capability_sd, n))
    if not np.sum(c * s) > 0:  # all weight noised away: keep the unperturbed weights
        c = np.asarray(spec.capabilities, dtype=np.float64)
        s = np.asarray(spec.saliences, dtype=np.float64)
    return x, c, s


def run_chunk(spec: EnsembleSpec, seed: int, start: int, stop: int) -> dict[str, Any]:
    """Run samples ``start`` to ``stop - 1``; sample i uses ``SeedSequence(seed, spawn_key=(i,))``.

    Returns arrays: ``start``, ``initial`` (k, n), ``positions`` (k, rounds+1, n), ``mean`` and
    ``median`` (k, rounds+1).
    """
    n = len(spec.positions)
    k = stop - start
    initial = np.empty((k, n))
    traj = np.empty((k, spec.rounds + 1, n))
    mean = np.empty((k, spec.rounds + 1))
    median = np.empty((k, spec.rounds + 1))
    for j, i in enumerate(range(start, stop)):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        x, c, s = perturb(spec, rng)
        res = run_bdm(x, c, s, spec.rounds, spec.options, names=spec.names, seed=rng)
        initial[j] = x
        traj[j] = res.positions
        mean[j] = res.mean
        median[j] = res.median
    return {"start": start, "initial": initial, "positions": traj, "mean": mean, "median": median}


def _settled(positions: NDArray[np.float64], scale: tuple[float, float]) -> float:
    """Share of runs in which no position changed in the last round (within 1e-9 of the scale)."""
    if positions.shape[1] < 2:
        return float("nan")
    tol = 1e-9 * max(scale[1] - scale[0], 1.0)
    still = np.all(np.abs(positions[:, -1, :] - positions[:, -2, :]) <= tol, axis=1)
    return float(np.mean(still))


class SerialExecutor(Executor):
    """Runs every task at once in the calling process (``workers=0``); for small runs and tests."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # pragma: no cover - passed on to the caller
            fut.set_exception(exc)
        return fut


@contextmanager
def executor(dask_address: str | None = None, workers: int | None = None) -> Iterator[Executor]:
    """The backend of an ensemble, as a :class:`concurrent.futures.Executor`.

    ``dask_address`` given: a :class:`distributed.Client` connected to that scheduler, through
    its ``get_executor()``. Otherwise local processes (``spawn`` start method) with ``workers``
    processes (default: the CPU count), or the calling process when ``workers == 0``.
    """
    if dask_address:
        from dialoguelab.daskutil import dask_client

        client = dask_client(dask_address)
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    if workers is not None and (not isinstance(workers, int) or workers < 0):
        raise InvalidParameterError(
            f"The 'workers' parameter must be an integer >= 0. Got {workers!r} instead."
        )
    if workers == 0:
        yield SerialExecutor()
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=ctx) as pool:
        yield pool


@dataclass(frozen=True)
class EnsembleSummary:
    """Summaries of an ensemble (plain lists and floats).

    Attributes
    ----------
    runs, seed : int
    quantiles : tuple of float
        The quantile levels of the ``*_quantiles`` tables.
    median_quantiles, mean_quantiles : list of list of float
        Per round (rows 0..rounds), the quantiles across runs of the median and mean forecast.
    p_pass : float or None
        Share of runs whose final median forecast passes the threshold (None without threshold).
    p_pass_mean : float or None
        The same for the weighted mean.
    actors : list of dict
        Per actor: ``actor``, ``p_moves`` (share of runs in which it ends away from its perturbed
        start), ``mean_move`` (mean absolute final move), ``final_quantiles``.
    noise : dict
        The noise model the runs were drawn with (what every probability here is conditional on).
    settled : float
        Share of runs in which no actor moved in the last round. The model has no convergence test:
        where it is low, the final round's value depends on the number of rounds.
    final_medians : tuple of float
        The final median of every run, in run order (for percentiles and the outcome's distribution;
        not in :meth:`to_dict`, see :meth:`distribution`).
    """

    runs: int
    seed: int
    rounds: int
    quantiles: tuple[float, ...]
    median_quantiles: list[list[float]]
    mean_quantiles: list[list[float]]
    threshold: float | None
    direction: str
    p_pass: float | None
    p_pass_mean: float | None
    actors: list[dict[str, Any]]
    noise: dict[str, float] = field(default_factory=dict)
    settled: float = float("nan")
    final_medians: tuple[float, ...] = field(default=(), repr=False)

    def percentile_of(self, value: float) -> float:
        """Share of runs whose final median is below ``value`` (ties count half; mid-rank)."""
        v = np.asarray(self.final_medians, dtype=np.float64)
        if v.size == 0:
            return float("nan")
        tol = 1e-9 * max(1.0, abs(value))
        below = float(np.sum(v < value - tol))
        equal = float(np.sum(np.abs(v - value) <= tol))
        return (below + 0.5 * equal) / v.size

    def distribution(self, scale: tuple[float, float], bins: int = 20) -> list[dict[str, float]]:
        """The final medians counted in ``bins`` equal bins over the scale: ``lo``, ``hi``, ``runs``, ``share``.

        The last bin includes the scale's maximum.
        """
        lo, hi = scale
        edges = np.linspace(lo, hi, bins + 1)
        counts, _ = np.histogram(np.clip(np.asarray(self.final_medians, dtype=np.float64), lo, hi), bins=edges)
        n = max(len(self.final_medians), 1)
        return [
            {"lo": float(edges[k]), "hi": float(edges[k + 1]), "runs": int(counts[k]), "share": float(counts[k] / n)}
            for k in range(bins)
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "runs": self.runs,
            "seed": self.seed,
            "rounds": self.rounds,
            "quantiles": list(self.quantiles),
            "median_quantiles": self.median_quantiles,
            "mean_quantiles": self.mean_quantiles,
            "threshold": self.threshold,
            "direction": self.direction,
            "p_pass": self.p_pass,
            "p_pass_mean": self.p_pass_mean,
            "actors": self.actors,
            "noise": dict(self.noise),
            "settled": self.settled,
        }


def _passes(values: NDArray[np.float64], threshold: float, direction: str) -> float:
    ok = values >= threshold if direction == "above" else values <= threshold
    return float(np.mean(ok))


def summarise(
    spec: EnsembleSpec,
    seed: int,
    initial: NDArray[np.float64],
    positions: NDArray[np.float64],
    mean: NDArray[np.float64],
    median: NDArray[np.float64],
    threshold: float | None,
    direction: str,
) -> EnsembleSummary:
    """Summaries of gathered runs (arrays in run order)."""
    q = np.asarray(QUANTILES)
    lo, hi = spec.scale
    tol = 1e-9 * max(hi - lo, 1.0)
    final = positions[:, -1, :]
    moves = np.abs(final - initial)
    actors = []
    for j, name in enumerate(spec.names):
        actors.append(
            {
                "actor": name,
                "p_moves": float(np.mean(moves[:, j] > tol)),
                "mean_move": float(np.mean(moves[:, j])),
                "final_quantiles": np.quantile(final[:, j], q).tolist(),
            }
        )
    return EnsembleSummary(
        runs=int(positions.shape[0]),
        seed=seed,
        rounds=spec.rounds,
        quantiles=QUANTILES,
        median_quantiles=np.quantile(median, q, axis=0).T.tolist(),
        mean_quantiles=np.quantile(mean, q, axis=0).T.tolist(),
        threshold=threshold,
        direction=direction,
        p_pass=None if threshold is None else _passes(median[:, -1], threshold, direction),
        p_pass_mean=None if threshold is None else _passes(mean[:, -1], threshold, direction),
        actors=actors,
        noise={k: float(v) for k, v in asdict(spec.noise).items()},
        settled=_settled(positions, spec.scale),
        final_medians=tuple(float(v) for v in median[:, -1]),
    )


def run_ensemble(
    spec: EnsembleSpec,
    runs: int,
    seed: int = 0,
    *,
    threshold: float | None = None,
    direction: str = "above",
    dask_address: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
) -> EnsembleSummary:
    """Run ``runs`` perturbed samples and summarise them.

    Parameters
    ----------
    spec : EnsembleSpec
    runs : int
        Number of samples (>= 1).
    seed : int, default=0
        Root seed; sample i uses ``SeedSequence(seed, spawn_key=(i,))``.
    threshold, direction : float, {"above", "below"}
        The outcome whose probability is reported.
    dask_address : str, optional
        A Dask scheduler address (``tcp://host:8786``); otherwise local processes.
    workers : int, optional
        Local processes (default: CPU count; 0 runs in the calling process).
    chunk_size : int, optional
        Samples per task (default: about four tasks per worker). Results do not depend on it.
    progress : bool, default=False
        Show a Rich progress bar.

    Returns
    -------
    EnsembleSummary

    Notes
    -----
    Reproducible by construction: see the module docstring.
    """
    if not isinstance(runs, int) or isinstance(runs, bool) or runs < 1:
        raise InvalidParameterError(f"The 'runs' parameter must be an integer >= 1. Got {runs!r} instead.")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise InvalidParameterError(f"The 'seed' parameter must be an integer >= 0. Got {seed!r} instead.")
    if direction not in ("above", "below"):
        raise InvalidParameterError(
            f"The 'direction' parameter must be 'above' or 'below'. Got {direction!r} instead."
        )
    if chunk_size is None:
        slots = 4 * (workers or os.cpu_count() or 1) if not dask_address else 16
        chunk_size = max(1, math.ceil(runs / max(slots, 1)))
    if chunk_size < 1:
        raise InvalidParameterError(f"The 'chunk_size' parameter must be >= 1. Got {chunk_size!r} instead.")
    bounds = [(a, min(a + chunk_size, runs)) for a in range(0, runs, chunk_size)]
    parts: dict[int, dict[str, Any]] = {}
    with executor(dask_address, workers) as ex:
        futures = {ex.submit(run_chunk, spec, seed, a, b): (a, b) for a, b in bounds}
        if progress:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task("Monte Carlo runs", total=runs)
                for fut in as_completed(futures):
                    part = fut.result()
                    parts[part["start"]] = part
                    a, b = futures[fut]
                    bar.advance(task, b - a)
        else:
            for fut in as_completed(futures):
                part = fut.result()
                parts[part["start"]] = part
    ordered = [parts[a] for a, _ in bounds]

    def cat(key: str) -> NDArray[np.float64]:
        return np.concatenate([p[key] for p in ordered], axis=0)

    return summarise(
        spec, seed, cat("initial"), cat("positions"), cat("mean"), cat("median"), threshold, direction
    )
