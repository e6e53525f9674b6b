"""Out-of-sample validation of the vote model: leave one roll call out, predict it, score it.

For every admission roll call whose voters are known state by state (its organ is in the world data),
the per-state model is refitted without it (without every roll call of the same body on the same day:
the rounds of one vote go out together) and predicts it. The prediction is scored beside two
baselines fitted on the same training votes:

* **rule**: "a recogniser votes yes, any other state no", made a probability by the rule's error rate
  on the training votes' per-state records (Laplace-smoothed: ``(errors + 1) / (records + 2)``);
* **class**: the earlier class model (:func:`~dialoguelab.membership.votes.class_model_probabilities`),
  one probability vector per stance class fitted on the training tallies.

Scores, over the states whose vote is published: Brier score and log loss of P(yes) against
"voted yes" (the event that decides admissions), the area under the ROC curve of P(yes) for yes
against every other vote, and the four-outcome log loss (yes, no, abstain, absent; not defined for the
rule). For every roll call, also the expected and actual tally, the probability that the stage's rule
passes and whether that gets the outcome right (P(pass) > 1/2 against the actual result, evaluated by
the rule on the actual votes). The baselines are defined only for the case's applicant (they need its
recognitions); the other applicants' votes are scored for the model alone. :func:`validate_every_case`
pools every installed case's rows for its own applicant, so that every held-out vote on which the three
can be compared is scored. Alignment votes (Ukraine,
Palestine's status...) are not held out: each is its own item, so the model has nothing to predict a
new one from.

A fold whose fit has seen a held-out roll call raises :class:`LeakError`.

References
----------
Brier, G. W. (1950). Verification of forecasts expressed in terms of probability (the Brier score).
"""

from __future__ import annotations

__all__ = [
    "LeakError",
    "MODELS",
    "Fold",
    "Validation",
    "folds",
    "validate",
    "validate_every_case",
    "EveryCaseValidation",
    "reliability",
    "rule_probabilities",
    "score",
    "calibration_view",
]

import datetime as dt
import hashlib
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dialoguelab.cachedir import cache_dir
from dialoguelab.case import Case
from dialoguelab.errors import DialoguelabError, InvalidParameterError
from dialoguelab.membership import idealpoints as ip
from dialoguelab.membership.data import membership_data
from dialoguelab.membership.rules import Ballot, Rule
from dialoguelab.membership.votes import DEFAULT_PROBABILITIES, class_model_probabilities, stage_probability
from dialoguelab.membership.world import world
from dialoguelab.world import RollCall

#: The models scored side by side.
MODELS = ("model", "rule", "class")
_RECOGNISES = ("recognizes", "supporter")


class LeakError(DialoguelabError):
    """A validation fold was fitted on a roll call it was meant to predict."""


@dataclass(frozen=True)
class Fold:
    """Roll calls held out together (one body, one day) and those of them that are predicted."""

    held_out: tuple[str, ...]
    predict: tuple[str, ...]


def _predictable(case: Case, rc: RollCall) -> str | None:
    """Why a roll call cannot be held out and predicted (``None`` when it can)."""
    if rc.kind != "admission" or not rc.applicant:
        return "an alignment vote: its own item, nothing to predict it from"
    if not rc.verified:
        return "not verified"
    w = world(case, rc.date.last_day())
    listed = {v.iso3: v.vote for v in case.world.rollcall_votes.get(rc.id, ())}
    _, why = ip._voters(case, rc, w, listed)
    return why


