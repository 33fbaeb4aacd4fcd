"""Forecast scores against hand computation, and the backtest as a forecast (categories, files, CLI)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from accord.errors import InputError
from accord.experiments import scores as S
from accord.experiments.backtest import (
    CATEGORIES,
    COLLAPSED,
    COMPLETED,
    NO_AGREEMENT,
    RPS_ORDER,
    backtest,
    history_category,
    run_categories,
    score_cases,
)

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "scenarios"

# Two cases by hand: case 0 puts everything on no_agreement and happened as agreement_completed (index 1);
# case 1 spreads its forecast and happened as no_agreement (index 0).
P2 = np.array([[1.0, 0.0, 0.0], [0.5, 0.3, 0.2]])
Y2 = np.array([1, 0])


def test_brier_by_hand():
    # case 0: (1-0)^2 + (0-1)^2 + 0 = 2; case 1: (0.5-1)^2 + 0.3^2 + 0.2^2 = 0.38
    assert S.brier(P2, Y2) == pytest.approx([2.0, 0.38])


def test_log_score_by_hand_with_floor():
    # case 0: p = 0 floored at 0.01 -> ln 100; case 1: -ln 0.5
    assert S.log_score(P2, Y2) == pytest.approx([math.log(100), math.log(2)])


def test_rps_by_hand_in_the_declared_order():
    # order (no, collapsed, completed): case 0 forecast (1, 0, 0) -> F = (1, 1); outcome completed -> (0, 0):
    # (1 + 1) / 2 = 1. Case 1 forecast (0.5, 0.2, 0.3) -> F = (0.5, 0.7); outcome no -> (1, 1):
    # (0.25 + 0.09) / 2 = 0.17.
    assert S.rps(P2, Y2, RPS_ORDER) == pytest.approx([1.0, 0.17])
    assert RPS_ORDER == (NO_AGREEMENT, COLLAPSED, COMPLETED)


def test_rps_charges_less_for_a_near_miss():
    near = S.rps(np.array([[0.0, 0.0, 1.0]]), np.array([COMPLETED]), RPS_ORDER)  # all on collapsed
    far = S.rps(np.array([[1.0, 0.0, 0.0]]), np.array([COMPLETED]), RPS_ORDER)  # all on no agreement
    assert near[0] == pytest.approx(0.5) and far[0] == pytest.approx(1.0)


def test_uniform_scores_by_hand():
    U = S.uniform_forecast(4, 3)
    y = np.array([0, 1, 2, 2])
    assert S.brier(U, y) == pytest.approx([2 / 3] * 4)  # (2/3)^2 + 2 (1/3)^2
    assert S.log_score(U, y) == pytest.approx([math.log(3)] * 4)


def test_leave_one_out_base_rate_by_hand():
    y = np.array([0, 2, 2, 2])
    B = S.loo_base_rate(y, 3)
    # case 0: others (0, 0, 3) + 1 each over 3 + 3; case 1: others (1, 0, 2) + 1 each over 6
    assert B[0] == pytest.approx([1 / 6, 1 / 6, 4 / 6])
    assert B[1] == pytest.approx([2 / 6, 1 / 6, 3 / 6])
    assert B.sum(axis=1) == pytest.approx(1.0)


def test_library_base_rate_brier_in_fractions():
    # Seven cases, 2 no_agreement and 5 collapsed: a collapsed case gets (3, 1, 5)/9, a no_agreement case
    # (2, 1, 6)/9; Brier 26/81 and 86/81; mean 302/567 (the "about 0.53" with the win-set variant).
    y = np.array([0, 0, 2, 2, 2, 2, 2])
    got = S.brier(S.loo_base_rate(y, 3), y).mean()
    c = (
        Fraction(3, 9) ** 2 + Fraction(1, 9) ** 2 + Fraction(4, 9) ** 2,
        Fraction(7, 9) ** 2 + Fraction(1, 81) + Fraction(6, 9) ** 2,
    )
    assert c == (Fraction(26, 81), Fraction(86, 81))
    assert got == pytest.approx(float((5 * c[0] + 2 * c[1]) / 7))


def test_reliability_bins_by_hand():
    P = np.array([[0.9, 0.05, 0.05], [0.7, 0.1, 0.2]])
    y = np.array([0, 2])
    r = S.reliability_bins(P, y, bins=5)
    # bin 0 [0, 0.2): 0.05, 0.05, 0.1 (no hit); bin 1 [0.2, 0.4): 0.2 (hit); bin 3: 0.7 (miss); bin 4: 0.9 (hit)
    assert r["count"].tolist() == [3, 1, 0, 1, 1]
    assert r["forecast"][0] == pytest.approx(0.2 / 3) and r["observed"][0] == 0
    assert r["observed"][1] == 1 and r["observed"][3] == 0 and r["observed"][4] == 1
    assert np.isnan(r["forecast"][2])


# ------------------------------------------------------------------------------------------- categories


def test_history_category():
    assert history_category({"outcome": "no_agreement"}) == "no_agreement"
    assert history_category({"outcome": {"a": 1}, "implementation": "collapsed"}) == "agreement_collapsed"
    assert history_category({"outcome": {"a": 1}, "implementation": "completed"}) == "agreement_completed"
    assert history_category({"outcome": {"a": 1}}) is None  # cannot be coded at five years
    assert history_category({}) is None


def test_run_categories_undetected_cheating_is_not_completed():
    agreed = np.array([True, False, True, True, True])
    impl = SimpleNamespace(
        completed=np.array([True, True, False, True]),
        cheated=np.array([[False, False], [True, False], [False, False], [False, True]]),
        caught=np.array([[False, False], [True, False], [False, False], [False, False]]),
    )
    code, hidden = run_categories(agreed, impl)
    # run 0 clean; run 1 none; run 2 cheated and caught; run 3 ended early; run 4 cheated, never caught
    assert code.tolist() == [COMPLETED, NO_AGREEMENT, COLLAPSED, COLLAPSED, COLLAPSED]
    assert hidden.tolist() == [False, False, False, False, True]
    code, _ = run_categories(agreed, None)  # no implementation: nothing can break a signed deal
    assert code.tolist() == [COMPLETED, NO_AGREEMENT, COMPLETED, COMPLETED, COMPLETED]


# ------------------------------------------------------------------------------------------ backtest


def test_files_and_folders_and_other_files(tmp_path):
    for n in ("singapore-2018", "leap-day-2012"):
        shutil.copy(LIB / f"{n}.yaml", tmp_path / f"{n}.yaml")
    (tmp_path / "notes.md").write_text("# not a scenario\n")
    (tmp_path / "table.csv").write_text("a,b\n1,2\n")
    (tmp_path / "sub").mkdir()
    rows = backtest(tmp_path, runs=2, seed=0)
    assert [Path(r["file"]).name for r in rows] == ["leap-day-2012.yaml", "singapore-2018.yaml"]
    one = backtest([tmp_path / "singapore-2018.yaml"], runs=2, seed=0)
    assert one[0]["model"] == rows[1]["model"]
    for r in rows:
        assert tuple(r["model"]) == CATEGORIES and sum(r["model"].values()) == pytest.approx(1.0)
    with pytest.raises(InputError, match="a scenario file or a folder"):
        backtest(tmp_path / "missing", runs=1, seed=0)


def test_no_cases_scores_nothing(tmp_path):
    assert backtest(tmp_path, runs=1, seed=0) == []
    assert score_cases([])["scores"] is None


def test_scores_of_rows_by_hand():
    rows = [
        {
            "scenario": "a",
            "history": {"category": "no_agreement"},
            "model": dict(zip(CATEGORIES, (0.6, 0.3, 0.1), strict=True)),
        },
        {
            "scenario": "b",
            "history": {"category": "agreement_collapsed"},
            "model": dict(zip(CATEGORIES, (0.0, 1.0, 0.0), strict=True)),
        },
        {
            "scenario": "c",
            "history": {"category": None},
            "model": dict(zip(CATEGORIES, (1.0, 0.0, 0.0), strict=True)),
        },
    ]
    s = score_cases(rows)
    assert s["cases"] == 2 and s["left_out"] == ["c"]
    # Brier: a (0.4^2 + 0.09 + 0.01) = 0.26; b 1 + 1 = 2 -> 1.13
    assert s["scores"]["model"]["brier"] == pytest.approx(1.13)
    assert s["scores"]["model"]["log"] == pytest.approx((-math.log(0.6) + math.log(100)) / 2)
    # RPS, order (no, collapsed, completed): a F=(0.6, 0.7) vs (1, 1): (0.16+0.09)/2; b F=(0, 0) vs (0, 1): 1/2
    assert s["scores"]["model"]["rps"] == pytest.approx((0.125 + 0.5) / 2)
    # leave one out with one pseudo-count: a sees b (collapsed) -> (1, 1, 2)/4; b sees a -> (2, 1, 1)/4
    assert s["scores"]["base_rate_loo"]["brier"] == pytest.approx(
        ((0.75**2 + 0.25**2 + 0.5**2) + (0.5**2 + 0.25**2 + 0.75**2)) / 2
    )
    assert s["confident_misses"] == ["b"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)], capture_output=True, text=True, cwd=ROOT
    )


def test_cli_score_json_and_report(tmp_path):
    p = _cli("backtest", LIB, "--runs", "3", "--score", "--json", "--report", tmp_path / "rep")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert set(d) == {"cases", "scores"} and d["scores"]["cases"] >= 6
    scored = [r for r in d["cases"] if r["history"]["category"] and not r["variant_of"]]
    assert [r["scenario"] for r in d["cases"] if r["variant_of"]] == d["scores"]["variants_not_scored"]
    y = [CATEGORIES.index(r["history"]["category"]) for r in scored]
    P = [[r["model"][c] for c in CATEGORIES] for r in scored]
    brier = sum(
        sum((p - (k == yy)) ** 2 for k, p in enumerate(row)) for row, yy in zip(P, y, strict=True)
    ) / len(y)
    assert d["scores"]["scores"]["model"]["brier"] == pytest.approx(brier)
    assert d["scores"]["scores"]["uniform"]["brier"] == pytest.approx(2 / 3)
    html = (tmp_path / "rep" / "index.html").read_text()
    assert "Backtest as a forecast" in html and (tmp_path / "rep" / "reliability.svg").exists()


def test_cli_plain_json_keeps_the_list():
    p = _cli("backtest", LIB / "hanoi-2019.yaml", "--runs", "2", "--json")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert isinstance(rows, list) and set(rows[0]) >= {
        "scenario",
        "history",
        "model",
        "agrees",
        "model_detail",
    }


def test_cli_bad_path_exit_2():
    p = _cli("backtest", "no/such/folder", "--runs", "1")
    assert p.returncode == 2 and "Traceback" not in p.stderr and "no/such/folder" in p.stderr
