"""A batch of k runs equals k batches of one (issue 11), as hypothesis properties.

Plain negotiations: generated scenarios (1-3 issues, 2-3 parties, reservations, discounts, openers,
deadlines) and any built-in strategies, batchable by the array engine or not, mixed in one call to
:func:`accord.protocols.batch.run_alternating_batch`; each run must equal the same run alone. Staged talks:
runs of the library scenarios with their uncertain numbers drawn per seed, played in lockstep together and
one by one (:func:`accord.protocols.talks.run_lockstep_batch`) and by the run-by-run engine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.experiments.plans import plan_montecarlo
from accord.experiments.worker import draw_scenario
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import Party, Protocol, Scenario
from accord.model.space import OutcomeSpace
from accord.protocols.batch import run_alternating_batch
from accord.protocols.talks import run_batch, run_lockstep_batch
from accord.strategies.catalog import make

ROOT = Path(__file__).resolve().parents[2]
STRATEGIES = ["boulware", "linear", "conceder", "hardliner", "aspiration", "tit_for_tat", "random", "micro"]


@st.composite
def scenarios(draw) -> Scenario:
    cards = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
    space = OutcomeSpace([Issue.integer(f"i{j}", 0, c - 1) for j, c in enumerate(cards)])
    n = draw(st.integers(2, 3))
    parties = []
    for p in range(n):
        w = np.array([draw(st.integers(1, 5)) for _ in cards], dtype=float)
        scores = tuple(np.array([draw(st.integers(0, 8)) / 8 for _ in range(c)]) for c in cards)
        res = draw(st.sampled_from([0.0, 0.2, 0.5]))
        disc = draw(st.sampled_from([1.0, 0.8]))
        parties.append(Party(f"p{p}", Preferences(space, w / w.sum(), scores, (), (), res, disc)))
    opener = draw(st.sampled_from([None, *[f"p{p}" for p in range(n)]]))
    return Scenario("gen", space, tuple(parties), Protocol(deadline=draw(st.integers(1, 15)), opener=opener))


@st.composite
def runs(draw) -> list[tuple[Scenario, list[str], int]]:
    out = []
    shared = draw(scenarios())
    for _ in range(draw(st.integers(1, 6))):
        sc = shared if draw(st.booleans()) else draw(scenarios())
        specs = [draw(st.sampled_from(STRATEGIES)) for _ in sc.parties]
        out.append((sc, specs, draw(st.integers(0, 2**31 - 1))))
    return out


def _fields(r):
    tr = r.trace
    return (r.summary(), r.time, tr.action, tr.offer.tolist(), tr.round.tolist(), tr.utilities.tobytes())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_plain_batch_of_k_equals_k_batches_of_one(job):
    scs = [sc for sc, _, _ in job]
    seeds = [s for _, _, s in job]
    together = run_alternating_batch(scs, [[make(s) for s in specs] for _, specs, _ in job], seeds=seeds)
    for (sc, specs, seed), got in zip(job, together, strict=True):
        (alone,) = run_alternating_batch([sc], [[make(s) for s in specs]], seeds=[seed])
        assert got.engine == alone.engine
        assert _fields(got) == _fields(alone)


def _drawn(name: str, seeds: list[int]) -> list:
    plan = plan_montecarlo(ROOT / "scenarios" / name, len(seeds), seed=seeds[0], chunk_size=len(seeds))
    jobs = plan.task("results", 0).jobs
    src = plan.task("results", 0).sources
    assert [j.seed for j in jobs] == seeds
    return [draw_scenario(src[j.source], j)[0] for j in jobs]


def _run_fields(b, k):
    r = b.results[k]
    stages = [(s.name, s.end, s.rounds, s.agreement, s.walked_away_by, s.settled) for s in r.stages]
    return (
        r.agreement,
        r.outcome_index,
        r.end,
        r.world,
        r.rounds,
        r.beliefs.tobytes(),
        stages,
        b.nominal[k].tobytes(),
        b.realised[k].tobytes(),
    )


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["hanoi-2019.yaml", "jcpoa-2015.yaml", "six-party-2007.yaml"]),
    st.integers(0, 10_000),
    st.integers(1, 5),
)
def test_talks_batch_of_k_equals_k_batches_of_one(name, seed, k):
    seeds = list(range(seed, seed + k))
    tss = _drawn(name, seeds)
    together = run_lockstep_batch(tss, seeds)
    for j, (ts, s) in enumerate(zip(tss, seeds, strict=True)):
        assert _run_fields(together, j) == _run_fields(run_lockstep_batch([ts], [s]), 0)
        assert _run_fields(together, j) == _run_fields(run_batch(ts, 1, s), 0)
