"""The rules of staged talks, written once on arrays with a leading run axis.

Both engines of staged talks call these: :func:`accord.protocols.tracks.run_talks` (one run, negotiator
objects, a batch of one here) and :func:`accord.protocols.lockstep.run_lockstep` (many runs of one
structure together). The rules:

- **what a stage is worth to a party** (:func:`stage_values`): its expected value over the worlds it
  believes in, plus the prestige of the stage, minus an audience cost for falling short of a public demand
  (or, with no demand stated, of the best deal the party could get); its acceptable outcomes narrowed by
  its mandate's constraints and by the demands its beliefs trigger; an envoy's floor raised to its
  mandate's minimum utility (Putnam 1988 for the two levels; Fearon 1994 for audience costs);
- **what a stage carries into the next** (:func:`carry`): from the stage's final positions (the agreed
  outcome, or every party's last offer), an agenda issue on which all positions agree is settled (if the
  stage settles), and the others narrowed to the range (ordered issues) or the set (unordered) of the
  positions (if the stage narrows); nothing is carried from fewer than two positions without agreement;
- **when a stage ends the talks** (:func:`ends_talks`): a leader's walk-away, or an exogenous breakdown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from accord.protocols import kernel


def stage_values(
    stages: Sequence[Any],
    names: Sequence[str],
    base: np.ndarray,
    acceptable: np.ndarray,
    floors: np.ndarray,
    beliefs: np.ndarray,
    mask: Callable[[Any], np.ndarray],
    demands: Sequence[tuple[int, int, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """Utilities (R, P, n), acceptability (R, P, n) and floors (R, P) of one stage for R runs, and each
    party's bonus (R, 1) or (R, n) added to the values of the stage.

    ``stages[r]`` is run r's version of the stage (all of one structure: its numbers may differ);
    ``base[:, i]`` party i's expected value of each outcome and ``acceptable[:, i]`` the outcomes open to it
    (robustly acceptable and on the table); ``floors`` the parties' walk-away values; ``mask(e)`` an
    expression's mask over the n outcomes; ``demands``: (party, fact, threshold per run, required mask):
    a party that believes the fact at least that likely accepts only outcomes in the mask.
    """
    stage = stages[0]
    R = base.shape[0]
    util = np.empty_like(base)
    acc = np.empty_like(acceptable)
    res = floors.copy()
    bonuses: list[np.ndarray] = []
    for i, nm in enumerate(names):
        a = acceptable[:, i]
        b = base[:, i]
        bonus: np.ndarray = np.zeros((R, 1))
        st = stage.stakes.get(nm)
        role = stage.roles.get(nm, "leader")
        if st is not None:
            bonus = bonus + np.array([t.stakes[nm].prestige for t in stages], dtype=np.float64)[:, None]
            if st.audience_cost:
                cost = np.array([t.stakes[nm].audience_cost for t in stages], dtype=np.float64)[:, None]
                if st.public_demand is not None:
                    bonus = bonus - cost * (~mask(st.public_demand))[None, :]
                else:
                    anyok = a.any(axis=1)
                    best = np.where(anyok, np.where(a, b, -np.inf).max(axis=1), 0.0)[:, None]
                    bonus = bonus - cost * np.maximum(0.0, best - b)
        md = stage.mandates.get(nm)
        if md is not None:
            for c in md.constraints:
                a = a & mask(c)[None, :]
            if md.min_utility is not None and role == "envoy":
                mu = np.array([t.mandates[nm].min_utility for t in stages], dtype=np.float64)
                res[:, i] = np.where(mu > res[:, i], mu, res[:, i])
        for p_idx, f, above, req in demands:
            if p_idx == i:
                hit = beliefs[:, i, f] >= above
                a = np.where(hit[:, None], a & req[None, :], a)
        util[:, i] = b + bonus
        acc[:, i] = a
        bonuses.append(bonus)
    return util, acc, res, bonuses


def carry(
    space: Any,
    digits: np.ndarray,
    stage: Any,
    here: np.ndarray,
    agreed: np.ndarray,
    last: np.ndarray,
    rows: np.ndarray,
) -> tuple[np.ndarray, dict[int, dict[str, object]]]:
    """The outcomes (R, n) still open after the stage in each of ``rows`` (other runs: unchanged), and the
    issues each row settled. ``agreed[r]`` is run r's agreed outcome (-1: none), ``last[r, p]`` party p's
    last offer (-1: none); ``digits`` (n, issues) the outcomes' value indices."""
    agenda = stage.agenda if stage.agenda is not None else space.names
    new = here.copy()
    settled: dict[int, dict[str, object]] = {int(r): {} for r in rows}
    P = last.shape[1]
    ag = agreed[rows] >= 0
    pos = np.where(ag[:, None], np.where(np.arange(P)[None, :] == 0, agreed[rows, None], -1), last[rows])
    count = (pos >= 0).sum(axis=1)
    go = count >= np.where(ag, 1, 2)
    g = rows[go]
    pos = pos[go]
    valid = pos >= 0
    for name in agenda:
        j = space.issue_position(name)
        col = digits[:, j]
        dg = np.where(valid, digits[np.maximum(pos, 0), j], -1)
        lo = np.where(valid, dg, np.iinfo(np.int64).max).min(axis=1)
        hi = dg.max(axis=1)
        one = lo == hi
        if stage.settle:
            rr = g[one]
            new[rr] &= col[None, :] == lo[one][:, None]
            vals = space.issues[j].values
            for r, v in zip(rr.tolist(), lo[one].tolist(), strict=True):
                settled[r][name] = vals[v]
            rest = ~one
        else:
            rest = np.ones(g.size, dtype=bool)
        if stage.narrow and rest.any():
            rr = g[rest]
            if space.issues[j].ordered:
                new[rr] &= (col[None, :] >= lo[rest][:, None]) & (col[None, :] <= hi[rest][:, None])
            else:
                m = np.zeros((rr.size, digits.shape[0]), dtype=bool)
                for q in range(dg.shape[1]):
                    m |= (col[None, :] == dg[rest][:, q, None]) & valid[rest][:, q, None]
                new[rr] &= m
    return new, settled


def ends_talks(
    stage: Any, names: Sequence[str], end: np.ndarray, walker: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which runs' talks a (non-final) stage ends: (a leader walked away, the talks broke down), from the
    stage's end codes (:data:`kernel.END_NAMES`) and walkers (-1: none)."""
    leader = np.array([stage.roles.get(nm, "leader") == "leader" for nm in names] + [False])
    walked = (end == kernel.WALK_AWAY) & leader[np.where(walker >= 0, walker, len(names))]
    return walked, end == kernel.BREAKDOWN


def final_positions(agreed: np.ndarray, last: np.ndarray, j: int) -> np.ndarray:
    """The position of party j that the others learn from at the end of a stage: the agreed outcome, or
    j's last offer (-1: none)."""
    return np.where(agreed >= 0, agreed, last[:, j])
