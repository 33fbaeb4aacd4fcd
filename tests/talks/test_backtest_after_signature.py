"""Ratification and political change after signature, wired into the backtest: the model's probabilities
against the closed forms of the rules (JCPOA's deal: the talks agree in every run and, without these rules,
the model calls it completed in every run; gains over walk-away values: p5_plus_1 0.58, iran 0.38)."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from accord.experiments.backtest import backtest_one
from accord.io.talks import load_talks

ROOT = Path(__file__).resolve().parents[2]
JCPOA = ROOT / "scenarios" / "jcpoa-2015.yaml"
RUNS = 2000


def _bare() -> str:
    """JCPOA's file without the library's own after-signature block (docs/scenario-format.md, "After
    signature") and without its breakdown prior (the talks then agree in every run), so each test below declares
    the only rule in play."""
    text = JCPOA.read_text(encoding="utf-8")
    start = text.index("  # After signature (")
    text = text[:start] + text[text.index("\n\n", start) + 1 :]
    return "".join(ln for ln in text.splitlines(keepends=True) if "breakdown_risk:" not in ln)


def _with(tmp_path: Path, *lines: str) -> Path:
    text = _bare()
    block = "".join(f"  {ln}\n" for ln in lines)
    out = tmp_path / "jcpoa-after.yaml"
    out.write_text(text.replace("\nimplementation:\n", "\nimplementation:\n" + block, 1), encoding="utf-8")
    return out


def _tol(p: float) -> float:
    return 4 * math.sqrt(p * (1 - p) / RUNS)  # 4 sd of a share over RUNS runs


def test_baseline_is_completed_in_every_run(tmp_path):
    r = backtest_one(load_talks(_with(tmp_path)), 20, 0)
    assert r["model"]["agreement_completed"] == 1.0


def test_hazard_gives_exponential_survival(tmp_path):
    r = backtest_one(load_talks(_with(tmp_path, "hazard: {p5_plus_1: 0.2}")), RUNS, 0)
    s = 0.8**5  # S(5) = exp(-lambda 5), lambda = -ln 0.8
    assert r["model"]["agreement_completed"] == pytest.approx(s, abs=_tol(s))
    assert r["model_detail"]["ended_by_political_change"] == pytest.approx(
        1 - r["model"]["agreement_completed"]
    )
    again = backtest_one(load_talks(_with(tmp_path, "hazard: {p5_plus_1: 0.2}")), RUNS, 0)
    assert again["model"] == r["model"]  # same seed, same result


def test_no_reneging_changes_nothing(tmp_path):
    r = backtest_one(load_talks(_with(tmp_path, "hazard: {p5_plus_1: 0.2}", "renege: 0.0")), 50, 0)
    assert r["model"]["agreement_completed"] == 1.0


def test_elections(tmp_path):
    sure = _with(tmp_path, "elections: [{party: iran, year: 2.0, turnover: 1.0}]")
    assert backtest_one(load_talks(sure), 50, 0)["model"]["agreement_collapsed"] == 1.0
    late = _with(tmp_path, "elections: [{party: iran, year: 6.0, turnover: 1.0}]")  # beyond five years
    assert backtest_one(load_talks(late), 50, 0)["model"]["agreement_completed"] == 1.0


def test_ratification_probability_is_the_threshold_cdf(tmp_path):
    r = backtest_one(load_talks(_with(tmp_path, "ratification: {iran: {threshold: [0.28, 0.68]}}")), RUNS, 0)
    p = (0.38 - 0.28) / 0.4  # F(gain) for theta ~ U[0.28, 0.68]
    assert r["model"]["agreement_completed"] == pytest.approx(p, abs=_tol(p))
    assert r["model_detail"]["not_ratified"] == pytest.approx(1 - r["model"]["agreement_completed"])
    g = r["implementation_of_historical_deal"]
    assert g["not_ratified"] > 0  # the historical deal faces the same pivot


def test_fixed_threshold(tmp_path):
    high = backtest_one(load_talks(_with(tmp_path, "ratification: {iran: {threshold: 0.5}}")), 30, 0)
    assert high["model"]["agreement_collapsed"] == 1.0
    low = backtest_one(load_talks(_with(tmp_path, "ratification: {iran: {threshold: 0.3}}")), 30, 0)
    assert low["model"]["agreement_completed"] == 1.0


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)], capture_output=True, text=True, cwd=ROOT
    )


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("ratification: {usa: {threshold: 0.1}}", "implementation.ratification.usa"),
        ("hazard: {iran: 1.5}", "implementation.hazard.iran"),
        ("hazard: {iran: -0.1}", "implementation.hazard.iran"),
        ("hazard: {usa: 0.1}", "implementation.hazard.usa"),
        ("elections: [{party: usa, year: 1, turnover: 0.5}]", "implementation.elections[0].party"),
        (
            "ratification: {iran: {threshold: [0.5, 0.2]}}",
            "implementation.ratification.iran.threshold",
        ),
    ],
)
def test_bad_input_names_file_and_field(tmp_path, line, field):
    p = _cli("backtest", _with(tmp_path, line), "--runs", "1")
    assert p.returncode == 2, p.stdout
    assert "Traceback" not in p.stderr and "jcpoa-after.yaml" in p.stderr and field in p.stderr, p.stderr
    assert np.char.count(p.stderr.strip(), "\n") == 0  # one line
