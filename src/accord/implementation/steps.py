"""The rules of one implementation step, on arrays with one row per run: the state of the rows, what each
party decides, deliveries, inspections and detections, the consequences, and the results of final states.

The evaluators of :mod:`accord.implementation.engine` (the seeded simulation and the exact expectation) are
written on these rules, so both apply the same ones (docs/models/implementation.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.implementation.compliance import CONDITIONAL, OPPORTUNIST, RANDOM
from accord.implementation.schedule import (
    COLLAPSE,
    NONE,
    SNAPBACK,
    CompiledImplementation,
    RunParams,
    StackedImplementation,
)

#: Tolerance of the opportunist's comparison (ties go to compliance, as in inspector leadership).
TIE = 1e-12
#: Largest call (rows) whose start arrays are kept for the next call with the same agreements and worlds.
_START_MEMO_ROWS = 4096

#: What the evaluators take: one run's compiled implementation, or a stack of runs.
Implementation = CompiledImplementation | StackedImplementation


@dataclass
class _State:
    """Per-row state of the process (rows are runs, or agreements × worlds)."""

    agreed: np.ndarray  # (M, I)
    world: np.ndarray  # (M,)
    weights: np.ndarray  # (M, P, W) each party's decision weights over worlds
    targets: np.ndarray  # (M, A)
    level: np.ndarray  # (M, I)
    active: np.ndarray  # (M,)
    open_: np.ndarray  # (M, A) open, undetected violations
    blocked: np.ndarray  # (M, P, I)
    detected: np.ndarray  # (M, P)
    caught_step: np.ndarray  # (M, P)
    cheat_step: np.ndarray  # (M, P)
    steps_done: np.ndarray  # (M,)
    costs: np.ndarray  # (M, P)
    last_insp: np.ndarray  # (M, P)
    dismantle_step: np.ndarray  # (M, C)
    beliefs: np.ndarray | None  # (M, P, F) (simulation only)
    mass: np.ndarray  # (M,) probability of this row (exact evaluator); 1 in simulation
    row: np.ndarray  # (M,) index of the originating row
    run: np.ndarray  # (M,) run of the row (index into the run parameters)

    def take(self, rows: np.ndarray) -> _State:
        """The state of ``rows`` (integer indices, so every array is a copy)."""
        return _State(
            agreed=self.agreed[rows],
            world=self.world[rows],
            weights=self.weights[rows],
            targets=self.targets[rows],
            level=self.level[rows],
            active=self.active[rows],
            open_=self.open_[rows],
            blocked=self.blocked[rows],
            detected=self.detected[rows],
            caught_step=self.caught_step[rows],
            cheat_step=self.cheat_step[rows],
            steps_done=self.steps_done[rows],
            costs=self.costs[rows],
            last_insp=self.last_insp[rows],
            dismantle_step=self.dismantle_step[rows],
            beliefs=None if self.beliefs is None else self.beliefs[rows],
            mass=self.mass[rows],
            row=self.row[rows],
            run=self.run[rows],
        )


def _resolve(ci: Implementation) -> tuple[CompiledImplementation, RunParams]:
    """The structure (a compiled implementation) and the per-run numbers of ``ci``."""
    if isinstance(ci, StackedImplementation):
        return ci.base, ci.params
    return ci, ci.run_params()


def _runs(par: RunParams, runs: np.ndarray | None, M: int) -> np.ndarray:
    """The run of every row: ``runs`` checked, or run 0 for a single run."""
    R = par.n_runs
    if runs is None:
        if R != 1:
            raise ValueError(f"a stack of {R} runs needs runs=, the run of every row")
        return np.zeros(M, dtype=np.int64)
    run = np.asarray(runs)
    if run.shape != (M,) or not (np.issubdtype(run.dtype, np.integer) or run.size == 0):
        raise ValueError(
            f"runs must hold one integer per row ({M}), got shape {run.shape}, dtype {run.dtype}"
        )
    run = run.astype(np.int64, copy=False)
    if M and (int(run.min()) < 0 or int(run.max()) >= R):
        raise ValueError(f"runs must lie in [0, {R}), got values from {int(run.min())} to {int(run.max())}")
    return run


def _rows(arr: np.ndarray, run: np.ndarray) -> np.ndarray:
    """Per-row values ``arr[run]`` of a per-run array."""
    return arr[run]


def _zero_nan(x: np.ndarray) -> np.ndarray:
    """NaN as 0 (the shares and ratios summed here are finite or NaN)."""
    return np.where(x == x, x, 0.0)


def _start(ci: CompiledImplementation, agreements: np.ndarray, worlds: np.ndarray) -> tuple:
    """Digits, levels at signature, targets and dismantlement marks of agreements in worlds: they depend only on
    the schedule's structure, so they are kept per structure (the caller copies them)."""
    ag = np.asarray(agreements, dtype=np.int64)
    wd = np.asarray(worlds, dtype=np.int64)
    memo = ci._cache().setdefault("start", {})
    small = ag.shape[0] <= _START_MEMO_ROWS
    key = (ag.shape, ag.tobytes(), wd.shape, wd.tobytes()) if small else None
    hit = memo.get(key) if small else None
    if hit is not None:
        return hit
    M, C = ag.shape[0], ci.comp_share.shape[0]
    g = ci.digits(agreements)
    lvl = ci.initial_levels(g)
    targets, trivial = ci._targets(g, wd)
    for a in np.flatnonzero((trivial >= 0).any(axis=0)):
        j = ci.act_issue[a]
        lvl[:, j] = np.where(trivial[:, a] >= 0, trivial[:, a], lvl[:, j])
    dis = np.full((M, C), -2, dtype=np.int64)
    if C:
        dis[ci.reached_components(lvl)] = -1
    if not small:
        return g, lvl, targets, dis
    if len(memo) >= 64:
        memo.clear()
    memo[key] = (g, lvl, targets, dis)
    return memo[key]


