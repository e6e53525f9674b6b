"""The per-state vote model: recovery of known ideal points, tally-only votes in the likelihood,
what the design holds, and predictions that follow the world on the day."""

import math

import numpy as np
import pytest

from dialoguelab.case import load_case
from dialoguelab.errors import InvalidParameterError
from dialoguelab.membership import idealpoints as ip
from dialoguelab.membership.tally import tally_log_probability

KOSOVO = load_case()


def _draw(rng, p):
    u = rng.random(len(p))
    return (u[:, None] > np.cumsum(p, axis=1)).sum(axis=1).clip(0, 3)


def _synthetic(n_states=60, n_votes=60, seed=0, pooled=(), tally_only=(), shift_tally=0):
    """Roll calls drawn from known one-dimensional ideal points (and, for pooled votes, a covariate)."""
    rng = np.random.default_rng(seed)
    states = tuple(f"S{i:02d}" for i in range(n_states))
    x = rng.standard_normal(n_states)
    rec = (rng.random(n_states) < 0.5).astype(float)
    items = []
    for j in range(n_votes):
        is_pooled = j in pooled
        beta = (1.5 if is_pooled else rng.choice([-1, 1]) * rng.uniform(1.5, 3.0))
        ey = rng.normal(0, 0.5) + beta * x + (2.0 * rec if is_pooled else 0.0)
        ea = -1.5 + 0.3 * x
        nu = np.full(n_states, -2.5)
        p = ip._vote_probs(ey, ea, nu)
        votes = _draw(rng, p)
        Z = np.column_stack([rec if is_pooled else np.zeros(n_states)])
        if j in tally_only:
            known = np.full(n_states, -1)
            counts = [int((votes == k).sum()) for k in range(3)]
            rest = (counts[0] + shift_tally, counts[1] - shift_tally, counts[2])
        else:
            known, rest = votes, (0, 0, 0)
        group = "admission:AAA" if is_pooled else f"vote:v{j}"
        items.append(ip.RollCallItem(f"v{j}", group, is_pooled, states, Z, np.asarray(known), rest, organ="o:gc"))
    return ip.Design(states, ("recognizes",), tuple(items), 1), x


@pytest.fixture()
def quick_em():
    """Fewer EM steps than the default are enough for the synthetic designs (only for them: the options are
    part of a fit's key, so a fit of the built-in case under them would miss its shipped fit)."""
    saved = dict(ip.FIT_OPTIONS)
    ip.FIT_OPTIONS.update(max_em_iterations=60)
    yield
    ip.FIT_OPTIONS.clear()
    ip.FIT_OPTIONS.update(saved)


def test_known_ideal_points_are_recovered(quick_em):
    design, x = _synthetic()
    f = ip.fit_design(design, laplace=False)
    est = f.ideal_points()["x1"].to_numpy()
    r = np.corrcoef(est, x)[0, 1]
    assert abs(r) >= 0.95, r
    # the counterfactual: ideal points that have nothing to do with the votes are not "recovered"
    other = np.random.default_rng(99).standard_normal(len(x))
    assert abs(np.corrcoef(est, other)[0, 1]) < 0.5


def test_tally_only_votes_enter_with_their_exact_probability(quick_em):
    design, _ = _synthetic(n_votes=14, pooled=(10, 11, 12, 13), tally_only=(12, 13), seed=1)
    f = ip.fit_design(design, laplace=False)
    L = ip._Layout(design)
    p = ip._probs(L, f.theta)
    for j, item in enumerate(design.items):
        rows = L.item_rows[j]
        if item.id in ("v12", "v13"):
            lp = tally_log_probability(p[rows], item.rest)
            assert math.isclose(f.item_log_likelihood[item.id], lp, rel_tol=1e-9)
            # the fitted vote reproduces its tally closely
            assert abs(p[rows, 0].sum() - item.rest[0]) < 4
        else:
            lp = float(np.log(p[rows, item.known]).sum())
            assert math.isclose(f.item_log_likelihood[item.id], lp, rel_tol=1e-9)
    assert math.isclose(f.log_likelihood, sum(f.item_log_likelihood.values()), rel_tol=1e-12)
    # every EM step raises the exact log posterior (up to the M-step's tolerance)
    assert np.all(np.diff(f.trace) > -1e-4 * abs(f.trace[-1]))


def test_a_tally_moves_the_estimate_of_its_vote(quick_em):
    low, _ = _synthetic(n_votes=14, pooled=(10, 11, 12, 13), tally_only=(12, 13), seed=1)
    high, _ = _synthetic(n_votes=14, pooled=(10, 11, 12, 13), tally_only=(12, 13), seed=1, shift_tally=6)
    out = []
    for d in (low, high):
        f = ip.fit_design(d, laplace=False)
        L = ip._Layout(d)
        p = ip._probs(L, f.theta)
        out.append(p[L.item_rows[12], 0].sum())
    assert out[1] - out[0] > 3  # six more yes in the tally: the model's yes count follows


