"""Staged talks: carry-over between stages, beliefs at stage ends, mandates, demands, leaders' walk-away."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from accord.io.talks import talks_from_document
from accord.model.beliefs import world_weights
from accord.protocols.talks import compiled, run_batch, summarize
from accord.protocols.tracks import _last_offer, run_talks

from .toy import toy


def _run(doc, seed=0, variant=None):
    ts = talks_from_document(doc, "toy.yaml", variant=variant)
    return ts, compiled(ts), run_talks(compiled(ts), seed=seed)


@pytest.mark.parametrize(("rounds", "b_floor"), [(8, None), (1, 0.7)])
def test_working_level_settles_and_narrows_from_final_positions(rounds, b_floor):
    doc = toy()
    doc["tracks"][0]["rounds"] = rounds
    if b_floor is not None:
        doc["tracks"][0]["mandates"]["b"] = {"min_utility": b_floor}
    ts, ct, r = _run(doc)
    wl = r.stages[0]
    assert wl.end == ("agreement" if rounds == 8 else "deadline")  # both branches of the carry-over
    res = wl.result
    sp = ts.scenario.space
    if res.agreement:
        positions = [res.outcome_index]
    else:
        positions = [p for p in (_last_offer(res, 0), _last_offer(res, 1)) if p is not None]
    expect_open = np.ones(sp.size, dtype=bool)
    settled = {}
    for name in ("plant", "declaration", "office"):  # the agenda; relief stays open
        j = sp.issue_position(name)
        vals = sorted({int(ct.digits[p, j]) for p in positions})
        col = ct.digits[:, j]
        if len(vals) == 1:
            expect_open &= col == vals[0]
            settled[name] = sp.issues[j].values[vals[0]]
        else:
            expect_open &= (col >= vals[0]) & (col <= vals[-1])
    assert wl.settled == settled
    assert wl.open_outcomes == int(expect_open.sum())
    # every summit offer lies in the open set
    for o, act in zip(r.stages[1].result.trace.offer, r.stages[1].result.trace.action, strict=True):
        if act == "offer":
            assert expect_open[o]


def test_beliefs_update_by_bayes_on_the_final_position():
    ts, ct, r = _run(toy())
    wl = r.stages[0].result
    pos = wl.outcome_index if wl.agreement else _last_offer(wl, 1)
    holds = ts.scenario.space.outcome(pos)["declaration"] == "no"
    l1, l0 = (0.8, 0.4) if holds else (0.2, 0.6)
    assert r.stages[0].beliefs[0, 0] == pytest.approx(0.5 * l1 / (0.5 * l1 + 0.5 * l0))
    assert r.stages[0].beliefs[1, 0] == 1.0


def test_envoy_stays_within_its_mandate():
    ts, ct, r = _run(toy())
    wl = r.stages[0].result
    u_a = world_weights(np.array([0.5])) @ ct.worlds.utilities[0]  # a's expected utility at the stage start
    for o, p, act in zip(wl.trace.offer, wl.trace.party, wl.trace.action, strict=True):
        if p == 0 and act == "offer":
            assert u_a[o] >= 0.45 - 1e-12


def test_belief_dependent_demand_limits_offers():
    doc = toy()
    doc["private"]["demands"] = [
        {"party": "a", "fact": "sites", "above": 0.4, "require": "declaration == yes"}
    ]
    ts, ct, r = _run(doc)
    for so in r.stages:
        tr = so.result.trace
        for o, p, act in zip(tr.offer, tr.party, tr.action, strict=True):
            if p == 0 and act in ("offer", "accept"):
                assert ts.scenario.space.outcome(o)["declaration"] == "yes"


@pytest.mark.parametrize("audience_cost", [0.0, 0.4, 0.6])
def test_leader_concedes_or_walks_by_its_value_of_the_deal(audience_cost):
    """One package on the table: leader a signs iff EU + prestige - audience cost >= walk-away (0.35)."""
    doc = toy()
    doc["tracks"][1]["stakes"]["a"]["audience_cost"] = audience_cost
    doc["tracks"][1]["stakes"]["a"]["public_demand"] = "relief == none"  # the package breaks it
    ts = talks_from_document(doc, "toy.yaml", variant="one_deal")
    ct = compiled(ts)
    r = run_talks(ct, seed=0)
    deal = ts.scenario.space.index(
        {"relief": "partial", "plant": "dismantled", "declaration": "yes", "office": "yes"}
    )
    value = float(world_weights(np.array([0.5])) @ ct.worlds.utilities[0][:, deal]) + 0.02 - audience_cost
    if value >= 0.35:
        assert r.agreement and r.outcome_index == deal
    else:
        assert not r.agreement and r.walked_away_by == "a"


def test_no_working_level_variant_skips_the_working_level():
    ts, ct, r = _run(toy(), variant="no_working_level")
    assert [s.name for s in r.stages] == ["summit"] and r.stages[0].rounds <= 3


def test_batch_is_reproducible_and_equals_single_runs():
    ts = talks_from_document(toy(), "toy.yaml")
    a = summarize(run_batch(ts, 30, 5))
    b = summarize(run_batch(ts, 30, 5))
    assert a == b
    ts2 = talks_from_document(toy(), "toy.yaml")
    single = summarize(run_batch(ts2, 1, 17))["results"][0]
    assert single == a["results"][12]


def test_drawn_fact_makes_runs_differ_and_is_seeded():
    doc = toy()
    doc["private"]["facts"]["sites"] = {"probability": 0.5, "beliefs": {"a": 0.5}}
    ts = talks_from_document(doc, "toy.yaml")
    runs = [run_talks(compiled(ts), seed=s).world for s in range(200)]
    assert 0 < sum(runs) < 200
    assert runs == [run_talks(compiled(ts), seed=s).world for s in range(200)]


def test_no_tracks_means_one_leaders_stage_with_the_protocol():
    doc = toy()
    del doc["tracks"]
    doc["variants"] = {}
    ts = talks_from_document(copy.deepcopy(doc), "toy.yaml")
    assert len(ts.stages) == 1 and ts.stages[0].rounds == 3 and set(ts.stages[0].roles.values()) == {"leader"}
