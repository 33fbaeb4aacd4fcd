"""The lockstep engine (many runs of one structure at once) against the run-by-run engine, field by field.

Reference: :func:`accord.protocols.talks.run_batch` of each run's own scenario and seed, which plays the
stages with negotiator objects through :func:`accord.protocols.alternating.run_alternating`.
"""

from __future__ import annotations

import copy
import zlib
from pathlib import Path

import numpy as np
import pytest

from accord.experiments.plans import plan_montecarlo
from accord.experiments.worker import draw_scenario
from accord.io.talks import load_talks, talks_from_document
from accord.protocols.lockstep import structure_key, supported
from accord.protocols.talks import run_batch, run_lockstep_batch

from .toy import toy

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"

STAGE_FIELDS = ("name", "end", "rounds", "agreement", "walked_away_by", "settled", "open_outcomes")
RUN_FIELDS = ("agreement", "outcome_index", "end", "walked_away_by", "world", "rounds")


def assert_same_as_single_runs(tss, seeds):
    got = run_lockstep_batch(list(tss), list(seeds))
    ends = set()
    for k, (ts, seed) in enumerate(zip(tss, seeds, strict=True)):
        ref = run_batch(ts, 1, seed)
        a, b = ref.results[0], got.results[k]
        for f in RUN_FIELDS:
            assert getattr(a, f) == getattr(b, f), (k, f)
        np.testing.assert_array_equal(a.beliefs, b.beliefs)
        assert len(a.stages) == len(b.stages), k
        for sa, sb in zip(a.stages, b.stages, strict=True):
            for f in STAGE_FIELDS:
                assert getattr(sa, f) == getattr(sb, f), (k, sa.name, f)
            np.testing.assert_array_equal(sa.beliefs, sb.beliefs)
            ends.add((sa.name, sa.end))
        np.testing.assert_array_equal(ref.nominal[0], got.nominal[k])
        np.testing.assert_array_equal(ref.realised[0], got.realised[k])
        assert bool(ref.agreed[0]) == bool(got.agreed[k])
        if ref.impl is not None:
            m = int(np.count_nonzero(got.agreed[:k]))
            for f in ("completed", "steps_completed", "cheated", "caught", "caught_step"):
                np.testing.assert_array_equal(getattr(ref.impl, f)[0], getattr(got.impl, f)[m])
            for f in ("threat_reduction", "dismantled_share", "relief_delivered"):
                np.testing.assert_array_equal(getattr(ref.impl, f)[0], getattr(got.impl, f)[m])
    return ends


def _hanoi_draws(variant: str, runs: int, seed: int = 0):
    plan = plan_montecarlo(
        SCENARIOS / "hanoi-2019.yaml", runs, seed=seed, chunk_size=runs, variants=[variant]
    )
    task = plan.task("results", 0)
    out = [draw_scenario(task.sources[j.source], j)[0] for j in task.jobs]
    return out, [j.seed for j in task.jobs]


@pytest.mark.parametrize(
    "variant", ["base", "no_working_level", "yongbyon_only", "big_bargain", "phased_verified", "walk_away"]
)
def test_hanoi_monte_carlo_draws_equal_single_runs(variant):
    tss, seeds = _hanoi_draws(variant, 40)
    assert len({structure_key(t) for t in tss}) == 1
    assert supported(tss[0])
    assert_same_as_single_runs(tss, seeds)


@pytest.mark.parametrize("path", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_library_scenarios_equal_single_runs(path):
    ts = load_talks(SCENARIOS / path)
    if not supported(ts):
        pytest.skip("no staged talks the lockstep engine plays")
    assert_same_as_single_runs([ts] * 12, list(range(100, 112)))


def _random_toy(rng: np.random.Generator, strategies: tuple[str, str], variant: str | None):
    d = toy()
    for p in ("a", "b"):
        party = d["parties"][p]
        for iss in party["weights"]:
            party["weights"][iss] = float(rng.uniform(0.0, 1.0))
            table = party["scores"][iss]
            for v in table:
                table[v] = float(rng.choice([0.0, 0.5, 1.0])) if rng.random() < 0.3 else float(rng.random())
        party["reservation"] = float(rng.uniform(0.0, 1.2))
    d["parties"]["a"]["terms"][0]["value"] = float(rng.uniform(-0.5, 0.2))
    d["private"]["facts"]["sites"]["beliefs"]["a"] = float(rng.uniform(0.0, 1.0))
    sig = d["private"]["signals"][0]
    sig["p_true"], sig["p_false"] = (float(x) for x in rng.uniform(0.0, 1.0, 2))
    wl, summit = d["tracks"]
    wl["rounds"] = int(rng.integers(1, 9))
    summit["rounds"] = int(rng.integers(1, 6))
    wl["mandates"]["a"]["min_utility"] = float(rng.uniform(0.0, 0.9))
    wl["negotiators"] = {"a": "envoy", "b": "envoy"}
    wl["strategies"] = {"a": strategies[0]}
    summit["strategies"] = {"b": strategies[1]}
    summit["stakes"]["a"]["audience_cost"] = float(rng.uniform(0.01, 0.4))
    summit["stakes"]["a"]["prestige"] = float(rng.uniform(0.0, 0.2))
    summit["stakes"]["b"] = {"audience_cost": float(rng.uniform(0.01, 0.3))}  # no public demand: shortfall
    if rng.random() < 0.5:
        summit["valuation"] = "implemented"
    d["private"]["demands"] = [
        {
            "party": "a",
            "fact": "sites",
            "above": float(rng.uniform(0.2, 0.8)),
            "require": "declaration == yes",
        }
    ]
    return d


@pytest.mark.parametrize(
    "strategies",
    [
        ("envoy", "leader"),
        ("envoy(tradeoff=false)", "leader(e=0.5)"),
        ("envoy(e=2)", "walk_away"),
        ("walk_away", "leader(e=0, tradeoff=false)"),
    ],
)
@pytest.mark.parametrize("variant", [None, "no_working_level", "one_deal"])
def test_generated_toy_runs_equal_single_runs(strategies, variant):
    """Random numbers per run, one structure per test: ties, walks, empty tables, implemented values."""
    rng = np.random.default_rng(zlib.crc32(repr((strategies, variant)).encode()))
    docs = [_random_toy(rng, strategies, variant) for _ in range(30)]
    structure = copy.deepcopy(docs[0])
    tss = []
    for d in docs:
        d["tracks"][1]["valuation"] = structure["tracks"][1].get("valuation", "nominal")
        tss.append(talks_from_document(d, "toy.yaml", variant=variant))
    assert len({structure_key(t) for t in tss}) == 1
    assert_same_as_single_runs(tss, list(range(len(tss))))
