"""The analysis against outside references: GENIUS/ANL domains and the Kalai-Smorodinsky oracle.

- shared/data/genius/SOURCES.md: outcome count, Pareto size and Nash point per folder (a brute-force
  check with reservations ignored and Nash = max product on the front; read from the table at test
  time). Its Pareto sizes count distinct utility points (Energy tells: 208 points, 209 outcomes under
  its own convention). For Barter and Energy the float frontier is larger than the count there because
  a few real-number ties are split by rounding (0.9 vs 0.9000000000000001); those two are checked
  against the frontier in exact rational arithmetic instead.
- ANL2023-domain00/specials.json: the organisers' own size, frontier, Nash and Kalai point, exactly.
- reference/oracles/nbs_vs_ks_monotonicity_example.csv: NBS and KS of two convex sets, approximated
  by a fine grid of outcomes.
"""

from __future__ import annotations

import csv
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from fractions import Fraction
from math import lcm
from pathlib import Path

import numpy as np
import pytest

from accord.analysis.solutions import analyze
from accord.model.issues import Issue
from accord.model.preferences import linear_additive
from accord.model.scenario import Party, Scenario
from accord.model.space import OutcomeSpace

SHARED = Path(os.environ["ACCORD_SHARED"])
GENIUS = SHARED / "data" / "genius"
ORACLE = SHARED / "reference" / "oracles" / "nbs_vs_ks_monotonicity_example.csv"
pytestmark = pytest.mark.skipif(not GENIUS.is_dir(), reason="shared data not available")
load_folder = pytest.importorskip("accord.io.folder").load_folder

# The profile pair SOURCES.md names in its "Pair used for check" column, as file stems.
PAIRS = {
    "NiceOrDie": ("NiceOrDie1", "NiceOrDie2"),
    "Laptop": ("laptop_buyer_utility", "laptop_seller_utility"),
    "Barter (A/B/C)": ("Barter-A-prof1", "Barter-A-prof2"),
    "ItexvsCypress": ("ItexvsCypress_Itex", "ItexvsCypress_Cypress"),
    "ANAC2015-CarDomain": ("car-Profile1", "car-Profile2"),
    "EnglandZimbabwe": ("England", "Zimbabwe"),
    "Grocery": ("Grocery_domain_mary", "Grocery_domain_sam"),
    "Amsterdam": ("Amsterdam_party1", "Amsterdam_party2"),
    "PartyDomain": ("party1_utility", "party2_utility"),
    "GeniusWeb-Party": ("party1", "party2"),
    "Camera": ("camera_buyer_utility", "camera_seller_utility"),
    "ANL2023-domain00": ("profileA", "profileB"),
    "Travel": ("travel_chox", "travel_fanny"),
    "Energy": ("energy_consumer", "energy_distributor"),
    "SixIssuesInteger": ("6issues_util1", "6issues_util2"),
}
ROUNDING_SPLIT = {"Barter", "Energy"}  # checked in exact arithmetic below


