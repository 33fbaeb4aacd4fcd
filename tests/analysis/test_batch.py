"""analyze_many / point_metrics_many equal the per-run analyze + _point_metrics, bit for bit.

The reference is the per-run code itself: for every run k a real scenario is built whose compiled
arrays are exactly the run's (one issue whose k-th value scores each party's utility of outcome k,
weight 1, hard constraints ``x not in [...]``, the run's reservation values), compiled, analysed with
:func:`accord.analysis.solutions.analyze` and measured with ``_point_metrics``. Stacks come from
hypothesis (2-3 parties, tied utilities, constraints, reservations above everything), seeded numpy (large
spaces, many runs, small blocks), the real Hanoi scenario as the Monte Carlo draws it, and Hanoi's
utilities perturbed per run. Floats are compared by their bits (``float.hex``), not approximately.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.analysis import batch as B
from accord.analysis.batch import analyze_many, frontier_many, point_distances_many
from accord.analysis.solutions import analyze
from accord.experiments.metrics import _point_metrics, point_metrics_many
from accord.model.expr import compile_expression
from accord.model.issues import Issue
from accord.model.preferences import Preferences
from accord.model.scenario import CompiledScenario, Party, Scenario
from accord.model.space import OutcomeSpace

HANOI = Path(__file__).resolve().parents[2] / "scenarios" / "hanoi-2019.yaml"
GRID = [0.0, 0.25, 0.5, 0.75, 1.0]


# ------------------------------------------------------------------------------------------ reference


def table_compiled(U: np.ndarray, A: np.ndarray, r: np.ndarray) -> CompiledScenario:
    """A compiled scenario with utilities ``U`` (P, n), acceptable ``A`` (P, n), reservations ``r``."""
    P, n = U.shape
    space = OutcomeSpace([Issue.integer("x", 0, n - 1)])
    parties = []
    for i in range(P):
        banned = np.flatnonzero(~A[i]).tolist()
        cons = (compile_expression(f"x not in [{', '.join(map(str, banned))}]", space),) if banned else ()
        prefs = Preferences(space, np.array([1.0]), (U[i].copy(),), constraints=cons, reservation=float(r[i]))
        parties.append(Party(f"p{i}", prefs))
    c = Scenario("table", space, tuple(parties)).compile()
    assert c.utilities.tobytes() == np.ascontiguousarray(U, dtype=np.float64).tobytes()
    assert np.array_equal(c.acceptable, A) and c.reservations.tobytes() == r.tobytes()
    return c


def same_float(a: object, b: object) -> bool:
    return isinstance(a, float) and isinstance(b, float) and a.hex() == b.hex()


def assert_same_row(got: dict, want: dict) -> None:
    assert list(got) == list(want)
    for key, w in want.items():
        g = got[key]
        if isinstance(w, float):
            assert same_float(g, w), (key, g, w)
        else:
            assert type(g) is type(w) and g == w, (key, g, w)


def assert_same_analysis(got, want) -> None:
    for name in (
        "parties",
        "n_outcomes",
        "n_feasible",
        "nash",
        "kalai_smorodinsky",
        "max_welfare",
        "zopa_size",
    ):
        assert getattr(got, name) == getattr(want, name), name
    assert got.pareto.dtype == want.pareto.dtype and np.array_equal(got.pareto, want.pareto)
    assert got.pareto_utilities.shape == want.pareto_utilities.shape
    assert got.pareto_utilities.tobytes() == want.pareto_utilities.tobytes()
    assert got.reservations.tobytes() == want.reservations.tobytes()
    if want.zopa_best is None:
        assert got.zopa_best is None
    else:
        assert got.zopa_best.tobytes() == want.zopa_best.tobytes()


def check_stack(
    comps: list[CompiledScenario], points: np.ndarray, agreed: np.ndarray, shared: bool = False
) -> None:
    """point_metrics_many and analyze_many on the stack of ``comps`` equal the per-run reference."""
    U = np.stack([c.utilities for c in comps])
    A = comps[0].acceptable if shared else np.stack([c.acceptable for c in comps])
    r = np.stack([c.reservations for c in comps])
    rows = point_metrics_many(U, A, r, points, agreed)
    batch = analyze_many(U, A, r)
    assert len(rows) == len(comps)
    for k, c in enumerate(comps):
        a = analyze(c)
        assert_same_row(rows[k], _point_metrics(c, a, points[k], r[k], bool(agreed[k])))
        assert_same_analysis(batch.run(k, c.scenario.party_names), a)


def points_for(comps: list[CompiledScenario], rng: np.random.Generator) -> np.ndarray:
    """A point per run: its reservations, an outcome's utilities, a frontier or solution point, noise."""
    pts = []
    for c in comps:
        a = analyze(c)
        kind = int(rng.integers(0, 6))
        if kind == 0:
            u = c.reservations.copy()
        elif kind == 1:
            u = c.utilities[:, int(rng.integers(0, c.utilities.shape[1]))].copy()
        elif kind == 2 and a.pareto.size:
            u = a.pareto_utilities[:, int(rng.integers(0, a.pareto.size))].copy()
        elif kind == 3 and a.nash is not None:
            u = a.nash_utilities
        else:
            u = rng.random(c.n_parties) * 1.2 - 0.1
        pts.append(u)
    return np.array(pts)


