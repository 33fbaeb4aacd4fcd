"""accord run's variants table says which variants' runs all end alike (their agreement rate can only be
0 or 1), checked run by run against the batches themselves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from accord import api

from .toy import toy

LIB = Path(__file__).resolve().parents[2] / "scenarios"


def _check(path: Path, runs: int) -> dict[str, bool]:
    summary = api.run_talks_with_variants(path, runs=runs, seed=3)
    seen = {}
    for variant, s in summary["variants"].items():
        b = api.talks_batch(path, variant=variant, runs=runs, seed=3)
        ends = {(r.end, r.outcome_index) for r in b.results}  # independently: the runs themselves
        assert s["runs"] == runs and s["talks_alike"] == (runs > 1 and len(ends) == 1), (variant, ends)
        if s["talks_alike"]:
            assert s["agreement_rate"] in (0.0, 1.0)
        seen[variant] = s["talks_alike"]
    return seen


def test_library_variants_at_nominal_values_end_alike(tmp_path):
    # without the library's breakdown prior (a chance event per run) nothing in the JCPOA's talks is random
    text = (LIB / "jcpoa-2015.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "jcpoa-no-breakdown.yaml"
    path.write_text("".join(ln for ln in text if "breakdown_risk:" not in ln), encoding="utf-8")
    assert all(_check(path, 4).values())
    with_risk = _check(LIB / "jcpoa-2015.yaml", 30)  # with it, checked against the runs all the same
    assert not all(with_risk.values())


def test_a_variant_whose_runs_differ_is_not_alike_and_the_table_says_which(tmp_path):
    d = toy()
    d["private"]["facts"]["sites"] = {"probability": 0.5, "beliefs": {"a": 0.5}}  # drawn per run
    d["variants"]["random_b"] = {"tracks": [{"name": "summit", "strategies": {"b": "random"}}]}
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(d), encoding="utf-8")
    seen = _check(path, 8)
    assert seen["random_b"] is False and seen["one_deal"] is True
    assert not any(_check(path, 1).values())  # one run is never called alike
    out = subprocess.run(
        [sys.executable, "-m", "accord", "run", str(path), "--runs", "8", "--seed", "3"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in out.stdout.splitlines()
        if line.startswith("│") and line.split("│")[1].strip() in seen
    }
    assert rows["random_b"] == "vary" and rows["one_deal"] == "alike"
    assert "talks alike: every run of the variant ends the same way" in out.stdout
