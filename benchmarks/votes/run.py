"""Benchmark of the per-state vote model (run: python benchmarks/votes/run.py).

1. Validation: leave one roll call out, fit the per-state model on the others, predict it; per-state
   Brier score, log loss and AUC of P(yes), expected against actual tally, and whether P(pass) gets the
   outcome right, beside the rule "a recogniser votes yes" and the class model fitted on the same votes
   (:func:`dialoguelab.membership.validation.validate`; the same figures as
   ``dialoguelab rollcalls validate --json``).
   Then every installed case, each scoring the votes on its own applicant, pooled
   (:func:`dialoguelab.membership.validation.validate_every_case`; ``dialoguelab rollcalls validate --every-case``).
2. Speed: a cold fit of the model (its own empty cache, the fits shipped with the package ignored:
   ``DIALOGUELAB_NO_SHIPPED_FITS=1``) against the class model's fit (the baseline it replaces), and the time to
   read the shipped fit on a fresh install, and the exact tally posterior (forward-backward) against
   recomputing the tally law once per member left out (the naive way), on a tally of INTERPOL's size.

Writes benchmarks/votes/results.json (figures and machine information) and prints the table that
docs/membership.md shows.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def validation() -> dict:
    from dialoguelab.case import load_case
    from dialoguelab.membership.validation import validate

    t = time.perf_counter()
    v = validate(load_case(), progress=lambda s: print(s, file=sys.stderr, flush=True))
    took = time.perf_counter() - t
    cols = ["vote", "body", "date", "applicant", "record", "voters", "known", "yes", "no", "abstain", "passed",
            "scored_given_present", "rule_error_rate", "trained_on", "note"]
    for m in ("model", "rule", "class"):
        cols += [f"{c}_{m}" for c in ("brier", "log_loss", "auc", "log_loss4", "expected_yes", "expected_no",
                                      "expected_abstain", "p_pass", "outcome_right")]
    table = v.table.reindex(columns=cols)
    rows = json.loads(table.to_json(orient="records"))
    return {"seconds": took, "rows": rows, "summary": v.summary, "unpredictable": v.unpredictable,
            "states_scored": int(len(v.states))}


def every_case() -> dict:
    """Every installed case's table, each keeping the votes on its own applicant (whose recognitions only
    that case knows, so only there can the baselines score them), pooled."""
    from dialoguelab.membership.validation import validate_every_case

    t = time.perf_counter()
    v = validate_every_case(progress=lambda s: print(s, file=sys.stderr, flush=True))
    took = time.perf_counter() - t
    cols = ["case", "vote", "applicant", "yes"]
    for m in ("model", "rule", "class"):
        cols += [f"{c}_{m}" for c in ("brier", "log_loss", "auc", "expected_yes", "p_pass", "outcome_right")]
    rows = json.loads(v.table.reindex(columns=cols).to_json(orient="records"))
    return {"seconds": took, "cases": v.cases, "rows": rows, "summary": v.summary}


COLD = """
import json, time
from dialoguelab.case import load_case
from dialoguelab.membership import idealpoints, votes
case = load_case()
t = time.perf_counter(); idealpoints.fit(case, laplace=False); a = time.perf_counter() - t
t = time.perf_counter(); votes.fitted_probabilities(case); b = time.perf_counter() - t
print(json.dumps({"ideal_points_fit_seconds": a, "class_model_fit_seconds": b}))
"""


def _cold(shipped: bool) -> dict:
    """The fits in a fresh process with an empty cache: computed (``shipped=False``) or read from the package."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DIALOGUELAB_CACHE=tmp)
        env.pop("DIALOGUELAB_NO_SHIPPED_FITS", None)
        if not shipped:
            env["DIALOGUELAB_NO_SHIPPED_FITS"] = "1"
        out = subprocess.run([sys.executable, "-c", COLD], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def speed() -> dict:
    fits = _cold(shipped=False)
    shipped = _cold(shipped=True)
    fits["ideal_points_shipped_fit_read_seconds"] = shipped["ideal_points_fit_seconds"]
    from dialoguelab.membership.tally import tally_log_probability, tally_posterior

    rng = np.random.default_rng(0)
    p = rng.dirichlet([3, 2, 1, 1.5], size=190)
    counts = (68, 51, 16)
    t = time.perf_counter()
    tally_posterior(p, counts)
    fast = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(len(p)):  # the naive way: the law of the others, once per member and vote
        rest = np.delete(p, i, axis=0)
        for e in ((1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)):
            c = tuple(x - d for x, d in zip(counts, e, strict=True))
            if min(c) >= 0:
                tally_log_probability(rest, c)  # type: ignore[arg-type]
    naive = time.perf_counter() - t
    return {
        **fits,
        "fit_ratio_ideal_points_over_class": fits["ideal_points_fit_seconds"] / fits["class_model_fit_seconds"],
        "tally_posterior_seconds": fast,
        "naive_leave_one_out_seconds": naive,
        "speed_ratio_naive_over_forward_backward": naive / fast,
        "tally": {"members": len(p), "counts": counts},
    }


def table(rows: list[dict]) -> str:
    def f(x: object, d: int = 3) -> str:
        return "" if x is None else (f"{x:.{d}f}" if isinstance(x, float) else str(x))

    out = ["| held-out roll call | yes (actual) | expected yes: model / rule / class | Brier: model / rule / class "
           "| log loss: model / rule / class | P(pass) model | outcome right: model / rule / class |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(
            f"| {r['vote']} | {r['yes']} | {f(r['expected_yes_model'], 1)} / {f(r['expected_yes_rule'], 1)} / "
            f"{f(r['expected_yes_class'], 1)} | {f(r['brier_model'])} / {f(r['brier_rule'])} / {f(r['brier_class'])} "
            f"| {f(r['log_loss_model'])} / {f(r['log_loss_rule'])} / {f(r['log_loss_class'])} | {f(r['p_pass_model'])} "
            f"| {f(r['outcome_right_model'])} / {f(r['outcome_right_rule'])} / {f(r['outcome_right_class'])} |"
        )
    return "\n".join(out)


def main() -> None:
    import numpy
    import scipy

    result = {
        "machine": {"platform": platform.platform(), "processor": platform.processor(), "cpus": os.cpu_count(),
                    "python": platform.python_version(), "numpy": numpy.__version__, "scipy": scipy.__version__},
        "validation": validation(),
        "every_case": every_case(),
        "speed": speed(),
    }
    (HERE / "results.json").write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    print(table(result["validation"]["rows"]))
    print(json.dumps(result["validation"]["summary"], indent=1))
    print(json.dumps(result["every_case"]["summary"], indent=1))
    print(json.dumps(result["speed"], indent=1))


if __name__ == "__main__":
    main()
