"""Change points of the stance series, compared with the periods the paper names.

Detection uses ``ruptures`` (Truong, Oudre & Vayatis 2020): PELT (Killick, Fearnhead & Eckley 2012)
with the least-squares cost (a change in the mean) on the yearly means of a series, or binary
segmentation when a number of change points is asked for.

The yearly series is taken from the first to the last year with an event; a year without events
carries the previous year's mean forward (no new evidence, no change), and the filled years are
reported. The default penalty is ``3 σ² ln n`` — stricter than the BIC's ``2 σ² ln n`` because σ is
estimated from a short series (in simulations of a 20-year step with noise, the BIC-like penalty added
a spurious change point in about one run in five, this one in about one in ten), with σ estimated
robustly from the first differences of the observed yearly means (MAD / √2; filled years are left out
so that they do not shrink σ); a penalty can be given instead.

Agreement with the paper's named periods (``periods`` in ``findings.yaml``): a detected change point
*matches* a named period when it falls in the period's years widened by ``tolerance`` (default ±1
year). ``precision`` is the share of detected change points that match a named period; ``recall``
the share of named periods matched by at least one detected change point.

References
----------
.. [1] Killick, R., Fearnhead, P., & Eckley, I. A. (2012). Optimal detection of changepoints with a linear
   computational cost. *JASA*, 107(500), 1590–1598. https://doi.org/10.1080/01621459.2012.737745
.. [2] Truong, C., Oudre, L., & Vayatis, N. (2020). Selective review of offline change point detection
   methods. *Signal Processing*, 167, 107299. https://doi.org/10.1016/j.sigpro.2019.107299
"""

from __future__ import annotations

__all__ = [
    "NamedPeriod",
    "default_penalty",
    "detect_changepoints",
    "yearly_signal",
    "agreement",
    "changepoints",
    "named_periods",
]

from typing import Any

import numpy as np
import pandas as pd

from dialoguelab.case import Case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.stance.claims import NamedPeriod, load_findings_file
from dialoguelab.stance.scoring import DEFAULT_SCALE
from dialoguelab.stance.series import check_series_name, series_specs, stance_series


def named_periods(case: Case) -> list[NamedPeriod]:
    """The periods of ``findings.yaml`` (``periods:``) of a case."""
    return list(load_findings_file(case).periods)


def yearly_signal(frame: pd.DataFrame) -> tuple[list[int], np.ndarray, list[int]]:
    """Years, the yearly means with empty years carried forward, and the years that were filled.

    ``frame`` is the output of :func:`~dialoguelab.stance.series.stance_series` with ``window=1``.
    """
    obs = frame[frame.n > 0]
    if obs.empty:
        return [], np.array([]), []
    first, last = int(obs.start.min()), int(obs.start.max())
    years = list(range(first, last + 1))
    by_year = dict(zip(obs.start.astype(int), obs["mean"].astype(float), strict=True))
    values, filled, prev = [], [], float("nan")
    for y in years:
        if y in by_year:
            prev = by_year[y]
        else:
            filled.append(y)
        values.append(prev)
    return years, np.asarray(values, dtype=float), filled


def default_penalty(x: np.ndarray, observed: np.ndarray | None = None) -> float:
    """``3 σ² ln n`` for a series ``x`` of n years; σ from the MAD of the first differences of ``observed``
    (the means of the years that have events; default ``x``), or half the standard deviation of ``x`` when
    that MAD is 0."""
    n = x.size
    d = np.diff(x if observed is None else observed)
    sigma = float(np.median(np.abs(d - np.median(d))) * 1.4826 / np.sqrt(2)) if d.size else 0.0
    if sigma == 0.0:
        sigma = float(np.std(x)) / 2
    return 3 * sigma**2 * float(np.log(max(n, 2)))


