"""The paper's findings as data (``findings.yaml``) and the checks that test them.

Each finding has the claim in our words, where the paper states it, its evidence events, the paper's
passages it rests on, its sources, and the name of a check in :data:`CHECKS` with its parameters. A
check takes the case and the parameters and returns a :class:`CheckResult`: a status, a figure (the
number the status rests on, with its interval where there is one), the event ids it used, and the
details of the computation.

A finding is tested as a whole: the ``all_parts`` check splits the claim into the parts the data can
test (each a registered check: stance series, counts of acts, the membership engine) and the parts it
cannot (``untestable``: a cause, an effect on the other side's room to act), and combines them:

* **supported**: every testable part agrees with the claim and no part is untestable;
* **partly supported**: every testable part agrees, but a part of the claim cannot be computed (the
  reason names it: "cause not computable: ...");
* **contested**: a testable part disagrees (or its interval does not exclude the opposite);
* **not computable**: no part could be computed from the case's evidence.

Case-specific names (the bloc whose acts are read, the state whose votes are tested) are parameters:
``findings.yaml`` sets them once under ``defaults`` (for the Kosovo case ``bloc: russia``,
``state: RUS``); no check names a bloc or a state of its own.

A membership scenario (:class:`~dialoguelab.membership.scenarios.Scenario`) passed to
:func:`evaluate_findings` changes the world the membership checks read (``split_blocks_steps``,
``blocks_on_dates``); the checks that read the case's events read them as they are. Counterfactuals
of the events are built as cases (see ``tests/stance/test_findings_counterfactuals.py``).
"""

from __future__ import annotations

__all__ = [
    "STATUSES",
    "Figure",
    "CheckResult",
    "FindingSpec",
    "PeriodSpec",
    "FindingsFile",
    "FindingResult",
    "CHECKS",
    "SCENARIO_PARAM",
    "register_check",
    "load_findings_file",
    "validate_findings",
    "run_check",
    "co_movement",
    "evaluate_findings",
    "findings_table",
    "FINDINGS_FILE",
    "PART",
]

import copy
import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dialoguelab.case import Case, Event, PartialDate
from dialoguelab.errors import DialoguelabError, InvalidParameterError
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.outcomes import Outcome, outcome
from dialoguelab.membership.scenarios import Change, Scenario
from dialoguelab.membership.world import world
from dialoguelab.stance.blocs import BlocTable, actor_bloc, event_blocs, load_blocs
from dialoguelab.stance.claims import (
    CHECKS,
    FINDINGS_FILE,
    PART,
    STATUSES,
    CheckResult,
    Figure,
    FindingsFile,
    FindingSpec,
    PeriodSpec,
    load_findings_file,
    register_check,
    validate_findings,
)
from dialoguelab.stance.scoring import DEFAULT_SCALE, JOINT_TYPE, type_score
from dialoguelab.stance.series import bootstrap_mean_ci, on_topic, scored_events, stance_series

#: The parameter under which :func:`evaluate_findings` hands a membership scenario to the checks.
SCENARIO_PARAM = "_scenario"

_N_BOOT = 2000

# --------------------------------------------------------------------------- parameters


def _day(value: Any, name: str, end: bool = False) -> dt.date:
    """A bound as a calendar day: a year or month covers all its days (its last day for an end bound)."""
    if isinstance(value, dt.date):
        return value
    try:
        d = PartialDate.parse(str(value))
        return d.last_day() if end else d.first_day()
    except (ValueError, TypeError):
        raise InvalidParameterError(f"The {name!r} parameter must be a date YYYY[-MM[-DD]]. Got {value!r}.") from None


def _need(params: dict[str, Any], name: str, what: str) -> Any:
    """A required parameter, or an error saying what it is and where it is usually set."""
    if params.get(name) in (None, "", []):
        raise InvalidParameterError(
            f"The {name!r} parameter is required: {what} (set it in the finding's params or under "
            "`defaults:` in findings.yaml)."
        )
    return params[name]


def _bloc(params: dict[str, Any]) -> str:
    return str(_need(params, "bloc", "the bloc whose acts are read, e.g. the case's `russia` bloc"))


def _state(params: dict[str, Any]) -> str:
    return str(_need(params, "state", "the ISO 3166 alpha-3 code of the state whose votes are tested"))


def _scenario(params: dict[str, Any]) -> Scenario | None:
    sc = params.get(SCENARIO_PARAM)
    return sc if isinstance(sc, Scenario) else None


def _with_changes(base: Scenario | None, name: str, changes: list[Change]) -> Scenario:
    """``base`` (if any) followed by ``changes``: a scenario on top of the one the user chose."""
    before = list(base.changes) if base else []
    label = f"{base.name} + {name}" if base else name
    return Scenario(name=label, changes=[*before, *changes])


def _span(e: Event) -> tuple[dt.date, dt.date]:
    first = e.date.first_day()
    last = e.end_date.last_day() if e.end_date is not None else e.date.last_day()
    return first, last


def _in_window(e: Event, lo: dt.date | None, hi: dt.date | None) -> bool:
    """Whether an event's (first) day falls in [lo, hi]."""
    d = e.date.first_day()
    return (lo is None or d >= lo) and (hi is None or d <= hi)


