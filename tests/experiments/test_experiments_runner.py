"""Monte Carlo, sweeps and tournaments in one process: rows, seeds, resumes, bad input.

References: single negotiations run directly with the protocol (``run_alternating`` with the same
seed), counts of pairings worked out by hand, and the behaviour a walk-away value above every outcome
must give (no deal).
"""

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from accord.errors import InputError
from accord.experiments import execute, plan_montecarlo, plan_sweep, plan_tournament, read_results
from accord.experiments import params as P
from accord.experiments.executors import InProcess
from accord.io import load
from accord.protocols.alternating import run_alternating
from accord.strategies.catalog import make

from .conftest import GENIUS, HANOI

LAPTOP = f"{GENIUS / 'Laptop'}@laptop_buyer_utility,laptop_seller_utility"


class Interrupting(InProcess):
    """Runs tasks here, counting them, and raises KeyboardInterrupt after ``stop_after`` of them."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.ran = 0

    def map(self, fn, tasks):
        for i, t in enumerate(tasks):
            if self.stop_after is not None and self.ran >= self.stop_after:
                raise KeyboardInterrupt
            self.ran += 1
            yield i, fn(t)


@pytest.fixture
def plain(tmp_path):
    """The toy scenario with every distribution at its nominal value: one plain negotiation."""
    import yaml

    from accord.experiments.params import nominal_document

    from .conftest import TOY

    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(nominal_document(yaml.safe_load(TOY)), sort_keys=False))
    return path


def test_montecarlo_rows_are_the_negotiations_of_accord_run(plain, tmp_path):
    """Without uncertain numbers, run k is the negotiation `accord run --seed seed+k` would give."""
    plan = plan_montecarlo(plain, 12, seed=40, negotiators=["conceder", "random"])
    out = execute(plan, tmp_path / "mc")
    t = read_results(tmp_path / "mc")
    assert out["runs"] == 12 and t.column("run").to_pylist() == list(range(12))
    comp = load(plain).compile()
    for k in (0, 5, 11):
        ref = run_alternating(comp, [make("conceder"), make("random")], seed=40 + k)
        row = t.slice(k, 1).to_pylist()[0]
        assert row["seed"] == 40 + k
        assert row["agreement"] == ref.agreement and row["rounds"] == ref.rounds
        assert row["utility_0"] == ref.utilities["buyer"] and row["utility_1"] == ref.utilities["seller"]
    assert len(set(t.column("outcome_index").to_pylist())) > 1  # a stochastic strategy: seeds matter
    m = json.loads((tmp_path / "mc" / "manifest.json").read_text())
    assert m["status"] == "complete" and m["plan"]["seed"] == 40 and m["versions"]["numpy"]
    assert m["command"] is None and "seed + k" in m["seeds"]["rule"]


def test_montecarlo_of_staged_talks_with_implementation(nominal_hanoi, tmp_path):
    """The full Hanoi scenario (two tracks, private facts, implementation): rows are the talks engine's runs."""
    from accord.api import talks_batch

    hanoi = nominal_hanoi  # fixed inputs: every run is the talks engine's run of the same scenario
    plan = plan_montecarlo(hanoi, 30, seed=3, variants=["base", "walk_away"])
    execute(plan, tmp_path / "talks")
    t = read_results(tmp_path / "talks")
    assert t.num_rows == 60 and {"stage.summit.end", "impl.threat_reduction", "realised_utility_0"} <= set(
        t.column_names
    )
    base = [r for r in t.to_pylist() if r["variant"] == "base"]
    ref = talks_batch(hanoi, runs=30, seed=3)
    assert [r["agreement"] for r in base] == ref.agreed.tolist()
    assert [r["realised_utility_1"] for r in base] == ref.realised[:, 1].tolist()
    assert [r["rounds"] for r in base] == [res.rounds for res in ref.results]
    walk = talks_batch(hanoi, variant="walk_away", runs=30, seed=3)
    assert [r["agreement"] for r in t.to_pylist() if r["variant"] == "walk_away"] == walk.agreed.tolist()
    with pytest.raises(InputError, match="per stage"):
        execute(plan_montecarlo(hanoi, 3, negotiators=["boulware"]), tmp_path / "bad")


