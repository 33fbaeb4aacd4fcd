"""`accord montecarlo --variant all` reports every variant's own rate (checked against the stored rows); a
pooled figure is labelled as pooled, here and in the report's overview; every output says what is drawn."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq

from .conftest import HANOI, ROOT


def _accord(*args):
    return subprocess.run(
        [sys.executable, "-m", "accord", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_montecarlo_reports_each_variant(tmp_path):
    out = tmp_path / "mc"
    p = _accord("montecarlo", HANOI, "--runs", 12, "--variant", "all", "-w", 1, "-o", out, "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    t = pq.read_table(out / "results.parquet")
    names = np.asarray(t.column("variant").to_pylist())
    agree = np.asarray(t.column("agreement").to_pylist(), dtype=bool)
    assert set(doc["variants"]) == set(names) and doc["pooled_over_variants"]
    for v, s in doc["variants"].items():
        assert s["runs"] == 12 and s["agreement_rate"] == agree[names == v].mean()
    assert doc["agreement_rate"] == agree.mean()  # the pooled figure, named as such
    assert "uncertain number(s)" in doc["drawn"]
    text = _accord(
        "montecarlo", HANOI, "--runs", 12, "--variant", "all", "-w", 1, "-o", out, "--resume", "-q"
    )
    assert text.returncode == 0, text.stderr
    assert "(all 6 variants pooled)" in text.stdout and "drawn per run" in text.stdout
    for v in doc["variants"]:
        assert v[:10] in text.stdout
    html = _accord("report", out)
    assert html.returncode == 0, html.stderr
    page = (out / "report" / "index.html").read_text()
    assert "agreement rate (all 6 variants pooled" in page and "drawn per run" in page
