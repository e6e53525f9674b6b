"""Stance series: scored events aggregated by year or window, with bootstrap intervals.

A case defines its series in ``blocs.yaml`` (:class:`~dialoguelab.stance.blocs.SeriesSpec`): whose acts
(a bloc), toward which blocs, on or off the case's topic. The Kosovo case has four: Russia's stance
toward the Western-led process on Kosovo (``russia-process``), toward the West at large
(``russia-west``) and outside Kosovo (``russia-west-other``, sharing no event with the first, so that
co-movement is tested without counting an event twice), and Serbia's alignment between the West and
Russia (``serbia-alignment``: acts toward Russia add their score, acts toward the West subtract it).

An event enters a series once, with the score of its ``directed`` reading if it has one, else its
``joint`` reading (:mod:`dialoguelab.stance.scoring`: a joint act keeps its own score when that is
cooperative, and counts as an AGREE between the partners when the act is conflictual toward a third
party); for the alignment series, the mean of its
Russian and Western readings. An event is counted in the year of its (first) date.

Intervals are percentile bootstrap intervals of the mean (Efron & Tibshirani 1993, ch. 13), resampling
the events of a window with a seeded generator. Windows with fewer than ``min_events`` events are
flagged ``sparse``; a window with a single event gets no interval.

References
----------
.. [1] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
   https://doi.org/10.1201/9780429246593
"""

from __future__ import annotations

__all__ = [
    "SeriesSpec",
    "SERIES_COLUMNS",
    "SCORED_COLUMNS",
    "series_specs",
    "scored_events",
    "stance_series",
    "bootstrap_mean_ci",
    "check_series_name",
    "on_topic",
]

from typing import Any

import numpy as np
import pandas as pd

from dialoguelab.case import Case, Event
from dialoguelab.errors import InvalidParameterError
from dialoguelab.stance.blocs import BlocTable, SeriesSpec, event_blocs, load_blocs
from dialoguelab.stance.scoring import DEFAULT_SCALE, JOINT_TYPE, check_scale, type_score

SCORED_COLUMNS = [
    "id",
    "date",
    "year",
    "type",
    "score",
    "relation",
    "source_blocs",
    "target_blocs",
    "summary",
    "citations",
]
SERIES_COLUMNS = ["series", "start", "end", "label", "n", "mean", "lo", "hi", "sparse", "events"]


def series_specs(case: Case) -> dict[str, SeriesSpec]:
    """The stance series a case defines (``series:`` in ``blocs.yaml``), by id, in file order."""
    return dict(load_blocs(case).series)


def check_series_name(case: Case, name: str) -> SeriesSpec:
    """The spec of one of the case's series by name, or a clear error listing the names."""
    specs = series_specs(case)
    if not isinstance(name, str) or name not in specs:
        raise InvalidParameterError(
            f"The 'series' parameter must be one of {', '.join(specs) or '(none: the case defines no series)'}. "
            f"Got {name!r}."
        )
    return specs[name]


def on_topic(event: Event, src: frozenset[str], tgt: frozenset[str], table: BlocTable) -> bool:
    """Whether an event is on the case's topic: an actor of a topic bloc takes part, or no excluded tag."""
    if table.topic_blocs & (src | tgt):
        return True
    return not (set(event.tags) & table.exclude_tags)


def _reading(
    src: frozenset[str], tgt: frozenset[str], a: str, b: str, etype: str, scale: str
) -> tuple[float, str] | None:
    if a in src and b in tgt:
        return type_score(etype, scale), "directed"
    if a in src and b in src and a != b:
        own = type_score(etype, scale)
        return (own if own > 0 else type_score(JOINT_TYPE, scale)), "joint"
    return None


def _event_value(
    spec: SeriesSpec, event: Event, src: frozenset[str], tgt: frozenset[str], scale: str
) -> tuple[float, str] | None:
    etype = event.type.value
    if spec.kind == "stance":
        readings = [r for b in spec.targets if (r := _reading(src, tgt, spec.source, b, etype, scale))]
        if not readings:
            return None
        directed = [r for r in readings if r[1] == "directed"]
        return directed[0] if directed else readings[0]
    assert spec.toward is not None
    parts: list[float] = []
    rel: list[str] = []
    r = _reading(src, tgt, spec.source, spec.toward, etype, scale)
    if r:
        parts.append(r[0])
        rel.append(f"{r[1]}:{spec.toward}")
    for b in spec.away:
        r = _reading(src, tgt, spec.source, b, etype, scale)
        if r:
            parts.append(-r[0])
            rel.append(f"{r[1]}:{b}")
            break
    if not parts:
        return None
    return float(np.mean(parts)), "+".join(rel)