def test_uncertain_hanoi_rows_are_runs_of_the_drawn_scenarios(tmp_path):
    """With the file's distributions, run k is the talks engine's run of the scenario drawn for seed k,
    written out as a plain file and loaded as `accord run` would (an independent path)."""
    import yaml

    from accord.api import talks_batch
    from accord.io.yaml_scenario import read_document

    execute(plan_montecarlo(HANOI, 4, seed=11), tmp_path / "mc")
    rows = read_results(tmp_path / "mc").to_pylist()
    doc = read_document(HANOI)
    unc = P.find_uncertain(doc)
    assert len(unc) >= 10
    for r in rows:
        drawn, values = P.sample(doc, unc, r["seed"])
        assert {k: r[f"param.{k}"] for k in values} == values
        f = tmp_path / f"drawn-{r['seed']}.yaml"
        f.write_text(yaml.safe_dump(drawn, sort_keys=False))
        ref = talks_batch(f, runs=1, seed=r["seed"])
        assert r["agreement"] == bool(ref.agreed[0])
        assert [r["realised_utility_0"], r["realised_utility_1"]] == ref.realised[0].tolist()
        assert r["rounds"] == ref.results[0].rounds


def test_draws_differ_per_run_and_are_recorded(toy, tmp_path):
    execute(plan_montecarlo(toy, 30, seed=1), tmp_path / "mc")
    t = read_results(tmp_path / "mc")
    w = np.array(t.column("param.parties.buyer.weights.price").to_pylist())
    assert len(set(w.tolist())) == 30 and w.min() >= 0.4 and w.max() <= 0.8
    assert set(t.column("param.protocol.deadline").to_pylist()) <= {3, 5, 8}
    # a row's rounds never exceed the deadline drawn for it
    assert all(
        r <= d
        for r, d in zip(
            t.column("rounds").to_pylist(), t.column("param.protocol.deadline").to_pylist(), strict=True
        )
    )


def test_resume_after_an_interruption_does_only_the_missing_chunks(toy, tmp_path):
    plan = plan_montecarlo(toy, 100, seed=7, chunk_size=10)
    execute(plan, tmp_path / "full")
    ex = Interrupting(stop_after=4)
    with pytest.raises(KeyboardInterrupt):
        execute(plan, tmp_path / "cut", ex)
    parts = sorted(p.name for p in (tmp_path / "cut" / "parts").iterdir())
    assert parts == [f"results-{k:06d}.parquet" for k in range(4)]
    assert read_results(tmp_path / "cut").num_rows == 40  # what was written stays readable
    again = Interrupting()
    execute(plan, tmp_path / "cut", again, resume=True)
    assert again.ran == 6
    full = pq.read_table(tmp_path / "full" / "results.parquet")
    cut = pq.read_table(tmp_path / "cut" / "results.parquet")
    assert cut.equals(full)
    m = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert m["status"] == "complete" and len(m["resumed"]) == 1
    # resuming a finished run does nothing
    idle = Interrupting()
    execute(plan, tmp_path / "cut", idle, resume=True)
    assert idle.ran == 0


def test_an_interrupted_hanoi_run_resumes_to_the_rows_of_an_uninterrupted_one(tmp_path):
    """The staged-talks path (tracks, beliefs, implementation, uncertain inputs, two variants) resumes exactly."""
    plan = plan_montecarlo(HANOI, 12, seed=4, variants=["base", "phased_verified"], chunk_size=4)
    execute(plan, tmp_path / "full")
    with pytest.raises(KeyboardInterrupt):
        execute(plan, tmp_path / "cut", Interrupting(stop_after=2))
    assert read_results(tmp_path / "cut").num_rows == 8
    again = Interrupting()
    execute(plan, tmp_path / "cut", again, resume=True)
    assert again.ran == 4
    full = pq.read_table(tmp_path / "full" / "results.parquet")
    assert pq.read_table(tmp_path / "cut" / "results.parquet").equals(full)
    assert len(set(full.column("param.implementation.verification.inspection_rate.dprk").to_pylist())) > 1


