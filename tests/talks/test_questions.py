"""The four answers are the model's own numbers: each checked against a direct computation."""

from __future__ import annotations

import numpy as np
import pytest

from accord.experiments.questions import answer_all, deal_values, leader_decision
from accord.implementation.engine import expected
from accord.io.talks import talks_from_document
from accord.model.beliefs import world_weights
from accord.protocols.talks import compiled, run_batch

from .toy import toy


@pytest.fixture(scope="module")
def answers():
    doc = toy()
    base = talks_from_document(doc, "toy.yaml")
    variants = {v: talks_from_document(doc, "toy.yaml", variant=v) for v in doc["variants"]}
    return base, variants, answer_all(base, variants, 5, 0)


def test_sections_and_groundwork_against_direct_runs(answers):
    base, variants, q = answers
    assert set(q) >= {"groundwork", "relief_under_private_facts", "course", "walk_or_concede"}
    direct = run_batch(variants["no_working_level"], 5, 0)
    assert q["groundwork"]["without_working_level"]["agreement_rate"] == float(direct.agreed.mean())
    assert [r["working_level_rounds"] for r in q["groundwork"]["working_level_rounds_sweep"]] == [
        1,
        2,
        3,
        4,
        6,
        8,
        12,
        20,
    ]


def test_deal_values_are_the_exact_expectation(answers):
    base, variants, q = answers
    ts = variants["one_deal"]
    deal = ts.scenario.space.index(
        {"relief": "partial", "plant": "dismantled", "declaration": "yes", "office": "yes"}
    )
    dv = deal_values(ts, deal)
    ct = compiled(ts)
    for w, row in enumerate(dv["worlds"]):
        wts = world_weights(np.array([[0.5], [float(w)]]))  # a's prior; b knows world w
        e = expected(ct.impl, np.array([deal]), np.array([w]), wts[None])
        assert row["realised"]["a"] == pytest.approx(e.realised[0, 0])
        assert row["facts"] == {"sites": bool(w)}
    assert q["relief_under_private_facts"]["one_deal"]["deal"]["relief"] == "partial"


def test_leader_decision_adds_up(answers):
    base, variants, q = answers
    ts = variants["one_deal"]
    deal = ts.scenario.space.index(
        {"relief": "partial", "plant": "dismantled", "declaration": "yes", "office": "yes"}
    )
    b = ts.private.priors(ts.party_names, np.array([True]))
    d = leader_decision(ts, ts.stages[-1], 0, deal, b)
    value = float(world_weights(b[0]) @ compiled(ts).worlds.utilities[0][:, deal])
    assert d["expected_value"] == pytest.approx(value)
    assert d["total"] == pytest.approx(value + 0.02 - 0.0)  # relief partial keeps a's public demand
    assert d["decision"] == ("concede" if d["total"] >= 0.35 else "walk away")
    flip = d["belief_break_even"]["sites"]
    # value is linear in the belief: the break-even (if any) reproduces the walk-away value
    if flip["break_even_belief"] is not None:
        p = flip["break_even_belief"]
        assert flip["value_if_false"] + p * (flip["value_if_true"] - flip["value_if_false"]) == pytest.approx(
            0.35
        )