def _initial(
    ci: Implementation,
    agreements: np.ndarray,
    worlds: np.ndarray,
    weights: np.ndarray,
    beliefs: np.ndarray | None,
    runs: np.ndarray | None = None,
    track_beliefs: bool = True,
) -> _State:
    ci, par = _resolve(ci)
    agreements = np.asarray(agreements)
    M = agreements.shape[0]
    run = _runs(par, runs, M)
    P, n_iss, A = ci.n_parties, len(ci.cards), ci.n_actions
    g, lvl, targets, dis = (x.copy() for x in _start(ci, agreements, worlds))
    return _State(
        agreed=g,
        world=np.asarray(worlds, dtype=np.int64),
        weights=np.asarray(weights, dtype=np.float64),
        targets=targets,
        level=lvl,
        active=np.ones(M, dtype=bool),
        open_=np.zeros((M, A), dtype=bool),
        blocked=np.zeros((M, P, n_iss), dtype=bool),
        detected=np.zeros((M, P), dtype=bool),
        caught_step=np.full((M, P), -1, dtype=np.int64),
        cheat_step=np.full((M, P), -1, dtype=np.int64),
        steps_done=np.zeros(M, dtype=np.int64),
        costs=np.zeros((M, P), dtype=np.float64),
        last_insp=np.full((M, P), -2, dtype=np.int64),
        dismantle_step=dis,
        beliefs=None
        if not track_beliefs
        else np.zeros((M, P, len(ci.fact_names)))
        if beliefs is None
        else np.array(beliefs, dtype=np.float64),
        mass=np.ones(M, dtype=np.float64),
        row=np.arange(M),
        run=run,
    )


def _further(ci: CompiledImplementation, st: _State, cur: np.ndarray, tgt: np.ndarray, j: int) -> np.ndarray:
    """The level further from the status quo among ``cur`` and ``tgt`` (targets lie on one side)."""
    c = ci._cache()
    if c["ordered"][j]:
        s = c["sq"][j]
        return np.where(np.abs(tgt - s) > np.abs(cur - s), tgt, cur)
    return np.where(tgt >= 0, tgt, cur)


