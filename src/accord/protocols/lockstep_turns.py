"""The alternating-offers turns of staged talks over many runs at once, with the staged strategies
(:mod:`accord.strategies.belief_based`: envoy, leader, walk_away) decided as array operations.

Part of the lockstep engine (:mod:`accord.protocols.lockstep`, which builds each stage's arrays and carries
what a stage settles into the next): :func:`_negotiate` plays one stage for every active run, turn by turn,
each decision following the strategies' code rule by rule (targets in Python floats, the tolerance of
:class:`~accord.strategies.base.TargetIndex`, ties by utility then index). ``runs`` is the lockstep
engine's run table (``lockstep._Runs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from accord.model.seeding import stage_breakdown_rng
from accord.protocols import kernel
from accord.strategies.base import TargetIndex
from accord.strategies.time_based import concession

TOL = TargetIndex.TOLERANCE
_WALK, _STAGED = 0, 1
_END_AGREE, _END_WALK, _END_DEADLINE = kernel.AGREEMENT, kernel.WALK_AWAY, kernel.DEADLINE
_END_NAMES = kernel.END_NAMES


@dataclass(frozen=True)
class _Kind:
    """A staged strategy as the lockstep engine plays it."""

    code: int  # _WALK or _STAGED
    e: float = 1.0
    tradeoff: bool = True
    walks: bool = False


_GAIN: dict[tuple[float, int], np.ndarray] = {}


def _gain(e: float, deadline: int) -> np.ndarray:
    """``1 - f(t_r)`` per round, in Python floats (as the strategies compute their target)."""
    key = (e, deadline)
    g = _GAIN.get(key)
    if g is None:
        g = np.array([1.0 - concession(kernel.normalised_time(r, deadline), e) for r in range(deadline)])
        _GAIN[key] = g
    return g


_SIGN = np.int64(0x7FFFFFFFFFFFFFFF)
_TOP = np.int64(-0x8000000000000000)


def order_keys(x: np.ndarray) -> np.ndarray:
    """Unsigned integers in the order of the floats ``x`` (no NaN): equal floats, equal keys (-0.0 is 0.0).

    Comparisons and arg-searches on these keys are exact comparisons of the utilities, done with integer
    arithmetic (a masked arg-min of floats needs a fill pass that costs more than the search).
    """
    bits = np.add(x, 0.0).view(np.int64)
    k = bits >> 63
    k &= _SIGN
    k ^= bits
    k ^= _TOP
    return k.view(np.uint64)


class _Cols:
    """The columns of a stage's arrays: ``idx`` the outcome of each column (None: all outcomes, in order),
    ``pos`` the column of each outcome, ``near`` the nearness rows of offers over these columns."""

    def __init__(self, runs: Any, idx: np.ndarray | None) -> None:
        self.idx = idx
        if idx is None:
            self.pos = np.arange(runs.n, dtype=np.int64)
        else:
            self.pos = np.full(runs.n, -1, dtype=np.int64)
            self.pos[idx] = np.arange(idx.size)
        self.near = runs.nearness(idx)


class _Party:
    """One party's arrays in one stage, for all runs."""

    def __init__(
        self, kind: _Kind, util: np.ndarray, acc: np.ndarray, res: np.ndarray, resp: dict, cols: _Cols
    ) -> None:
        self.kind = kind
        self.cols = cols
        self.u = util  # (R, c)
        self.acc = acc
        self.res = res  # (R,)
        self.resp = resp
        anyok = acc.any(axis=1)
        # keys of the acceptable outcomes' utilities; 0 (below every float's key) where not acceptable
        self.key = order_keys(util)
        self.key *= acc
        rows = np.arange(util.shape[0])
        best = util[rows, self.key.argmax(axis=1)]
        worst = np.where(acc, util, np.inf).min(axis=1)
        self.empty = ~anyok
        self.p_max = np.where(anyok, best, np.nan)
        self.p_min = np.where(self.empty, res, np.where(worst > res, worst, res))

    def target(self, rows: np.ndarray, gain: np.ndarray) -> np.ndarray:
        pmin, pmax = self.p_min[rows], self.p_max[rows]
        return pmin + (pmax - pmin) * gain

    def value(
        self, rows: np.ndarray, offers: np.ndarray, proposer: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The value of each offer (outcome indices) to this party, and whether it may accept it."""
        c = self.cols.pos[offers]
        v = self.u[rows, c]
        for j, rsp in self.resp.items():
            use = rsp.has[rows] & (proposer == j)
            if use.any():
                k = np.flatnonzero(use)
                v[k] = rsp.at(rows[k], offers[k], c[k])
        return v, self.acc[rows, c]


def _propose(runs: Any, party: _Party, rows: np.ndarray, tau: np.ndarray, opp: np.ndarray) -> np.ndarray:
    """Offers of ``party`` in ``rows`` (-1: walk away), as the staged strategies' ``propose``.

    Without an opponent's offer (or without trade-offs): TargetIndex.at_or_above, the outcome with the
    smallest utility at or above the target less the tolerance, lowest index among ties, else the best.
    With one: among the outcomes at or above it, the closest to the opponent's last offer; ties by utility
    (highest), then index (lowest) — the order of TargetIndex.in_range that ``argmin`` keeps.
    """
    kind = party.kind
    out = np.full(rows.size, -1, dtype=np.int64)
    if kind.code == _WALK:
        return out
    walk = party.empty[rows]
    if kind.walks:
        walk = walk | (party.p_max[rows] < party.res[rows])
    go = ~walk
    if not go.any():
        return out
    r = rows[go]
    o = opp[go]
    key = party.key if r.size == party.key.shape[0] and (r == np.arange(r.size)).all() else party.key[r]
    kl = order_keys(tau[go] - TOL)[:, None]
    cand = key >= kl  # acceptable (key > 0) and utility >= target - tolerance
    has_cand = cand.any(axis=1)
    plain = (o < 0) | (not kind.tradeoff) | ~has_cand
    pick = np.empty(r.size, dtype=np.int64)
    m = r.size

    def take(a: np.ndarray, k: np.ndarray) -> np.ndarray:
        return a if k.size == m else a[k]

    if plain.any():
        k = np.flatnonzero(plain & has_cand)
        # key - kl wraps below kl to more than any key at or above it: argmin is the smallest at or above
        pick[k] = (take(key, k) - kl[k]).argmin(axis=1)
        k = np.flatnonzero(~has_cand)
        if k.size:
            pick[k] = key[k].argmax(axis=1)  # nothing reaches the target: the best
    if (~plain).any():
        k = np.flatnonzero(~plain)
        near = party.cols.near(o[k])  # larger = closer
        near *= take(cand, k)  # not a candidate: 0, below every candidate
        tied = near == near.max(axis=1)[:, None]
        pick[k] = (take(key, k) * tied).argmax(axis=1)
    out[go] = pick if party.cols.idx is None else party.cols.idx[pick]
    return out


@dataclass
class _StageRun:
    end: np.ndarray  # (R,) code
    rounds: np.ndarray  # (R,)
    agreed: np.ndarray  # (R,) outcome or -1
    walker: np.ndarray  # (R,) party or -1
    last: np.ndarray  # (R, P) last offer of each party or -1


class _StagedPolicy:
    """A staged strategy (envoy, leader, walk-away) as a kernel policy over the runs of one stage."""

    def __init__(self, runs: Any, p: int, party: _Party, gains: dict[tuple[float, int], np.ndarray]) -> None:
        self.runs, self.p, self.party, self.gains = runs, p, party, gains

    def _tau(self, board: kernel.Board, rows: np.ndarray) -> np.ndarray:
        """The party's target in the current round of each run (its concession at that run's deadline)."""
        party, k = self.party, board.round
        dl = board.deadline[rows]
        gain = np.empty(rows.size)
        for d in np.unique(dl):
            gain[dl == d] = self.gains[(party.kind.e, int(d))][k]
        return party.target(rows, gain) if party.kind.code == _STAGED else gain

    def respond(self, board: kernel.Board, rows: np.ndarray) -> np.ndarray:
        party = self.party
        if party.kind.code == _WALK:
            return np.full(rows.size, kernel.WALK)
        u, ok = party.value(rows, board.standing[rows], board.proposer[rows])
        res = party.res[rows]
        # its last chance: the last turn of the last round
        lastc = (board.round >= board.deadline[rows] - 1) & (board.last_mover[rows] == self.p)
        acc_last = ok & (u >= res)
        t = self._tau(board, rows)
        thr = np.where(res > t, res, t) - TOL
        acc_now = ok & (u >= thr)
        accept = np.where(lastc, acc_last, acc_now)
        walk = lastc & ~acc_last & party.kind.walks
        return np.where(accept, kernel.ACCEPT, np.where(walk, kernel.WALK, kernel.REJECT))

    def propose(self, board: kernel.Board, rows: np.ndarray) -> np.ndarray:
        return _propose(self.runs, self.party, rows, self._tau(board, rows), board.last_other(rows, self.p))


def _negotiate(runs: Any, s: int, parties: list[_Party], active: np.ndarray) -> _StageRun:
    """The stacked alternating-offers protocol of one stage for the runs ``active``, on the kernel."""
    stage = runs.ts0.stages[s]
    D = np.array([t.stages[s].rounds for t in runs.tss], dtype=np.int64)
    opener = runs.names.index(stage.opener) if stage.opener else 0
    gains = {(p.kind.e, int(d)): _gain(p.kind.e, int(d)) for p in parties for d in np.unique(D[active])}
    board = kernel.Board(runs.P, D, runs.n, active=active)
    policies = [_StagedPolicy(runs, p, party, gains) for p, party in enumerate(parties)]
    breaks_at = None
    risks = [t.stages[s].breakdown_risk for t in runs.tss]  # each run's own (a drawn number)
    if any(r > 0 for r in risks):  # each run's draw from its stage stream, as the turn-by-turn talks draw it
        never = int(D.max()) + 1
        breaks_at = np.array(
            [
                kernel.breakdown_rounds(stage_breakdown_rng(int(seed), s), r)[0] if r > 0 else never  # type: ignore[index]
                for seed, r in zip(runs.seeds, risks, strict=True)
            ],
            dtype=np.int64,
        )
    kernel.play(board, policies, opener, breaks_at=breaks_at)
    return _StageRun(board.end, board.rounds, board.agreed, board.walker, board.last)