def _bounds(params: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    lo = _day(params["start"], "start") if params.get("start") is not None else None
    hi = _day(params["end"], "end", end=True) if params.get("end") is not None else None
    if lo and hi and hi < lo:
        raise InvalidParameterError(f"The 'end' parameter ({hi}) is before 'start' ({lo}).")
    return lo, hi


# --------------------------------------------------------------------------- selections of scored events


def _selection(case: Case, spec: Any, scale: str = DEFAULT_SCALE) -> pd.DataFrame:
    """The scored events a selection names, each once (first reading wins), in date order.

    A selection is a series name, a mapping ``{series: name or [names], tags_any: [...], tags_none: [...]}``
    (rows of those series whose events carry one of ``tags_any`` and none of ``tags_none``), or a list
    of such parts (their union). Rows are those of :func:`dialoguelab.stance.series.scored_events`.
    """
    parts = spec if isinstance(spec, list) else [spec]
    if not parts:
        raise InvalidParameterError("A selection of events must name at least one series.")
    frames = []
    for part in parts:
        if isinstance(part, str):
            part = {"series": part}
        if not isinstance(part, dict) or "series" not in part:
            raise InvalidParameterError(
                f"A selection part must be a series name or a mapping with `series`. Got {part!r}."
            )
        names = part["series"] if isinstance(part["series"], list) else [part["series"]]
        any_tags, no_tags = set(part.get("tags_any") or []), set(part.get("tags_none") or [])
        for name in names:
            df = scored_events(case, str(name), scale=scale)
            if df.empty:
                continue
            keep = [
                (not any_tags or bool(tags & any_tags)) and not (tags & no_tags)
                for tags in (set(case.events_by_id[i].tags) for i in df.id)
            ]
            frames.append(df[keep])
    if not frames:
        return scored_events(case, _first_series(parts), scale=scale).iloc[0:0]
    out = pd.concat(frames, ignore_index=True).drop_duplicates("id", keep="first")
    return out.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def _first_series(parts: list[Any]) -> str:
    p = parts[0]
    s = p if isinstance(p, str) else p["series"]
    return str(s[0] if isinstance(s, list) else s)


def _describe(spec: Any) -> str:
    parts = spec if isinstance(spec, list) else [spec]
    out = []
    for p in parts:
        if isinstance(p, str):
            out.append(p)
            continue
        s = p["series"] if isinstance(p["series"], list) else [p["series"]]
        text = "+".join(map(str, s))
        if p.get("tags_any"):
            text += f" tagged {'/'.join(p['tags_any'])}"
        if p.get("tags_none"):
            text += f" not tagged {'/'.join(p['tags_none'])}"
        out.append(text)
    return " ∪ ".join(out)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def _bootstrap_r(x: np.ndarray, y: np.ndarray, n_boot: int, seed: int, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap interval of Pearson's r, pairs resampled together (vectorised)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    xs, ys = x[idx], y[idx]
    xm = xs - xs.mean(axis=1, keepdims=True)
    ym = ys - ys.mean(axis=1, keepdims=True)
    den = np.sqrt((xm**2).sum(axis=1) * (ym**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (xm * ym).sum(axis=1) / den
    r = r[np.isfinite(r)]
    if r.size < n_boot // 2:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    lo, hi = np.quantile(r, [a, 1 - a])
    return float(lo), float(hi)


def _bootstrap_diff(
    a: np.ndarray, b: np.ndarray, n_boot: int = _N_BOOT, seed: int = 0, level: float = 0.95
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``mean(b) - mean(a)``, each group resampled on its own."""
    rng = np.random.default_rng(seed)
    ma = a[rng.integers(0, a.size, size=(n_boot, a.size))].mean(axis=1)
    mb = b[rng.integers(0, b.size, size=(n_boot, b.size))].mean(axis=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(mb - ma, [alpha, 1 - alpha])
    return float(lo), float(hi)


def co_movement(
    case: Case,
    a: Any,
    b: Any,
    *,
    start: int | None = None,
    end: int | None = None,
    window: int = 1,
    min_common: int = 4,
    n_boot: int = _N_BOOT,
    seed: int = 0,
    scale: str = DEFAULT_SCALE,
) -> dict[str, Any]:
    """Pearson correlation of two selections' yearly (or ``window``-year) mean scores.

    Parameters
    ----------
    case : Case
    a, b : str, mapping or list
        Selections of scored events (a series name, or series filtered by tags; see ``findings.yaml``).
        They should share no event, so that co-movement is not manufactured by counting an event twice.
    start, end : int, optional
        First and last year.
    window : int, default=1
    min_common : int, default=4
        Fewer windows with events on both sides make the result not computable.
    n_boot, seed : int
        Bootstrap resamples of the windows (pairs resampled together) and the generator's seed.
    scale : str, default="goldstein"

    Returns
    -------
    dict
        ``r``, ``lo``, ``hi`` (95% percentile bootstrap interval), ``n`` (common windows), the windows
        and values, ``events_a``/``events_b`` and ``computable``.

    References
    ----------
    .. [1] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*, ch. 13.
    """
    if window < 1:
        raise InvalidParameterError(f"The 'window' parameter must be a positive integer. Got {window!r}.")
    sa, sb = _selection(case, a, scale), _selection(case, b, scale)
    shared = set(sa.id) & set(sb.id)

    def windows(df: pd.DataFrame) -> pd.DataFrame:
        df = df[((start is None) | (df.year >= (start or 0))) & ((end is None) | (df.year <= (end or 9999)))]
        base = start if start is not None else (int(df.year.min()) if len(df) else 0)
        w = df.assign(w=base + (df.year - base) // window * window)
        return w.groupby("w").agg(mean=("score", "mean"), n=("score", "size"), ids=("id", list))

    wa, wb = windows(sa), windows(sb)
    common = wa.merge(wb, left_index=True, right_index=True, suffixes=("_a", "_b")).sort_index()
    out: dict[str, Any] = {
        "a": _describe(a),
        "b": _describe(b),
        "n": int(len(common)),
        "windows": [int(w) for w in common.index],
        "values_a": [round(float(v), 3) for v in common.mean_a],
        "values_b": [round(float(v), 3) for v in common.mean_b],
        "events_a": int(wa.n.sum()) if len(wa) else 0,
        "events_b": int(wb.n.sum()) if len(wb) else 0,
        "shared_events": sorted(shared),
        "ids": sorted({i for ids in [*common.ids_a, *common.ids_b] for i in ids}),
    }
    if len(common) < min_common:
        out.update(r=None, lo=None, hi=None, computable=False)
        return out
    x, y = common.mean_a.to_numpy(float), common.mean_b.to_numpy(float)
    r = _pearson(x, y)
    lo, hi = _bootstrap_r(x, y, n_boot, seed)
    out.update(
        r=None if np.isnan(r) else r,
        lo=None if np.isnan(lo) else lo,
        hi=None if np.isnan(hi) else hi,
        computable=not np.isnan(r),
    )
    return out


def _era(case: Case, spec: dict[str, Any]) -> tuple[dt.date, dt.date, str]:
    """The days an actor held one or more roles (contiguous tenures joined), from ``actors.yaml``."""
    actor = case.actors_by_id.get(str(spec.get("actor")))
    if actor is None:
        raise InvalidParameterError(f"The 'actor' of a tenure names no actor of the case: {spec.get('actor')!r}.")
    titles = spec.get("roles") or ([spec["role"]] if spec.get("role") else [])
    if not titles:
        raise InvalidParameterError(f"A tenure of {actor.id!r} needs `roles` (role titles in actors.yaml).")
    roles = [r for r in actor.roles if r.title in titles and r.start is not None]
    missing = set(titles) - {r.title for r in roles}
    if missing:
        raise InvalidParameterError(
            f"Actor {actor.id!r} has no role titled {', '.join(sorted(missing))} with a start date in actors.yaml."
        )
    first = min(r.start.first_day() for r in roles if r.start is not None)
    last = max((r.end.last_day() if r.end is not None else dt.date.today()) for r in roles)
    text = f"{actor.name}, {' and '.join(titles)} {first.isoformat()}–{last.isoformat()}"
    return first, last, text


# --------------------------------------------------------------------------- reading acts of a bloc


@dataclass
class _Act:
    event: Event
    src: frozenset[str]
    tgt: frozenset[str]
    score: float


def _acts_of(case: Case, bloc: str, table: BlocTable | None = None, scale: str = DEFAULT_SCALE) -> list[_Act]:
    """Every event with an actor of ``bloc`` among its sources, with the type's score."""
    table = table or load_blocs(case)
    known = set(table.ids)
    if bloc not in known:
        raise InvalidParameterError(
            f"The 'bloc' parameter must be one of the case's blocs ({', '.join(sorted(known))}). Got {bloc!r}."
        )
    out = []
    for e in case.events:
        src, tgt = event_blocs(case, e, table)
        if bloc in src:
            out.append(_Act(e, src, tgt, type_score(e.type.value, scale)))
    return out


def _sign_ok(score: float, sign: str) -> bool:
    if sign == "conflictual":
        return score < 0
    if sign == "cooperative":
        return score > 0
    if sign == "any":
        return True
    raise InvalidParameterError(f"The 'sign' parameter must be conflictual, cooperative or any. Got {sign!r}.")


def _matches(
    case: Case, act: _Act, spec: dict[str, Any], table: BlocTable, lo: dt.date | None, hi: dt.date | None
) -> bool:
    e = act.event
    if not _in_window(e, lo, hi):
        return False
    tags = set(e.tags)
    if spec.get("tags_any") and not tags & set(spec["tags_any"]):
        return False
    if spec.get("tags_all") and not set(spec["tags_all"]) <= tags:
        return False
    if spec.get("targets") and not act.tgt & set(spec["targets"]):
        return False
    topic = spec.get("topic", "any")
    if topic not in ("on", "off", "any"):
        raise InvalidParameterError(f"The 'topic' parameter must be on, off or any. Got {topic!r}.")
    if topic != "any" and on_topic(e, act.src, act.tgt, table) != (topic == "on"):
        return False
    return _sign_ok(act.score, str(spec.get("sign", "any")))


def _method_of(spec: dict[str, Any], bloc: str) -> str:
    bits = [f"acts with a {bloc} source actor"]
    if spec.get("targets"):
        bits.append(f"a target in {'/'.join(spec['targets'])}")
    if spec.get("tags_any"):
        bits.append(f"a tag among {', '.join(spec['tags_any'])}")
    if spec.get("topic", "any") != "any":
        bits.append(f"{spec['topic']} the case's topic")
    if spec.get("sign", "any") != "any":
        bits.append(f"a {spec['sign']} PLOVER type")
    return ", ".join(bits)


# --------------------------------------------------------------------------- the checks


@register_check("co_movement")
def check_co_movement(case: Case, params: dict[str, Any]) -> CheckResult:
    """Two selections of stance scores move together (finding 1).

    Pearson r between the yearly means of selection ``a`` and selection ``b`` (for finding 1: Russia's
    acts on the former Yugoslavia and Kosovo, and its acts toward the West on other matters, which share
    no event), over the years where both have events, with a bootstrap interval; supported if the
    interval lies above 0, contested if not, not computable with fewer than ``min_common`` such years.
    ``era`` (an actor and role titles) restricts the years to that office holder's tenure, read from
    ``actors.yaml``.
    """
    a, b = _need(params, "a", "a selection of scored events"), _need(params, "b", "a selection of scored events")
    start, end, era_text = params.get("start"), params.get("end"), ""
    if "era" in params:
        first, last, era_text = _era(case, params["era"])
        start, end = first.year, last.year
    min_common = int(params.get("min_common", 4))
    res = co_movement(case, a, b, start=start, end=end, window=int(params.get("window", 1)), min_common=min_common)
    span = f"{start or 'first'}–{end or 'last'}" + (f" ({era_text})" if era_text else "")
    details = {"years": span, **res}
    method = (
        f"Pearson r of the yearly means of [{res['a']}] and [{res['b']}] over the years both have events "
        f"({span}); 95% percentile bootstrap over years ({_N_BOOT} resamples, seed 0)"
    )
    if res["shared_events"]:
        raise InvalidParameterError(
            f"The selections 'a' and 'b' share events ({', '.join(res['shared_events'][:5])}): co-movement "
            "would be counted twice; exclude them from one side."
        )
    if not res["computable"]:
        return CheckResult(
            "not computable",
            f"only {res['n']} year(s) in {span} have events on both sides ({res['events_a']} and "
            f"{res['events_b']} events); at least {min_common} are needed",
            None,
            res["ids"],
            details,
            method,
        )
    fig = Figure(
        "correlation of the two yearly series",
        res["r"],
        res["lo"],
        res["hi"],
        "r",
        f"r = {res['r']:.2f} [{res['lo']:.2f}, {res['hi']:.2f}], {res['n']} years",
    )
    if res["lo"] is not None and res["lo"] > 0:
        return CheckResult(
            "supported", "the interval of the correlation lies above 0", fig, res["ids"], details, method
        )
    return CheckResult(
        "contested",
        "the interval of the correlation does not lie above 0",
        fig,
        res["ids"],
        details,
        method,
    )


def _group(case: Case, spec: dict[str, Any], df: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str], str]:
    """The rows of ``df`` whose events lie wholly in a group's days (a tenure or a date range)."""
    if "tenure" in spec:
        first, last, text = _era(case, spec["tenure"])
    else:
        if spec.get("start") is None and spec.get("end") is None:
            raise InvalidParameterError(f"Group {name!r} needs `tenure` or `start`/`end`.")
        first = _day(spec["start"], "start") if spec.get("start") is not None else dt.date.min
        last = _day(spec["end"], "end", end=True) if spec.get("end") is not None else dt.date.today()
        text = f"{spec.get('start', 'first')}–{spec.get('end', 'last')}"
    keep, straddle = [], []
    for i in df.id:
        lo, hi = _span(case.events_by_id[i])
        if first <= lo and hi <= last:
            keep.append(i)
        elif lo <= last and hi >= first:
            straddle.append(i)
    return df[df.id.isin(keep)], straddle, f"{spec.get('label', name)} ({text})"


@register_check("shift")
def check_shift(case: Case, params: dict[str, Any]) -> CheckResult:
    """A selection's mean score changes between two groups of days (findings 1 and 6).

    ``groups`` holds two groups, each a ``tenure`` (an actor and role titles from ``actors.yaml``:
    Kozyrev's and Primakov's years at the foreign ministry) or a ``start``/``end`` range (before and
    after 2012). An event counts in a group only if all the days its date can mean lie in the group
    (a year-precision event straddling a change of minister is left out and listed). The difference
    ``mean(second) - mean(first)`` gets a 95% percentile bootstrap interval (groups resampled apart);
    supported when it lies on the side ``expect`` names (``increase`` or ``decrease``).
    """
    sel = _need(params, "series", "a selection of scored events")
    groups = _need(params, "groups", "two groups (tenure or start/end)")
    if not isinstance(groups, list) or len(groups) != 2:
        raise InvalidParameterError("The 'groups' parameter must list exactly two groups.")
    expect = params.get("expect", "increase")
    if expect not in ("increase", "decrease"):
        raise InvalidParameterError(f"The 'expect' parameter must be increase or decrease. Got {expect!r}.")
    min_events = int(params.get("min_events", 3))
    df = _selection(case, sel)
    (g1, s1, t1), (g2, s2, t2) = (_group(case, g, df, f"group {k + 1}") for k, g in enumerate(groups))
    a, b = g1.score.to_numpy(float), g2.score.to_numpy(float)
    details: dict[str, Any] = {
        "series": _describe(sel),
        "groups": [
            {
                "label": t,
                "n": int(x.size),
                "mean": None if x.size == 0 else round(float(x.mean()), 3),
                "events": list(g.id),
                "left_out_imprecise": s,
            }
            for t, x, g, s in ((t1, a, g1, s1), (t2, b, g2, s2))
        ],
    }
    method = (
        f"mean score of [{_describe(sel)}] in {t2} minus in {t1}; 95% percentile bootstrap of the difference "
        f"({_N_BOOT} resamples per group, seed 0)"
    )
    used = [*g1.id, *g2.id]
    if a.size < min_events or b.size < min_events:
        return CheckResult(
            "not computable",
            f"{a.size} event(s) in {t1} and {b.size} in {t2}; at least {min_events} are needed in each",
            None,
            used,
            details,
            method,
        )
    diff = float(b.mean() - a.mean())
    lo, hi = _bootstrap_diff(a, b)
    fig = Figure(
        "change of the mean score",
        diff,
        lo,
        hi,
        "score (-10..10)",
        f"{a.mean():+.2f} (n = {a.size}) → {b.mean():+.2f} (n = {b.size}): {diff:+.2f} [{lo:+.2f}, {hi:+.2f}]",
    )
    ok = lo > 0 if expect == "increase" else hi < 0
    side = "above" if expect == "increase" else "below"
    if ok:
        return CheckResult("supported", f"the interval of the change lies {side} 0", fig, used, details, method)
    return CheckResult("contested", f"the interval of the change does not lie {side} 0", fig, used, details, method)


def _participates(act: _Act) -> bool:
    return act.score > 0


@register_check("took_part_in_efforts")
def check_took_part(case: Case, params: dict[str, Any]) -> CheckResult:
    """The bloc took part in each major international effort in a window (finding 2).

    An effort is a set of tags; the bloc took part when an event carrying all of them, dated in the
    window, has one of its actors as a source and a cooperative type (score > 0), at least ``min``
    times. Supported when every effort reaches its minimum.
    """
    bloc = _bloc(params)
    lo, hi = _day(_need(params, "start", "first day"), "start"), _day(_need(params, "end", "last day"), "end", end=True)
    efforts = params.get("efforts") or []
    if not efforts:
        raise InvalidParameterError("The 'efforts' parameter must list at least one effort (id, tags, min).")
    acts = [a for a in _acts_of(case, bloc) if lo <= a.event.date.first_day() <= hi]
    rows, used = [], []
    for eff in efforts:
        tags = set(eff.get("tags", []))
        hits = [a.event.id for a in acts if tags <= set(a.event.tags) and _participates(a)]
        rows.append(
            {
                "id": eff["id"],
                "label": eff.get("label", eff["id"]),
                "min": int(eff.get("min", 1)),
                "events": hits,
                "met": len(hits) >= int(eff.get("min", 1)),
            }
        )
        used += [h for h in hits if h not in used]
    met = sum(r["met"] for r in rows)
    fig = Figure(
        "efforts with the bloc's participation", met / len(rows), None, None, "share", f"{met} of {len(rows)} efforts"
    )
    method = f"events {lo}–{hi} with a {bloc} source actor, a cooperative PLOVER type and the effort's tags"
    if met == len(rows):
        return CheckResult(
            "supported", f"{bloc} took part in every listed effort", fig, used, {"efforts": rows}, method
        )
    missing = ", ".join(r["label"] for r in rows if not r["met"])
    return CheckResult(
        "contested", f"no (or too little) participation found in: {missing}", fig, used, {"efforts": rows}, method
    )


@register_check("acts")
def check_acts(case: Case, params: dict[str, Any]) -> CheckResult:
    """The bloc did what the claim says: enough acts of a kind, and none of the contrary kind (findings 2, 4, 5, 8).

    Counts the events with an actor of ``bloc`` among the sources, dated in [``start``, ``end``], with a
    tag among ``tags_any`` (all of ``tags_all``), a target in one of the ``targets`` blocs, on/off the
    case's topic (``topic``) and a PLOVER type of the given ``sign`` (``conflictual``: score < 0;
    ``cooperative``: > 0; ``any``). Supported when there are at least ``min`` such acts in at least
    ``min_years`` different years and at most ``contrary_max`` (default 0) acts match ``contrary`` (the
    same filters, e.g. the bloc authorising force, or cooperating with the West on its enlargement).
    """
    bloc = _bloc(params)
    table = load_blocs(case)
    lo, hi = _bounds(params)
    acts = _acts_of(case, bloc, table)
    hits = [a for a in acts if _matches(case, a, params, table, lo, hi)]
    years = sorted({a.event.date.year for a in hits})
    need, need_years = int(params.get("min", 1)), int(params.get("min_years", 1))
    contrary_spec = params.get("contrary")
    contrary: list[_Act] = []
    if isinstance(contrary_spec, dict):
        c_lo, c_hi = _bounds(
            {
                "start": contrary_spec.get("start", params.get("start")),
                "end": contrary_spec.get("end", params.get("end")),
            }
        )
        contrary = [a for a in acts if _matches(case, a, contrary_spec, table, c_lo, c_hi)]
    c_max = int(params.get("contrary_max", 0))
    span = f"{lo or 'first'}–{hi or 'last'}"
    fig = Figure(
        "acts found",
        float(len(hits)),
        None,
        None,
        "events",
        f"{len(hits)} acts in {len(years)} year(s) ({span}; needed {need} in {need_years})"
        + (f"; {len(contrary)} contrary" if isinstance(contrary_spec, dict) else ""),
    )
    details = {
        "acts": [{"id": a.event.id, "date": str(a.event.date), "type": a.event.type.value} for a in hits],
        "years": years,
        "contrary": [{"id": a.event.id, "date": str(a.event.date), "type": a.event.type.value} for a in contrary],
    }
    method = _method_of(params, bloc) + f", {span}"
    if isinstance(contrary_spec, dict):
        method += f"; contrary: {_method_of(contrary_spec, bloc)}"
    used = [a.event.id for a in hits] + [a.event.id for a in contrary]
    problems = []
    if len(hits) < need or len(years) < need_years:
        problems.append(f"{len(hits)} such act(s) in {len(years)} year(s), fewer than {need} in {need_years}")
    if len(contrary) > c_max:
        problems.append(f"{len(contrary)} contrary act(s) ({', '.join(a.event.id for a in contrary[:3])})")
    if problems:
        return CheckResult("contested", "; ".join(problems), fig, used, details, method)
    return CheckResult(
        "supported", f"{len(hits)} acts in {len(years)} year(s), none contrary", fig, used, details, method
    )


def _readings(acts: list[_Act], targets: set[str], scale: str) -> list[tuple[_Act, float, str]]:
    """Acts read toward ``targets`` as the series do: directed (a target bloc among the targets) or
    joint (a target bloc among the co-sources; a joint conflictual act counts as agreeing)."""
    out = []
    joint_score = type_score(JOINT_TYPE.value, scale)
    for a in acts:
        if a.tgt & targets:
            out.append((a, a.score, "directed"))
        elif a.src & targets:
            out.append((a, a.score if a.score > 0 else joint_score, "joint"))
    return out


@register_check("bloc_stance")
def check_bloc_stance(case: Case, params: dict[str, Any]) -> CheckResult:
    """The mean score of a bloc's acts toward other blocs has the expected sign (findings 5 and 6).

    Reads the acts of ``bloc`` toward ``targets`` (blocs) dated in [``start``, ``end``] as the stance
    series do (directed, else joint), pools them, and gives the mean with a 95% bootstrap interval;
    supported when the interval lies on the ``expect`` side of 0 (positive or negative); not
    computable with fewer than ``min_events`` acts. With ``mutual: true`` the acts of the target blocs
    toward ``bloc`` are read too (the relations between them, each event once).
    """
    bloc = _bloc(params)
    targets = set(_need(params, "targets", "the blocs the acts are read toward"))
    expect = params.get("expect", "positive")
    if expect not in ("positive", "negative"):
        raise InvalidParameterError(f"The 'expect' parameter must be positive or negative. Got {expect!r}.")
    lo, hi = _bounds(params)
    table = load_blocs(case)
    topic = {"topic": params.get("topic", "any")}
    pairs = [(bloc, targets)] + ([(t, {bloc}) for t in sorted(targets)] if params.get("mutual") else [])
    reads, seen = [], set()
    for src, toward in pairs:
        acts = [a for a in _acts_of(case, src, table) if _matches(case, a, topic, table, lo, hi)]
        for r in _readings(acts, toward, DEFAULT_SCALE):
            if r[0].event.id not in seen:
                seen.add(r[0].event.id)
                reads.append(r)
    reads.sort(key=lambda r: (r[0].event.date, r[0].event.id))
    x = np.array([s for _, s, _ in reads], dtype=float)
    ids = [a.event.id for a, _, _ in reads]
    span = f"{lo or 'first'}–{hi or 'last'}"
    between = " and back" if params.get("mutual") else ""
    method = (
        f"acts of {bloc} toward {'/'.join(sorted(targets))}{between}, {span}, read directed or joint; mean with a 95% "
        f"percentile bootstrap interval ({_N_BOOT} resamples)"
    )
    details = {
        "n": int(x.size),
        "reading": [{"id": a.event.id, "score": round(s, 3), "relation": r} for a, s, r in reads],
    }
    min_events = int(params.get("min_events", 5))
    if x.size < min_events:
        return CheckResult(
            "not computable",
            f"{x.size} act(s) of {bloc} toward {'/'.join(sorted(targets))} in {span}; at least {min_events} are needed",
            None,
            ids,
            details,
            method,
        )
    m = float(x.mean())
    c_lo, c_hi = bootstrap_mean_ci(x, n_boot=_N_BOOT, seed=0)
    fig = Figure(
        f"mean score of {bloc} toward {'/'.join(sorted(targets))}",
        m,
        c_lo,
        c_hi,
        "score (-10..10)",
        f"{m:+.2f} [{c_lo:+.2f}, {c_hi:+.2f}], n = {x.size}",
    )
    ok = c_lo > 0 if expect == "positive" else c_hi < 0
    side = "above" if expect == "positive" else "below"
    if ok:
        return CheckResult("supported", f"the interval of the mean lies {side} 0", fig, ids, details, method)
    return CheckResult("contested", f"the interval of the mean does not lie {side} 0", fig, ids, details, method)


@register_check("joined_then_rejected")
def check_joined_then_rejected(case: Case, params: dict[str, Any]) -> CheckResult:
    """In each episode the bloc first took part, then rejected the outcome (finding 3).

    For each episode (tags and a date window): a cooperative act of the bloc (score > 0) and a later
    rejecting one (any act scoring below 0). Supported when every episode shows both in that order.
    """
    bloc = _bloc(params)
    episodes = params.get("episodes") or []
    if not episodes:
        raise InvalidParameterError("The 'episodes' parameter must list at least one episode (id, tags, start, end).")
    rows, used = [], []
    acts = _acts_of(case, bloc)
    for ep in episodes:
        lo, hi = _day(ep.get("start"), "start"), _day(ep.get("end"), "end", end=True)
        tags = set(ep.get("tags", []))
        evs = sorted(
            (a.event for a in acts if tags & set(a.event.tags) and lo <= a.event.date.first_day() <= hi),
            key=lambda e: (e.date, e.id),
        )
        joined = [e for e in evs if type_score(e.type.value) > 0]
        rejected = [
            e
            for e in evs
            if type_score(e.type.value) < 0 and joined and e.date.first_day() >= joined[0].date.first_day()
        ]
        ok = bool(joined) and bool(rejected)
        rows.append(
            {
                "id": ep["id"],
                "label": ep.get("label", ep["id"]),
                "joined": [e.id for e in joined],
                "rejected": [e.id for e in rejected],
                "met": ok,
            }
        )
        used += [e.id for e in joined[:1] + rejected[:1]]
    met = sum(r["met"] for r in rows)
    fig = Figure(
        "episodes where the bloc took part, then rejected the outcome",
        met / len(rows),
        None,
        None,
        "share",
        f"{met} of {len(rows)} episodes",
    )
    method = f"{bloc}'s acts in each episode (tags, dates): a cooperative act, then a conflictual one"
    details = {"episodes": rows}
    if met == len(rows):
        return CheckResult(
            "supported", "every episode shows participation followed by rejection", fig, used, details, method
        )
    missing = ", ".join(r["label"] for r in rows if not r["met"])
    return CheckResult("contested", f"no participation-then-rejection in: {missing}", fig, used, details, method)


@register_check("stance_sign")
def check_stance_sign(case: Case, params: dict[str, Any]) -> CheckResult:
    """The mean of a stance series from a year on has the expected sign (findings 4, 5 and 6).

    All events of ``series`` from ``start`` (to ``end``) pooled; mean with a 95% bootstrap interval.
    Supported when the interval lies on the expected side of 0 (``expect``: negative or positive);
    contested otherwise; not computable with fewer than ``min_events`` events.
    """
    series = str(_need(params, "series", "one of the case's stance series"))
    expect = params.get("expect", "negative")
    if expect not in ("negative", "positive"):
        raise InvalidParameterError(f"The 'expect' parameter must be negative or positive. Got {expect!r}.")
    start, end = params.get("start"), params.get("end")
    min_events = int(params.get("min_events", 5))
    full = stance_series(case, series, window=1)
    if full.empty:
        return CheckResult("not computable", f"the series {series} has no events", None, [], {}, "")
    first = int(start) if start is not None else int(full.start.min())
    last = int(end) if end is not None else int(full.start.max())
    width = last - first + 1
    if width < 1:
        return CheckResult("not computable", f"no years between {first} and {last}", None, [], {}, "")
    pooled = stance_series(case, series, window=width, start=first, end=last, min_events=min_events)
    row = pooled.iloc[0]
    method = (
        f"all events of {series} in {first}–{last} pooled; mean score with a 95% percentile bootstrap "
        f"interval ({_N_BOOT} resamples)"
    )
    details = {
        "series": series,
        "years": f"{first}–{last}",
        "n": int(row.n),
        "by_year": [
            {"year": int(r.start), "n": int(r.n), "mean": None if r.n == 0 else round(float(r["mean"]), 3)}
            for _, r in full[(full.start >= first) & (full.start <= last)].iterrows()
        ],
    }
    if row.n < min_events:
        return CheckResult(
            "not computable",
            f"{int(row.n)} events of {series} in {first}–{last}; at least {min_events} are needed",
            None,
            list(row.events),
            details,
            method,
        )
    fig = Figure(
        f"mean score of {series}, {first}–{last}",
        float(row["mean"]),
        float(row.lo),
        float(row.hi),
        "score (-10..10)",
        f"{float(row['mean']):+.2f} [{float(row.lo):+.2f}, {float(row.hi):+.2f}], n = {int(row.n)}",
    )
    ok = row.hi < 0 if expect == "negative" else row.lo > 0
    side = "below" if expect == "negative" else "above"
    if ok:
        return CheckResult(
            "supported", f"the interval of the mean lies {side} 0", fig, list(row.events), details, method
        )
    return CheckResult(
        "contested", f"the interval of the mean does not lie {side} 0", fig, list(row.events), details, method
    )


@register_check("precedent_invoked")
def check_precedent(case: Case, params: dict[str, Any]) -> CheckResult:
    """The bloc invokes the applicant's case as a precedent for each theatre (finding 6).

    An invocation is an event with a source actor of ``bloc`` carrying a marker tag
    (``kosovo-precedent``), or a quotation by a speaker of the bloc that names the applicant, linked
    to an event; it counts for a theatre when the event carries one of the theatre's tags or involves
    one of its actors. Supported when every theatre has at least one invocation.
    """
    bloc = _bloc(params)
    markers = set(_need(params, "marker_tags", "the tags that mark an invocation of the precedent"))
    name = params.get("name") or (case.meta.applicant.name if case.meta.applicant else "the applicant")
    theatres = params.get("theatres") or []
    if not theatres:
        raise InvalidParameterError("The 'theatres' parameter must list at least one theatre (id, tags, actors).")
    table = load_blocs(case)

    def theatre_of(e: Event) -> list[str]:
        actors = set(e.source_actors) | set(e.target_actors)
        return [t["id"] for t in theatres if set(t.get("tags", [])) & set(e.tags) or set(t.get("actors", [])) & actors]

    found: dict[str, dict[str, list[str]]] = {t["id"]: {"events": [], "quotations": []} for t in theatres}
    for a in _acts_of(case, bloc, table):
        if markers & set(a.event.tags):
            for t in theatre_of(a.event):
                found[t]["events"].append(a.event.id)
    for q in case.quotations:
        if name.casefold() not in q.text.casefold() or q.event is None or q.event not in case.events_by_id:
            continue
        day = q.date.first_day() if q.date is not None else case.events_by_id[q.event].date.first_day()
        if actor_bloc(case, q.speaker, day, table) != bloc:
            continue
        for t in theatre_of(case.events_by_id[q.event]):
            found[t]["quotations"].append(q.id)
    covered = [t for t in found if found[t]["events"] or found[t]["quotations"]]
    labels = {t["id"]: t.get("label", t["id"]) for t in theatres}
    fig = Figure(
        f"theatres for which {bloc} invokes {name}",
        len(covered) / len(theatres),
        None,
        None,
        "share",
        f"{len(covered)} of {len(theatres)} ({', '.join(labels[t] for t in covered) or 'none'})",
    )
    used = [i for t in found.values() for i in t["events"]]
    method = (
        f"{bloc}'s events tagged "
        + "/".join(sorted(markers))
        + f" and its speakers' quotations naming {name}, by theatre"
    )
    details = {"theatres": found}
    if len(covered) == len(theatres):
        return CheckResult("supported", f"{bloc} invokes {name} for every theatre", fig, used, details, method)
    missing = ", ".join(labels[t] for t in found if t not in covered)
    return CheckResult("contested", f"no invocation of {name} found for: {missing}", fig, used, details, method)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    """``start``, the first day of every following month up to ``end``, and ``end``."""
    out, y, m = [start], start.year, start.month
    while True:
        m += 1
        if m > 12:
            y, m = y + 1, 1
        d = dt.date(y, m, 1)
        if d > end:
            break
        out.append(d)
    if out[-1] != end:
        out.append(end)
    return out


def _dates(case: Case, params: dict[str, Any]) -> tuple[list[dt.date], dt.date, dt.date]:
    """The days a membership check tests: ``since``, the first of every month, and ``until`` (default: the
    day the membership data were checked up to, or today if earlier; later days would be projections)."""
    since = _day(_need(params, "since", "the first day tested"), "since")
    if params.get("until"):
        until = _day(params["until"], "until", end=True)
    else:
        checked = membership_data(case).verified_to
        until = min(dt.date.today(), checked) if checked else dt.date.today()
    if until < since:
        raise InvalidParameterError(f"The 'until' parameter ({until}) is before 'since' ({since}).")
    return _months(since, until), since, until


def _stage(o: Outcome, stage: str) -> Any:
    for s in o.stages:
        if s.id == stage:
            return s
    raise InvalidParameterError(
        f"Body {o.body!r} has no admission stage {stage!r}; its stages are {', '.join(s.id for s in o.stages)}."
    )


@register_check("split_blocks_steps")
def check_split_blocks_steps(case: Case, params: dict[str, Any]) -> CheckResult:
    """The members that withhold recognition, and only they, block the steps the paper names (finding 7).

    For each step (a body's admission stage, with the states the paper names as blocking it and the
    passage that names them), on ``since``, the first of every month and ``until`` (default: the day the
    membership data were checked up to), the membership engine's outcome must show: the stage blocked;
    its blocking members exactly the paper's states; ``state`` (Russia) not a member of the deciding organ
    and the stage's blockers unchanged if ``state`` recognised the applicant; and the stage passing if
    the paper's states recognised it (the block comes from them, not from elsewhere). The number of ``counted_body``
    members not recognising the applicant is compared with the paper's ``claimed_count`` on every date.
    Supported when all of these hold on every date.
    """
    state = _state(params)
    steps = _need(params, "steps", "the admission steps the paper names (body, stage, blockers, locator)")
    dates, since, until = _dates(case, params)
    base_sc = _scenario(params)
    state_recognises = _with_changes(
        base_sc,
        f"{state} recognises",
        [Change(action="recognize", state=state), Change(action="set_stance", state=state, stance="recognizes")],
    )
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    for step in steps:
        body, stage = str(step["body"]), str(step["stage"])
        named = sorted(step.get("blockers") or [])
        named_recognise = _with_changes(
            base_sc,
            "the named states recognise",
            [
                c
                for s in named
                for c in (
                    Change(action="recognize", state=s),
                    Change(action="set_stance", state=s, stance="recognizes"),
                )
            ],
        )
        bad: dict[str, list[str]] = {}
        last_blockers: list[str] = []
        for d in dates:
            o = outcome(case, body, d, scenario=base_sc, detail=False)
            st = _stage(o, stage)
            blockers = sorted(st.blocking)
            last_blockers = blockers
            w = world(case, d, scenario=base_sc)
            organ_members = set(w.members(o.body))
            problems = []
            if st.passed:
                problems.append("not blocked")
            elif blockers != named:
                extra, absent = sorted(set(blockers) - set(named)), sorted(set(named) - set(blockers))
                if extra:
                    problems.append(f"also blocked by {', '.join(extra)}")
                if absent:
                    problems.append(f"not blocked by {', '.join(absent)}")
            if state in organ_members:
                problems.append(f"{state} is a member")
            if (
                sorted(_stage(outcome(case, body, d, scenario=state_recognises, detail=False), stage).blocking)
                != blockers
            ):
                problems.append(f"{state}'s recognition changes who blocks")
            if named and not _stage(outcome(case, body, d, scenario=named_recognise, detail=False), stage).passed:
                problems.append("still blocked if the named states recognise")
            for p in problems:
                bad.setdefault(p, []).append(d.isoformat())
        label = step.get("label", f"{body} {stage}")
        rows.append(
            {
                "body": body,
                "stage": stage,
                "label": label,
                "named": named,
                "blocking_on_last_date": last_blockers,
                "dates": len(dates),
                "problems": {p: {"dates": len(v), "first": v[0]} for p, v in bad.items()},
                "locator": step.get("locator"),
            }
        )
        for p, v in bad.items():
            failures.append(f"{label}: {p} on {len(v)} of {len(dates)} dates (first {v[0]})")
    counted = params.get("counted_body")
    claimed = params.get("claimed_count")
    count_row: dict[str, Any] = {}
    if counted:
        counted_body = membership_data(case).body(str(counted))
        counted_id, counted_name = counted_body.id, counted_body.name
        counts = {}
        for d in dates:
            w = world(case, d, scenario=base_sc)
            counts[d.isoformat()] = sum(1 for m in w.members(counted_id) if not w.recognizes(m))
        off = [d for d, n in counts.items() if claimed is not None and n != int(claimed)]
        count_row = {
            "body": counted_id,
            "claimed": claimed,
            "on_last_date": counts[dates[-1].isoformat()],
            "dates_off": len(off),
            "first_off": off[0] if off else None,
        }
        if off:
            failures.append(
                f"{len(off)} of {len(dates)} dates have a number of {counted_name} members not recognising "
                f"{case.applicant.name} other than the paper's {claimed} (first {off[0]}: {counts[off[0]]})"
            )
    fig = Figure(
        "steps blocked by exactly the states the paper names",
        sum(1 for r in rows if not r["problems"]) / len(rows),
        None,
        None,
        "share",
        "; ".join(
            f"{r['label']}: blocked by {', '.join(r['blocking_on_last_date']) or 'nobody'} on {until}" for r in rows
        )
        + (
            f"; {count_row['on_last_date']} {counted_name} members not recognising (paper: {claimed})"
            if counted
            else ""
        ),
    )
    method = (
        f"membership engine on {since}, the first of every month and {until}: the stage's blocking members, the "
        f"same with {state} recognising, and with the named states recognising "
        "(dialoguelab.membership.outcomes.outcome)" + (f"; scenario: {base_sc.name}" if base_sc else "")
    )
    details = {
        "steps": rows,
        "count": count_row,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "scenario": base_sc.name if base_sc else None,
    }
    if failures:
        return CheckResult("contested", "; ".join(failures[:6]), fig, [], details, method)
    return CheckResult(
        "supported",
        "on every date each step is blocked by exactly the states the paper names, none of them "
        f"{state}; it would open if they recognised",
        fig,
        [],
        details,
        method,
    )


@register_check("blocks_on_dates")
def check_blocks_on_dates(case: Case, params: dict[str, Any]) -> CheckResult:
    """A state is among the members that would block the applicant's admission, on every date (finding 8).

    Not merely a veto player (which the rules make any permanent member or participating State, whatever
    it thinks): on ``since``, the first of every month and ``until`` (default: the day the membership data
    were checked up to), the state's own vote,
    from its recognition and declared stance, is one that blocks (``outcome(case, body, on).blocking``)
    in every body of ``bodies``. Under a scenario in which it recognises the applicant it no longer
    blocks, and the check says so.
    """
    state = _state(params)
    bodies = _need(params, "bodies", "the bodies whose admission is tested")
    dates, since, until = _dates(case, params)
    sc = _scenario(params)
    rows, bad = [], []
    for body in bodies:
        misses = [
            d.isoformat() for d in dates if state not in outcome(case, body, d, scenario=sc, detail=False).blocking
        ]
        last = outcome(case, body, dates[-1], scenario=sc, detail=False)
        rows.append(
            {
                "body": body,
                "dates": len(dates),
                "blocks_on": len(dates) - len(misses),
                "not_blocking_on": misses[:24],
                "blocking_on_last_date": sorted(last.blocking),
                "veto_player_on_last_date": state in last.veto_players,
            }
        )
        if misses:
            bad.append(f"{body}: {state} does not block on {len(misses)} of {len(dates)} dates (first {misses[0]})")
    total = len(dates) * len(bodies)
    hits = sum(r["blocks_on"] for r in rows)
    fig = Figure(
        f"dates on which {state} would block",
        hits / total,
        None,
        None,
        "share",
        f"{hits} of {total} body-dates ({', '.join(map(str, bodies))}; {since} to {until}, monthly)",
    )
    method = (
        f"membership engine: is {state} among the blocking members (its own vote blocks) on the first day of "
        "each month and the end points" + (f"; scenario: {sc.name}" if sc else "")
    )
    details = {
        "bodies": rows,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "scenario": sc.name if sc else None,
    }
    if bad:
        return CheckResult("contested", "; ".join(bad), fig, [], details, method)
    return CheckResult("supported", f"{state} would block on every date in every body", fig, [], details, method)


# --------------------------------------------------------------------------- a finding as a whole


_SHARED = ("bloc", "state", SCENARIO_PARAM)


@register_check("all_parts")
def check_all_parts(case: Case, params: dict[str, Any]) -> CheckResult:
    """A finding as a whole: each part of the claim tested by its own check, the rest named as untestable.

    ``parts`` lists ``{id, label, check, params}``; ``untestable`` lists ``{id, label, reason}`` for the
    parts of the claim no computation can test (a cause, an effect on another actor's room to act). The
    shared parameters (``bloc``, ``state``, the scenario) pass down to every part unless it sets its own.
    Contested if any part is contested; otherwise partly supported if a part is untestable or not
    computable while another is supported; not computable if no part is; supported if all are.
    """
    parts = _need(params, "parts", "the testable parts of the claim (id, label, check, params)")
    shared = {k: params[k] for k in _SHARED if k in params}
    results = []
    for p in parts:
        if p.get("check") not in CHECKS or p.get("check") == "all_parts":
            raise InvalidParameterError(
                f"Part {p.get('id')!r} must name a check among {', '.join(sorted(set(CHECKS) - {'all_parts'}))}."
            )
        res = run_check(case, p["check"], {**shared, **(p.get("params") or {})})
        results.append((p, res))
    untestable = list(params.get("untestable") or [])
    statuses = [r.status for _, r in results]
    supported = [p for p, r in results if r.status == "supported"]
    contested = [(p, r) for p, r in results if r.status == "contested"]
    missing = [(p, r) for p, r in results if r.status == "not computable"]
    if contested:
        status = "contested"
        reason = "; ".join(f"{p.get('label', p['id'])}: {r.reason}" for p, r in contested)
    elif not supported:
        status = "not computable"
        reason = "; ".join(f"{p.get('label', p['id'])}: {r.reason}" for p, r in missing) or "no part was computed"
    elif missing or untestable:
        status = "partly supported"
        gaps = [f"{p.get('label', p['id'])} not computable: {r.reason}" for p, r in missing]
        gaps += [
            f"{u.get('label', u.get('id'))} not computable: {u.get('reason', '')}".rstrip(": ") for u in untestable
        ]
        held = "the tested part holds" if len(supported) == 1 else f"the {len(supported)} tested parts hold"
        reason = "; ".join(gaps) + f" ({held})"
    else:
        status = "supported"
        reason = f"all {len(results)} parts of the claim hold"
    fig = Figure(
        "parts of the claim that hold",
        len(supported) / len(results),
        None,
        None,
        "share",
        f"{len(supported)} of {len(results)} tested parts hold"
        + (f", {len(untestable)} untestable" if untestable else "")
        + " — "
        + " | ".join(f"{p.get('label', p['id'])}: {r.figure.text if r.figure else r.status}" for p, r in results),
    )
    used = list(dict.fromkeys(i for _, r in results for i in r.evidence))
    details = {
        "parts": [
            {
                "id": p["id"],
                "label": p.get("label", p["id"]),
                "check": p["check"],
                "status": r.status,
                "reason": r.reason,
                "figure": asdict(r.figure) if r.figure else None,
                "method": r.method,
                "evidence": r.evidence,
                "details": r.details,
            }
            for p, r in results
        ],
        "untestable": untestable,
        "statuses": statuses,
    }
    method = " · ".join(f"[{p['id']}] {r.method}" for p, r in results if r.method)
    return CheckResult(status, reason, fig, used, details, method)


# --------------------------------------------------------------------------- running


def run_check(case: Case, name: str, params: dict[str, Any] | None = None) -> CheckResult:
    """Run one registered check; a library error becomes ``not computable`` with its message.

    Parameters
    ----------
    case : Case
    name : str
        A key of :data:`CHECKS`.
    params : dict, optional
        The check's parameters; :data:`SCENARIO_PARAM` may hold a membership scenario.

    Raises
    ------
    InvalidParameterError
        If ``name`` is not a registered check.
    """
    if name not in CHECKS:
        raise InvalidParameterError(f"The 'check' parameter must be one of {', '.join(sorted(CHECKS))}. Got {name!r}.")
    try:
        return CHECKS[name](case, dict(params or {}))
    except (DialoguelabError, KeyError) as exc:
        return CheckResult("not computable", f"the check could not run: {exc}", None, [], {}, "")


@dataclass
class FindingResult:
    """A finding with its check's result and its evidence resolved."""

    id: str
    number: int
    title: str
    claim: str
    locator: dict[str, Any]
    conclusion: dict[str, Any] | None
    check: str | None
    status: str
    reason: str
    figure: Figure | None
    method: str
    evidence: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    details: dict[str, Any]
    passages: list[dict[str, Any]] = field(default_factory=list)
    scenario: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _event_ref(case: Case, eid: str) -> dict[str, Any]:
    e = case.events_by_id[eid]
    return {
        "id": e.id,
        "date": str(e.date),
        "type": e.type.value,
        "summary": e.summary,
        "citations": list(e.citations),
        "line": e.locator.line,
        "date_basis": e.date_basis.value,
    }


def evaluate_findings(
    case: Case,
    only: list[int] | None = None,
    date_basis: str | None = None,
    scenario: Scenario | None = None,
) -> list[FindingResult]:
    """Every finding of the case with its status, figure, evidence events, passages and sources.

    Results are kept per case content, scenario and day (some checks run up to today), so the CLI, the
    report and every dashboard page share one evaluation; each call gets its own copy.

    Parameters
    ----------
    case : Case
    only : list of int, optional
        Finding numbers to evaluate (default all).
    date_basis : str, optional
        Evaluate on the events whose date comes from these bases only (comma-separated: ``paper``,
        ``context``, ``footnote``, ``outside``; see :meth:`dialoguelab.case.Case.with_dates_from`),
        e.g. ``"paper,context,footnote"`` to leave out the acts dated from outside documents.
    scenario : Scenario, optional
        A membership scenario (e.g. "Russia recognises Kosovo"): the membership checks read the world it
        makes; the checks of the case's events are unchanged.

    Returns
    -------
    list of FindingResult
        In the order of the finding numbers. ``evidence`` lists the finding's events first, then those
        the check used; every event carries its citations, and ``sources`` resolves every source id.

    Examples
    --------
    >>> from dialoguelab.case import load_case
    >>> from dialoguelab.membership.scenarios import Change, Scenario
    >>> russia = Scenario(name="Russia recognises", changes=[Change(action="recognize", state="RUS"),
    ...                   Change(action="set_stance", state="RUS", stance="recognizes")])
    >>> [r.status for r in evaluate_findings(load_case(), only=[8], scenario=russia)]
    ['contested']
    """
    if scenario is not None and not isinstance(scenario, Scenario):
        raise InvalidParameterError(f"The 'scenario' parameter must be a Scenario. Got {type(scenario).__name__}.")
    # the findings file is checked against the whole case; a subset of its events leaves some evidence out
    spec = load_findings_file(case)
    if date_basis:
        case = case.with_dates_from(date_basis)
    key = ("findings.evaluate", tuple(only) if only else None, dt.date.today(), scenario.key() if scenario else None)
    return copy.deepcopy(case.cached(key, lambda: _evaluate(case, spec, only, scenario)))


def _evaluate(case: Case, spec: FindingsFile, only: list[int] | None, scenario: Scenario | None) -> list[FindingResult]:
    out: list[FindingResult] = []
    for f in spec.findings:
        if only and f.number not in only:
            continue
        if f.check:
            params = {**spec.defaults, **f.params}
            if scenario is not None:
                params[SCENARIO_PARAM] = scenario
            res = run_check(case, f.check, params)
        else:
            res = CheckResult("not computable", "no check is defined for this finding")
        ids = list(dict.fromkeys(i for i in [*f.evidence, *res.evidence] if i in case.events_by_id))
        evidence = [_event_ref(case, i) for i in ids]
        src_ids = list(dict.fromkeys([*f.sources, *(c for ev in evidence for c in ev["citations"])]))
        sources = [
            case.sources_by_id[s].model_dump(mode="json", exclude_none=True) for s in src_ids if s in case.sources_by_id
        ]
        out.append(
            FindingResult(
                id=f.id,
                number=f.number,
                title=f.title,
                claim=f.claim,
                locator=f.locator.model_dump(),
                conclusion=f.conclusion.model_dump() if f.conclusion else None,
                check=f.check,
                status=res.status,
                reason=res.reason,
                figure=res.figure,
                method=res.method,
                evidence=evidence,
                sources=sources,
                details=res.details,
                passages=[p.model_dump() for p in f.passages],
                scenario=scenario.name if scenario else None,
            )
        )
    return out


def findings_table(case: Case) -> list[dict[str, Any]]:
    """One plain row per finding: number, title, status, figure text, reason, evidence ids."""
    return [
        {
            "number": r.number,
            "id": r.id,
            "title": r.title,
            "status": r.status,
            "figure": r.figure.text if r.figure else "",
            "reason": r.reason,
            "evidence": [e["id"] for e in r.evidence],
        }
        for r in evaluate_findings(case)
    ]
