"""The patched scenario of a run equals, array for array, the scenario built in full from the drawn document.

Reference: :func:`accord.io.yaml_scenario.scenario_from_dict` on the document with the drawn values
written in (the path every scenario file takes).
"""

import copy

import numpy as np
import pytest

from accord.experiments import params as P
from accord.experiments.fastbuild import Patcher
from accord.experiments.patch_compare import _same
from accord.io.yaml_scenario import read_document, scenario_from_dict

from .conftest import HANOI


@pytest.fixture(scope="module")
def uncertain_hanoi():
    doc = copy.deepcopy(P.nominal_document(read_document(HANOI)))  # the file's own distributions at nominal
    usa, dprk = doc["parties"]["usa"], doc["parties"]["dprk"]
    usa["weights"]["sanctions_relief"] = {"uniform": [0.2, 0.4]}
    usa["scores"]["yongbyon"]["partial"] = {"beta": [2, 2]}
    usa["terms"][0]["value"] = {"uniform": [-0.3, 0.0]}
    usa["discount"] = {"uniform": [0.9, 1.0]}
    dprk["weights"]["end_of_war_declaration"] = {"triangular": [0.05, 0.15, 0.3]}
    dprk["strategy"] = {"choice": ["boulware", "conceder"]}
    doc["protocol"]["deadline"] = {"choice": [3, 4, 5]}
    return doc


def test_patched_scenarios_equal_full_builds(uncertain_hanoi):
    doc = uncertain_hanoi
    unc = P.find_uncertain(doc)
    assert len(unc) == 7
    patcher = Patcher(doc, scenario_from_dict(P.nominal_document(doc, unc), "h"))
    assert patcher.can([u.path for u in unc])
    for seed in range(25):
        values, _ = P.sample_values(doc, unc, seed)
        mine = patcher.build(values)
        full = scenario_from_dict(P.set_paths(doc, values), "h")
        assert mine is not None and _same(mine, full)
        # the walk-away value is the utility of the status quo under the drawn preferences
        assert mine.parties[0].preferences.reservation == full.parties[0].preferences.reservation


def test_what_the_patch_leaves_to_the_full_build(uncertain_hanoi, toy):
    doc = uncertain_hanoi
    patcher = Patcher(doc, scenario_from_dict(P.nominal_document(doc), "h"))
    assert patcher.kind(("issues", "yongbyon")) is None
    assert patcher.kind(("parties", "usa", "terms", 0, "when")) is None
    assert patcher.kind(("parties", "usa", "weights", "nonexistent")) is None
    # invalid values go to the full build, which reports them
    assert patcher.build({("parties", "usa", "weights", "yongbyon"): -0.1}) is None
    assert patcher.build({("parties", "usa", "discount"): 0.0}) is None
    assert patcher.build({("protocol", "deadline"): 2.5}) is None


def test_a_patch_that_disagrees_with_the_full_build_is_switched_off(uncertain_hanoi):
    doc = uncertain_hanoi
    patcher = Patcher(doc, scenario_from_dict(P.nominal_document(doc), "h"))
    unc = P.find_uncertain(doc)
    values, _ = P.sample_values(doc, unc, 1)
    other, _ = P.sample_values(doc, unc, 2)
    assert not patcher.verify(values, scenario_from_dict(P.set_paths(doc, other), "h"))
    assert not patcher.can([u.path for u in unc])


def test_montecarlo_rows_do_not_depend_on_the_patch(tmp_path, uncertain_hanoi):
    import yaml

    from accord.experiments import execute, plan_montecarlo, read_results, worker

    path = tmp_path / "hanoi-uncertain.yaml"
    path.write_text(yaml.safe_dump(uncertain_hanoi, sort_keys=False))
    plan = plan_montecarlo(path, 30, seed=5)
    execute(plan, tmp_path / "fast")
    worker._BUILT.clear()
    for p in worker._PATCHERS.values():
        p.ok = False  # every scenario built in full
    try:
        execute(plan, tmp_path / "slow")
    finally:
        worker._PATCHERS.clear()
        worker._BUILT.clear()
    a, b = read_results(tmp_path / "fast"), read_results(tmp_path / "slow")
    assert a.equals(b)
    assert len(set(np.round(a.column("utility_0").to_numpy(), 12))) > 1


def test_montecarlo_gives_each_plain_run_the_breakdown_risk_of_its_own_draw(tmp_path):
    """`accord montecarlo` on a plain scenario whose protocol.breakdown_risk is drawn: each run's row is
    the run of the scenario built in full from that run's values (the patch sets the risk as the build)."""
    import subprocess
    import sys

    import pyarrow.parquet as pq
    import yaml

    from accord.protocols.alternating import run_alternating
    from accord.strategies.choice import negotiator_for

    from .conftest import ROOT, TOY

    doc = yaml.safe_load(TOY)
    doc["protocol"] = {"deadline": 8, "breakdown_risk": {"uniform": [0.0, 0.5]}}
    path = tmp_path / "risky.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    unc = P.find_uncertain(doc)
    assert ("protocol", "breakdown_risk") in [u.path for u in unc]
    patcher = Patcher(doc, scenario_from_dict(P.nominal_document(doc, unc), str(path)))
    assert patcher.kind(("protocol", "breakdown_risk")) == "protocol_risk"
    assert patcher.can([u.path for u in unc])  # the runs take the patch, not the full build
    out = tmp_path / "mc"
    cmd = [sys.executable, "-m", "accord", "montecarlo", path, "--runs", 40, "--seed", 3, "--out", out]
    p = subprocess.run([*map(str, cmd), "--workers", "1"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    rows = pq.read_table(out / "results.parquet").to_pylist()
    assert len(rows) == 40
    for row in rows:
        values, _ = P.sample_values(doc, unc, row["seed"])
        full = scenario_from_dict(P.set_paths(doc, values), str(path))
        assert full.protocol.breakdown_risk == row["param.protocol.breakdown_risk"]
        assert _same(patcher.build(values), full)
        negs = [negotiator_for(row[f"negotiator_{i}"]) for i in range(2)]
        ref = run_alternating(full.compile(), negs, seed=row["seed"])
        assert (row["end"], row["rounds"], row["agreement"]) == (ref.end, ref.rounds, ref.agreement)
    risks = [r["param.protocol.breakdown_risk"] for r in rows]
    assert len(set(risks)) == 40 and all(0.0 <= h <= 0.5 for h in risks)
    ends = {r["end"] for r in rows}
    assert "breakdown" in ends  # nature ends some runs: the drawn risk is in effect
