"""The deterrence table judges each delivery at the rates in force, each step its own (not one common rate):
its verdict agrees with the exact evaluator's cheating probabilities over every library scenario and
variant, and on a toy whose last step is inspected fully."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import api
from accord.errors import InputError
from accord.io.talks import read, variant_names

LIB = Path(__file__).resolve().parents[2] / "scenarios"
CASES = [
    (p, v)
    for p in sorted(LIB.glob("*.yaml"))
    for v in [None, *variant_names(read(p)[0])]
    if read(p)[0].get("implementation") is not None
]


@pytest.mark.parametrize("path, variant", CASES, ids=lambda x: getattr(x, "stem", x or "base"))
def test_verdict_agrees_with_the_exact_evaluator(path, variant):
    try:
        out = api.implement(path, variant=variant, runs=1, seed=0)
    except InputError:
        pytest.skip("the talks end without agreement")
    if "exact" not in out:
        pytest.skip("stochastic compliance")
    comp = dict(api.load_talks(path, variant).implementation.compliance)
    rows, cheat = out["deterrence"], out["exact"]["cheating_probability"]
    if any(c not in ("faithful", "opportunist") for c in comp.values()):
        pytest.skip(f"compliance {comp}: the table is the opportunist's comparison")
    # a faithful party never cheats; an opportunist cheats where its delivery is not deterred
    open_rows = [r for r in rows if not r["deterred"] and comp.get(r["party"], "faithful") == "opportunist"]
    if not open_rows:  # every delivery deterred on the compliant path: nobody ever cheats
        assert all(v == 0 for v in cheat.values()), (cheat, rows)
    else:  # the first undeterred delivery is reached on the compliant path: its owner cheats there
        first = open_rows[0]
        assert cheat[first["party"]] > 0, (first, cheat)
    for r in rows:
        assert (
            len(r["rates_in_force"]) == r["remaining_steps"] and r["rates_in_force"][0] == r["rate_in_force"]
        )


def test_a_fully_inspected_last_step_deters_an_early_violation():
    """Rate 0.2 at the first two steps, 1.0 at the last: one common rate of 0.2 would not deter b's freeze
    (r* ~ 0.31), the rates in force do. By hand, detection 0.7 per inspection:
    Q = 1 - (1 - 0.2*0.7)^2 (1 - 0.7) = 0.77812; (1 - Q) d - Q b < 0 for the table's d and b."""
    from accord.io.talks import talks_from_document

    from .toy import toy

    d = toy()
    d["implementation"]["verification"]["inspection_rate"] = {"b": 0.2, "a": 1.0}
    d["implementation"]["schedule"][2]["inspection_rate"] = {"b": 1.0}
    out = api.implement(talks_from_document(d, "toy.yaml"), runs=200, seed=0)
    row = next(r for r in out["deterrence"] if r["party"] == "b" and r["step"] == "freeze")
    assert row["rates_in_force"] == [0.2, 0.2, 1.0] and row["deterrent_rate"] > 0.2
    q = 1 - (1 - 0.2 * 0.7) ** 2 * (1 - 0.7)
    assert row["caught_probability"] == pytest.approx(q)
    assert (1 - q) * row["gain"] - q * row["penalty"] < 0 and row["deterred"]
    assert out["exact"]["cheating_probability"]["b"] == 0 and out["simulated"]["cheating_rate"]["b"] == 0