def test_a_damaged_part_is_redone(toy, tmp_path):
    plan = plan_montecarlo(toy, 40, seed=2, chunk_size=10)
    with pytest.raises(KeyboardInterrupt):
        execute(plan, tmp_path / "r", Interrupting(stop_after=3))
    (tmp_path / "r" / "parts" / "results-000001.parquet").write_bytes(b"not parquet")
    (tmp_path / "r" / "parts" / ".results-000003.parquet.tmp-1").write_bytes(b"half")
    again = Interrupting()
    execute(plan, tmp_path / "r", again, resume=True)
    assert again.ran == 2
    execute(plan, tmp_path / "ref")
    assert read_results(tmp_path / "r").equals(read_results(tmp_path / "ref"))


def test_refuses_to_mix_runs(toy, tmp_path):
    execute(plan_montecarlo(toy, 10, seed=1), tmp_path / "r")
    with pytest.raises(InputError, match="--resume"):
        execute(plan_montecarlo(toy, 10, seed=1), tmp_path / "r")
    with pytest.raises(InputError, match="same experiment"):
        execute(plan_montecarlo(toy, 10, seed=2), tmp_path / "r", resume=True)


def test_unwritable_output_is_one_clear_error(toy, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="directory"):
        execute(plan_montecarlo(toy, 5), blocker)
    with pytest.raises(InputError, match="writable"):
        execute(plan_montecarlo(toy, 5), blocker / "sub")


def test_sweep_grid_seeds_and_behaviour(toy, tmp_path):
    plan = plan_sweep(toy, ["parties.buyer.reservation=0:1.2:4", "protocol.deadline=3,8"], runs=5, seed=10)
    res = execute(plan, tmp_path / "sw")
    t = read_results(tmp_path / "sw")
    assert t.num_rows == 4 * 2 * 5
    res_v = t.column("param.parties.buyer.reservation").to_pylist()
    dl = t.column("param.protocol.deadline").to_pylist()
    assert sorted(set(res_v)) == [0.0, 0.4, 0.8, 1.2] and sorted(set(dl)) == [3, 8]
    assert set(t.column("seed").to_pylist()) == set(range(10, 15))  # the same seeds at every point
    agree = np.array(t.column("agreement").to_pylist())
    # a walk-away value above every outcome's utility leaves no deal the buyer can accept
    assert not agree[np.array(res_v) == 1.2].any()
    pts = {
        (p["values"]["parties.buyer.reservation"], p["values"]["protocol.deadline"]): p for p in res["points"]
    }
    assert pts[(1.2, 8)]["agreement_rate"] == 0.0 and pts[(0.0, 8)]["runs"] == 5
    # the other uncertain numbers are drawn from the seed alone: equal across points for one seed
    w = np.array(t.column("param.parties.buyer.weights.price").to_pylist())
    s = np.array(t.column("seed").to_pylist())
    for seed in range(10, 15):
        assert len(set(w[s == seed].tolist())) == 1


def test_sweep_bad_paths(toy):
    with pytest.raises(InputError, match="did you mean buyer"):
        plan_sweep(toy, ["parties.buyr.reservation=0:1:3"])
    with pytest.raises(InputError, match="expected"):
        plan_sweep(toy, ["parties.buyer.discount=0:2:3"])  # 0 and 2 are not discount factors


def test_tournament_every_ordered_pair(toy, tmp_path):
    pool = ["boulware", "conceder", "hardliner"]
    res = execute(plan_tournament([LAPTOP, toy], pool, repetitions=2, seed=5), tmp_path / "t")
    t = read_results(tmp_path / "t")
    assert res["negotiations"] == t.num_rows == 2 * 9 * 2
    pairs = {}
    for row in t.to_pylist():
        key = (row["scenario"], row["negotiator_0"], row["negotiator_1"])
        pairs[key] = pairs.get(key, 0) + 1
    assert len(pairs) == 18 and set(pairs.values()) == {2}
    board = {r["negotiator"]: r for r in res["leaderboard"]}
    assert {r["negotiations"] for r in board.values()} == {2 * 2 * 6}
    # a GENIUS row is the negotiation the protocol gives for that pairing and seed
    comp = load(GENIUS / "Laptop", ["laptop_buyer_utility", "laptop_seller_utility"]).compile()
    row = next(
        r
        for r in t.to_pylist()
        if r["scenario"].startswith("Laptop")
        and r["negotiator_0"] == "conceder"
        and r["negotiator_1"] == "boulware"
        and r["repetition"] == 1
    )
    ref = run_alternating(comp, [make("conceder"), make("boulware")], seed=6)
    assert (
        row["seed"] == 6
        and row["utility_0"] == ref.utilities["laptop_buyer_utility"]
        and row["rounds"] == ref.rounds
    )
    assert {r["scenario"] for r in res["leaderboard_per_domain"]} == {
        "Laptop@laptop_buyer_utility,laptop_seller_utility",
        "toy",
    }