# ------------------------------------------------------------------------------ random tables (hypothesis)


@st.composite
def stacks(draw: st.DrawFn) -> tuple[list[CompiledScenario], np.ndarray, np.ndarray, bool]:
    R = draw(st.integers(1, 5))
    P = draw(st.integers(2, 3))
    n = draw(st.integers(1, 30))
    shared = draw(st.booleans())
    coarse = draw(st.booleans())
    num = st.sampled_from(GRID) if coarse else st.floats(0.0, 1.0, allow_nan=False)

    def mask() -> np.ndarray:
        if draw(st.integers(0, 2)) == 0:
            return np.ones((P, n), dtype=bool)
        return np.array(
            draw(st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=P, max_size=P))
        )

    base = mask()
    comps, pts = [], []
    for _ in range(R):
        U = np.array([[draw(num) for _ in range(n)] for _ in range(P)])
        if draw(st.integers(0, 4)) == 0:  # an exact copy of party 0: fully aligned
            U[1] = U[0]
        r = np.array(
            [draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.25]) | st.floats(0.0, 0.6)) for _ in range(P)]
        )
        comps.append(table_compiled(U, base if shared else mask(), r))
        kind = draw(st.integers(0, 3))
        j = draw(st.integers(0, n - 1))
        pts.append([r, U[:, j], np.array([draw(num) for _ in range(P)]), U[:, j] + 0.0][kind])
    agreed = np.array(draw(st.lists(st.booleans(), min_size=R, max_size=R)))
    return comps, np.array(pts), agreed, shared


@settings(max_examples=250, deadline=None)
@given(stacks())
def test_random_stacks_equal_the_per_run_reference(drawn) -> None:
    comps, pts, agreed, shared = drawn
    check_stack(comps, pts, agreed, shared)


# ---------------------------------------------------------------------------------- seeded numpy


