"""pareto_indices equals brute force: plain Python on small arrays, an all-pairs numpy check on large ones.

The large cases are sized to go through the code paths small ones never reach: the two-party bucket
pre-filter (both axes), and the many-party skyline's blocks and chunks.
"""

from __future__ import annotations

import numpy as np
import pytest
from analysis_bruteforce import frontier
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from accord.analysis.pareto import dominated_rows, pareto_indices, pareto_rows


@st.composite
def utility_arrays(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray | None]:
    n = draw(st.integers(1, 4))
    N = draw(st.integers(1, 60))
    if draw(st.booleans()):  # few distinct levels: ties and duplicate vectors
        elems = st.integers(0, 4).map(lambda k: k / 4)
    else:
        elems = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False, width=64)
    U = draw(hnp.arrays(np.float64, (n, N), elements=elems))
    mask = draw(st.none() | hnp.arrays(np.bool_, (N,)))
    return U, mask


@settings(max_examples=250, deadline=None)
@given(utility_arrays())
def test_small_arrays_equal_python_brute_force(drawn: tuple[np.ndarray, np.ndarray | None]) -> None:
    U, mask = drawn
    points = U.T.tolist()
    expected = frontier(points, None if mask is None else mask.tolist())
    got = pareto_indices(U, mask)
    assert got.dtype == np.int64
    assert got.tolist() == expected


def all_pairs_frontier(U: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Independent reference: test every pair with numpy broadcasting (O(N^2)), then sort."""
    n, N = U.shape
    cand = np.arange(N) if mask is None else np.flatnonzero(mask)
    V = U[:, cand]
    dominated = np.zeros(cand.size, dtype=bool)
    for s in range(0, cand.size, 1000):
        P = V[:, s : s + 1000]
        ge = V[0][None, :] >= P[0][:, None]
        gt = V[0][None, :] > P[0][:, None]
        for k in range(1, n):
            ge &= V[k][None, :] >= P[k][:, None]
            gt |= V[k][None, :] > P[k][:, None]
        dominated[s : s + 1000] = (ge & gt).any(axis=1)
    keep = cand[~dominated]
    return keep[np.lexsort((keep, -U[0, keep]))]


@pytest.mark.parametrize("case", ["uniform", "coarse", "clustered_u1", "all_equal", "masked", "anti"])
def test_two_parties_large_equals_all_pairs(case: str) -> None:
    rng = np.random.default_rng(7)
    N = 5000
    if case == "uniform":
        U = rng.random((2, N))
    elif case == "coarse":  # many exact duplicates on and off the frontier
        U = rng.integers(0, 40, size=(2, N)) / 39
    elif case == "clustered_u1":  # one u1 value but a few: the u1 buckets cannot filter, the u2 ones must
        few = rng.random(N) < 0.002
        U = np.vstack([np.where(few, 0.6, 0.5), np.where(few, 0.0, rng.random(N))])
    elif case == "all_equal":
        U = np.full((2, N), 0.25)
    elif case == "masked":
        U = rng.integers(0, 200, size=(2, N)).astype(float)
    else:  # a perfectly opposed line: every point is on the frontier
        x = rng.random(N)
        U = np.vstack([x, 1.0 - x])
    mask = rng.random(N) < 0.7 if case == "masked" else None
    assert pareto_indices(U, mask).tolist() == all_pairs_frontier(U, mask).tolist()


@pytest.mark.parametrize("n", [3, 4, 6])
def test_many_parties_large_equals_all_pairs(n: int) -> None:
    rng = np.random.default_rng(n)
    N = 3000
    U = rng.integers(0, 6, size=(n, N)) / 5  # heavy ties, duplicates spread over blocks
    U[:, 1500:1600] = U[:, :100]  # exact copies of early columns, far apart
    mask = rng.random(N) < 0.9
    assert pareto_indices(U).tolist() == all_pairs_frontier(U).tolist()
    assert pareto_indices(U, mask).tolist() == all_pairs_frontier(U, mask).tolist()


def test_many_parties_continuous_negatively_correlated() -> None:
    rng = np.random.default_rng(11)
    X = rng.random((4, 2500))
    U = X / X.sum(axis=0)  # on a simplex: most points non-dominated, the skyline's hard case
    assert pareto_indices(U).tolist() == all_pairs_frontier(U).tolist()


def test_margin_dominance_is_a_superset_and_zero_margin_is_exact() -> None:
    rng = np.random.default_rng(3)
    P = rng.integers(0, 5, size=(800, 3)) / 4
    exact = pareto_rows(P)
    assert np.flatnonzero(exact).tolist() == sorted(all_pairs_frontier(P.T).tolist())
    assert np.array_equal(pareto_rows(P, np.zeros(3)), exact)
    loose = pareto_rows(P, np.full(3, 0.3))  # leads of 0.25 no longer count: more rows kept
    assert (loose | ~exact).all() and loose.sum() > exact.sum()
    # a row is margin-dominated only with a lead above the margin
    A = np.array([[0.0, 0.0, 0.0]])
    assert dominated_rows(A, np.array([[0.2, 0.0, 0.0]]), np.full(3, 0.1)).tolist() == [True]
    assert dominated_rows(A, np.array([[0.05, 0.0, 0.0]]), np.full(3, 0.1)).tolist() == [False]


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        pareto_indices(np.zeros(5))
    with pytest.raises(ValueError):
        pareto_indices(np.zeros((2, 5)), np.ones(4, dtype=bool))
    with pytest.raises(ValueError):
        pareto_indices(np.array([[0.0, np.nan], [1.0, 0.0]]))
    assert pareto_indices(np.zeros((2, 3)), np.zeros(3, dtype=bool)).size == 0
    assert pareto_indices(np.zeros((2, 0))).size == 0


@pytest.mark.parametrize(("block", "chunk"), [(64, 48), (40, 100), (7, 5)])
def test_skyline_tiles_of_any_shape(monkeypatch: pytest.MonkeyPatch, block: int, chunk: int) -> None:
    import accord.analysis.pareto as pareto_module

    monkeypatch.setattr(pareto_module, "_BLOCK", block)
    monkeypatch.setattr(pareto_module, "_CHUNK", chunk)
    rng = np.random.default_rng(block)
    X = rng.integers(1, 8, size=(3, 700)).astype(float)
    U = X / X.sum(axis=0)
    U[:, 350:400] = U[:, :50]
    assert pareto_indices(U).tolist() == all_pairs_frontier(U).tolist()
    margin = np.zeros(3)
    assert np.array_equal(pareto_rows(U.T, margin), pareto_rows(U.T))
