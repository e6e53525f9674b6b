"""Leave-one-out validation: scores, baselines, folds, and the guard against a leaking fold."""

import math
import types

import numpy as np
import pandas as pd
import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership import validation as V

KOSOVO = load_case()


def test_scores_against_hand_values():
    p = np.array([[0.8, 0.1, 0.1, 0.0], [0.3, 0.6, 0.05, 0.05], [0.5, 0.2, 0.2, 0.1]])
    votes = np.array([0, 1, 2])
    s = V.score(p, votes)
    assert s["brier"] == pytest.approx(((0.8 - 1) ** 2 + 0.3**2 + 0.5**2) / 3)
    assert s["log_loss"] == pytest.approx(-(math.log(0.8) + math.log(0.7) + math.log(0.5)) / 3)
    assert s["log_loss4"] == pytest.approx(-(math.log(0.8) + math.log(0.6) + math.log(0.2)) / 3)
    assert s["auc"] == 1.0
    # a ranking that puts the yes-voter last has AUC 0
    assert V.score(p[:, ::-1].copy(), votes)["auc"] == 0.0


def test_rule_probabilities_and_their_validation():
    p = V.rule_probabilities(["recognizes", "supporter", "does_not", "opponent", "withdrew"], 0.05)
    assert p[:, 0].tolist() == [0.95, 0.95, 0.05, 0.05, 0.05]
    assert np.allclose(p.sum(axis=1), 1.0)
    with pytest.raises(InvalidParameterError, match="'error'"):
        V.rule_probabilities(["recognizes"], 1.5)


def test_scoring_given_presence():
    q = V._given_present(np.array([[0.6, 0.1, 0.1, 0.2], [0.0, 0.0, 0.0, 1.0]]))
    assert q[0].tolist() == pytest.approx([0.75, 0.125, 0.125, 0.0])
    assert q[1, :3].sum() == pytest.approx(1.0)


def test_folds_hold_out_every_round_of_a_vote_together():
    folds, why = V.folds(KOSOVO)
    interpol = next(f for f in folds if "interpol-2018-final" in f.held_out)
    assert set(interpol.held_out) == {"interpol-2018-final", "interpol-2018-round1-a", "interpol-2018-round1-b"}
    assert set(interpol.predict) == set(interpol.held_out)
    assert "unesco-eb-2015" in why and "pace-2024-04-16" in why and "unga-68-262" in why
    predicted = {r for f in folds for r in f.predict}
    assert {"coe-cm-2023-04-24", "unesco-gc-2015-11-09", "unsc-2024-04-18-palestine"} <= predicted


def test_a_fold_that_saw_its_vote_fails():
    def leaky(case, role, exclude):
        return types.SimpleNamespace(votes=tuple(exclude) + ("unga-68-262",))

    with pytest.raises(V.LeakError, match="was trained on them"):
        V.validate(KOSOVO, fit_fn=leaky)


@pytest.fixture(scope="module")
def quick():
    """The validation of the built-in case with its real fits (shipped with the package: read, not fitted)."""
    seen: list[tuple[frozenset[str], tuple[str, ...]]] = []

    def fit_fn(case, role, exclude):
        f = V._default_fit(case, role, exclude)
        seen.append((exclude, f.votes))
        return f

    return V.validate(KOSOVO, fit_fn=fit_fn), seen


def test_every_predictable_vote_gets_a_row_from_a_fit_that_never_saw_it(quick):
    v, seen = quick
    folds, _ = V.folds(KOSOVO)
    assert list(v.table["vote"]) == [r for f in folds for r in f.predict]
    for held, trained in seen:
        assert held.isdisjoint(trained)
    for row in v.table.to_dict(orient="records"):
        assert set(row["held_out"].split(";")).isdisjoint(row["trained_on"].split(";"))


def test_baselines_only_for_the_case_applicant(quick):
    v, _ = quick
    t = v.table.set_index("vote")
    assert t.loc["coe-cm-2023-04-24", "brier_rule"] is not None and t.loc["coe-cm-2023-04-24", "passed"] is True
    assert t.loc["unesco-gc-2015-11-09", "passed"] is False  # 92 of 142 present and voting: short of 2/3
    assert t.loc["unsc-2024-04-18-palestine", "passed"] is False  # the United States' negative vote
    assert pd.isna(t.loc["unsc-2024-04-18-palestine", "brier_rule"])
    assert t.loc["unesco-gc-2015-11-09", "scored_given_present"]
    assert not t.loc["coe-cm-2023-04-24", "scored_given_present"]
    assert set(v.summary["votes_scored"]) == {"unesco-gc-2015-11-09", "coe-cm-2023-04-24"}


def test_reliability_bins_cover_every_held_out_state(quick):
    v, _ = quick
    for m in V.MODELS:
        r = V.reliability(v.states, m)
        assert r["n"].sum() == v.states[f"p_yes_{m}"].notna().sum()
        assert ((r["mean_predicted"] >= r["low"]) & (r["mean_predicted"] <= r["high"])).all()
    with pytest.raises(InvalidParameterError, match="'model'"):
        V.reliability(v.states, "oracle")