@pytest.mark.parametrize("P", [2, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_many_runs_large_spaces_small_blocks(P: int, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # small blocks and pair chunks: many blocks, chunked pair tests and the one-run skyline fallback
    monkeypatch.setattr(B, "_BLOCK", 700)
    monkeypatch.setattr(B, "_PAIRS", 64)
    rng = np.random.default_rng(seed)
    R, n = 12, 4500 if P == 2 else 600  # 4500: pareto_indices runs its own pre-filter (>= 4096)
    comps = []
    for k in range(R):
        kind = k % 4
        if kind == 0:  # ties: a coarse grid
            U = np.round(rng.random((P, n)) * 20) / 20
        elif kind == 1:  # conflicting: u_1 close to 1 - u_0, so a large frontier
            x = rng.random(n)
            U = np.stack([x, 1 - x + rng.random(n) * 0.05] + [rng.random(n) for _ in range(P - 2)])
        elif kind == 2:  # party 0 indifferent: no spread to bucket
            U = np.vstack([np.full((1, n), 0.5), rng.random((P - 1, n))])
        else:
            U = rng.random((P, n)) ** 3
        A = rng.random((P, n)) > 0.15
        r = rng.choice([0.0, 0.2, 0.5, 2.0], size=P)
        comps.append(table_compiled(U, A, r))
    check_stack(comps, points_for(comps, rng), rng.random(R) < 0.6)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_edge_cases() -> None:
    ones = np.ones((2, 4), dtype=bool)
    U = np.array([[0.1, 0.4, 0.4, 0.2], [0.9, 0.3, 0.3, 0.3]])
    comps = [
        table_compiled(U, np.zeros((2, 4), dtype=bool), np.zeros(2)),  # nothing feasible
        table_compiled(np.full((2, 4), 0.5), ones, np.zeros(2)),  # every outcome the same vector
        table_compiled(U, ones, np.array([5.0, 5.0])),  # reservations above everything: empty ZOPA
        table_compiled(U, ones, np.array([0.4, 0.3])),  # duplicates (outcomes 1, 2) on the frontier
        table_compiled(U, np.array([[0, 0, 1, 0], [1, 1, 1, 1]], dtype=bool), np.zeros(2)),  # one feasible
        table_compiled(-U, ones, np.array([-0.0, 0.0])),  # negative utilities, signed zeros
    ]
    pts = np.array([[0.1, 0.9], [0.5, 0.5], [0.4, 0.3], [0.4, 0.3], [np.nan, 0.2], [np.inf, -0.0]])
    check_stack(comps, pts, np.array([True, True, False, True, True, False]))
    check_stack(comps[1:2], np.array([[0.5, 0.5]]), np.array([True]))


def test_stack_with_no_runs() -> None:
    assert (
        point_metrics_many(
            np.zeros((0, 2, 3)), np.ones((2, 3), bool), np.zeros((0, 2)), np.zeros((0, 2)), np.zeros(0, bool)
        )
        == []
    )
    start, index, F = frontier_many(np.zeros((0, 3, 5)))
    assert start.tolist() == [0] and index.size == 0 and F.shape == (3, 0)


def test_non_finite_utilities_like_the_reference() -> None:
    U = np.array([[[0.2, 0.5, np.inf], [0.7, 0.1, 0.3]], [[0.2, 0.5, 0.4], [0.7, np.nan, 0.3]]])
    A = np.array([[True, True, False], [True, True, True]])  # outcome 2 infeasible
    r = np.zeros((2, 2))
    # run 0: the infinite utility is infeasible, ignored by both
    c0 = table_compiled(np.nan_to_num(U[0], posinf=9.0), A, r[0])
    c0.utilities = U[0]
    want = _point_metrics(c0, analyze(c0), np.array([0.2, 0.7]), r[0], True)
    got = point_metrics_many(U[:1], A, r[:1], np.array([[0.2, 0.7]]), np.array([True]))[0]
    assert_same_row(got, want)
    # run 1: a NaN among feasible utilities fails in both
    c1 = table_compiled(np.nan_to_num(U[1]), A, r[1])
    c1.utilities = U[1]
    with pytest.raises(ValueError, match="finite"):
        analyze(c1)
    with pytest.raises(ValueError, match=r"finite \(run 1\)"):
        analyze_many(U, A, r)


def test_bad_shapes() -> None:
    with pytest.raises(ValueError, match="acceptable"):
        analyze_many(np.zeros((2, 2, 3)), np.ones((3, 3), bool), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="reservations"):
        analyze_many(np.zeros((2, 2, 3)), None, np.zeros((2, 3)))
    a = analyze_many(np.zeros((2, 2, 3)), None, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="points"):
        point_distances_many(a, np.zeros((3, 2)))


# -------------------------------------------------------------------------------------------- Hanoi


def test_hanoi_monte_carlo_draws() -> None:
    """The runs `accord montecarlo scenarios/hanoi-2019.yaml` builds (each run's numbers from its seed)."""
    from accord.experiments import worker
    from accord.experiments.runner import Job, source_from

    src = source_from(HANOI)
    comps = [worker.prepare(src, Job(run=s, source=0, seed=s))[0].compiled for s in range(24)]
    rng = np.random.default_rng(7)
    pts = points_for(comps, rng)
    agreed = rng.random(len(comps)) < 0.5
    check_stack(comps, pts, agreed, shared=True)
    check_stack(comps, pts, agreed, shared=False)


def test_hanoi_perturbed_per_run() -> None:
    from accord.io import load

    base = load(HANOI).compile()
    rng = np.random.default_rng(3)
    comps = []
    for k in range(16):
        U = base.utilities * (1 + 0.2 * rng.standard_normal(base.utilities.shape))
        if k % 3 == 0:
            U = np.round(U, 2)  # many ties and duplicate vectors
        if k % 5 == 1:
            U[1] = U[1, 0]  # the DPRK indifferent
        r = base.reservations + 0.05 * rng.standard_normal(2)
        if k == 7:
            r = r + 10.0  # nothing acceptable to anyone
        A = base.acceptable if k % 2 else base.acceptable & (rng.random(base.acceptable.shape) > 0.1)
        comps.append(table_compiled(U, np.array(A), r))
    pts = points_for(comps, rng)
    check_stack(comps, pts, rng.random(len(comps)) < 0.5)
