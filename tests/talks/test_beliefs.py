"""Private facts and beliefs: Bayes' rule, worlds, fact-dependent preferences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.model.beliefs import (
    Fact,
    PrivateInfo,
    Signal,
    bayes,
    compile_worlds,
    offer_likelihoods,
    update_on_inspection,
    update_on_position,
    world_index,
    world_weights,
)
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences, Term
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace

prob = st.floats(0.0, 1.0)
pos = st.floats(0.01, 1.0)


def test_bayes_by_hand():
    # prior 0.8, P(obs|true) 0.1, P(obs|false) 0.4: 0.08 / (0.08 + 0.08) = 0.5
    assert bayes(0.8, 0.1, 0.4) == pytest.approx(0.5)
    assert bayes(0.3, 0.0, 0.0) == pytest.approx(0.3)  # impossible either way: no information
    assert bayes(0.3, 1.0, 0.0) == 1.0


@settings(max_examples=80, deadline=None)
@given(prob, pos, pos, pos, pos)
def test_sequential_updates_commute_and_equal_one_joint_update(p, a1, b1, a2, b2):
    one = bayes(bayes(p, a1, b1), a2, b2)
    other = bayes(bayes(p, a2, b2), a1, b1)
    joint = bayes(p, a1 * a2, b1 * b2)
    assert one == pytest.approx(other, abs=1e-12) and one == pytest.approx(joint, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.lists(prob, min_size=1, max_size=5))
def test_world_weights_are_the_product_distribution(b):
    w = world_weights(np.array(b))
    assert w.sum() == pytest.approx(1.0)
    for world in range(1 << len(b)):
        expect = np.prod([b[f] if world >> f & 1 else 1 - b[f] for f in range(len(b))])
        assert w[world] == pytest.approx(expect, abs=1e-15)


SP = OutcomeSpace(
    [Issue.categorical("site", ["kept", "gone"], True), Issue.categorical("relief", ["no", "yes"], True)]
)


def _scenario() -> Scenario:
    t = Term(compile_expression("hidden and site == gone", SP, frozenset({"hidden"})), -0.3)
    us = Preferences(SP, np.array([0.5, 0.5]), (np.array([0.0, 1.0]), np.array([1.0, 0.0])), (t,))
    them = Preferences(SP, np.array([0.5, 0.5]), (np.array([1.0, 0.0]), np.array([0.0, 1.0])))
    return Scenario("s", SP, (Party("us", us), Party("them", them)))


def test_preferences_depend_on_facts_world_by_world():
    priv = PrivateInfo((Fact("hidden", True, {"us": 0.25}),))
    W = compile_worlds(_scenario(), priv)
    gone_yes = SP.index({"site": "gone", "relief": "yes"})
    assert W.utilities[0, 0, gone_yes] == pytest.approx(0.5)  # hidden false: no term
    assert W.utilities[0, 1, gone_yes] == pytest.approx(0.2)  # hidden true: -0.3
    b = priv.priors(("us", "them"), priv.draw_truth(None))
    assert b.tolist() == [[0.25], [1.0]]  # "them" knows the truth
    eu = W.expected(0, world_weights(b[0]))
    assert eu[gone_yes] == pytest.approx(0.75 * 0.5 + 0.25 * 0.2)
    assert world_index(np.array([True])) == 1


def test_offer_and_inspection_updates_by_hand():
    cond = compile_expression("site == kept", SP)
    priv = PrivateInfo(
        (Fact("hidden", True, {"us": 0.5}),),
        (
            Signal("hidden", "us", "them", "offer", 0.9, 0.3, cond),
            Signal("hidden", "us", "them", "inspection", 0.4, 0.1),
        ),
    )
    digits = SP.digits(np.arange(SP.size))
    lt, lf = offer_likelihoods(priv, "us", "them", digits)
    kept = SP.digits(np.array([SP.index({"site": "kept", "relief": "yes"})]))
    assert lt[0] == pytest.approx([0.9, 0.9, 0.1, 0.1]) and lf[0] == pytest.approx([0.3, 0.3, 0.7, 0.7])
    b = np.array([[0.5], [1.0]])
    update_on_position(priv, b, 0, 1, ["us", "them"], kept)
    assert b[0, 0] == pytest.approx(0.45 / (0.45 + 0.15))
    before = b[0, 0]
    update_on_inspection(priv, b, "them", False, ["us", "them"])  # clean: 0.6 vs 0.9
    assert b[0, 0] == pytest.approx(before * 0.6 / (before * 0.6 + (1 - before) * 0.9))
    assert b[1, 0] == 1.0


def test_nature_draws_a_fact_from_the_run_generator():
    priv = PrivateInfo((Fact("hidden", None, {"us": 0.5}, probability=0.3),))
    draws = [priv.draw_truth(np.random.default_rng(s))[0] for s in range(4000)]
    assert abs(np.mean(draws) - 0.3) < 4 * np.sqrt(0.3 * 0.7 / 4000)
    assert priv.draw_truth(np.random.default_rng(7))[0] == priv.draw_truth(np.random.default_rng(7))[0]