def _moves(
    ci: CompiledImplementation, ok: np.ndarray, cur: np.ndarray, tgt: np.ndarray, j: int
) -> np.ndarray:
    """Where ``np.where(ok, _further(cur, tgt), cur)`` takes ``tgt`` (``ok`` implies ``tgt >= 0``)."""
    c = ci._cache()
    if c["ordered"][j]:
        s = c["sq"][j]
        return ok & (np.abs(tgt - s) > np.abs(cur - s))
    return ok


def _value(
    ci: Implementation, st: _State, p: int, levels: np.ndarray, par: RunParams | None = None
) -> np.ndarray:
    """Party p's decision value (belief-weighted over worlds) of the final states ``levels`` (M, I): the sum
    over worlds in world order, row by row (what ``einsum("mw,wm->m")`` computed for one run)."""
    if par is None:
        ci, par = _resolve(ci)
    idx = ci.encode(levels)
    _, P, W, n = par.utilities.shape
    flat = par.flat_utilities
    at = idx + p * (W * n) if par.n_runs == 1 else idx + (st.run * P + p) * (W * n)
    wts = st.weights[:, p, :]
    v = wts[:, 0] * flat[at]
    for w in range(1, W):
        v = v + wts[:, w] * flat[at + w * n]
    return v


def _consequence(ci: CompiledImplementation, levels: np.ndarray, cheater: int, code: int) -> np.ndarray:
    out = levels.copy()
    if code == SNAPBACK:
        rev = (ci.owner >= 0) & (ci.owner != cheater)
        out[:, rev] = ci.sq[rev]
    elif code == COLLAPSE:
        for j in range(out.shape[1]):
            if ci.irreversible[j] >= 0:
                keep = ci.reached(out, j, ci.irreversible[j])
                out[:, j] = np.where(keep, out[:, j], ci.sq[j])
            else:
                out[:, j] = ci.sq[j]
    return out


def _decide(
    ci: CompiledImplementation, st: _State, k: int, u_mix: np.ndarray | None, par: RunParams
) -> np.ndarray:
    """(M, A) True where the owner withholds action a at step k (only actions of step k are set)."""
    M = st.level.shape[0]
    cheat = np.zeros((M, ci.n_actions), dtype=bool)
    cache = ci._cache()
    acts = cache["acts_at"][k]
    if acts.size == 0:
        return cheat
    live = st.active[:, None] & (st.targets[:, acts] >= 0)
    # planned final state if everybody delivers from now on (own blocked issues stay); only opportunists
    # read it
    plan = st.level.copy()
    cur_step = st.level.copy()
    codes = ci.compliance.tolist()
    needed = any(codes[p] == OPPORTUNIST for _, p, _ in cache["acts_at_pj"][k])
    plan_value: dict[int, np.ndarray] = {}
    for b, j, p, at_k in cache["plan_from"][k] if needed else ():
        tgt = st.targets[:, b]
        ok = (tgt >= 0) & ~st.blocked[:, p, j]
        cur = plan[:, j]
        plan[:, j] = np.where(_moves(ci, ok, cur, tgt, j), tgt, cur)
        if at_k:
            cur = cur_step[:, j]
            cur_step[:, j] = np.where(_moves(ci, ok, cur, tgt, j), tgt, cur)
    for col, (a, p, j) in enumerate(cache["acts_at_pj"][k]):
        blocked = st.blocked[:, p, j]
        code = ci.compliance[p]
        if code == OPPORTUNIST:
            q_runs, nuis_runs = par.opportunist(ci, k)
            q = _rows(q_runs[:, col], st.run)
            expected_nuisance = _rows(nuis_runs[:, col], st.run)
            legal = ~st.open_[:, cache["party_mask"][p]].any(axis=1)
            nuis = np.where(legal, expected_nuisance, 0.0)
            undet = plan.copy()
            undet[:, j] = st.level[:, j]
            now = cur_step.copy()
            now[:, j] = st.level[:, j]
            det = _consequence(ci, now, p, int(ci.on_detection[p])) if ci.on_detection[p] != NONE else undet
            if p not in plan_value:  # the plan is the same for all of p's actions of the step
                plan_value[p] = _value(ci, st, p, plan, par)
            v_c = plan_value[p] - nuis
            v_x = (1.0 - q) * _value(ci, st, p, undet, par) + q * _value(ci, st, p, det, par)
            c = v_x > v_c + TIE
        elif code == CONDITIONAL:
            c = st.detected[:, cache["others"][p]].any(axis=1)
        elif code == RANDOM:
            if u_mix is None:
                raise ValueError("the exact evaluator needs deterministic compliance (no random strategy)")
            c = u_mix[:, a] < _rows(par.compliance_p[:, p], st.run)
        else:
            c = np.zeros(M, dtype=bool)
        cheat[:, a] = live[:, col] & (c | blocked)
    return cheat