def detect_changepoints(
    years: list[int] | np.ndarray,
    values: list[float] | np.ndarray,
    *,
    penalty: float | None = None,
    n_bkps: int | None = None,
    min_size: int = 2,
) -> list[int]:
    """Years at which a new regime (a change in the mean) starts.

    Parameters
    ----------
    years : array-like of shape (n,)
        Consecutive years.
    values : array-like of shape (n,)
        The series' value in each year (no NaN).
    penalty : float, optional
        PELT penalty; default ``3 σ² ln n`` with σ from the MAD of the first differences.
    n_bkps : int, optional
        Ask for exactly this many change points (binary segmentation) instead of a penalty.
    min_size : int, default=2
        Shortest regime in years.

    Returns
    -------
    list of int
        The first year of each new regime, in order.

    Examples
    --------
    >>> detect_changepoints(range(1990, 2010), [5.0] * 10 + [-5.0] * 10)
    [2000]
    """
    import ruptures as rpt

    y = [int(v) for v in years]
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or x.size != len(y):
        raise InvalidParameterError("The 'values' parameter must be one value per year.")
    if np.isnan(x).any():
        raise InvalidParameterError("The 'values' parameter must not contain NaN: fill empty years first.")
    if isinstance(min_size, bool) or not isinstance(min_size, int) or min_size < 1:
        raise InvalidParameterError(f"The 'min_size' parameter must be a positive integer. Got {min_size!r}.")
    if x.size < 2 * min_size or float(np.ptp(x)) == 0.0:
        return []
    if n_bkps is not None:
        if isinstance(n_bkps, bool) or not isinstance(n_bkps, int) or n_bkps < 1:
            raise InvalidParameterError(f"The 'n_bkps' parameter must be a positive integer. Got {n_bkps!r}.")
        try:
            bkps = rpt.Binseg(model="l2", min_size=min_size, jump=1).fit(x).predict(n_bkps=n_bkps)
        except rpt.exceptions.BadSegmentationParameters:
            raise InvalidParameterError(
                f"{n_bkps} change point(s) do not fit in {x.size} years with regimes of at least "
                f"{min_size} years."
            ) from None
    else:
        pen = default_penalty(x) if penalty is None else float(penalty)
        if not np.isfinite(pen) or pen < 0:
            raise InvalidParameterError(
                f"The 'penalty' parameter must be a non-negative number. Got {penalty!r}."
            )
        bkps = rpt.Pelt(model="l2", min_size=min_size, jump=1).fit(x).predict(pen=pen)
    return [y[b] for b in bkps[:-1]]


def agreement(detected: list[int], periods: list[NamedPeriod], tolerance: int = 1) -> dict[str, Any]:
    """How well detected change points and the paper's named periods agree.

    Returns
    -------
    dict
        ``precision`` (share of detected change points within ``tolerance`` years of a named period),
        ``recall`` (share of named periods with a detected change point within ``tolerance``), both
        None when undefined, and ``matches`` (period id → matching years).

    Examples
    --------
    >>> p = [NamedPeriod("a", "A", 1996, 1996), NamedPeriod("b", "B", 2014, 2014)]
    >>> agreement([1997, 2005], p)["precision"], agreement([1997, 2005], p)["recall"]
    (0.5, 0.5)
    """
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise InvalidParameterError(
            f"The 'tolerance' parameter must be a non-negative integer. Got {tolerance!r}."
        )
    matches = {p.id: [c for c in detected if p.start - tolerance <= c <= p.end + tolerance] for p in periods}
    hit = [c for c in detected if any(c in m for m in matches.values())]
    return {
        "precision": (len(hit) / len(detected)) if detected else None,
        "recall": (sum(1 for m in matches.values() if m) / len(periods)) if periods else None,
        "matches": matches,
        "unmatched": [c for c in detected if c not in hit],
        "tolerance": tolerance,
    }


def changepoints(
    case: Case,
    series: list[str] | tuple[str, ...] | None = None,
    *,
    scale: str = DEFAULT_SCALE,
    penalty: float | None = None,
    n_bkps: int | None = None,
    min_size: int = 2,
    tolerance: int = 1,
) -> dict[str, Any]:
    """Change points of each stance series and their agreement with the paper's named periods.

    Parameters
    ----------
    case : Case
    series : list of str, optional
        Series names (default: every series of the case, :func:`~dialoguelab.stance.series.series_specs`).
    scale, penalty, n_bkps, min_size, tolerance
        See :func:`detect_changepoints` and :func:`agreement`.

    Returns
    -------
    dict
        ``periods`` (the named periods), ``series`` (one entry per series: ``years``, ``values``,
        ``filled``, ``changepoints``, ``agreement``) and ``overall`` (agreement of the union of all
        detected change points).
    """
    specs = series_specs(case)
    names = list(series) if series is not None else list(specs)
    for n in names:
        check_series_name(case, n)
    periods = named_periods(case)
    out: dict[str, Any] = {
        "periods": [p.__dict__ for p in periods],
        "series": {},
        "method": {
            "algorithm": "binseg" if n_bkps else "pelt",
            "model": "l2",
            "min_size": min_size,
            "penalty": penalty
            if penalty is not None
            else "3*sigma^2*ln(n), sigma = MAD(diff of observed years)/sqrt(2)",
            "tolerance": tolerance,
            "scale": scale,
        },
    }
    union: set[int] = set()
    for n in names:
        frame = stance_series(case, n, window=1, scale=scale)
        years, values, filled = yearly_signal(frame)
        pen = penalty
        if pen is None and years:
            pen = default_penalty(values, frame[frame.n > 0]["mean"].to_numpy(dtype=float))
        cps = (
            detect_changepoints(years, values, penalty=pen, n_bkps=n_bkps, min_size=min_size) if years else []
        )
        union.update(cps)
        out["series"][n] = {
            "title": specs[n].title,
            "years": years,
            "values": [round(float(v), 4) for v in values],
            "filled": filled,
            "changepoints": cps,
            "penalty": None if n_bkps else (round(float(pen), 3) if pen is not None else None),
            "agreement": agreement(cps, periods, tolerance),
        }
    out["overall"] = agreement(sorted(union), periods, tolerance)
    out["overall"]["changepoints"] = sorted(union)
    return out