def test_tournament_input_errors(tmp_path):
    with pytest.raises(InputError, match="bolware|boulware"):
        plan_tournament([LAPTOP], ["bolware"])
    with pytest.raises(InputError, match="profiles"):
        plan_tournament([f"{GENIUS / 'Laptop'}@nobody,laptop_seller_utility"], ["boulware"])
    with pytest.raises(InputError):
        plan_tournament([tmp_path / "missing.yaml"], ["boulware"])


def test_sensitivity_tables(toy, nominal_hanoi, tmp_path):
    plan = plan_montecarlo(toy, 20, seed=0, sensitivity=8, oat_runs=3)
    d = 6  # uncertain numbers in the toy scenario
    assert dict(plan.tables) == {"results": 20, "sobol": 8 * (d + 2), "oat": (2 * d + 1) * 3}
    res = execute(plan, tmp_path / "s")
    sens = res["sensitivity"]
    assert sens["parameters"][0] == "parties.buyer.weights.price"
    assert set(sens["sobol"]) >= {"agreement", "welfare", "utility_0"}
    assert len(sens["tornado"]["agreement"]["bars"]) == d
    sob = read_results(tmp_path / "s", "sobol")
    seeds = np.array(sob.column("seed").to_pylist())
    assert np.array_equal(seeds, np.repeat(np.arange(8), d + 2))
    with pytest.raises(InputError, match="uncertain numbers"):
        plan_montecarlo(nominal_hanoi, 5, sensitivity=8)


def test_a_full_disk_stops_with_one_error_and_keeps_what_was_written(toy, tmp_path, monkeypatch):
    import errno
    import os

    from accord.experiments import store

    plan = plan_montecarlo(toy, 50, seed=1, chunk_size=10)
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd):
        calls["n"] += 1
        if calls["n"] > 3:  # the manifest and two parts fit; then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(store.os, "fsync", fsync)
    with pytest.raises(InputError, match="No space left on device"):
        execute(plan, tmp_path / "full")
    monkeypatch.setattr(store.os, "fsync", real_fsync)
    assert read_results(tmp_path / "full").num_rows == 20
    assert not [p for p in (tmp_path / "full" / "parts").iterdir() if ".tmp-" in p.name]
    execute(plan, tmp_path / "full", resume=True)
    execute(plan, tmp_path / "ref")
    assert read_results(tmp_path / "full").equals(read_results(tmp_path / "ref"))


def test_chunks_negotiated_together_give_the_rows_of_one_by_one(toy, tmp_path):
    """run_chunk plays a chunk's plain negotiations together (time-dependent pairs as arrays); every row
    equals the row of its job negotiated alone with run_alternating (run_job)."""
    from accord.experiments import worker as W
    from accord.experiments.jobs import to_arrow

    plans = [
        plan_tournament(
            [LAPTOP, toy], ["boulware", "hardliner", "tit_for_tat", "random"], repetitions=3, seed=8
        ),
        plan_montecarlo(toy, 40, seed=5, chunk_size=16),
    ]
    for plan in plans:
        together, alone = [], []
        for k, _, _ in plan.chunks("results"):
            task = plan.task("results", k)
            together.extend(W.run_chunk(task))
            alone.extend(W.run_job(task.sources[j.source], j, task.issue_columns) for j in task.jobs)
        assert to_arrow(together).equals(to_arrow(alone))
