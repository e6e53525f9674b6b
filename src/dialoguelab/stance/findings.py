"""The paper's findings as data (``findings.yaml``) and the checks that test them.

Each finding has the claim in our words, where the paper states it, its evidence events and sources,
and the name of a check in :data:`CHECKS`. A check takes the case and the finding's ``params`` and
returns a :class:`CheckResult`: a status (``supported``, ``contested`` or ``not computable``), a figure
(the number the status rests on, with its interval where there is one), the event ids it used, and the
details of the computation. The checks call the library: the stance series for findings 1 and 3–5,
the events and quotations for findings 2 and 6, and the membership engine for findings 7 and 8.

Statuses mean: *supported*: the computation agrees with the claim; *contested*: it does not (or its
interval does not exclude the opposite); *not computable*: the case holds too little evidence for the
computation (the reason says what is missing).
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
    "register_check",
    "load_findings_file",
    "validate_findings",
    "run_check",
    "evaluate_findings",
    "findings_table",
    "FINDINGS_FILE",
    "PART",
]

import copy
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from dialoguelab.case import Case, PartialDate
from dialoguelab.errors import (
    DialoguelabError,
    InvalidParameterError,
)
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.outcomes import outcome
from dialoguelab.membership.scenarios import Change, Scenario
from dialoguelab.membership.world import world
from dialoguelab.stance.blocs import event_blocs, load_blocs
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
from dialoguelab.stance.scoring import DEFAULT_SCALE, type_score
from dialoguelab.stance.series import stance_series

# --------------------------------------------------------------------------- helpers for checks


def _day(value: Any, name: str, end: bool = False) -> dt.date:
    """A bound as a calendar day: a year or month covers all its days (its last day for an end bound)."""
    try:
        d = PartialDate.parse(value)
        return d.last_day() if end else d.first_day()
    except (ValueError, TypeError):
        raise InvalidParameterError(
            f"The {name!r} parameter must be a date YYYY[-MM[-DD]]. Got {value!r}."
        ) from None


def _russian_events(case: Case, bloc: str = "russia") -> list[tuple[Any, frozenset[str], frozenset[str]]]:
    table = load_blocs(case)
    out = []
    for e in case.events:
        src, tgt = event_blocs(case, e, table)
        if bloc in src:
            out.append((e, src, tgt))
    return out


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def _bootstrap_r(
    x: np.ndarray, y: np.ndarray, n_boot: int, seed: int, level: float = 0.95
) -> tuple[float, float]:
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


def co_movement(
    case: Case,
    a: str = "russia-process",
    b: str = "russia-west-other",
    *,
    start: int | None = None,
    end: int | None = None,
    window: int = 1,
    min_common: int = 4,
    n_boot: int = 2000,
    seed: int = 0,
    scale: str = DEFAULT_SCALE,
) -> dict[str, Any]:
    """Pearson correlation of two stance series over the windows where both have events.

    The interval is a percentile bootstrap over windows (pairs resampled together). Returns a dict with
    ``r``, ``lo``, ``hi``, ``n`` (common windows), the windows and values, and ``computable``.
    """
    sa = stance_series(case, a, window=window, start=start, end=end, scale=scale)
    sb = stance_series(case, b, window=window, start=start, end=end, scale=scale)
    common = pd.DataFrame()
    if not (sa.empty or sb.empty):
        m = sa.merge(sb, on="label", suffixes=("_a", "_b"))
        common = m[(m.n_a > 0) & (m.n_b > 0)]
    if len(common) == 0:
        return {
            "a": a,
            "b": b,
            "n": 0,
            "r": None,
            "lo": None,
            "hi": None,
            "windows": [],
            "computable": False,
            "events_a": int(sa.n.sum()) if not sa.empty else 0,
            "events_b": int(sb.n.sum()) if not sb.empty else 0,
        }
    x = common["mean_a"].to_numpy(float)
    y = common["mean_b"].to_numpy(float)
    out: dict[str, Any] = {
        "a": a,
        "b": b,
        "n": int(len(common)),
        "windows": list(common.label),
        "values_a": [round(float(v), 3) for v in x],
        "values_b": [round(float(v), 3) for v in y],
        "events_a": int(sa.n.sum()),
        "events_b": int(sb.n.sum()),
    }
    if len(common) < min_common:
        out.update(r=None, lo=None, hi=None, computable=False)
        return out
    r = _pearson(x, y)
    lo, hi = _bootstrap_r(x, y, n_boot, seed)
    out.update(
        r=None if np.isnan(r) else r,
        lo=None if np.isnan(lo) else lo,
        hi=None if np.isnan(hi) else hi,
        computable=not np.isnan(r),
    )
    return out


def _era(case: Case, spec: dict[str, Any]) -> tuple[int | None, int | None, str]:
    actor = case.actors_by_id.get(str(spec.get("actor")))
    if actor is None:
        raise InvalidParameterError(
            f"The 'era.actor' parameter names no actor of the case: {spec.get('actor')!r}."
        )
    for r in actor.roles:
        if r.title == spec.get("role") and r.start is not None:
            end = r.end.year if r.end is not None else None
            return r.start.year, end, f"{actor.name}, {r.title} {r.start}–{r.end or 'present'}"
    raise InvalidParameterError(
        f"Actor {actor.id!r} has no role titled {spec.get('role')!r} with a start date."
    )


# --------------------------------------------------------------------------- the checks


@register_check("co_movement")
def check_co_movement(case: Case, params: dict[str, Any]) -> CheckResult:
    """Findings 1 and 3: Russia's stance toward the process moves with its stance toward the West.

    Pearson r between two yearly series (default ``russia-process`` and ``russia-west-other``, which
    share no event) with a bootstrap interval; supported if the interval lies above 0, contested if not,
    not computable with fewer than ``min_common`` years where both series have events. ``era`` (an actor
    and role) restricts the years to that office holder's tenure, read from ``actors.yaml``.
    """
    start, end, era_text = params.get("start"), params.get("end"), ""
    if "era" in params:
        start, end, era_text = _era(case, params["era"])
    a, b = params.get("a", "russia-process"), params.get("b", "russia-west-other")
    res = co_movement(
        case,
        a,
        b,
        start=start,
        end=end,
        window=int(params.get("window", 1)),
        min_common=int(params.get("min_common", 4)),
    )
    shared = co_movement(
        case,
        a,
        "russia-west",
        start=start,
        end=end,
        window=int(params.get("window", 1)),
        min_common=int(params.get("min_common", 4)),
    )
    span = f"{start or 'first'}–{end or 'last'}" + (f" ({era_text})" if era_text else "")
    details = {"years": span, "independent": res, "sharing_events": shared}
    method = (
        f"Pearson r of the yearly means of {a} and {b} over years where both have events ({span}); "
        "95% percentile bootstrap over years (2000 resamples, seed 0)."
    )
    if not res["computable"]:
        return CheckResult(
            "not computable",
            f"only {res['n']} year(s) in {span} have events in both {a} ({res['events_a']} events) and {b} "
            f"({res['events_b']} events); at least {params.get('min_common', 4)} are needed",
            None,
            [],
            details,
            method,
        )
    fig = Figure(
        f"correlation of {a} with {b}",
        res["r"],
        res["lo"],
        res["hi"],
        "r",
        f"r = {res['r']:.2f} [{res['lo']:.2f}, {res['hi']:.2f}], {res['n']} years",
    )
    if res["lo"] is not None and res["lo"] > 0:
        return CheckResult(
            "supported", "the interval of the correlation lies above 0", fig, [], details, method
        )
    return CheckResult(
        "contested",
        "the interval of the correlation does not exclude 0 or lies below it",
        fig,
        [],
        details,
        method,
    )


def _participates(e: Any, src: frozenset[str]) -> bool:
    return "russia" in src and type_score(e.type.value) > 0


@register_check("took_part_in_efforts")
def check_took_part(case: Case, params: dict[str, Any]) -> CheckResult:
    """Finding 2: Russia took part in each major international effort in a window.

    An effort is a set of tags; Russia took part when an event carrying all of them, dated in the
    window, has a Russian source actor and a cooperative type (score > 0), at least ``min`` times.
    Supported when every effort reaches its minimum.
    """
    lo, hi = _day(params.get("start"), "start"), _day(params.get("end"), "end", end=True)
    efforts = params.get("efforts") or []
    if not efforts:
        raise InvalidParameterError("The 'efforts' parameter must list at least one effort (id, tags, min).")
    events = [(e, s, t) for e, s, t in _russian_events(case) if lo <= e.date.first_day() <= hi]
    rows, used = [], []
    for eff in efforts:
        tags = set(eff.get("tags", []))
        hits = [e.id for e, s, _ in events if tags <= set(e.tags) and _participates(e, s)]
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
        "efforts with Russian participation",
        met / len(rows),
        None,
        None,
        "share",
        f"{met} of {len(rows)} efforts",
    )
    method = f"events {lo}–{hi} with a Russian source actor, a cooperative PLOVER type and the effort's tags"
    if met == len(rows):
        return CheckResult(
            "supported", "Russia took part in every listed effort", fig, used, {"efforts": rows}, method
        )
    missing = ", ".join(r["label"] for r in rows if not r["met"])
    return CheckResult(
        "contested",
        f"no (or too little) Russian participation found in: {missing}",
        fig,
        used,
        {"efforts": rows},
        method,
    )


@register_check("joined_then_rejected")
def check_joined_then_rejected(case: Case, params: dict[str, Any]) -> CheckResult:
    """Finding 3: in each episode Russia first took part, then rejected the outcome.

    For each episode (tags and a date window): a cooperative Russian act (score > 0) and a later
    rejecting one (REJECT, THREATEN, or any act scoring below 0). Supported when every episode shows
    both in that order. The co-movement with the West that the paper gives as the motive is computed
    as in :func:`check_co_movement` and reported in the details.
    """
    episodes = params.get("episodes") or []
    if not episodes:
        raise InvalidParameterError(
            "The 'episodes' parameter must list at least one episode (id, tags, start, end)."
        )
    rows, used = [], []
    rus = _russian_events(case)
    for ep in episodes:
        lo, hi = _day(ep.get("start"), "start"), _day(ep.get("end"), "end", end=True)
        tags = set(ep.get("tags", []))
        evs = sorted(
            (e for e, _, _ in rus if tags & set(e.tags) and lo <= e.date.first_day() <= hi),
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
    motive = params.get("co_movement")
    details: dict[str, Any] = {"episodes": rows}
    if isinstance(motive, dict):
        details["motive"] = asdict(check_co_movement(case, motive))
    met = sum(r["met"] for r in rows)
    fig = Figure(
        "episodes where Russia took part, then rejected the outcome",
        met / len(rows),
        None,
        None,
        "share",
        f"{met} of {len(rows)} episodes",
    )
    method = "Russian events of each episode (tags, dates): a cooperative act, then a conflictual one"
    motive_note = ""
    if "motive" in details:
        motive_note = f"; the stated motive (co-movement with the West) is {details['motive']['status']}"
    if met == len(rows):
        return CheckResult(
            "supported",
            "every episode shows participation followed by rejection" + motive_note,
            fig,
            used,
            details,
            method,
        )
    missing = ", ".join(r["label"] for r in rows if not r["met"])
    return CheckResult(
        "contested",
        f"no participation-then-rejection in: {missing}" + motive_note,
        fig,
        used,
        details,
        method,
    )


@register_check("stance_sign")
def check_stance_sign(case: Case, params: dict[str, Any]) -> CheckResult:
    """Findings 4 and 5: the mean of a stance series from a year on has the expected sign.

    All events of ``series`` from ``start`` (to ``end``) pooled; mean with a 95% bootstrap interval.
    Supported when the interval lies on the expected side of 0 (``expect``: negative or positive);
    contested otherwise; not computable with fewer than ``min_events`` events.
    """
    series = params.get("series", "russia-process")
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
        "interval (2000 resamples)"
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
    if ok:
        return CheckResult(
            "supported",
            f"the interval of the mean lies {'below' if expect == 'negative' else 'above'} 0",
            fig,
            list(row.events),
            details,
            method,
        )
    return CheckResult(
        "contested",
        f"the interval of the mean does not lie {'below' if expect == 'negative' else 'above'} 0",
        fig,
        list(row.events),
        details,
        method,
    )


@register_check("precedent_invoked")
def check_precedent(case: Case, params: dict[str, Any]) -> CheckResult:
    """Finding 6: Russia invokes the Kosovo precedent for each theatre (Georgia, Crimea, Donbas).

    An invocation is an event with a Russian source carrying a marker tag (``kosovo-precedent``), or a
    quotation by a Russian speaker that names Kosovo, linked to an event; it counts for a theatre when
    the event carries one of the theatre's tags or involves one of its actors. Supported when every
    theatre has at least one invocation.
    """
    markers = set(params["marker_tags"])
    # quotations count when they name the applicant (or the terms the finding gives)
    name = params.get("name") or (case.meta.applicant.name if case.meta.applicant else "the applicant")
    theatres = params.get("theatres") or []
    if not theatres:
        raise InvalidParameterError(
            "The 'theatres' parameter must list at least one theatre (id, tags, actors)."
        )
    table = load_blocs(case)
    russian = {e.id: (e, s) for e, s, _ in _russian_events(case)}

    def theatre_of(e: Any) -> list[str]:
        actors = set(e.source_actors) | set(e.target_actors)
        return [
            t["id"]
            for t in theatres
            if set(t.get("tags", [])) & set(e.tags) or set(t.get("actors", [])) & actors
        ]

    found: dict[str, dict[str, list[str]]] = {t["id"]: {"events": [], "quotations": []} for t in theatres}
    for e, _ in russian.values():
        if markers & set(e.tags):
            for t in theatre_of(e):
                found[t]["events"].append(e.id)
    from dialoguelab.stance.blocs import actor_bloc

    for q in case.quotations:
        if name.casefold() not in q.text.casefold() or q.event is None or q.event not in case.events_by_id:
            continue
        day = q.date.first_day() if q.date is not None else case.events_by_id[q.event].date.first_day()
        if actor_bloc(case, q.speaker, day, table) != "russia":
            continue
        for t in theatre_of(case.events_by_id[q.event]):
            found[t]["quotations"].append(q.id)
    covered = [t for t in found if found[t]["events"] or found[t]["quotations"]]
    labels = {t["id"]: t.get("label", t["id"]) for t in theatres}
    fig = Figure(
        f"theatres for which Russia invokes {name}",
        len(covered) / len(theatres),
        None,
        None,
        "share",
        f"{len(covered)} of {len(theatres)} ({', '.join(labels[t] for t in covered) or 'none'})",
    )
    used = [i for t in found.values() for i in t["events"]]
    method = (
        "Russian events tagged "
        + "/".join(sorted(markers))
        + f" and Russian quotations naming {name}, by theatre"
    )
    details = {"theatres": found}
    if len(covered) == len(theatres):
        return CheckResult("supported", f"Russia invokes {name} for every theatre", fig, used, details, method)
    missing = ", ".join(labels[t] for t in found if t not in covered)
    return CheckResult(
        "contested", f"no Russian invocation of {name} found for: {missing}", fig, used, details, method
    )


@register_check("blocked_by_non_recognizers")
def check_non_recognizers(case: Case, params: dict[str, Any]) -> CheckResult:
    """Finding 7: EU and NATO admission is held by non-recognizing members, whatever Russia does.

    With the membership engine on a date (default today), for each body: (a) admission is blocked and
    every blocking member is a member that does not recognize Kosovo; (b) Russia is not a member, and the
    outcome is the same if Russia recognized Kosovo; (c) if the blocking members recognized, admission
    would pass. Also counts the non-recognizers among ``counted_body``'s members against the paper's
    ``claimed_count``. Supported when all hold.
    """
    on = _day(params["on"], "on") if params.get("on") else dt.date.today()
    bodies = params["bodies"]
    state = str(params["state"])
    rows: list[dict[str, Any]] = []
    failures: list[str] = []
    for body in bodies:
        base = outcome(case, body, on, detail=False)
        w = world(case, on)
        members = set(w.members(base.body))
        non_rec = sorted(m for m in members if not w.recognizes(m))
        rus_member = state in members
        ru_scen = Scenario(name=f"{state} recognizes", changes=[Change(action="recognize", state=state)])
        with_ru = outcome(case, body, on, scenario=ru_scen, detail=False)
        blockers = list(base.blocking)
        rec_scen = Scenario(
            name="blocking members recognize", changes=[Change(action="recognize", state=m) for m in blockers]
        )
        opened = outcome(case, body, on, scenario=rec_scen, detail=False) if blockers else base
        row = {
            "body": base.body,
            "name": base.name,
            "date": on.isoformat(),
            "passed": base.passed,
            "blocking": blockers,
            "non_recognizing_members": non_rec,
            "russia_member": rus_member,
            "same_if_russia_recognizes": (
                with_ru.passed == base.passed and sorted(with_ru.blocking) == sorted(blockers)
            ),
            "passes_if_blockers_recognize": opened.passed,
        }
        if base.passed:
            failures.append(f"{base.name}: admission is not blocked")
        if not set(blockers) <= set(non_rec):
            failures.append(f"{base.name}: a blocking member recognizes {case.applicant.name}")
        if rus_member or not row["same_if_russia_recognizes"]:
            failures.append(f"{base.name}: Russia's stance changes the outcome")
        if not opened.passed:
            failures.append(f"{base.name}: admission still fails if the blocking members recognize")
        rows.append(row)
    counted = params["counted_body"]
    claimed = params.get("claimed_count")
    w = world(case, on)
    counted_id = membership_data(case).body(counted).id
    n_counted = sum(1 for m in w.members(counted_id) if not w.recognizes(m))
    if claimed is not None and n_counted != int(claimed):
        failures.append(
            f"{n_counted} members of {counted} do not recognize {case.applicant.name} on {on}, "
            f"the paper says {claimed}"
        )
    fig = Figure(
        f"members of {counted} not recognizing {case.applicant.name} on {on}",
        float(n_counted),
        None,
        None,
        "states",
        f"{n_counted} (paper: {claimed}); "
        + "; ".join(f"{r['name']}: blocked by {', '.join(r['blocking']) or 'nobody'}" for r in rows),
    )
    method = (
        "membership engine: outcome on the date, the same with Russia recognizing, and with the blocking "
        "members recognizing (dialoguelab.membership.outcomes.outcome)"
    )
    details = {"bodies": rows, "counted_body": counted, "count": n_counted, "claimed": claimed}
    if failures:
        return CheckResult("contested", "; ".join(failures), fig, [], details, method)
    return CheckResult(
        "supported",
        "held by non-recognizing members whatever Russia does; open if they recognize",
        fig,
        [],
        details,
        method,
    )


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
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


@register_check("veto_player_since")
def check_veto_player(case: Case, params: dict[str, Any]) -> CheckResult:
    """Finding 8: a state (Russia) is a veto player for the applicant's admission on every date since a day.

    Dates: ``since``, the first day of every following month, and today. For each body, the membership
    engine's outcome lists the veto players; supported when the state is one on every date for every body.
    """
    since = _day(params["since"], "since")
    until = _day(params["until"], "until", end=True) if params.get("until") else dt.date.today()
    state = str(params["state"])
    bodies = params["bodies"]
    dates = _months(since, until)
    rows, bad = [], []
    for body in bodies:
        misses = [
            d.isoformat()
            for d in dates
            if state not in outcome(case, body, d, detail=False).veto_players
        ]
        rows.append(
            {
                "body": body,
                "dates": len(dates),
                "veto_on": len(dates) - len(misses),
                "not_veto_on": misses[:24],
            }
        )
        if misses:
            bad.append(
                f"{body}: not a veto player on {len(misses)} of {len(dates)} dates (first {misses[0]})"
            )
    total = len(dates) * len(bodies)
    hits = sum(r["veto_on"] for r in rows)
    fig = Figure(
        f"dates on which {state} is a veto player",
        hits / total,
        None,
        None,
        "share",
        f"{hits} of {total} body-dates ({', '.join(bodies)}; {since} to {until}, monthly)",
    )
    method = "membership engine veto players on the first day of each month (and the end points)"
    details = {"bodies": rows, "since": since.isoformat(), "until": until.isoformat()}
    if bad:
        return CheckResult("contested", "; ".join(bad), fig, [], details, method)
    return CheckResult("supported", f"{state} is a veto player on every date", fig, [], details, method)


# --------------------------------------------------------------------------- running


def run_check(case: Case, name: str, params: dict[str, Any] | None = None) -> CheckResult:
    """Run one registered check; a library error becomes ``not computable`` with its message."""
    if name not in CHECKS:
        raise InvalidParameterError(
            f"The 'check' parameter must be one of {', '.join(sorted(CHECKS))}. Got {name!r}."
        )
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
    }


def evaluate_findings(
    case: Case, only: list[int] | None = None, date_basis: str | None = None
) -> list[FindingResult]:
    """Every finding of the case with its status, figure, evidence events and sources.

    Results are kept per case content (and per day: some checks run up to today), so the CLI, the
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

    Returns
    -------
    list of FindingResult
        In the order of the finding numbers. ``evidence`` lists the finding's events first, then those
        the check used; every event carries its citations, and ``sources`` resolves every source id.
    """
    if date_basis:
        case = case.with_dates_from(date_basis)
    key = ("findings.evaluate", tuple(only) if only else None, dt.date.today())
    return copy.deepcopy(case.cached(key, lambda: _evaluate(case, only)))


def _evaluate(case: Case, only: list[int] | None) -> list[FindingResult]:
    spec = load_findings_file(case)
    out: list[FindingResult] = []
    for f in spec.findings:
        if only and f.number not in only:
            continue
        if f.check:
            res = run_check(case, f.check, f.params)
        else:
            res = CheckResult("not computable", "no check is defined for this finding")
        ids = list(dict.fromkeys(i for i in [*f.evidence, *res.evidence] if i in case.events_by_id))
        evidence = [_event_ref(case, i) for i in ids]
        src_ids = list(dict.fromkeys([*f.sources, *(c for ev in evidence for c in ev["citations"])]))
        sources = [
            case.sources_by_id[s].model_dump(mode="json", exclude_none=True)
            for s in src_ids
            if s in case.sources_by_id
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
