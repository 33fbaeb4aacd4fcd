"""Which engine ran, wherever a fast path exists (issue 11: no silent fallback).

Each front door that can take a fast path records the engine on its result (``Result.engine``,
``Batch.engine``) or is spied on here; the tests pin which cases take it and which are played turn by turn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord import api
from accord.experiments import worker as W
from accord.experiments.plans import plan_montecarlo
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols import batch, talks
from accord.protocols.lockstep import supported

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "scenarios"


def _scenario(cards: list[int], seed: int = 0) -> Scenario:
    rng = np.random.default_rng(seed)
    space = OutcomeSpace([Issue.integer(f"i{j}", 0, c - 1) for j, c in enumerate(cards)])
    parties = []
    for p in range(2):
        w = rng.random(len(cards))
        prefs = Preferences(space, w / w.sum(), tuple(rng.random(c) for c in cards), (), (), 0.1, 1.0)
        parties.append(Party(f"p{p}", prefs))
    return Scenario("s", space, tuple(parties), Protocol(deadline=20))


@pytest.mark.parametrize(
    ("specs", "cards", "engine"),
    [
        (["boulware", "conceder"], [10, 10, 10], "arrays"),
        (["linear", "hardliner"], [10, 10, 10], "arrays"),
        (["time_based(3, 0.1)", "boulware"], [8, 8], "arrays"),
        (["boulware", "aspiration"], [10, 10, 10], "turns"),  # not time-dependent: no array policy
        (["tit_for_tat", "conceder"], [10, 10], "turns"),
        (["boulware", "conceder"], [30, 30, 30], "turns"),  # 27,000 outcomes > batch.MAX_OUTCOMES
    ],
)
def test_run_batch_takes_the_array_engine_exactly_where_it_can(specs, cards, engine):
    sc = _scenario(cards)
    assert (sc.space.size <= batch.MAX_OUTCOMES) == (cards != [30, 30, 30])
    results = api.run_batch(sc, specs, runs=3, seed=1)
    assert [r.engine for r in results] == [engine] * 3
    alone = [api.run(sc, specs, seed=1 + k) for k in range(3)]
    assert [r.engine for r in alone] == ["turns"] * 3  # api.run plays the turns (it keeps the trace)
    assert [(r.summary(), r.time) for r in results] == [(r.summary(), r.time) for r in alone]
    assert [list(r.trace.offer) for r in results] == [list(r.trace.offer) for r in alone]


def test_a_mixed_batch_splits_per_negotiation():
    sc = _scenario([6, 6])
    negs = [
        [api.negotiator_for(a), api.negotiator_for(b)]
        for a, b in [("boulware", "linear"), ("random", "linear")]
    ]
    got = batch.run_alternating_batch([sc, sc], negs, seeds=[0, 1])
    assert [r.engine for r in got] == ["arrays", "turns"]


def _spy(monkeypatch, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(talks, name)

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(len(out.seeds))
        return out

    monkeypatch.setattr(talks, name, spy)
    return calls


@pytest.fixture(scope="module")
def unsupported(tmp_path_factory) -> Path:
    """Hanoi with a Boulware envoy: a strategy the lockstep engine has no array policy for."""
    text = (LIB / "hanoi-2019.yaml").read_text()
    old = "negotiators: {usa: envoy, dprk: envoy}"
    assert text.count(old) == 1
    path = tmp_path_factory.mktemp("unsupported") / "hanoi-boulware.yaml"
    path.write_text(
        text.replace(old, "negotiators: {usa: envoy, dprk: envoy}\n    strategies: {usa: boulware}")
    )
    return path


@pytest.mark.parametrize(
    ("scenario", "lockstep"), [("hanoi-2019.yaml", True), ("jcpoa-2015.yaml", True), ("unsupported", False)]
)
def test_monte_carlo_of_talks_runs_in_lockstep_when_supported(monkeypatch, unsupported, scenario, lockstep):
    path = unsupported if scenario == "unsupported" else LIB / scenario
    assert supported(api.load_talks(path)) is lockstep
    locked, alone = _spy(monkeypatch, "run_lockstep_batch"), _spy(monkeypatch, "run_batch")
    plan = plan_montecarlo(path, 12, seed=3, chunk_size=12)
    task = plan.task("results", 0)
    rows = W.run_chunk(task)
    assert len(rows) == 12
    if lockstep:
        assert sum(locked) == 12 and not alone
    else:
        assert sum(alone) == 12 and not locked


def test_run_batch_of_talks_names_its_engine():
    ts = api.load_talks(LIB / "hanoi-2019.yaml")
    assert api.talks_batch(ts, runs=2).engine == "run_by_run"
    assert talks.run_lockstep_batch([ts, ts], [0, 1]).engine == "lockstep"