def _deliver(ci: CompiledImplementation, st: _State, k: int, cheat: np.ndarray) -> None:
    for a, p, j in ci._cache()["acts_at_pj"][k]:
        live = st.active & (st.targets[:, a] >= 0)
        c = cheat[:, a] & live
        new_violation = c & ~st.blocked[:, p, j]
        st.open_[:, a] |= new_violation
        st.blocked[:, p, j] |= c
        first = new_violation & (st.cheat_step[:, p] < 0)
        st.cheat_step[first, p] = k
        ok = live & ~c
        cur, tgt = st.level[:, j], st.targets[:, a]
        st.level[:, j] = np.where(_moves(ci, ok, cur, tgt, j), tgt, cur)
    st.steps_done[st.active] = k + 1
    if ci._cache()["moves_components"][k]:  # else no component's issue moved: the marks stand
        _mark_dismantled(ci, st, k)


def _mark_dismantled(ci: CompiledImplementation, st: _State, k: int) -> None:
    if ci.comp_share.size:
        now = ci.reached_components(st.level)
        new = now & (st.dismantle_step == -2)
        st.dismantle_step[new] = k
        st.dismantle_step[~now] = -2


def _apply_detection(ci: CompiledImplementation, st: _State, k: int, caught: np.ndarray) -> None:
    """Parties ``caught[:, p]`` were found cheating at step k: record it and apply the consequences.

    Called right after :func:`_deliver` of step k, which marked the dismantlements of the levels then; they
    are marked again only if a consequence moved some level (marking is idempotent for unchanged levels).
    """
    if not caught.any():
        return
    moved = False
    for p in range(ci.n_parties):
        hit = caught[:, p] & st.active & ~st.detected[:, p]
        if not hit.any():
            continue
        st.detected[hit, p] = True
        st.caught_step[hit, p] = k
        for a in ci._cache()["party_acts"][p]:
            st.open_[hit, a] = False
        code = int(ci.on_detection[p])
        if code == NONE:
            continue
        st.level[hit] = _consequence(ci, st.level[hit], p, code)
        st.active[hit] = False
        moved = True
    if moved:
        _mark_dismantled(ci, st, k)