def test_design_holds_the_case_roll_calls():
    d = ip.design_from_case(KOSOVO)
    ids = {it.id for it in d.items}
    assert {"coe-cm-2023-04-24", "unesco-gc-2015-11-09", "interpol-2018-final"} <= ids
    skipped = {s.id: s.reason for s in d.skipped}
    assert "interpol-2018-round1-a" in skipped and "pace-2024-04-16" in skipped
    assert "tally" in skipped["unga-62-249"]
    unesco = next(it for it in d.items if it.id == "unesco-gc-2015-11-09")
    # 171 published votes (incl. the Cook Islands, not a UN member); the other members are unknown and
    # the tally says they cast no yes, no or abstain
    assert int((unesco.known >= 0).sum()) == 171 and unesco.rest == (0, 0, 0)
    assert "COK" in unesco.voters and "XKX" not in unesco.voters
    interpol = next(it for it in d.items if it.id == "interpol-2018-final")
    assert (interpol.known < 0).all() and interpol.rest == (68, 51, 16) and interpol.secret
    # the applicant never votes on its own admission
    pse = next(it for it in d.items if it.id == "unesco-gc-2011-10-31")
    assert "PSE" not in pse.voters
    # stance covariates only where the applicant is the case's
    k = d.covariate_names.index("recognizes")
    assert pse.covariates[:, k].sum() == 0 and unesco.covariates[:, k].sum() > 90


def test_a_held_out_vote_is_not_in_the_design_nor_in_the_fit(monkeypatch, tmp_path):
    held = frozenset({"coe-cm-2023-04-24"})
    d = ip.design_from_case(KOSOVO, exclude=held)
    assert held.isdisjoint(it.id for it in d.items)
    seen = []

    def fake(design, laplace, start=None):
        seen.append(design)
        return ip.fit_design(ip.Design(design.states[:3], design.covariate_names, (), 1), laplace=False)

    def fake_laplace(design, map_fit):
        seen.append(design)
        return map_fit

    monkeypatch.setattr(ip, "_fit_persistent", fake)
    monkeypatch.setattr(ip, "_laplace_persistent", fake_laplace)
    import shutil

    from dialoguelab.case import builtin_case_path

    shutil.copytree(builtin_case_path("kosovo"), tmp_path / "case")
    case = load_case(tmp_path / "case")  # a case object of its own: the fakes stay out of the shared one
    ip.fit(case, exclude=held)
    assert seen and all(held.isdisjoint(it.id for it in dsg.items) for dsg in seen)


def test_covariates_read_the_member_lists_present():
    names = ip.covariate_names(KOSOVO)
    assert names[: len(ip.STANCE_COVARIATES)] == ip.STANCE_COVARIATES
    lists = KOSOVO.world.lists() | set(KOSOVO.world.bodies)
    assert [n.split(":", 1)[1] for n in names if n.startswith("member:")] == [
        x for x in ip.COVARIATE_LISTS if x in lists
    ]


def test_item_probabilities_validate_the_group(quick_em):
    design, _ = _synthetic(n_votes=4, seed=2)
    f = ip.fit_design(design, laplace=False)
    with pytest.raises(InvalidParameterError, match="no roll calls of group"):
        ip.item_probabilities(f, "admission:ZZZ", ("S00",), np.zeros((1, 1)))
    p = ip.item_probabilities(f, "vote:v0", ("S00", "NEW"), np.zeros((2, 1)))
    assert np.allclose(p.sum(axis=1), 1.0)


def test_state_probabilities_with_intervals():
    df = ip.state_probabilities(KOSOVO, "coe", "2023-04-24", draws=30)
    assert len(df) == 46 and set(df["iso3"]) >= {"SRB", "ALB", "ESP"}
    assert np.allclose(df[["yes", "no", "abstain", "absent"]].sum(axis=1), 1.0)
    assert ((df["yes_low"] <= df["yes"] + 1e-9) & (df["yes"] <= df["yes_high"] + 1e-9)).all()
    # recognisers are likelier to vote yes than the declared opponent
    assert df.set_index("iso3").loc["ALB", "yes"] > df.set_index("iso3").loc["SRB", "yes"]
    assert df["model"].iloc[0].startswith("per-state ideal-point model")
    with pytest.raises(InvalidParameterError, match="'level'"):
        ip.state_probabilities(KOSOVO, "coe", "2023-04-24", level=1.5)


def test_the_laplace_factor_of_a_map_fit_is_the_full_laplace_fits(quick_em, tmp_path, monkeypatch):
    monkeypatch.setenv("DIALOGUELAB_CACHE", str(tmp_path))
    design, _ = _synthetic()
    full = ip.fit_design(design, laplace=True)
    map_fit = ip.fit_design(design, laplace=False)
    assert map_fit.covariance_factor is None and np.array_equal(map_fit.theta, full.theta)
    added = ip._laplace_persistent(design, map_fit)
    assert added.covariance_factor is not None
    assert np.allclose(added.covariance_factor, full.covariance_factor, rtol=0, atol=1e-12)
    again = ip._laplace_persistent(design, map_fit)  # read back from the disk cache
    assert np.array_equal(again.covariance_factor, added.covariance_factor)
