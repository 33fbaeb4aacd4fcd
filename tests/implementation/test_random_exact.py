"""Random compliance where the exact evaluator is needed (a stage with valuation: implemented): one clear
message naming the file and the field, exit 2, no traceback (it used to end in a ValueError traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_random_compliance_with_implemented_valuation_is_a_clear_error(tmp_path):
    text = (ROOT / "scenarios" / "jcpoa-2015.yaml").read_text(encoding="utf-8")
    old = "compliance: {iran: opportunist, p5_plus_1: faithful}"
    assert old in text and "valuation: implemented" in text
    bad = tmp_path / "jcpoa-random.yaml"
    bad.write_text(
        text.replace(old, 'compliance: {iran: "random(p=0.2)", p5_plus_1: faithful}'), encoding="utf-8"
    )
    p = subprocess.run(
        [sys.executable, "-m", "accord", "run", str(bad), "--runs", "2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and p.stderr.count("\n") == 1
    assert "jcpoa-random.yaml" in p.stderr and "implementation.compliance.iran" in p.stderr
    assert "random(p=0.2)" in p.stderr