def test_the_model_gets_every_held_out_kosovo_outcome_right_and_its_yes_count_within_ten(quick):
    v, _ = quick
    t = v.table.set_index("vote")
    kosovo = [r for r in v.summary["applicant_votes"]]
    assert "coe-cm-2023-04-24" in kosovo and "unesco-gc-2015-11-09" in kosovo
    for vote in kosovo:
        assert t.loc[vote, "outcome_right_model"], vote
        assert abs(t.loc[vote, "expected_yes_model"] - t.loc[vote, "yes"]) <= 10, vote
    # the per-state model beats the class model it replaces on the held-out Kosovo votes
    s = v.summary
    assert s["mean_brier_model"] < s["mean_brier_class"] and s["mean_log_loss_model"] < s["mean_log_loss_class"]


def test_a_new_vote_is_integrated_over_the_spread_of_the_votes_seen(monkeypatch):
    from dialoguelab.membership import idealpoints as ip

    f = ip.fit(KOSOVO, laplace=False)
    tau = f.shift_spread()
    P = f.params()
    pooled = np.array([f.item_pooled[v] for v in f.votes])
    assert pooled.any() and not pooled.all()
    assert tau[0] == pytest.approx(float(np.sqrt(np.mean(P["alpha"][pooled] ** 2))))
    assert tau[2] == pytest.approx(float(np.sqrt(np.mean(P["phi"][pooled] ** 2))))
    assert all(0 < x < ip.PRIOR["vote_shift"] for x in tau)
    # a recogniser's P(yes): integrated over the spread seen it stays nearer its value at zero shift than
    # when integrated over the prior's spread, which pulls every state towards a coin toss
    g = "admission:XKX"
    Z = np.zeros((1, len(f.covariate_names)))
    Z[0, f.covariate_names.index("recognizes")] = 1.0
    at_zero = ip.item_probabilities(f, g, ("FRA",), Z, shifts=(0.0, 0.0, 0.0))[0, 0]
    seen = ip.item_probabilities(f, g, ("FRA",), Z)[0, 0]
    tau_prior = ip.PRIOR["vote_shift"]
    monkeypatch.setattr(ip.IdealPointFit, "shift_spread", lambda self: (tau_prior, tau_prior, tau_prior))
    ip._ITEM_MEMO.clear()  # the memo keys on the fit, whose spread this test replaces
    prior = ip.item_probabilities(f, g, ("FRA",), Z)[0, 0]
    assert at_zero > 0.5
    assert abs(seen - at_zero) < abs(prior - at_zero)


# ----- every installed case, each scoring its own applicant's votes -------------------------------------


@pytest.fixture(scope="module")
def every_case():
    return V.validate_every_case()


def test_every_case_keeps_each_case_rows_on_its_own_applicant(every_case):
    from dialoguelab.case import installed_cases
    from dialoguelab.membership.data import membership_data

    t = every_case.table
    assert set(every_case.cases) == set(installed_cases()) and not every_case.skipped
    for name, rows in t.groupby("case"):
        case = load_case(name)
        assert set(rows["applicant"]) == {membership_data(case).applicant.iso3}
        own = V.validate(case).table
        own = own[own["applicant"] == membership_data(case).applicant.iso3]
        assert list(rows["vote"]) == list(own["vote"])  # the same rows as the case's own table
        assert np.allclose(rows["brier_model"].to_numpy(float), own["brier_model"].to_numpy(float), equal_nan=True)
    # the pooled means are the means over the votes scored by all three, recomputed here
    scored = t[t["brier_rule"].notna() & t["brier_model"].notna()]
    assert every_case.summary["votes_scored"] == list(scored["vote"])
    for m in V.MODELS:
        assert every_case.summary[f"mean_brier_{m}"] == pytest.approx(scored[f"brier_{m}"].mean())
        assert every_case.summary[f"mean_log_loss_{m}"] == pytest.approx(scored[f"log_loss_{m}"].mean())
    assert set(every_case.summary["by_applicant"]) == set(t["applicant"])


def test_over_every_held_out_vote_the_three_can_score_the_model_beats_both_baselines(every_case):
    """The issue's bar, over the pooled votes: lower mean per-state Brier and log loss than the rule
    "recogniser => yes" and the class model, and no held-out outcome wrong."""
    s = every_case.summary
    assert len(s["votes_scored"]) >= 5
    for baseline in ("rule", "class"):
        assert s["mean_brier_model"] < s[f"mean_brier_{baseline}"], baseline
        assert s["mean_log_loss_model"] < s[f"mean_log_loss_{baseline}"], baseline
    assert s["outcomes_wrong_model"] == []


def test_every_case_names_an_unknown_case():
    with pytest.raises(InvalidParameterError, match="No installed case named 'atlantis'"):
        V.validate_every_case(["atlantis"])
