"""Inspection games in closed form (models.md §4), with seeded simulations to check them against.

Basic 2x2 game (Avenhaus, von Stengel & Zamir 2002, "Inspection games", Handbook of Game Theory vol. 3
ch. 51; Avenhaus & Canty 1996, *Compliance Quantified*). The inspector inspects (I) or not (N); the
inspectee acts legally (L) or violates (V); an inspection detects a violation with probability 1 − β.
Payoffs (inspector, inspectee)::

            L            V
    N    (0, 0)       (−c, d)
    I    (−e, −h)     (−e − (1−β)a − βc,  −(1−β)b + βd)

With 0 < a < c, b, d > 0 the mixed equilibrium is p* = d / ((1−β)(b+d) − h) (inspectee indifferent),
q* = e / ((1−β)(c−a)) (inspector indifferent), payoffs −c q* and −h p*. Under *inspector leadership*
(Maschler 1966) the inspector announces p* and the inspectee, breaking ties toward the leader, is legal:
the inspector gets −e p* and violations fall to 0.

Recursive game (Dresher 1962, RAND RM-2972-ARPA; von Stengel 2016, Math. Oper. Res. 41(3)): m inspections
over n periods, one intended violation; value to the inspectee
V(n, m) = val [[−1, 1], [V(n−1, m−1), V(n−1, m)]], V(n, 0) = 1, V(n, m) = 0 for m >= n, and in closed form
V(n, m) = C(n−1, m) / Σ_{i=0..m} C(n, i).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from math import comb
from typing import Any

import numpy as np

from accord.errors import InputError


@dataclass(frozen=True)
class InspectionGame:
    """Parameters of the 2x2 game (names as in models.md §4.1)."""

    beta: float  # probability an inspection misses a violation
    d: float  # inspectee's gain from an undetected violation
    b: float  # inspectee's loss when caught
    h: float  # inspectee's nuisance cost of an inspection when legal
    e: float  # inspector's cost of an inspection
    c: float  # inspector's loss from an undetected violation
    a: float  # inspector's loss from a detected violation (0 < a < c)

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """(inspector, inspectee) payoff matrices; rows N, I; columns L, V."""
        be = self.beta
        A = np.array([[0.0, -self.c], [-self.e, -self.e - (1 - be) * self.a - be * self.c]])
        B = np.array([[0.0, self.d], [-self.h, -(1 - be) * self.b + be * self.d]])
        return A, B


def payoffs(g: InspectionGame, p: float, q: float) -> tuple[float, float]:
    """Expected payoffs (inspector, inspectee) when the inspector inspects w.p. p and the inspectee violates w.p. q."""
    A, B = g.matrices()
    x = np.array([1 - p, p])
    y = np.array([1 - q, q])
    return float(x @ A @ y), float(x @ B @ y)


def equilibrium(g: InspectionGame) -> dict[str, float | bool]:
    """The mixed equilibrium in closed form; ``interior`` is False when p* or q* falls outside (0, 1)."""
    p = g.d / ((1 - g.beta) * (g.b + g.d) - g.h)
    q = g.e / ((1 - g.beta) * (g.c - g.a))
    return {
        "p_star": p,
        "q_star": q,
        "inspector_payoff": -g.c * q,
        "inspectee_payoff": -g.h * p,
        "interior": bool(0 < p < 1 and 0 < q < 1),
    }


def leadership(g: InspectionGame) -> dict[str, float | str]:
    """Inspector leadership: commit to p*, the inspectee is legal, the inspector gets −e p*."""
    p = g.d / ((1 - g.beta) * (g.b + g.d) - g.h)
    return {"p_commit": p, "inspector_payoff": -g.e * p, "inspectee_action": "legal", "violation_rate": 0.0}


def deterrence_rate(gain: float, penalty: float, detection: float, nuisance: float = 0.0) -> float:
    """Smallest inspection probability that makes a one-shot violation unprofitable: d / ((1−β)(b+d) − h)
    with d = gain, b = penalty, 1 − β = detection; ``inf`` if no rate deters (a gain that no inspection
    rate outweighs), 0 if the violation never pays."""
    if gain <= 0:
        return 0.0
    den = detection * (penalty + gain) - nuisance
    return float(gain / den) if den > 0 else float("inf")


def support_enumeration(A: np.ndarray, B: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """All equilibria (pure and fully mixed) of a nondegenerate 2x2 bimatrix game, by support enumeration.

    An independent check of the closed forms (no closed-form shortcut is used here)."""
    out: list[tuple[np.ndarray, np.ndarray]] = []
    for i in range(2):
        for j in range(2):
            if A[i, j] >= A[:, j].max() - 1e-15 and B[i, j] >= B[i, :].max() - 1e-15:
                out.append((np.eye(2)[i], np.eye(2)[j]))
    den_q = A[0, 0] - A[0, 1] - A[1, 0] + A[1, 1]
    den_p = B[0, 0] - B[0, 1] - B[1, 0] + B[1, 1]
    if den_q != 0 and den_p != 0:
        q = (A[0, 0] - A[1, 0]) / den_q  # column player's prob of column 1 making rows indifferent
        p = (B[0, 0] - B[0, 1]) / den_p  # row player's prob of row 1 making columns indifferent
        if 0 < p < 1 and 0 < q < 1:
            out.append((np.array([1 - p, p]), np.array([1 - q, q])))
    return out


def simulate_2x2(g: InspectionGame, p: float, q: float, n: int, rng: np.random.Generator) -> dict[str, float]:
    """Play the 2x2 game n times with inspection probability p and violation probability q."""
    inspect = rng.random(n) < p
    violate = rng.random(n) < q
    found = inspect & violate & (rng.random(n) >= g.beta)
    missed = violate & ~found
    insp_pay = -g.e * inspect - g.a * found - g.c * missed
    ee_pay = np.where(violate, np.where(found, -g.b, g.d), np.where(inspect, -g.h, 0.0))
    return {
        "inspector": float(insp_pay.mean()),
        "inspectee": float(ee_pay.mean()),
        "inspector_sd": float(insp_pay.std(ddof=1)),
        "inspectee_sd": float(ee_pay.std(ddof=1)),
        "violation_rate": float(violate.mean()),
        "detected_rate": float(found.mean()),
    }


# ------------------------------------------------------------------------------------------ Dresher


def dresher_value(n: int, m: int) -> float:
    """Closed form V(n, m) = C(n−1, m) / Σ_{i=0..m} C(n, i) (value to the inspectee)."""
    if n < 1 or m < 0:
        raise ValueError("need n >= 1 periods and m >= 0 inspections")
    if m >= n:
        return 0.0
    return comb(n - 1, m) / sum(comb(n, i) for i in range(m + 1))


def zero_sum_2x2(M: np.ndarray) -> tuple[float, float, float]:
    """Value, row player's (maximiser) probability of row 0, column player's probability of column 0."""
    lo = M.min(axis=1).max()
    hi = M.max(axis=0).min()
    if lo >= hi - 1e-15:  # saddle point
        i = int(np.argmax(M.min(axis=1)))
        j = int(np.argmin(M.max(axis=0)))
        return float(M[i, j]), float(i == 0), float(j == 0)
    (a, b), (c, d) = M
    den = a - b - c + d
    return float((a * d - b * c) / den), float((d - c) / den), float((d - b) / den)


@cache
def dresher_recursive(n: int, m: int) -> tuple[float, float, float]:
    """V(n, m) by the recursion, with the equilibrium: (value, P(inspectee violates now), P(inspector inspects now)).

    Rows: the inspectee violates now / waits; columns: the inspector inspects now / waits."""
    if m >= n:
        return 0.0, 0.0, 1.0
    if m == 0:
        return 1.0, 1.0, 0.0
    M = np.array([[-1.0, 1.0], [dresher_recursive(n - 1, m - 1)[0], dresher_recursive(n - 1, m)[0]]])
    return zero_sum_2x2(M)


def simulate_dresher(n: int, m: int, runs: int, rng: np.random.Generator) -> tuple[float, float]:
    """Play the recursive game with both sides' equilibrium strategies; (mean payoff, its standard error)."""
    pay = np.zeros(runs)
    left_n = np.full(runs, n)
    left_m = np.full(runs, m)
    done = np.zeros(runs, dtype=bool)
    for _ in range(n):
        for r in np.flatnonzero(~done):
            ln, lm = int(left_n[r]), int(left_m[r])
            _, x, y = dresher_recursive(ln, lm)
            violate = rng.random() < x
            inspect = lm > 0 and rng.random() < y
            if violate:
                pay[r] = -1.0 if inspect else 1.0
                done[r] = True
                continue
            left_n[r] -= 1
            left_m[r] -= int(inspect)
            if left_n[r] == 0:
                done[r] = True
    return float(pay.mean()), float(pay.std(ddof=1) / np.sqrt(runs))


