"""accord backtest says, case by case, whether the model's most likely result is what happened, how many
cases it gets right, and what its runs draw and hold fixed (issue 17: rates read as probabilities)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LIB = Path(__file__).resolve().parents[2] / "scenarios"
CASES = [LIB / "hanoi-2019.yaml", LIB / "singapore-2018.yaml", LIB / "inf-1987.yaml"]


def _accord(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "accord", *args], capture_output=True, text=True)


def test_verdicts_and_the_count_follow_the_probabilities():
    files = [str(p) for p in CASES]
    js = _accord("backtest", *files, "--runs", "5", "--json")
    assert js.returncode == 0, js.stderr
    rows = json.loads(js.stdout)
    right = wrong = 0
    for r in rows:  # independently: the most likely category (ties to the later name, as the model's rule)
        modal = max(r["model"].items(), key=lambda kv: (kv[1], kv[0]))[0]
        if r["history"]["category"] is not None:
            right += modal == r["history"]["category"]
            wrong += modal != r["history"]["category"]
    text = _accord("backtest", *files, "--runs", "5")
    assert text.returncode == 0, text.stderr
    out = text.stdout
    assert f"matches history in {right} of {right + wrong} case(s)" in out
    assert out.count("WRONG") == wrong and out.count("right") >= right
    assert "drawn: 5 run(s) per case with the distributions of" in out and "nominal values" in out
