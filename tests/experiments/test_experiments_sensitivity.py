"""Sobol indices against closed forms (Ishigami; a linear model), the Saltelli design, the tornado.

References: the Ishigami function's analytic indices (Ishigami & Homma 1990; Saltelli et al. 2008,
*Global Sensitivity Analysis: The Primer*, §4.2) and, for Y = Σ a_i X_i with independent X_i,
S_i = ST_i = a_i² Var X_i / Σ_j a_j² Var X_j.
"""

import math

import numpy as np
import pytest

from accord.errors import InputError
from accord.experiments.params import Uncertain, parse_distribution
from accord.experiments.sensitivity import design_values, oat_points, sobol_indices, tornado, unit_design


def _inputs(specs):
    return [Uncertain(f"x{i}", ("x", i), parse_distribution(s)) for i, s in enumerate(specs)]


def _values(unc, n, seed):
    return np.array(design_values(unc, unit_design(len(unc), n, seed)), dtype=float)


def test_ishigami_matches_the_closed_form():
    a, b = 7.0, 0.1
    unc = _inputs([{"uniform": [-math.pi, math.pi]}] * 3)
    X = _values(unc, 4096, seed=1)
    Y = np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])
    pi = math.pi
    V1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    V2 = a**2 / 8
    V13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    V = V1 + V2 + V13
    res = sobol_indices(Y, ["x0", "x1", "x2"], seed=0)
    assert res["S1"] == pytest.approx([V1 / V, V2 / V, 0.0], abs=0.03)
    assert res["ST"] == pytest.approx([(V1 + V13) / V, V2 / V, V13 / V], abs=0.03)
    assert all(c > 0 for c in res["S1_conf"])


def test_linear_model_with_other_distributions():
    specs = [{"normal": [0, 1]}, {"normal": [2, 3]}, {"triangular": [0, 1, 2]}]
    coef = np.array([1.0, 0.5, 4.0])
    var = np.array([1.0, 9.0, (0 + 1 + 4 - 0 - 0 - 2) / 18])  # triangular: (a²+b²+c²-ab-ac-bc)/18
    share = coef**2 * var / (coef**2 * var).sum()
    unc = _inputs(specs)
    X = _values(unc, 2048, seed=3)
    res = sobol_indices(X @ coef, ["a", "b", "c"], seed=1)
    assert res["S1"] == pytest.approx(share.tolist(), abs=0.03)
    assert res["ST"] == pytest.approx(share.tolist(), abs=0.03)


def test_design_groups_rows_by_base_sample():
    """Rows come as A, AB_1..AB_d, B per base sample: AB_i is A with column i taken from B.

    The experiment plan gives every row of a group the same seed (common random numbers), so this
    layout is what it relies on.
    """
    d = 3
    U = unit_design(d, 8, seed=5)
    assert U.shape == (8 * (d + 2), d)
    for k in range(8):
        g = U[k * (d + 2) : (k + 1) * (d + 2)]
        A, B = g[0], g[-1]
        for i in range(d):
            expect = A.copy()
            expect[i] = B[i]
            assert np.array_equal(g[1 + i], expect)
    assert np.array_equal(U, unit_design(d, 8, seed=5))


def test_design_needs_a_power_of_two():
    with pytest.raises(InputError, match="power of two"):
        unit_design(2, 48, 0)


def test_constant_output_has_no_variance_to_share():
    res = sobol_indices(np.ones(4 * 5), ["a", "b", "c"])
    assert res["constant"] and res["S1"] == [0.0, 0.0, 0.0]


def test_tornado_of_a_known_function():
    unc = _inputs([{"uniform": [0, 1]}, {"uniform": [0, 10]}, {"choice": [1, 2, 3]}])

    def f(v):
        return 2 * v["x0"] - 0.1 * v["x1"] + (v["x2"] == 3)

    pts = oat_points(unc, (0.1, 0.9))
    assert pts[0][:2] == ("", "base") and len(pts) == 1 + 2 * 3
    reps = 3  # repeated seeds: the mean of identical outputs is the output
    params, levels, values, outputs = [], [], [], []
    for name, level, vals in pts:
        for _ in range(reps):
            params.append(name)
            levels.append(level)
            values.append(vals.get(name))
            outputs.append(f(vals))
    t = tornado(params, levels, values, np.array(outputs, dtype=float))
    assert t["base"] == pytest.approx(2 * 0.5 - 0.1 * 5 + 0)  # nominal: means, and the mode of the choice
    bars = {b["parameter"]: b for b in t["bars"]}
    assert bars["x0"]["low"] == pytest.approx(2 * 0.1 - 0.5) and bars["x0"]["high"] == pytest.approx(
        2 * 0.9 - 0.5
    )
    assert bars["x1"]["swing"] == pytest.approx(0.1 * 8)
    assert (bars["x2"]["low_value"], bars["x2"]["high_value"]) == (1, 3)
    assert bars["x2"]["swing"] == pytest.approx(1.0)
    assert [b["parameter"] for b in t["bars"]] == ["x0", "x2", "x1"]  # largest swing first
