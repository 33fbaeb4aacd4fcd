"""accord implement and accord backtest say what their runs draw and what they hold fixed; the number of
distributions held at their nominal values is counted here independently from the raw YAML."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from accord.io.talks import talks_from_document
from accord.report.explain import implement_drawn_note, uncertain_count

from .toy import toy

LIB = Path(__file__).resolve().parents[2] / "scenarios"
_DIST = {"uniform", "normal", "triangular", "beta", "choice"}


def _count(o) -> int:
    """Distributions in a raw document: a one-key mapping {uniform|normal|triangular|beta|choice: ...} in its
    number form (a list, or normal's / choice's mapping form); a triangular *score* has {lower, peak, upper}."""
    if isinstance(o, dict):
        if len(o) == 1 and next(iter(o)) in _DIST:
            v = next(iter(o.values()))
            if isinstance(v, list) or (isinstance(v, dict) and ("mean" in v or "values" in v)):
                return 1
        return sum(_count(v) for v in o.values())
    if isinstance(o, list):
        return sum(_count(v) for v in o)
    return 0


def _base(path: Path) -> dict:
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    d.pop("variants", None)
    return d


def test_distribution_counts_of_the_library_match_an_independent_count():
    for p in sorted(LIB.glob("*.yaml")):
        assert uncertain_count(p) == _count(_base(p)), p.name


def test_implement_says_what_each_run_draws():
    path = LIB / "hanoi-2019.yaml"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "accord",
            "implement",
            str(path),
            "--variant",
            "phased_verified",
            "--runs",
            "20",
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    text = " ".join(r.stdout.split())
    n = _count(_base(path))
    assert (
        f"drawn: 20 run(s) of this one deal, each drawing its inspections and detections; the file's {n} "
        in text
    )


def test_random_compliance_and_a_drawn_fact_are_named():
    d = toy()
    d["implementation"]["compliance"] = {"b": "random(p=0.3)", "a": "faithful"}
    d["private"]["facts"]["sites"] = {"probability": 0.5, "beliefs": {"a": 0.5}}
    note = implement_drawn_note(talks_from_document(d, "toy.yaml"), 10, None)
    assert "the random compliance of b" in note and "private fact(s) sites" in note
    assert "every number as written" in note


@pytest.mark.parametrize(
    ("flag", "label"), [((), "drawn per run"), (("--nominal",), "at their nominal values")]
)
def test_backtest_counts_the_case_files_with_distributions(flag, label):
    files = [LIB / "hanoi-2019.yaml", LIB / "singapore-2018.yaml", LIB / "inf-1987.yaml"]
    r = subprocess.run(
        [sys.executable, "-m", "accord", "backtest", *map(str, files), "--runs", "2", *flag],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    with_dist = sum(_count(_base(p)) > 0 for p in files)
    assert f"with the distributions of {with_dist} case file(s) {label}" in " ".join(r.stdout.split())
