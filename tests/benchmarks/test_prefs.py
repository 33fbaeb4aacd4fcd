"""The benchmarks' random-preferences recipe, and accord's evaluation of it against brute force."""

import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from accord.model.issues import Issue  # noqa: E402
from accord.model.preferences import Preferences  # noqa: E402
from accord.model.space import OutcomeSpace  # noqa: E402
from prefs import draw_pair, draw_pairs  # noqa: E402


def test_recipe_shapes_and_ranges():
    for a, b in draw_pairs(20, 4, seed=1):
        for p in (a, b):
            assert p.weights.shape == (4,) and np.isclose(p.weights.sum(), 1.0) and (p.weights > 0).all()
            assert p.tables.shape == (4, 10)
            assert (p.tables.min(axis=1) == 0.0).all() and (p.tables.max(axis=1) == 1.0).all()
            assert 0.0 <= p.reservation < 0.4


def test_recipe_draw_order_is_fixed():
    """Party A is drawn before party B from one generator: the same seed gives the same pairs."""
    first = draw_pairs(3, 3, seed=0)
    again = draw_pairs(3, 3, seed=0)
    for (a1, b1), (a2, b2) in zip(first, again, strict=True):
        assert np.array_equal(a1.tables, a2.tables) and np.array_equal(b1.weights, b2.weights)
    rng = np.random.default_rng(0)
    a, b = draw_pair(rng, 3)
    assert np.array_equal(a.weights, first[0][0].weights) and np.array_equal(b.tables, first[0][1].tables)
    assert not np.array_equal(a.tables, b.tables)


def test_accord_utilities_equal_brute_force_sum():
    """evaluate_all over the space equals sum_i w_i v_i(x_i) added left to right, outcome by outcome."""
    k = 3
    a, _ = draw_pair(np.random.default_rng(7), k)
    space = OutcomeSpace([Issue.integer(f"i{j}", 0, 9) for j in range(k)])
    u = Preferences(space, a.weights, tuple(a.tables)).evaluate_all()
    for idx, x in enumerate(itertools.product(range(10), repeat=k)):
        ref = 0.0
        for j, v in enumerate(x):
            ref = ref + float(a.weights[j] * a.tables[j, v]) if j else float(a.weights[0] * a.tables[0, v])
        assert u[idx] == ref
    assert np.array_equal(u, a.utilities())
