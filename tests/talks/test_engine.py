"""The implementation engine: hand-computed consequences, simulation against the exact expectation,
and reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from accord.implementation.deterrence import deterrence_table
from accord.implementation.engine import draw_count, expected, simulate
from accord.implementation.schedule import (
    COLLAPSE,
    SNAPBACK,
    SUSPENSION,
    compile_implementation,  # noqa: I001
)
from accord.implementation.steps import _consequence
from accord.model.beliefs import Fact, PrivateInfo, Signal, compile_worlds
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences, Term
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace
from accord.model.talks import Action, ImplementationSpec, Step, ThreatComponent, Verification

SP = OutcomeSpace(
    [
        Issue.categorical("plant", ["running", "frozen", "dismantled"], True),
        Issue.categorical("hidden", ["kept", "dismantled"], True),
        Issue.categorical("relief", ["none", "partial", "full"], True),
    ]
)
FACTS = frozenset({"sites"})


def _prefs(w, scores, terms=()):
    return Preferences(SP, np.array(w, float), tuple(np.array(s, float) for s in scores), tuple(terms))


def scenario() -> Scenario:
    term = Term(compile_expression("sites and hidden == kept", SP, FACTS), -0.2)
    us = _prefs([0.4, 0.2, 0.4], [[0, 0.5, 1], [0, 1], [1, 0.6, 0]], [term])
    dp = _prefs([0.2, 0.2, 0.6], [[1, 0.6, 0], [1, 0], [0, 0.5, 1]])
    return Scenario("toy", SP, (Party("us", us), Party("dp", dp)))


def impl(compliance="opportunist", consequence="snapback", rate=0.5, det=0.8, us="faithful", hidden_det=0.3):
    sc = scenario()
    priv = PrivateInfo(
        (Fact("sites", True, {"us": 0.6}),), (Signal("sites", "us", "dp", "inspection", 0.3, 0.05),)
    )
    spec = ImplementationSpec(
        steps=(
            Step("freeze", (Action("dp", "plant", 1),)),
            Step("relief 1", (Action("us", "relief", 1),)),
            Step("dismantle", (Action("dp", "plant", 2), Action("dp", "hidden", 1, "sites", hidden_det))),
            Step("relief 2", (Action("us", "relief", 2),)),
        ),
        verification=Verification(
            {"dp": rate, "us": 1.0}, {"dp": det, "us": 1.0}, {"dp": consequence, "us": "collapse"}
        ),
        compliance={"dp": compliance, "us": us},
        status_quo={"plant": 0, "hidden": 0, "relief": 0},
        irreversible={"plant": 2},
        threat_party="dp",
        threat=(
            ThreatComponent("plant", 0.6, "plant", 2),
            ThreatComponent("hidden", 0.4, "hidden", 1, "sites"),
        ),
        relief_party="us",
    )
    return compile_implementation(sc, spec, compile_worlds(sc, priv), priv), sc


FULL = SP.index({"plant": "dismantled", "hidden": "dismantled", "relief": "full"})


def test_faithful_delivers_the_agreement_and_counts_the_programme():
    ci, sc = impl(compliance="faithful", rate=1.0)
    o = expected(ci, np.array([FULL, FULL]), np.array([0, 1]), np.ones((2, 2, 2)) / 2)
    u = compile_worlds(sc, ci.private).utilities
    assert o.realised[:, 0] == pytest.approx([u[0, 0, FULL], u[0, 1, FULL]])
    assert o.completed.tolist() == [1.0, 1.0]
    # sites false: only the plant exists (share 0.6 of 0.6); true: 0.6 + 0.4 of 1.0 -- all inspected (rate 1)
    assert o.threat_reduction.tolist() == pytest.approx([1.0, 1.0])


def test_milestones_are_capped_at_the_agreed_value():
    ci, _ = impl(compliance="faithful", rate=1.0)
    partial = SP.index({"plant": "frozen", "hidden": "kept", "relief": "partial"})
    g = ci.digits(np.array([partial]))
    t = ci.targets(g, np.array([1]))
    # freeze delivers frozen; the dismantle action is capped at frozen; hidden agreed kept: vacuous;
    # relief 1 delivers partial; relief 2 (last) delivers the agreed partial
    assert t.tolist() == [[1, 1, 1, -1, 1]]


def test_snapback_reverts_the_victims_deliveries_by_hand():
    """The hidden site is never dismantled (random p=1) and always found (rate 1, detection 1) at step 3:
    snapback reverts the relief delivered; the plant stays dismantled."""
    ci, sc = impl(compliance="random(p=1)", rate=1.0, det=1.0, hidden_det=1.0)
    o = simulate(ci, np.array([FULL]), np.array([1]), np.ones((1, 2, 2)) / 2, np.random.default_rng(0))
    # random(p=1) also withholds the freeze at step 1 -> caught at step 1 already
    assert o.caught[0].tolist() == [False, True] and o.caught_step[0, 1] == 0
    lvl = SP.index({"plant": "running", "hidden": "kept", "relief": "none"})
    assert o.realised[0, 0] == pytest.approx(compile_worlds(sc, ci.private).utilities[0, 1, lvl])
    assert not o.completed[0] and o.steps_completed[0] == 1


def test_consequences_by_hand():
    ci, _ = impl()
    lv = np.array([[2, 0, 1], [1, 1, 2]])  # [dismantled, kept, partial], [frozen, dismantled, full]
    # dp (party 1) caught: snapback reverts the US relief only
    assert _consequence(ci, lv, 1, SNAPBACK).tolist() == [[2, 0, 0], [1, 1, 0]]
    # collapse: everything reverts but the dismantled plant (irreversible from "dismantled")
    assert _consequence(ci, lv, 1, COLLAPSE).tolist() == [[2, 0, 0], [0, 0, 0]]
    assert _consequence(ci, lv, 1, SUSPENSION).tolist() == lv.tolist()


def test_deterrent_rate_of_the_freeze_by_hand():
    """Withholding the freeze: gain 0.2 (plant running: 0.2 x 1 instead of 0), loss if caught 0.2 (collapse to
    the status quo, 0.4, instead of the full deal, 0.6). With detection 1 at rate r over 4 steps it pays iff
    (1 - Q) 0.2 > Q 0.2, Q = 1 - (1 - r)^4: r* = 1 - 0.5^(1/4)."""
    ci, _ = impl(consequence="collapse", rate=1.0, det=1.0, hidden_det=1.0)
    rows = deterrence_table(ci, FULL, 1, np.array([[0.4, 0.6], [0.0, 1.0]]))
    freeze = rows[0]
    assert (freeze.step, freeze.party, freeze.issue) == ("freeze", "dp", "plant")
    assert freeze.gain == pytest.approx(0.2) and freeze.penalty == pytest.approx(0.2)
    assert freeze.deterrent_rate == pytest.approx(1 - 0.5**0.25, abs=1e-12)
    ci, _ = impl(consequence="collapse", rate=freeze.deterrent_rate - 1e-4, det=1.0, hidden_det=1.0)
    e = expected(ci, np.array([FULL]), np.array([1]), np.array([[[0.4, 0.6], [0.0, 1.0]]]))
    assert e.cheated[0, 1] == 1.0


def test_simulation_agrees_with_exact_expectation_within_sampling_error():
    for kw in (
        {},
        {"consequence": "none", "us": "conditional"},
        {"consequence": "suspension", "rate": 0.3},
        {"compliance": "conditional", "us": "opportunist"},
    ):
        ci, _ = impl(**kw)
        deals = np.array([FULL, SP.index({"plant": "dismantled", "hidden": "kept", "relief": "partial"})])
        for deal in deals:
            n = 40_000
            w = np.full(n, 1)
            wts = np.tile(np.array([[0.4, 0.6], [0.0, 1.0]]), (n, 1, 1))
            s = simulate(ci, np.full(n, deal), w, wts, np.random.default_rng(1))
            e = expected(ci, np.array([deal]), np.array([1]), wts[:1])
            for k in range(2):
                se = s.realised[:, k].std(ddof=1) / np.sqrt(n) + 1e-12
                assert abs(s.realised[:, k].mean() - e.realised[0, k]) < 4.5 * se, (kw, deal, k)
            p = e.completed[0]
            assert abs(s.completed.mean() - p) < 4.5 * np.sqrt(p * (1 - p) / n) + 1e-12
            p = e.caught[0, 1]
            assert abs(s.caught[:, 1].mean() - p) < 4.5 * np.sqrt(p * (1 - p) / n) + 1e-12
            tr = e.threat_reduction[0]
            assert (
                abs(np.nanmean(s.threat_reduction) - tr)
                < 4.5 * np.nanstd(s.threat_reduction) / np.sqrt(n) + 1e-12
            )


def test_opportunist_cheats_on_the_hidden_site_when_detection_is_poor():
    ci, _ = impl(hidden_det=0.05, rate=0.2)
    e = expected(ci, np.array([FULL]), np.array([1]), np.array([[[0.4, 0.6], [0.0, 1.0]]]))
    assert e.cheated[0, 1] == pytest.approx(1.0)
    ci, _ = impl(hidden_det=1.0, rate=1.0)
    e = expected(ci, np.array([FULL]), np.array([1]), np.array([[[0.4, 0.6], [0.0, 1.0]]]))
    assert e.cheated[0, 1] == 0.0
    # without the hidden sites (world 0) the hidden-site action is vacuous: nothing to cheat on
    e = expected(ci, np.array([FULL]), np.array([0]), np.array([[[0.4, 0.6], [1.0, 0.0]]]))
    assert e.cheated[0, 1] == 0.0


def test_runs_depend_on_their_own_draws_only():
    ci, _ = impl(compliance="random(p=0.3)")
    n = draw_count(ci)
    rng = np.random.default_rng(9)
    draws = rng.random((50, n))
    wts = np.tile(np.array([[0.4, 0.6], [0.0, 1.0]]), (50, 1, 1))
    full = simulate(ci, np.full(50, FULL), np.ones(50, int), wts, draws=draws)
    one = simulate(ci, np.array([FULL]), np.array([1]), wts[17:18], draws=draws[17:18])
    assert one.realised[0].tolist() == full.realised[17].tolist()
    assert one.caught_step[0].tolist() == full.caught_step[17].tolist()


def test_inspection_results_update_beliefs_by_bayes():
    ci, _ = impl(compliance="faithful", rate=1.0)
    b0 = np.array([[[0.6], [1.0]]])
    s = simulate(
        ci,
        np.array([FULL]),
        np.array([1]),
        np.array([[[0.4, 0.6], [0.0, 1.0]]]),
        np.random.default_rng(0),
        beliefs=b0,
    )
    # four clean inspections of dp: each multiplies the odds by (1 - 0.3) / (1 - 0.05)
    odds = 0.6 / 0.4 * (0.7 / 0.95) ** 4
    assert s.beliefs[0, 0, 0] == pytest.approx(odds / (1 + odds), rel=1e-12)
    assert s.beliefs[0, 1, 0] == 1.0
