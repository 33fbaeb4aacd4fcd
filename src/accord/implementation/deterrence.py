"""Which inspection rate makes cheating unprofitable, step by step (models.md §4.1 applied to a schedule).

For every delivery a party owes under an agreement, on the path where everybody has complied so far,
the opportunist's comparison (:mod:`~accord.implementation.compliance`) gives its gain from an undetected
violation d = u(undetected) − u(comply) and its loss if caught b = u(comply) − u(detected). With the same
inspection rate r at each of the n remaining steps and detection probability 1 − β per inspection, the
violation is caught with probability Q(r) = 1 − (1 − r(1 − β))^n, and it pays iff
(1 − Q) d − Q b > −h r n (the nuisance h of inspections borne while legal). The deterrent rate r* is the
smallest r at which it does not pay: for n = 1 the inspection game's p* = d / ((1−β)(b+d) − h); for h = 0,
r* = (1 − (b / (b + d))^(1/n)) / (1 − β); otherwise found by bisection. ``inf``: no rate up to 1 deters.

r* is a what-if (one common rate). Whether the delivery *is* deterred is judged at the rates in force, each
remaining step its own: the detection probability Q and the expected nuisance N from this step on are the
opportunist's own (:meth:`CompiledImplementation.opportunist_terms`), and the violation is deterred iff
(1 − Q) d − Q b <= −N, the comparison the simulation and the exact evaluator make.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from accord.implementation.inspection_game import deterrence_rate
from accord.implementation.schedule import NONE, CompiledImplementation
from accord.implementation.steps import TIE, _consequence, _further, _initial, _value


@dataclass
class Deterrence:
    step: str
    party: str
    issue: str
    gain: float  # d
    penalty: float  # b
    detection: float  # 1 - beta
    remaining_steps: int
    rate_in_force: float  # this step's rate
    deterrent_rate: float  # r*, one common rate over the remaining steps; inf if none deters; 0 if never pays
    rates_in_force: tuple[float, ...] = ()  # the rate of each remaining step, this one first
    caught_probability: float = 0.0  # Q at the rates in force
    expected_nuisance: float = 0.0  # N at the rates in force
    deterred: bool = False  # at the rates in force: (1 - Q) d - Q b <= -N

    def as_dict(self) -> dict[str, object]:
        """The row as JSON-able fields, ``deterred`` included (what the CLI and the API print)."""
        return dataclasses.asdict(self) | {"rates_in_force": list(self.rates_in_force)}


def _pays(r: float, n: int, det: float, d: float, b: float, h: float) -> bool:
    q = 1.0 - (1.0 - r * det) ** n
    return (1.0 - q) * d - q * b > -h * r * n + 1e-12


def deterrence_table(
    ci: CompiledImplementation, agreement: int, world: int, weights: np.ndarray
) -> list[Deterrence]:
    """For each owed delivery of ``agreement`` in ``world``, the gain, penalty and deterrent inspection rate.

    ``weights[p, w]``: party p's decision weights over worlds."""
    st = _initial(ci, np.array([agreement]), np.array([world]), np.asarray(weights)[None], None)
    out: list[Deterrence] = []
    for k in range(ci.n_steps):
        acts = np.flatnonzero(ci.act_step == k)
        col_of = {int(a): c for c, (a, _p, _j) in enumerate(ci._cache()["acts_at_pj"][k])}
        plan = st.level.copy()
        now = st.level.copy()
        for b in np.flatnonzero(ci.act_step >= k):
            j = ci.act_issue[b]
            if st.targets[0, b] >= 0:
                plan[:, j] = _further(ci, st, plan[:, j], st.targets[:, b], j)
                if ci.act_step[b] == k:
                    now[:, j] = _further(ci, st, now[:, j], st.targets[:, b], j)
        for a in acts:
            if st.targets[0, a] < 0:
                continue
            p, j = int(ci.act_party[a]), int(ci.act_issue[a])
            undet = plan.copy()
            undet[:, j] = st.level[:, j]
            cur = now.copy()
            cur[:, j] = st.level[:, j]
            det = _consequence(ci, cur, p, int(ci.on_detection[p])) if ci.on_detection[p] != NONE else undet
            u_c = float(_value(ci, st, p, plan)[0])
            d = float(_value(ci, st, p, undet)[0]) - u_c
            b = u_c - float(_value(ci, st, p, det)[0])
            n = ci.n_steps - k
            det_p = float(ci.act_detect[a])
            h = ci.nuisance_cost
            if n == 1:
                r_star = deterrence_rate(d, b, det_p, h)
                r_star = r_star if r_star <= 1.0 else float("inf")
            elif h == 0.0:  # (1 - r(1-β))^n <= b/(b+d)  <=>  r >= (1 - (b/(b+d))^(1/n)) / (1-β)
                if d <= 0:
                    r_star = 0.0
                elif b <= 0 or det_p <= 0:
                    r_star = float("inf")
                else:
                    r = (1.0 - (b / (b + d)) ** (1.0 / n)) / det_p
                    r_star = r if r <= 1.0 else float("inf")
            elif not _pays(1.0, n, det_p, d, b, h):
                lo, hi = 0.0, 1.0
                if not _pays(0.0, n, det_p, d, b, h):
                    hi = 0.0
                for _ in range(60):
                    mid = 0.5 * (lo + hi)
                    lo, hi = (mid, hi) if _pays(mid, n, det_p, d, b, h) else (lo, mid)
                r_star = hi
            else:
                r_star = float("inf")
            q, nuis = ci.opportunist_terms(k, col_of[int(a)])
            out.append(
                Deterrence(
                    ci.step_names[k],
                    ci.party_names[p],
                    ci.scenario.space.names[j],
                    d,
                    b,
                    det_p,
                    n,
                    float(ci.insp_rate[k, p]),
                    max(0.0, r_star),
                    tuple(float(x) for x in ci.insp_rate[k:, p]),
                    q,
                    nuis,
                    not ((1.0 - q) * d - q * b > -nuis + TIE),
                )
            )
        for a in acts:  # everybody complies on this path
            if st.targets[0, a] >= 0:
                j = ci.act_issue[a]
                st.level[:, j] = _further(ci, st, st.level[:, j], st.targets[:, a], j)
    return out