def sources_rows() -> list[dict[str, object]]:
    """The summary table of SOURCES.md: folder, outcomes, Pareto points, Nash (u1, u2)."""
    rows = []
    for line in (GENIUS / "SOURCES.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or cells[0] not in PAIRS:
            continue
        nash = tuple(float(x) for x in re.findall(r"[0-9.]+", cells[6]))
        rows.append(
            {
                "label": cells[0],
                "folder": cells[0].split(" ")[0],
                "outcomes": int(cells[3].replace(",", "")),
                "pareto": int(cells[5]),
                "nash": nash,
            }
        )
    return rows


def without_reservations(sc: Scenario) -> Scenario:
    parties = tuple(replace(p, preferences=p.preferences.with_reservation(0.0)) for p in sc.parties)
    return replace(sc, parties=parties)


def test_sources_table_is_read() -> None:
    assert {r["label"] for r in sources_rows()} == set(PAIRS)


@pytest.mark.parametrize("row", sources_rows(), ids=lambda r: str(r["folder"]))
def test_sources_md_reference(row: dict) -> None:
    sc = without_reservations(load_folder(GENIUS / row["folder"], parties=list(PAIRS[row["label"]])))
    comp = sc.compile()
    a = analyze(comp)
    assert comp.utilities.shape[1] == row["outcomes"]
    # SOURCES.md's brute-force check summed without GENIUS's cap at 1 (Laptop: 1.0001); GENIUS caps
    assert a.nash_utilities.tolist() == pytest.approx([min(x, 1.0) for x in row["nash"]], abs=5e-5)
    points = {tuple(u) for u in a.pareto_utilities.T.tolist()}
    if row["folder"] not in ROUNDING_SPLIT:
        assert len(points) == row["pareto"]
        assert a.pareto.size == len(points)  # no two frontier outcomes share utilities here


def exact_utilities(folder: str, stem: str, space: OutcomeSpace) -> np.ndarray:
    """Utilities of every outcome in exact rational arithmetic, read from the GENIUS XML profile.

    GENIUS discrete semantics: weight x evaluation / max evaluation of the issue. Returned as integers
    (scaled by a common denominator), so comparisons are exact.
    """
    obj = ET.parse(GENIUS / folder / f"{stem}.xml").getroot().find("objective")
    weights = {w.get("index"): Fraction(w.get("value")) for w in obj.findall("weight")}
    table = {}
    for iss in obj.findall("issue"):
        items = iss.findall("item")
        ev = [Fraction(it.get("evaluation")) for it in items]
        top = max(ev)
        w = weights[iss.get("index")]
        table[iss.get("name")] = {it.get("value"): w * e / top for it, e in zip(items, ev, strict=True)}
    den = 1
    for vals in table.values():
        for x in vals.values():
            den = lcm(den, x.denominator)
    u = np.zeros(1, dtype=np.int64)
    for issue in space.issues:  # first issue most significant, as the space indexes outcomes
        c = np.array([int(table[issue.name][str(v)] * den) for v in issue.values], dtype=np.int64)
        u = (u[:, None] + c[None, :]).reshape(-1)
    return u


def exact_frontier(E: np.ndarray) -> set[int]:
    """Two-party frontier of integer utilities by sort and scan, duplicates included."""
    order = np.lexsort((-E[1], -E[0]))
    s2 = E[1][order]
    before = np.concatenate([[np.iinfo(np.int64).min], np.maximum.accumulate(s2)[:-1]])
    kept = {(int(E[0, j]), int(E[1, j])) for j in order[s2 > before]}
    return {j for j in range(E.shape[1]) if (int(E[0, j]), int(E[1, j])) in kept}


@pytest.mark.parametrize(
    ("folder", "stems", "sources_count"),
    [
        ("Barter", ("Barter-A-prof1", "Barter-A-prof2"), 24),
        ("Energy", ("energy_consumer", "energy_distributor"), None),
    ],
)
def test_float_frontier_against_exact_arithmetic(
    folder: str, stems: tuple[str, str], sources_count: int | None
) -> None:
    sc = load_folder(GENIUS / folder, parties=list(stems))
    comp = sc.compile()
    a = analyze(comp)
    E = np.stack([exact_utilities(folder, s, sc.space) for s in stems])
    exact = exact_frontier(E)
    if sources_count is not None:
        assert len({(int(E[0, j]), int(E[1, j])) for j in exact}) == sources_count
    ours = set(a.pareto.tolist())
    assert exact <= ours
    extra = ours - exact
    assert 0 < len(extra) <= 10
    U = comp.utilities
    for j in extra:  # each extra outcome ties a frontier outcome exactly in one utility: rounding split it
        ties = [
            q
            for q in exact
            if (E[:, q] >= E[:, j]).all()
            and any(E[i, q] == E[i, j] and abs(U[i, q] - U[i, j]) <= 1e-15 for i in range(2))
        ]
        assert ties, j


def test_anl_specials_exactly() -> None:
    folder = GENIUS / "ANL2023-domain00"
    ref = json.loads((folder / "specials.json").read_text())
    sc = load_folder(folder, parties=["profileA", "profileB"])
    comp = sc.compile()
    a = analyze(comp)
    assert comp.utilities.shape[1] == ref["size"] == 6480
    expected = sorted((sc.space.index(p["bid"]), tuple(p["utility"])) for p in ref["pareto_front"])
    got = sorted((int(j), tuple(comp.utilities[:, j].tolist())) for j in a.pareto)
    assert len(got) == len(expected) == 22
    assert [g[0] for g in got] == [e[0] for e in expected]
    for (_, u), (_, v) in zip(got, expected, strict=True):
        assert u == pytest.approx(v, abs=1e-12)
    # "kalai" there is the KS point as defined here (reservations 0, ideal point (1, 1))
    assert a.reservations.tolist() == [0.0, 0.0] and a.zopa_best.tolist() == [1.0, 1.0]
    for ours, key in ((a.nash, "nash"), (a.kalai_smorodinsky, "kalai"), (a.max_welfare, "social_welfare")):
        assert ours == sc.space.index(ref[key]["bid"])
        assert comp.utilities[:, ours].tolist() == pytest.approx(ref[key]["utility"], abs=1e-12)
    assert a.nash_utilities.tolist() == pytest.approx([0.936911, 0.528202], abs=5e-7)
    assert a.kalai_smorodinsky_utilities.tolist() == pytest.approx([0.603919, 0.602365], abs=5e-7)


def hull_grid(vertices: list[tuple[Fraction, Fraction]], n: int) -> list[tuple[int, int]]:
    """Grid points (i/n, j/n) inside the convex hull of ``vertices`` (exact rational test)."""
    pts = sorted(set(vertices))

    def cross(o: tuple, a: tuple, b: tuple) -> Fraction:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    upper: list = []
    for p in pts:  # Andrew's monotone chain
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = lower[:-1] + upper[:-1]  # counter-clockwise
    # p is inside iff cross(a, b, p) >= 0 for every edge; scaled by n * D^2 this is integer arithmetic
    D = lcm(*(c.denominator for v in hull for c in v))
    i, j = (g.ravel() for g in np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij"))
    ok = np.ones(i.size, dtype=bool)
    for a, b in zip(hull, hull[1:] + hull[:1], strict=True):
        ax, ay, bx, by = (int(c * D) for c in (*a, *b))
        ok &= (bx - ax) * (j * D - ay * n) - (by - ay) * (i * D - ax * n) >= 0
    return list(zip(i[ok].tolist(), j[ok].tolist(), strict=True))


@pytest.mark.parametrize("n", [120, 400])
def test_nbs_and_ks_oracle_on_a_grid(n: int) -> None:
    h = 1.0 / n
    lines = [ln for ln in ORACLE.read_text().splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(lines))
    assert [r["set"] for r in rows] == ["S", "T"]
    for row in rows:
        vertices = [
            (Fraction(a), Fraction(b)) for a, b in re.findall(r"\(([-0-9.]+),([-0-9.]+)\)", row["vertices"])
        ]
        grid = hull_grid(vertices, n)
        space = OutcomeSpace([Issue.integer("point", 0, len(grid) - 1)])
        u1 = [i / n for i, _ in grid]
        u2 = [j / n for _, j in grid]
        sc = Scenario(
            row["set"],
            space,
            (
                Party("p1", linear_additive(space, [1.0], [u1])),
                Party("p2", linear_additive(space, [1.0], [u2])),
            ),
        )
        a = analyze(sc.compile())  # disagreement point (0, 0): reservations 0
        nbs = (float(row["nbs_u1"]), float(row["nbs_u2"]))
        ks = (float(row["ks_u1"]), float(row["ks_u2"]))
        # the NBS is a vertex of the set and a grid point: found exactly
        assert a.nash_utilities.tolist() == pytest.approx(list(nbs), abs=1e-12)
        # KS: the grid's best min(u1, u2) is within h of the set's; along a boundary of slope -s the
        # point can slide by h/s (s >= 0.3 for these sets): tolerance 4h
        assert a.kalai_smorodinsky_utilities.tolist() == pytest.approx(list(ks), abs=4 * h)
        assert min(a.kalai_smorodinsky_utilities) >= min(ks) - h
