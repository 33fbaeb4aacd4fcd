"""Exogenous breakdown risk on a talks stage (``tracks[k].breakdown_risk``; Binmore, Rubinstein and Wolinsky
1986), against the closed form of the kernel's rule: after each round without agreement the talks end with
probability h, checked at the start of rounds 1..R-1 (kernel.breakdown_rounds, kernel.turns).

- hardliners (no zone of agreement) over R rounds: P(breakdown) = 1 - (1 - h)^(R-1), the rest reach the last
  round (where the leaders walk away);
- parties that agree in round a (0-based) without the risk agree with it with probability (1 - h)^a;
- the run-by-run engine and the lockstep engine give every run the same result, drawn risks included;
- a drawn risk is patched into the nominal scenario exactly as the full build gives it.
"""

from __future__ import annotations

import copy
import math
import subprocess
import sys

import numpy as np
import pytest
import yaml

from accord.experiments.fastbuild import Patcher
from accord.experiments.patch_compare import same_talks
from accord.io.talks import talks_from_document
from accord.protocols.talks import run_batch, run_lockstep_batch

RUNS = 3000


def _doc(rounds: int, risk: float, walk_away: float) -> dict:
    party = {
        "weights": {"x": 1.0},
        "reservation": walk_away,
    }
    return {
        "name": "two leaders",
        "issues": {"x": {"values": [0, 1, 2, 3, 4], "ordered": True}},
        "parties": {
            "a": {**party, "scores": {"x": {0: 0.0, 1: 0.25, 2: 0.5, 3: 0.75, 4: 1.0}}},
            "b": {**party, "scores": {"x": {0: 1.0, 1: 0.75, 2: 0.5, 3: 0.25, 4: 0.0}}},
        },
        "protocol": {"deadline": rounds},
        "tracks": [{"name": "summit", "rounds": rounds, "breakdown_risk": risk}],
    }


def _tol(p: float, n: int = RUNS) -> float:
    return 4 * math.sqrt(p * (1 - p) / n) + 1e-12


@pytest.mark.parametrize(("rounds", "h"), [(2, 0.3), (5, 0.1), (8, 0.05)])
def test_hardliners_break_down_with_the_closed_form(rounds, h):
    ts = talks_from_document(_doc(rounds, h, walk_away=0.9), "hardliners.yaml")  # nothing beats 0.9 for both
    b = run_batch(ts, RUNS, 0)
    ends = np.array([r.end for r in b.results])
    assert not b.agreed.any()
    p = 1 - (1 - h) ** (rounds - 1)
    assert (ends == "breakdown").mean() == pytest.approx(p, abs=_tol(p))
    rounds_played = np.array([r.rounds for r in b.results])
    assert (rounds_played[ends != "breakdown"] == rounds).all()  # the others reach the last round


def test_no_risk_no_breakdown():
    ts = talks_from_document(_doc(4, 0.0, walk_away=0.9), "hardliners.yaml")
    b = run_batch(ts, 50, 0)
    assert all(r.end != "breakdown" and r.rounds == 4 for r in b.results)


@pytest.mark.parametrize("h", [0.1, 0.25])
def test_agreement_survives_with_probability_of_no_breakdown_before_it(h):
    sure = run_batch(talks_from_document(_doc(6, 0.0, walk_away=0.2), "zone.yaml"), 1, 0)
    assert sure.agreed.all()
    a = sure.results[0].rounds - 1  # the round (0-based) in which the parties agree without the risk
    assert a >= 1
    b = run_batch(talks_from_document(_doc(6, h, walk_away=0.2), "zone.yaml"), RUNS, 0)
    p = (1 - h) ** a
    assert b.agreed.mean() == pytest.approx(p, abs=_tol(p))
    same = [r.outcome_index for r in b.results if r.agreement]
    assert set(same) == {sure.results[0].outcome_index}  # the risk ends talks, it does not move the deal


def test_same_seed_same_result():
    ts = talks_from_document(_doc(5, 0.2, walk_away=0.9), "hardliners.yaml")
    one = [r.end for r in run_batch(ts, 200, 7).results]
    two = [r.end for r in run_batch(ts, 200, 7).results]
    assert one == two


def test_lockstep_equals_run_by_run_with_drawn_risks():
    risks = [0.0, 0.05, 0.2, 0.5, 0.9, 0.3]
    for walk_away in (0.9, 0.2):
        tss = [talks_from_document(_doc(6, h, walk_away), "x.yaml") for h in risks for _ in range(5)]
        seeds = list(range(100, 100 + len(tss)))
        lock = run_lockstep_batch(tss, seeds)
        for k, (ts, s) in enumerate(zip(tss, seeds, strict=True)):
            alone = run_batch(ts, 1, s).results[0]
            got = lock.results[k]
            assert (got.end, got.rounds, got.outcome_index) == (alone.end, alone.rounds, alone.outcome_index)


def test_drawn_risk_is_patched_exactly():
    doc = _doc(5, 0.0, walk_away=0.2)
    drawn = copy.deepcopy(doc)
    drawn["tracks"][0]["breakdown_risk"] = {"uniform": [0.0, 0.2]}
    nominal = talks_from_document(doc, "x.yaml")
    nominal_drawn = copy.deepcopy(doc)
    nominal_drawn["tracks"][0]["breakdown_risk"] = 0.1
    pt = Patcher(drawn, talks_from_document(nominal_drawn, "x.yaml"))
    path = ("tracks", 0, "breakdown_risk")
    assert pt.kind(path) == "breakdown"
    got = pt.scenario({path: 0.137})
    want = copy.deepcopy(doc)
    want["tracks"][0]["breakdown_risk"] = 0.137
    assert got is not None and got.stages[0].breakdown_risk == 0.137
    assert same_talks(got, talks_from_document(want, "x.yaml"))
    assert nominal.stages[0].breakdown_risk == 0.0
    assert pt.scenario({path: 1.5}) is None  # not a probability: the full path reports it


def test_protocol_breakdown_risk_reaches_the_single_stage():
    doc = _doc(5, 0.0, walk_away=0.9)
    del doc["tracks"]
    doc["protocol"]["breakdown_risk"] = 0.25
    doc["private"] = {"facts": {"f": {"true_value": True}}}
    ts = talks_from_document(doc, "x.yaml")
    assert ts.stages[0].breakdown_risk == 0.25
    assert ts.scenario.protocol.breakdown_risk == 0.25


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("stage", 1.5, "tracks[0].breakdown_risk"),
        ("stage", -0.1, "tracks[0].breakdown_risk"),
        ("protocol", 2.0, "protocol.breakdown_risk"),
    ],
)
def test_risk_outside_0_1_is_refused(tmp_path, where, value, field):
    doc = _doc(4, 0.0, walk_away=0.5)
    if where == "stage":
        doc["tracks"][0]["breakdown_risk"] = value
    else:
        doc["protocol"]["breakdown_risk"] = value
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "accord", "run", str(f), "--runs", "2"], capture_output=True, text=True
    )
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert field in r.stderr and "bad.yaml" in r.stderr
