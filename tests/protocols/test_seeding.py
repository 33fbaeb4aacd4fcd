"""One seeding recipe: every entry point sees the same world for the same seed (issue 11, item 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from accord import api
from accord.model import seeding

ROOT = Path(__file__).resolve().parents[2]
HANOI = ROOT / "scenarios" / "hanoi-2019.yaml"
FACT = "undeclared_sites_exist"
SEEDS = 400


@pytest.fixture(scope="module")
def drawn_hanoi(tmp_path_factory) -> Path:
    """Hanoi with nature drawing the private fact at probability 0.5 (the DPRK knows it, so its belief in
    any run's output is that run's truth)."""
    text = HANOI.read_text()
    old = "      true_value: true "
    assert text.count(old) == 1
    path = tmp_path_factory.mktemp("drawn") / "hanoi-drawn.yaml"
    path.write_text(text.replace(old, "      probability: 0.5 "))
    return path


def test_run_and_implement_see_the_same_world_for_every_seed(drawn_hanoi):
    ts = api.load_talks(drawn_hanoi)
    deal = ",".join(f"{k}={v}" for k, v in ts.scenario.space.outcome(0).items())
    run_truth, impl_truth = [], []
    for s in range(SEEDS):
        run = api.run_talks(drawn_hanoi, runs=1, seed=s, with_results=False)
        run_truth.append(run["beliefs_after_talks"]["dprk"][FACT])
        impl = api.implement(ts, deal=deal, runs=1, seed=s)
        impl_truth.append(impl["simulated"]["beliefs_after"]["dprk"][FACT])
    assert set(run_truth) <= {0.0, 1.0}
    assert 150 < sum(run_truth) < 250  # the fact is drawn (about half the seeds), so the check can bite
    assert run_truth == impl_truth


def test_a_batch_draws_each_run_from_its_own_seed(drawn_hanoi):
    ts = api.load_talks(drawn_hanoi)
    batch = api.talks_batch(ts, runs=50, seed=3)
    alone = [api.talks_batch(ts, runs=1, seed=3 + k).results[0].world for k in range(50)]
    assert [r.world for r in batch.results] == alone


def test_streams_are_the_spawned_children_numpy_documents():
    """Each stream is the SeedSequence child of the recipe's spawn key (built here by spawning)."""
    s = 12345
    root = np.random.SeedSequence(s)
    talks, impl = root.spawn(2)
    facts, stages = talks.spawn(2)
    draw = lambda ss: np.random.Generator(np.random.PCG64(ss)).random(4)  # noqa: E731
    assert np.array_equal(seeding.facts_rng(s).random(4), draw(facts))
    assert np.array_equal(seeding.implementation_draws(s, 4), draw(impl))
    assert all(
        np.array_equal(g.random(4), draw(c))
        for g, c in zip(seeding.stage_rngs(s, 3), stages.spawn(3), strict=True)
    )
    parties = np.random.SeedSequence(s).spawn(3)
    assert all(
        np.array_equal(g.random(4), draw(c)) for g, c in zip(seeding.party_rngs(s, 3), parties, strict=True)
    )
    assert np.array_equal(
        seeding.parameter_rng(s).random(4), draw(np.random.SeedSequence(s, spawn_key=(seeding.DRAW_KEY,)))
    )
