"""``accord run --runs N`` draws the file's distributions per run (run k from seed + k), as the backtest does.

References: each run's scenario is the full build of the document with that run's draws written in
(accord.experiments.params.sample_values, then talks_from_document), played alone by the run-by-run engine;
the summary's rates are the shares of those runs; --nominal is the nominal batch of every run (today's
output); the note's number of distributions is counted independently from the raw YAML.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from accord import api
from accord.experiments import params as P
from accord.experiments.backtest_runs import DrawnRuns, drawn_runs, merged_batch
from accord.io.talks import load_talks, talks_from_document
from accord.io.yaml_scenario import read_document
from accord.protocols.talks import run_batch, summarize
from accord.report.explain import drawn_note, explain_run

from .test_drawn_fixed_labels import _base, _count

ROOT = Path(__file__).resolve().parents[2]
HANOI = ROOT / "scenarios" / "hanoi-2019.yaml"


def _alone(path: Path, runs: int, seed: int) -> list:
    """Run k's scenario built in full from the document with its draws from seed + k, played alone."""
    doc = read_document(path)
    unc = P.find_uncertain(doc, str(path))
    out = []
    for k in range(runs):
        values, _ = P.sample_values(doc, unc, seed + k)
        out.append(run_batch(talks_from_document(P.set_paths(doc, values), str(path)), 1, seed + k))
    return out


def _accord(*args: str) -> dict:
    p = subprocess.run(
        [sys.executable, "-m", "accord", "run", *args, "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_each_run_equals_its_drawn_scenario_played_alone():
    runs, seed = 16, 4
    s = api.run_talks_with_variants(HANOI, runs=runs, seed=seed, draws=True)
    alone = _alone(HANOI, runs, seed)
    assert s["uncertain_numbers"] == "drawn per run" and s["runs"] == runs
    for k, (row, b) in enumerate(zip(s["results"], alone, strict=True)):
        r = b.results[0]
        assert row["seed"] == seed + k
        assert (row["end"], row["agreement"], row["rounds"]) == (r.end, r.agreement, r.rounds)
        assert row["utilities"] == pytest.approx(dict(zip(b.talks.party_names, b.nominal[0], strict=True)))
        assert row["realised_utilities"] == pytest.approx(
            dict(zip(b.talks.party_names, b.realised[0], strict=True))
        )
    assert s["agreement_rate"] == pytest.approx(np.mean([b.agreed[0] for b in alone]))
    mean_res = np.mean([run_res(b) for b in alone], axis=0)
    assert list(s["reservations"].values()) == pytest.approx(mean_res.tolist())
    completed = [b.impl is not None and bool(b.impl.completed[0]) for b in alone]
    assert s["implementation"]["completed_rate"] == pytest.approx(np.mean(completed))
    assert len({r["rounds"] for r in s["results"]}) > 1 or len({r["end"] for r in s["results"]}) > 1


def run_res(b) -> np.ndarray:
    from accord.protocols.talks import compiled

    return compiled(b.talks).worlds.reservations


def test_a_variant_is_summarised_over_its_own_drawn_runs():
    runs, seed = 12, 1
    s = api.run_talks_with_variants(HANOI, runs=runs, seed=seed, draws=True)
    for name in ("no_working_level", "phased_verified"):
        d = drawn_runs(HANOI, runs, seed, name)
        alone = [run_batch(ts, 1, seed + k) for k, ts in enumerate(d.scenarios)]
        v = s["variants"][name]
        assert v["agreement_rate"] == pytest.approx(np.mean([b.agreed[0] for b in alone]))
        names = alone[0].talks.party_names
        assert list(v["mean_utilities"].values()) == pytest.approx(
            np.mean([b.realised[0] for b in alone], axis=0).tolist()
        )
        ends = {(b.results[0].end, b.results[0].outcome_index) for b in alone}
        assert v["talks_alike"] == (len(ends) == 1) and len(names) == 2


def test_merging_does_not_depend_on_how_runs_are_grouped():
    d = drawn_runs(HANOI, 10, 7)
    order = [3, 0, 9, 5, 1, 8, 2, 7, 4, 6]  # every run its own group, in a shuffled order
    groups = []
    for k in order:
        b = run_batch(d.scenarios[k], 1, 7 + k)
        groups.append(([k], b, run_res(b)[None, :]))
    apart = merged_batch(DrawnRuns(d.scenarios, d.seeds, groups), load_talks(HANOI))
    together = merged_batch(d, load_talks(HANOI))
    a, t = summarize(apart), summarize(together)
    assert a["results"] == t["results"]
    assert json.dumps(a["implementation"], sort_keys=True) == json.dumps(t["implementation"], sort_keys=True)
    assert a["reservations"] == pytest.approx(t["reservations"])


def test_same_seed_same_result_and_the_note_says_what_is_drawn():
    one, two = (
        _accord(str(HANOI), "--runs", "6", "--seed", "2"),
        _accord(str(HANOI), "--runs", "6", "--seed", "2"),
    )
    assert one == two
    n = _count(_base(HANOI))
    assert one["drawn"].startswith(
        f"6 run(s) with its {n} distribution(s) drawn per run (run k from seed + k"
    )
    assert one["uncertain_numbers"] == "drawn per run"
    d = drawn_runs(HANOI, 1, 2)
    first = run_batch(d.scenarios[0], 1, 2)
    assert one["explanation"] == explain_run(first.talks, first.results[0])  # run 0 as drawn


def test_nominal_keeps_the_nominal_runs():
    doc = _accord(str(HANOI), "--runs", "5", "--nominal")
    b = api.talks_batch(HANOI, runs=5, seed=0)
    ref = summarize(b)
    assert doc["results"] == json.loads(json.dumps(ref["results"]))
    assert doc["agreement_rate"] == ref["agreement_rate"] and doc["uncertain_numbers"] == "nominal"
    assert doc["drawn"] == drawn_note(b.talks, b, HANOI)
    assert "at their nominal values (accord montecarlo draws them)" in doc["drawn"]
    for name, v in doc["variants"].items():
        vb = api.talks_batch(HANOI, variant=name, runs=5, seed=0)
        assert v["agreement_rate"] == float(vb.agreed.mean())


def test_one_run_stays_nominal_and_says_so():
    doc = _accord(str(HANOI))
    b = api.talks_batch(HANOI, runs=1, seed=0)
    assert doc["results"] == json.loads(json.dumps(summarize(b)["results"]))
    assert (
        "at their nominal values (accord montecarlo draws them; so does accord run --runs N" in doc["drawn"]
    )
