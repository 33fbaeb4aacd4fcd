"""No report of a library scenario shows `nan`: every variant of every file, a few runs each (an input a
variant fixes or removes is said so, not averaged over missing values)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accord import api
from accord.experiments.executors import InProcess
from accord.experiments.plans import plan_montecarlo
from accord.experiments.runner import execute
from accord.report import build_report

LIB = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize("path", sorted(LIB.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_nan_in_the_report(path, tmp_path):
    from accord.experiments.params import variants_of
    from accord.io.talks import read

    variants = ["base", *variants_of(read(path)[0])]
    execute(plan_montecarlo(path, 6, seed=1, variants=variants), tmp_path / "mc", InProcess())
    html = build_report(tmp_path / "mc").read_text()
    text = re.sub(r"<svg.*?</svg>|data:[^\"']+", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    hits = re.findall(r".{0,60}\bnan\b.{0,20}", text, flags=re.I)
    assert not hits, hits
    if api.has_talks(path):  # staged talks: the sample run is explained
        assert "Why it ends so:" in text