def game_report(g: InspectionGame, runs: int = 0, seed: int = 0) -> dict[str, Any]:
    """The 2x2 game's parameters, equilibrium and inspector leadership, and (``runs`` > 0) a seeded
    simulation at the equilibrium (``accord inspection-game --json``). Refuses parameters outside the
    model (β outside [0, 1], not 0 < a < c) naming the field."""
    if not 0 <= g.beta <= 1:
        raise InputError(None, "beta", "a probability in [0, 1]", g.beta)
    if not 0 < g.a < g.c:
        raise InputError(
            None, "a", f"0 < a < c (a detected violation hurts the inspector less), c = {g.c}", g.a
        )
    out: dict[str, Any] = {
        "parameters": g.__dict__,
        "equilibrium": equilibrium(g),
        "leadership": leadership(g),
    }
    if runs:
        eq = out["equilibrium"]
        out["simulation"] = simulate_2x2(g, eq["p_star"], eq["q_star"], runs, np.random.default_rng(seed))
    return out


def dresher_report(n: int, m: int, runs: int = 0, seed: int = 0) -> dict[str, Any]:
    """Dresher's game of ``m`` inspections over ``n`` periods: closed form, recursion and equilibrium, and
    (``runs`` > 0) a seeded simulation (``accord dresher --json``)."""
    if n < 1 or m < 0:
        raise InputError(None, "n, m", "n >= 1 periods and m >= 0 inspections", (n, m))
    v, x, y = dresher_recursive(n, m)
    out: dict[str, Any] = {"n": n, "m": m, "closed_form": dresher_value(n, m), "recursion": v}
    out.update(violate_now=x, inspect_now=y)
    if runs:
        mean, se = simulate_dresher(n, m, runs, np.random.default_rng(seed))
        out["simulation"] = {"mean": mean, "se": se}
    return out
