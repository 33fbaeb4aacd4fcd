"""Accord-side facts behind the Pareto/Nash comparison with NegMAS (docs/validation.md), by brute force.

The profiles are read here with ElementTree, independently of accord's reader, on GENIUS's scale (an
issue's evaluations divided by their maximum, weighted sum), in exact integer arithmetic so that a tie is
a true tie and not a float accident. NegMAS is not needed: these are the facts each difference rests on.
"""

from __future__ import annotations

import itertools
import math
import os
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from accord import api
from accord.analysis.solutions import analyze, nash_products

GENIUS = Path(os.environ["ACCORD_SHARED"]) / "data" / "genius"
pytestmark = pytest.mark.filterwarnings("ignore:.*UNCERTAIN")


def exact_profile(path: Path) -> tuple[list[str], list[list[str]], list[list[Fraction]]]:
    """Issue names, value names and exact per-value utility contributions w_i * e / max_i (file order)."""
    root = ET.parse(path).getroot()
    obj = root.find("objective")
    assert obj is not None
    weights = {w.get("index"): Fraction(w.get("value")) for w in obj.findall("weight")}
    names, values, contrib = [], [], []
    for issue in obj.findall("issue"):
        items = issue.findall("item")
        evals = [Fraction(it.get("evaluation")) for it in items]
        top = max(evals)
        w = weights[issue.get("index")]
        names.append(issue.get("name"))
        values.append([it.get("value") for it in items])
        contrib.append([w * e / top for e in evals])
    return names, values, contrib


def integer_utilities(contribs: list[list[list[Fraction]]]) -> tuple[np.ndarray, int]:
    """Every outcome's utilities (first issue slowest) times a common denominator D, exact: (P, N)."""
    den = math.lcm(*(c.denominator for party in contribs for issue in party for c in issue))
    # int64 when every sum fits, else Python integers (object arrays): exact either way.
    dtype = np.int64 if den * len(contribs[0]) < 2**62 else object
    rows = []
    for party in contribs:
        total = np.zeros(1, dtype=dtype)
        for issue in party:
            col = np.array([int(c * den) for c in issue], dtype=dtype)
            total = (total[:, None] + col[None, :]).ravel()
        rows.append(total)
    return np.vstack(rows), den


def non_dominated(U: np.ndarray) -> np.ndarray:
    """Indices of the non-dominated columns of an exact (2, N) integer utility array (sweep by u0)."""
    order = np.lexsort((-U[1], -U[0]))
    u0, u1 = U[0][order], U[1][order]
    keep = np.zeros(U.shape[1], dtype=bool)
    best_above = None  # max u1 over strictly greater u0
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and u0[end] == u0[start]:
            end += 1
        g = u1[start]  # max u1 in this u0 group (sorted descending)
        if best_above is None or g > best_above:
            keep[start:end] = u1[start:end] == g
            best_above = g
        start = end
    return np.sort(order[keep])


def outcome_names(names: list[str], values: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*values)]


def test_nice_or_die_nash_is_a_tie_broken_by_lowest_index_and_moves_with_the_disagreement_point():
    folder = GENIUS / "NiceOrDie"
    profs = [exact_profile(folder / f"{p}.xml") for p in ("NiceOrDie1", "NiceOrDie2")]
    names, values, _ = profs[0]
    U, den = integer_utilities([p[2] for p in profs])
    outcomes = outcome_names(names, values)
    # d = r = 0 (accord's disagreement point): two outcomes share the largest product, exactly.
    prod = U[0] * U[1]
    tied = [j for j in range(U.shape[1]) if prod[j] == prod.max()]
    assert len(tied) == 2
    d = api.analyze(api.load(folder, parties=["NiceOrDie1", "NiceOrDie2"]))
    assert d["nash"]["outcome"] == outcomes[min(tied)]  # the documented rule: lowest outcome index
    # d = each party's minimum utility (NegMAS 0.16's rule when r is below it): one maximiser, elsewhere.
    lo = U.min(axis=1)
    prod_min = (U[0] - lo[0]) * (U[1] - lo[1])
    (j_min,) = np.flatnonzero(prod_min == prod_min.max())
    assert j_min not in tied
    # accord's own Nash product, given that disagreement point as reservations, agrees.
    compiled = api.compile_scenario(api.load(folder, parties=["NiceOrDie1", "NiceOrDie2"]))
    got = nash_products(compiled.utilities, compiled.utilities.min(axis=1))
    assert int(np.argmax(got)) == j_min


