"""The estimate printed before long work: a pilot of each variant, scaled by its rows and the workers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from accord.cli.estimate import MIN_ROWS, PILOT_ROWS, estimate
from accord.experiments.plans import plan_montecarlo

TOY = """\
name: Toy
issues:
  relief: [none, partial, full]
  inspections: {values: [none, declared_sites, anywhere], ordered: true}
parties:
  usa:
    weights: {relief: 0.4, inspections: 0.6}
    scores:
      relief: {none: 1.0, partial: 0.6, full: 0.0}
      inspections: {none: 0.0, declared_sites: 0.5, anywhere: 1.0}
    reservation: {uniform: [0.2, 0.4]}
  dprk:
    weights: {relief: 0.7, inspections: 0.3}
    scores:
      relief: {none: 0.0, partial: 0.6, full: 1.0}
      inspections: {none: 1.0, declared_sites: 0.6, anywhere: 0.0}
    reservation: 0.25
protocol: {deadline: 20}
variants:
  short: {protocol: {deadline: 4}}
"""


@pytest.fixture
def toy(tmp_path):
    p = tmp_path / "toy.yaml"
    p.write_text(TOY, encoding="utf-8")
    return p


def test_each_variant_is_timed_and_scaled_by_its_runs_over_the_workers(toy):
    ticks = iter([0.0, PILOT_ROWS * 0.001, 5.0, 5.0 + PILOT_ROWS * 0.004])  # 1 ms and 4 ms per run
    plan = plan_montecarlo(toy, 1500, variants=["base", "short"])
    est = estimate(plan, workers=2, clock=lambda: next(ticks))
    assert est.per_row == pytest.approx({"base": 0.001, "short": 0.004})
    # by hand: 1500 runs x 1 ms + 1500 runs x 4 ms = 7.5 s of work, over 2 workers
    assert est.seconds == pytest.approx(7.5 / 2) and est.workers == 2
    assert "about 4 s on 2 worker(s)" in est.line() and "short 4.0 ms" in est.line()


def test_small_plans_are_not_estimated(toy):
    assert estimate(plan_montecarlo(toy, MIN_ROWS // 2 - 1, variants=["base", "short"]), 1) is None


def test_the_cli_prints_the_estimate_before_the_run(toy, tmp_path):
    cmd = [sys.executable, "-m", "accord", "montecarlo", str(toy), "--runs", str(MIN_ROWS), "--workers", "1"]
    r = subprocess.run([*cmd, "--out", str(tmp_path / "a")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("estimate: about ") and "base " in r.stderr
    q = subprocess.run([*cmd, "--out", str(tmp_path / "b"), "--quiet"], capture_output=True, text=True)
    assert q.returncode == 0 and "estimate" not in q.stderr