def folds(case: Case) -> tuple[list[Fold], dict[str, str]]:
    """The leave-one-out folds of a case's roll calls, and the roll calls that cannot be predicted (why).

    Returns
    -------
    folds : list of Fold
        Oldest first; every roll call of the same body on the same day is held out together.
    unpredictable : dict
        Roll-call id → reason.
    """
    sessions: dict[tuple[str, dt.date], list[str]] = {}
    why: dict[str, str] = {}
    for rc in sorted(case.world.rollcalls.values(), key=lambda r: (r.date.first_day(), r.id)):
        sessions.setdefault((rc.body, rc.date.last_day()), []).append(rc.id)
        reason = _predictable(case, rc)
        if reason is not None:
            why[rc.id] = reason
    out = []
    for (_, _), ids in sorted(sessions.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        pred = tuple(i for i in ids if i not in why)
        if pred:
            out.append(Fold(tuple(ids), pred))
    return out, why


# ----------------------------------------------------------------- scores


def _auc(p: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve by ranks (ties averaged); NaN with one class only."""
    pos, neg = int(y.sum()), int((~y).sum())
    if pos == 0 or neg == 0:
        return math.nan
    ranks = pd.Series(p).rank(method="average").to_numpy()
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def score(p: np.ndarray, votes: np.ndarray) -> dict[str, float]:
    """Per-state scores of predictions ``p`` (n, 4) against published votes (indices 0-3).

    Returns
    -------
    dict
        ``brier`` and ``log_loss`` of P(yes) for "voted yes", ``auc`` (yes against every other vote),
        ``log_loss4`` (four outcomes), ``n``.

    Examples
    --------
    >>> s = score(np.array([[0.9, 0.1, 0, 0], [0.2, 0.8, 0, 0]]), np.array([0, 1]))
    >>> round(s["brier"], 3), s["auc"]
    (0.025, 1.0)
    """
    p = np.asarray(p, dtype=float)
    votes = np.asarray(votes, dtype=int)
    if len(votes) == 0:
        return {"brier": math.nan, "log_loss": math.nan, "auc": math.nan, "log_loss4": math.nan, "n": 0}
    y = votes == 0
    q = np.clip(p[:, 0], 1e-12, 1 - 1e-12)
    brier = float(((p[:, 0] - y) ** 2).mean())
    ll = float(-(y * np.log(q) + (~y) * np.log1p(-q)).mean())
    p4 = np.clip(p[np.arange(len(votes)), votes], 1e-12, 1.0)
    return {"brier": brier, "log_loss": ll, "auc": _auc(p[:, 0], y), "log_loss4": float(-np.log(p4).mean()),
            "n": len(votes)}


def _given_present(p: np.ndarray) -> np.ndarray:
    """Probabilities of yes, no and abstain given that the member voted (absent set to 0)."""
    q = np.array(p, dtype=float, copy=True)
    q[:, 3] = 0.0
    tot = q.sum(axis=1, keepdims=True)
    return np.divide(q, tot, out=np.full_like(q, 1 / 3), where=tot > 0)


def rule_probabilities(classes: list[str], error: float) -> np.ndarray:
    """The rule "a recogniser votes yes, any other state no" as probabilities with error rate ``error``.

    Examples
    --------
    >>> rule_probabilities(["recognizes", "does_not"], 0.1).tolist()
    [[0.9, 0.1, 0.0, 0.0], [0.1, 0.9, 0.0, 0.0]]
    """
    if not 0 <= error <= 1:
        raise InvalidParameterError(f"The 'error' parameter must be in [0, 1]. Got {error}.")
    yes = np.array([c in _RECOGNISES for c in classes])
    p = np.zeros((len(classes), 4))
    p[:, 0] = np.where(yes, 1 - error, error)
    p[:, 1] = 1 - p[:, 0]
    return p


def _class_matrix(classes: list[str], probs: dict[str, tuple[float, float, float, float]]) -> np.ndarray:
    rows = []
    for c in classes:
        key = "recognizes" if c in ("supporter", "unknown") else c
        rows.append(probs.get(key, DEFAULT_PROBABILITIES.get(key, (1.0, 0.0, 0.0, 0.0))))
    return np.array(rows, dtype=float).reshape(len(classes), 4)


# ----------------------------------------------------------------- one held-out vote


@dataclass
class _Target:
    rc: RollCall
    voters: tuple[str, ...]
    known: np.ndarray
    classes: list[str]  # stance classes (empty when the applicant is not the case's)
    Z: np.ndarray
    rule: Rule | None
    organ: str
    secret: bool


def _target(case: Case, rc: RollCall, role: str, names: tuple[str, ...]) -> _Target:
    data = membership_data(case)
    w = world(case, rc.date.last_day(), position=role)
    listed = {v.iso3: v.vote for v in case.world.rollcall_votes.get(rc.id, ())}
    voters, why = ip._voters(case, rc, w, listed)
    if why is not None:
        raise InvalidParameterError(f"Roll call {rc.id!r} cannot be predicted: {why}.")
    known = np.array([ip._INDEX[listed[v]] if v in listed else -1 for v in voters], dtype=np.int64)
    is_case = rc.applicant == data.applicant.iso3
    secret = ip._secret(case, rc.body, rc.stage)
    Z = ip._covariates(w, rc.body, voters, names, is_case, True, secret)
    classes: list[str] = [str(w.stance_class(v, rc.body)) for v in voters] if is_case else []
    rule = None
    if rc.stage is not None:
        rule = next(s.rule for s in data.stages[rc.body] if s.id == rc.stage)
    return _Target(rc, voters, known, classes, Z, rule, ip.organ_key(rc.body, rc.stage, rc.organ), secret)


def _actual_passed(t: _Target) -> bool | None:
    """The rule evaluated on the actual votes (unknown voters filled in from the rest of the tally)."""
    if t.rule is None:
        return None
    votes: dict[str, str] = {v: ip.VOTES[k] for v, k in zip(t.voters, t.known, strict=True) if k >= 0}
    got = {k: sum(1 for x in votes.values() if x == k) for k in ("yes", "no", "abstain")}
    rest = [("yes", t.rc.yes - got["yes"]), ("no", t.rc.no - got["no"]), ("abstain", t.rc.abstain - got["abstain"])]
    unknown = [v for v, k in zip(t.voters, t.known, strict=True) if k < 0]
    vetoers = set(t.rule.veto_players(t.voters))
    if vetoers & set(unknown):
        return None
    at = 0
    for vote, n in rest:
        for v in unknown[at : at + n]:
            votes[v] = vote
        at += n
    return bool(t.rule.evaluate(Ballot(t.voters, votes)).passed)  # type: ignore[arg-type]


def _training_rule_error(case: Case, held_out: frozenset[str], role: str) -> float:
    """Laplace-smoothed error rate of the rule on the training votes' published per-state records."""
    data = membership_data(case)
    errors = records = 0
    for rc in data.admission_rollcalls():
        if rc.id in held_out or not rc.in_model or not rc.verified:
            continue
        rows = case.world.rollcall_votes.get(rc.id, ())
        if not rows:
            continue
        w = world(case, rc.date.last_day(), position=role)
        for v in rows:
            if v.iso3 == rc.applicant:
                continue
            says_yes = w.stance_class(v.iso3, rc.body) in _RECOGNISES
            errors += int(says_yes != (v.vote == "yes"))
            records += 1
    return (errors + 1) / (records + 2)


# ----------------------------------------------------------------- the table


@dataclass
class Validation:
    """The leave-one-out table, the per-state held-out predictions, and what was left out."""

    table: pd.DataFrame
    states: pd.DataFrame
    summary: dict[str, Any]
    unpredictable: dict[str, str]
    position: str
    folds: list[Fold] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "rows": self.table.to_dict(orient="records"),
            "summary": self.summary,
            "unpredictable": self.unpredictable,
        }


FitFn = Callable[[Case, str, frozenset[str]], ip.IdealPointFit]


def _default_fit(case: Case, role: str, exclude: frozenset[str]) -> ip.IdealPointFit:
    return ip.fit(case, role, exclude, laplace=False)


def _validate(case: Case, role: str, fit_fn: FitFn, progress: Callable[[str], None] | None) -> Validation:
    data = membership_data(case)
    fs, why = folds(case)
    names = ip.covariate_names(case)
    rows: list[dict[str, Any]] = []
    state_rows: list[pd.DataFrame] = []
    for k, fold in enumerate(fs):
        held = frozenset(fold.held_out)
        if progress is not None:
            progress(f"fold {k + 1}/{len(fs)}: holding out {', '.join(fold.held_out)}")
        f = fit_fn(case, role, held)
        leaked = held & set(f.votes)
        if leaked:
            raise LeakError(
                f"The fit for held-out roll call(s) {', '.join(sorted(leaked))} was trained on them: "
                "a validation fold must never see the votes it predicts."
            )
        err = _training_rule_error(case, held, role)
        cls = class_model_probabilities(case, role, exclude=held)
        for rid in fold.predict:
            rc = case.world.rollcalls[rid]
            t = _target(case, rc, role, names)
            group, _ = ip.group_of(rc.kind, rc.applicant, rc.id)
            row: dict[str, Any] = {
                "vote": rid,
                "body": rc.body,
                "date": rc.date.last_day().isoformat(),
                "applicant": rc.applicant,
                "record": rc.record,
                "voters": len(t.voters),
                "known": int((t.known >= 0).sum()),
                "yes": rc.yes,
                "no": rc.no,
                "abstain": rc.abstain,
                "passed": _actual_passed(t),
                "trained_on": ";".join(f.votes),
                "held_out": ";".join(fold.held_out),
            }
            preds: dict[str, np.ndarray] = {}
            if group in f.groups:
                preds["model"] = ip.item_probabilities(f, group, t.voters, t.Z, organ=t.organ, secret=t.secret)
            else:
                row["note"] = f"no other roll call of group {group} to learn from"
            if t.classes:
                preds["rule"] = rule_probabilities(t.classes, err)
                preds["class"] = _class_matrix(t.classes, cls)
            kn = t.known >= 0
            # a list that names only the members who voted was selected on presence: score P(vote | present)
            present_only = rc.record == "reported" and not (t.known == 3).any()
            row["scored_given_present"] = present_only
            for m in MODELS:
                p = preds.get(m)
                if p is None:
                    for col in ("brier", "log_loss", "auc", "log_loss4", "expected_yes", "expected_no",
                                "expected_abstain", "p_pass", "outcome_right"):
                        row[f"{col}_{m}"] = None
                    continue
                s = score(_given_present(p[kn]) if present_only else p[kn], t.known[kn])
                row[f"brier_{m}"] = s["brier"] if s["n"] else None
                row[f"log_loss_{m}"] = s["log_loss"] if s["n"] else None
                row[f"auc_{m}"] = None if math.isnan(s["auc"]) else s["auc"]
                row[f"log_loss4_{m}"] = None if (m == "rule" or not s["n"]) else s["log_loss4"]
                row[f"expected_yes_{m}"] = float(p[:, 0].sum())
                row[f"expected_no_{m}"] = float(p[:, 1].sum())
                row[f"expected_abstain_{m}"] = float(p[:, 2].sum())
                pp = stage_probability(t.rule, t.voters, p) if t.rule is not None else None
                row[f"p_pass_{m}"] = pp
                row[f"outcome_right_{m}"] = (
                    None if pp is None or row["passed"] is None else bool((pp > 0.5) == row["passed"])
                )
            row["rule_error_rate"] = err if t.classes else None
            rows.append(row)
            if kn.any() and "model" in preds:
                sd = pd.DataFrame({"vote": rid, "iso3": [v for v, k in zip(t.voters, kn, strict=True) if k],
                                   "vote_cast": [ip.VOTES[x] for x in t.known[kn]]})
                for m, p in preds.items():
                    sd[f"p_yes_{m}"] = (_given_present(p[kn]) if present_only else p[kn])[:, 0]
                state_rows.append(sd)
    table = pd.DataFrame(rows)
    states = pd.concat(state_rows, ignore_index=True) if state_rows else pd.DataFrame()
    return Validation(table, states, _summary(table, data.applicant.iso3), why, case.position_id(role), fs)


def _means(table: pd.DataFrame) -> dict[str, Any]:
    """Means of each model's scores over the rows (of a non-empty table) where the model and the rule are
    both scored."""
    both = table[table["brier_rule"].notna() & table["brier_model"].notna()]
    out: dict[str, Any] = {"votes_scored": list(both["vote"])}
    for m in MODELS:
        for col in ("brier", "log_loss", "auc"):
            vals = both[f"{col}_{m}"].dropna()
            out[f"mean_{col}_{m}"] = float(vals.mean()) if len(vals) else None
    return out


def _summary(table: pd.DataFrame, applicant: str) -> dict[str, Any]:
    """Means over the held-out votes where every model is scored, and the targets of the brief."""
    out: dict[str, Any] = {}
    if table.empty:
        return out
    out.update(_means(table))
    own = table[table["applicant"] == applicant]
    out["applicant_votes"] = list(own["vote"])
    right = list(zip(own["vote"], own["outcome_right_model"], strict=True))
    out["outcomes_right_model"] = [v for v, r in right if r]
    out["outcomes_wrong_model"] = [v for v, r in right if r is False]
    err = (own["expected_yes_model"] - own["yes"]).abs()
    out["max_abs_yes_error_model"] = float(err.max()) if len(err.dropna()) else None
    return out


def validate(
    case: Case,
    position: str | None = None,
    *,
    fit_fn: FitFn | None = None,
    progress: Callable[[str], None] | None = None,
) -> Validation:
    """Leave-one-out validation of the vote model against the rule and class baselines.

    Parameters
    ----------
    case : Case
    position : str, optional
        Whose reading of disputed withdrawals sets the stance classes; default the applicant's.
    fit_fn : callable, optional
        ``fit_fn(case, role, exclude) -> IdealPointFit`` (default :func:`~dialoguelab.membership.idealpoints.fit`
        without the Laplace step); a fold whose fit reports a held-out vote raises :class:`LeakError`.
    progress : callable, optional
        Called with a line of text before each fold.

    Returns
    -------
    Validation
        ``table``: one row per held-out roll call with, for ``model``, ``rule`` and ``class``, the Brier
        score, log loss and AUC of P(yes), the four-outcome log loss, the expected yes/no/abstain, P(pass)
        and whether the outcome is right; ``states``: the per-state held-out predictions (for reliability
        diagrams); ``summary``: the means over the votes where all three are scored.

    Raises
    ------
    LeakError
        If a fold's fit saw a roll call it predicts.
    """
    role = case.position_role(position)
    if fit_fn is not None:
        return _validate(case, role, fit_fn, progress)
    return case.cached(("membership.validation", role), lambda: _validate(case, role, _default_fit, progress))


@dataclass
class EveryCaseValidation:
    """The leave-one-out tables of several cases, each keeping the votes on its own applicant."""

    table: pd.DataFrame
    summary: dict[str, Any]
    cases: list[str]
    skipped: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {"cases": self.cases, "rows": self.table.to_dict(orient="records"), "summary": self.summary,
                "skipped": self.skipped}


def validate_every_case(
    names: list[str] | None = None, *, progress: Callable[[str], None] | None = None
) -> EveryCaseValidation:
    """Leave one roll call out in every installed case, each scoring the votes on its own applicant.

    A case knows the recognitions of its own applicant only, so the baselines (the rule and the class model)
    can score an applicant's votes only in that applicant's case; pooling each case's rows for its own
    applicant scores every held-out vote on which all three can be compared. Each case's model is the one
    it serves (fitted with the recognitions it knows), held out exactly as in :func:`validate`.

    Parameters
    ----------
    names : list of str, optional
        Installed case names (default: every installed case; see ``dialoguelab --case NAME``).
    progress : callable, optional
        Called with a line of text before each case and fold.

    Returns
    -------
    EveryCaseValidation
        ``table``: the rows of :func:`validate` for each case's own applicant, with a ``case`` column;
        ``summary``: the means over every vote all three models score (``mean_brier_model`` ...), and
        ``by_applicant`` (the same means per applicant); ``skipped``: cases without an applicant's votes.
    """
    from dialoguelab.case import installed_cases, load_case

    names = list(names) if names is not None else installed_cases()
    known = installed_cases()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidParameterError(
            f"No installed case named {', '.join(map(repr, unknown))}; installed: {', '.join(known)}."
        )
    tables: list[pd.DataFrame] = []
    skipped: dict[str, str] = {}
    used: list[str] = []
    for name in names:
        case = load_case(name)
        if not case.has_part("membership"):
            skipped[name] = "the case has no membership part"
            continue
        if progress is not None:
            progress(f"case {name}")
        v = validate(case, progress=progress)
        applicant = membership_data(case).applicant.iso3
        own = v.table[v.table["applicant"] == applicant] if not v.table.empty else v.table
        if own.empty:
            skipped[name] = f"no held-out roll call on its applicant {applicant}"
            continue
        tables.append(own.assign(case=name))
        used.append(name)
    if not tables:
        return EveryCaseValidation(pd.DataFrame(), {}, used, skipped)
    table = pd.concat(tables, ignore_index=True)
    summary = _means(table)
    summary["by_applicant"] = {str(a): _means(g) for a, g in table.groupby("applicant", sort=False)}
    summary["outcomes_wrong_model"] = [str(v) for v, r in zip(table["vote"], table["outcome_right_model"],
                                                               strict=True) if r is False]
    return EveryCaseValidation(table, summary, used, skipped)


def reliability(states: pd.DataFrame, model: str = "model", bins: int = 10) -> pd.DataFrame:
    """Reliability diagram data: held-out P(yes) in equal-width bins against the share that voted yes.

    Parameters
    ----------
    states : DataFrame
        :attr:`Validation.states`.
    model : {"model", "rule", "class"}, default="model"
    bins : int, default=10

    Returns
    -------
    DataFrame
        One row per non-empty bin: ``low``, ``high``, ``n``, ``mean_predicted``, ``observed``.
    """
    if model not in MODELS:
        raise InvalidParameterError(f"The 'model' parameter must be one of {', '.join(MODELS)}. Got {model!r}.")
    if bins < 1:
        raise InvalidParameterError(f"The 'bins' parameter must be ≥ 1. Got {bins}.")
    col = f"p_yes_{model}"
    if states.empty or col not in states:
        return pd.DataFrame(columns=["low", "high", "n", "mean_predicted", "observed"])
    d = states[states[col].notna()]
    p = d[col].to_numpy(dtype=float)
    y = (d["vote_cast"] == "yes").to_numpy()
    edges = np.linspace(0, 1, bins + 1)
    k = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        m = k == b
        if m.any():
            out.append({"low": float(edges[b]), "high": float(edges[b + 1]), "n": int(m.sum()),
                        "mean_predicted": float(p[m].mean()), "observed": float(y[m].mean())})
    return pd.DataFrame(out)


def _view_path(case: Case, role: str, bins: int) -> Path:
    """Where a computed calibration view is kept: keyed by the case's content and this code."""
    h = hashlib.sha256()
    h.update(f"{case.content_hash}|{role}|{bins}|{json.dumps(ip.PRIOR, sort_keys=True)}".encode())
    h.update(json.dumps(ip.FIT_OPTIONS, sort_keys=True, default=str).encode())
    here = Path(__file__).parent
    for name in ("validation.py", "idealpoints.py", "tally.py", "votes.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:  # pragma: no cover - a zipped install
            h.update(name.encode())
    return cache_dir("membership") / f"validation-{h.hexdigest()[:32]}.json"


def calibration_view(
    case: Case, position: str | None = None, bins: int = 10, *, compute: bool = True
) -> dict[str, Any]:
    """What the calibration panel and the validation route show: the leave-one-out table, the summary,
    and the reliability diagram of each model (held-out P(yes) against the share that voted yes).

    The result is kept on disk (keyed by the case's content and the model's code); with ``compute=False``
    a result not yet computed is not computed (``status`` says ``not_computed``), so a page can offer to
    start the fits (minutes) instead of waiting for them.

    Parameters
    ----------
    case : Case
    position : str, optional
    bins : int, default=10
    compute : bool, default=True

    Returns
    -------
    dict
        ``status`` (``ready`` or ``not_computed``); when ready, ``rows``, ``summary``, ``unpredictable``,
        ``position`` (as :meth:`Validation.to_dict`), ``reliability`` (model → list of bins: ``low``,
        ``high``, ``n``, ``mean_predicted``, ``observed``), ``rests_on`` (the roll calls held out in
        turn) and ``states_scored``.
    """
    if bins < 1:
        raise InvalidParameterError(f"The 'bins' parameter must be ≥ 1. Got {bins}.")
    role = case.position_role(position)
    path = _view_path(case, role, bins)
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    if not compute:
        return {"status": "not_computed", "position": case.position_id(role)}
    v = validate(case, role)
    out: dict[str, Any] = {"status": "ready", **v.to_dict()}
    out["reliability"] = {m: reliability(v.states, m, bins).to_dict(orient="records") for m in MODELS}
    out["rests_on"] = sorted({r for f in v.folds for r in f.held_out})
    out["states_scored"] = int(len(v.states))
    out = json.loads(json.dumps(out, default=_plain))
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(out), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a read-only cache costs a recomputation next time
        tmp.unlink(missing_ok=True)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    return str(value)