# (folder, profile a, profile b): the pairs where the comparison found a difference, plus pairs with
# reservation values above zero and the utility cap (Laptop's weights sum to 1.00005).
PAIRS = [
    ("NiceOrDie", "NiceOrDie1", "NiceOrDie2"),
    ("Laptop", "laptop_buyer_utility", "laptop_seller_utility"),
    ("Barter", "Barter-A-prof1", "Barter-A-prof2"),
    ("PartyDomain", "party1_utility", "party2_utility"),
    ("ANAC2015-CarDomain", "car-ProfileA50", "car-ProfileB100"),
    ("Amsterdam", "Amsterdam_A100", "Amsterdam_B20"),
    ("Energy", "energy_consumer", "energy_distributor"),
]


@pytest.mark.parametrize(("folder", "a", "b"), PAIRS, ids=[p[0] for p in PAIRS])
def test_frontier_and_nash_against_exact_arithmetic(folder, a, b):
    """accord's Nash is the exact maximiser (lowest index among exact ties); its frontier holds the exact
    frontier plus only outcomes that float summation lifts by less than 1e-12 above an exact dominator."""
    path = GENIUS / folder
    profs = [exact_profile(path / f"{p}.xml") for p in (a, b)]
    U, den = integer_utilities([p[2] for p in profs])
    U = np.minimum(U, den)  # GENIUS's cap at 1
    front = non_dominated(U)
    compiled = api.compile_scenario(api.load(path, parties=[a, b]))
    an = analyze(compiled)
    np.testing.assert_allclose(compiled.utilities, (U / den).astype(float), rtol=0, atol=1e-12)
    mine = {int(j) for j in an.pareto}
    assert set(map(int, front)) <= mine
    for j in mine - set(map(int, front)):  # exactly dominated, kept by rounding
        dom = (U[0] >= U[0, j]) & (U[1] >= U[1, j]) & ((U[0] > U[0, j]) | (U[1] > U[1, j]))
        k = np.flatnonzero(dom)
        gap = np.maximum(compiled.utilities[:, j][:, None] - compiled.utilities[:, k], 0).max(axis=0)
        assert gap.min() < 1e-12
    r = [Fraction(float(x)) for x in compiled.reservations]
    prod = {}
    for j in map(int, front):
        x = [Fraction(int(U[i, j]), den) for i in range(2)]
        if all(x[i] >= r[i] for i in range(2)):
            prod[j] = (x[0] - r[0]) * (x[1] - r[1])
    if not prod:
        assert an.nash is None
        return
    top = max(prod.values())
    assert an.nash == min(j for j, v in prod.items() if v == top)


def test_energy_frontier_keeps_both_outcomes_of_a_duplicate_utility_vector():
    folder = GENIUS / "Energy"
    profs = [exact_profile(folder / f"{p}.xml") for p in ("energy_consumer", "energy_distributor")]
    U, den = integer_utilities([p[2] for p in profs])
    front = [int(j) for j in non_dominated(U)]
    by_vector: dict[tuple[int, int], list[int]] = {}
    for j in front:
        by_vector.setdefault((int(U[0, j]), int(U[1, j])), []).append(j)
    shared = [js for js in by_vector.values() if len(js) > 1]
    assert shared  # some frontier outcomes share a utility vector exactly
    compiled = api.compile_scenario(api.load(folder, parties=["energy_consumer", "energy_distributor"]))
    mine = {int(j) for j in analyze(compiled).pareto}
    for js in shared:  # non-dominated outcomes: accord keeps every one (NegMAS one per vector)
        assert set(js) <= mine
        assert len({tuple(compiled.utilities[:, j]) for j in js}) == 1