def scored_events(case: Case, series: str, *, scale: str = DEFAULT_SCALE) -> pd.DataFrame:
    """The events a series reads, each with its score and how it was read.

    Parameters
    ----------
    case : Case
        A loaded case with a ``blocs.yaml``.
    series : str
        One of the case's series (:func:`series_specs`).
    scale : {"goldstein", "plover"}, default="goldstein"
        The scoring table (:func:`dialoguelab.stance.scoring.scoring_table`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SCORED_COLUMNS`, in date order. ``relation`` is ``directed`` or ``joint`` (for the
        alignment series, e.g. ``directed:west``).

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> df = scored_events(load_case(), "russia-west")
    >>> bool(df.score.between(-10, 10).all())
    True
    """
    spec = check_series_name(case, series)
    check_scale(scale)
    table = load_blocs(case)
    rows: list[dict[str, Any]] = []
    for e in case.events:
        src, tgt = event_blocs(case, e, table)
        if spec.source not in src:
            continue
        if spec.topic != "any" and on_topic(e, src, tgt, table) != (spec.topic == "on"):
            continue
        value = _event_value(spec, e, src, tgt, scale)
        if value is None:
            continue
        rows.append(
            {
                "id": e.id,
                "date": str(e.date),
                "year": e.date.year,
                "type": e.type.value,
                "score": round(float(value[0]), 4),
                "relation": value[1],
                "source_blocs": sorted(src),
                "target_blocs": sorted(tgt),
                "summary": e.summary,
                "citations": list(e.citations),
            }
        )
    return pd.DataFrame(rows, columns=SCORED_COLUMNS)


def bootstrap_mean_ci(
    values: np.ndarray | list[float], *, n_boot: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of a mean (NaN, NaN for fewer than two values).

    Parameters
    ----------
    values : array-like of shape (n,)
    n_boot : int, default=2000
        Resamples.
    level : float, default=0.95
    seed : int, default=0
        Seed of :func:`numpy.random.default_rng`, so a result is reproducible.

    Notes
    -----
    Vectorised: one ``(n_boot, n)`` index draw. With n values there are at most C(2n−1, n) distinct
    resamples, so very small windows give coarse intervals; they are flagged ``sparse`` by the callers.

    Examples
    --------
    >>> lo, hi = bootstrap_mean_ci([1.0, 2.0, 3.0, 4.0], seed=1)
    >>> 1.0 <= lo <= 2.5 <= hi <= 4.0
    True
    >>> bootstrap_mean_ci([5.0])
    (nan, nan)
    """
    x = np.asarray(values, dtype=float)
    if x.ndim != 1:
        raise InvalidParameterError("The 'values' parameter must be one-dimensional.")
    if not 0 < level < 1:
        raise InvalidParameterError(f"The 'level' parameter must be a float in (0, 1). Got {level!r}.")
    if x.size < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    means = x[idx].mean(axis=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return float(lo), float(hi)


def _check_int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not lo <= int(value) <= hi:
        raise InvalidParameterError(
            f"The {name!r} parameter must be an integer in [{lo}, {hi}]. Got {value!r}."
        )
    return int(value)


def stance_series(
    case: Case,
    series: str,
    *,
    window: int = 1,
    start: int | None = None,
    end: int | None = None,
    scale: str = DEFAULT_SCALE,
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    min_events: int = 3,
) -> pd.DataFrame:
    """A stance series by year or by windows of ``window`` years, with counts and bootstrap intervals.

    Parameters
    ----------
    case : Case
    series : str
        One of the case's series (:func:`series_specs`).
    window : int, default=1
        Width of the windows in years (1 = by year). Windows are consecutive and do not overlap,
        starting at ``start``.
    start, end : int, optional
        First and last year (default: the first and last year with an event of the series).
    scale : {"goldstein", "plover"}, default="goldstein"
    n_boot : int, default=2000
    level : float, default=0.95
    seed : int, default=0
    min_events : int, default=3
        Windows with fewer events are flagged ``sparse`` (their interval, if any, is wide and coarse).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SERIES_COLUMNS`: one row per window, empty windows included (``n`` = 0, ``mean``
        NaN) so that gaps stay visible; ``events`` lists the event ids of the window.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> s = stance_series(load_case(), "russia-west", window=5)
    >>> bool((s.n[s.n == 1].index.isin(s[s.lo.isna()].index)).all())
    True
    """
    window = _check_int("window", window, 1, 50)
    n_boot = _check_int("n_boot", n_boot, 100, 100_000)
    min_events = _check_int("min_events", min_events, 1, 1000)
    seed = _check_int("seed", seed, 0, 2**32 - 1)
    ev = scored_events(case, series, scale=scale)
    if ev.empty and (start is None or end is None):
        return pd.DataFrame(columns=SERIES_COLUMNS)
    first = _check_int("start", start, 1000, 9999) if start is not None else int(ev.year.min())
    last = _check_int("end", end, 1000, 9999) if end is not None else int(ev.year.max())
    if last < first:
        raise InvalidParameterError(f"The 'end' year ({last}) is before the 'start' year ({first}).")
    rows = []
    for lo_year in range(first, last + 1, window):
        hi_year = lo_year + window - 1
        sel = ev[(ev.year >= lo_year) & (ev.year <= hi_year)]
        x = sel.score.to_numpy(dtype=float)
        lo, hi = (
            bootstrap_mean_ci(x, n_boot=n_boot, level=level, seed=seed + lo_year) if x.size else (np.nan,) * 2
        )
        rows.append(
            {
                "series": series,
                "start": lo_year,
                "end": hi_year,
                "label": str(lo_year) if window == 1 else f"{lo_year}–{hi_year}",
                "n": int(x.size),
                "mean": float(x.mean()) if x.size else float("nan"),
                "lo": lo,
                "hi": hi,
                "sparse": bool(x.size < min_events),
                "events": list(sel.id),
            }
        )
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)