def _detect(par: RunParams, run: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Detection probabilities of the actions ``mask`` for every row: (M, n), or (1, n) for one run."""
    if par.n_runs == 1:
        return par.act_detect[0][mask][None, :]
    return par.act_detect[:, mask][run]


def _open_survival(ci: CompiledImplementation, st: _State, p: int, par: RunParams) -> np.ndarray:
    """(M,) probability that an inspection of p finds none of its open violations."""
    mask = ci._cache()["party_mask"][p]
    open_ = st.open_[:, mask]
    if not open_.any():  # nothing to find: the product of ones
        return np.ones(st.level.shape[0])
    miss = par._memo.get(("miss", p))
    if miss is None:  # 1 − detection probability of p's actions, per run
        miss = 1.0 - par.act_detect[:, mask]
        par._memo[("miss", p)] = miss
    miss = miss[0][None, :] if par.n_runs == 1 else miss[st.run]
    return np.prod(np.where(open_, miss, 1.0), axis=1)


# ------------------------------------------------------------------------------------------- simulation


@dataclass
class Outcome:
    """Per-row results of implementation (simulated: one row per run; exact: expectations per row)."""

    realised: np.ndarray  # (M, P) realised utility
    completed: np.ndarray  # (M,) all steps executed without an ending consequence
    steps_completed: np.ndarray  # (M,)
    cheated: np.ndarray  # (M, P)
    caught: np.ndarray  # (M, P)
    caught_step: np.ndarray  # (M, P) (-1: never; expectations: not defined -> -1)
    threat_reduction: np.ndarray  # (M,) verifiably dismantled share (NaN where no programme is declared)
    dismantled_share: np.ndarray  # (M,)
    relief_delivered: np.ndarray  # (M,)
    beliefs: np.ndarray | None = None  # (M, P, F) after implementation (simulation only)


def _relief_distance(ci: CompiledImplementation, levels: np.ndarray) -> np.ndarray:
    """(M,) steps the relief party's issues stand from the status quo (integers)."""
    own = ci.owner == ci.relief_party
    dist = np.where(ci.ordered, np.abs(levels - ci.sq), (levels != ci.sq).astype(np.int64))
    return (dist * own).sum(axis=1)


def _finish(
    ci: CompiledImplementation, st: _State, par: RunParams, owed: np.ndarray | None = None
) -> Outcome:
    """Per-row results of final states (``owed``: the relief owed per row, if known)."""
    M = st.level.shape[0]
    idx = ci.encode(st.level)
    _, P, W, n = par.utilities.shape
    flat = par.flat_utilities
    at = idx + st.world * n
    realised = np.empty((M, ci.n_parties))
    for p in range(ci.n_parties):
        off = p * (W * n) if par.n_runs == 1 else (st.run * P + p) * (W * n)
        realised[:, p] = flat[at + off] + st.costs[:, p]
    dis = np.full(M, np.nan)
    ver = np.full(M, np.nan)
    C = ci.comp_share.shape[0]
    if C:
        share = _rows(par.comp_share, st.run)
        exists = np.ones((M, C), dtype=bool)
        for c, f in enumerate(ci.comp_only_if):
            if f >= 0:
                exists[:, c] = ((st.world >> f) & 1) == 1
        total = (exists * share).sum(axis=1)
        reached = ci.reached_components(st.level) & exists
        seen = st.last_insp[:, ci.threat_party][:, None] >= st.dismantle_step
        safe = np.where(total > 0, total, 1.0)
        dis = np.where(total > 0, (reached * share).sum(axis=1) / safe, 0.0)
        # a row-wise sum, not a matrix product (whose rounding may depend on the number of rows)
        ver = np.where(
            total > 0, ((reached & seen & (st.dismantle_step > -2)) * share).sum(axis=1) / safe, 0.0
        )
    relief = np.full(M, np.nan)
    if ci.relief_party >= 0:
        got = _relief_distance(ci, st.level)
        owed = _relief_distance(ci, st.agreed) if owed is None else owed
        relief = np.where(owed > 0, got / np.where(owed > 0, owed, 1), np.nan)
    return Outcome(
        realised=realised,
        completed=st.active.copy(),
        steps_completed=st.steps_done.astype(np.float64),
        cheated=st.cheat_step >= 0,
        caught=st.detected.copy(),
        caught_step=st.caught_step.copy(),
        threat_reduction=ver,
        dismantled_share=dis,
        relief_delivered=relief,
        beliefs=None if st.beliefs is None else st.beliefs.copy(),
    )
