"""Private types in a scenario file: read into typed priors for the kernel; bad input names file and field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from accord.errors import InputError
from accord.io.private_types import read_private_types
from accord.io.talks import load_talks

ROOT = Path(__file__).resolve().parents[2]
JCPOA = ROOT / "scenarios" / "jcpoa-2015.yaml"


def _with(tmp_path: Path, block: str) -> Path:
    out = tmp_path / "jcpoa-types.yaml"
    out.write_text(JCPOA.read_text(encoding="utf-8") + "\nprivate:\n" + block, encoding="utf-8")
    return out


GOOD = """  types:
    iran_walk_away: {party: iran, kind: reservation, range: [0.35, 0.55]}
  type_priors:
    p5_plus_1: {iran_walk_away: [0.2, 0.5]}
"""


def test_types_and_non_common_priors(tmp_path):
    ts = load_talks(_with(tmp_path, GOOD))
    t = read_private_types(ts)["iran_walk_away"]
    assert t.owner == 1 and t.kind == "reservation"
    assert (t.nature.low, t.nature.high) == (0.35, 0.55)
    assert (t.prior(0).low, t.prior(0).high) == (0.2, 0.5)  # the P5+1 misperceive
    values, probs = t.grid(0, 300, runs=4)
    assert probs.shape == (4, 300) and values.min() > 0.2 and values.max() < 0.5
    with pytest.raises(ValueError, match="knows it"):
        t.prior(1)
    # drawn per run from nature's range, seeded
    a = t.nature.draw(np.random.default_rng(4), 5)
    assert np.array_equal(a, t.nature.draw(np.random.default_rng(4), 5)) and np.all((a >= 0.35) & (a <= 0.55))


def test_common_prior_by_default(tmp_path):
    ts = load_talks(
        _with(tmp_path, "  types:\n    iran_walk_away: {party: iran, kind: reservation, range: [0.3, 0.6]}\n")
    )
    assert (
        read_private_types(ts)["iran_walk_away"].prior(0) == read_private_types(ts)["iran_walk_away"].nature
    )
    assert read_private_types(load_talks(JCPOA)) == {}


@pytest.mark.parametrize(
    ("block", "field"),
    [
        ("  types:\n    t: {party: usa, kind: reservation, range: [0.1, 0.2]}\n", "private.types.t.party"),
        ("  types:\n    t: {party: iran, kind: reservation, range: [0.3, 0.2]}\n", "private.types.t.range"),
        (
            "  types:\n    t: {party: iran, kind: reservation, range: [0.1, 0.2]}\n"
            "  type_priors:\n    p5_plus_1: {u: [0.1, 0.2]}\n",
            "private.type_priors.p5_plus_1.u",
        ),
        (
            "  types:\n    t: {party: iran, kind: reservation, range: [0.1, 0.2]}\n"
            "  type_priors:\n    iran: {t: [0.1, 0.2]}\n",
            "private.type_priors.iran.t",
        ),
        (
            "  types:\n    t: {party: iran, kind: reservation, range: [0.1, 0.2]}\n"
            "  type_priors:\n    usa: {t: [0.1, 0.2]}\n",
            "private.type_priors.usa",
        ),
    ],
)
def test_bad_names_and_ranges(tmp_path, block, field):
    ts = load_talks(_with(tmp_path, block))
    with pytest.raises(InputError) as e:
        read_private_types(ts)
    assert e.value.field == field and "jcpoa-types.yaml" in str(e.value)


def test_a_type_without_its_distribution_fails_at_load(tmp_path):
    bad = _with(tmp_path, "  types:\n    t: {party: iran, kind: reservation}\n")
    p = subprocess.run(
        [sys.executable, "-m", "accord", "run", str(bad), "--runs", "1"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "jcpoa-types.yaml" in p.stderr and "private.types.t.range" in p.stderr, p.stderr
