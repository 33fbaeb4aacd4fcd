"""The implementation process: seeded simulation and its exact expectation.

One process, two evaluators (docs/models/implementation.md):
- :func:`simulate` draws inspections and detections from a generator, vectorised over runs (every row is one
  run with its own agreement, world and beliefs);
- :func:`expected` computes the exact expectation of the same process for many agreements at once, by
  branching on who is detected at each step (compliance decisions are deterministic given that history),
  so the simulation can be tested against it within sampling error and leaders can value every outcome.

Per step k: (1) each party decides per owed delivery (see :mod:`~accord.implementation.compliance`);
(2) deliveries move the issues; (3) each party p is inspected with probability r[k, p]; an inspection finds
each of p's open violations independently with the action's detection probability (Avenhaus et al. 2002:
1 − β); (4) a party found cheating suffers the agreed consequence: ``snapback`` (the other parties'
deliveries revert to the status quo; the agreement ends), ``suspension`` (the agreement ends where it
stands), ``collapse`` (everything reverts except what is irreversible; it ends) or ``none`` (it goes on).
Inspection costs: the inspecting parties pay e per inspection, a legal inspectee h (Avenhaus et al. 2002).

Both evaluators take one compiled implementation, or a :class:`~accord.implementation.schedule.StackedImplementation`
(R runs of one structure with their own numbers) with ``runs[m]``, the run of row m. A compiled implementation is
the stack of its one run, so there is one code path; every per-run number is looked up per row and every
reduction is row-wise, so row m's result is bit for bit what its run alone gives for it (also in ``expected``,
whose branching decisions are taken per run, as that run's own call takes them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from accord.implementation.compliance import CONDITIONAL, OPPORTUNIST, RANDOM, check_exact
from accord.implementation.schedule import (
    COLLAPSE,
    NONE,
    SNAPBACK,
    CompiledImplementation,
    RunParams,
    StackedImplementation,
)
from accord.model.beliefs import bayes

#: Tolerance of the opportunist's comparison (ties go to compliance, as in inspector leadership).
TIE = 1e-12
#: Guard on the exact evaluator's branching (nodes visited, counted per run).
MAX_NODES = 200_000
#: Largest call (rows) whose start arrays are kept for the next call with the same agreements and worlds.
_START_MEMO_ROWS = 4096
#: Rows per part of a stacked exact evaluation: a call on the rows of many runs is evaluated in parts of
#: whole runs, about this size (runs do not interact, so the results are the same; the cost per row grows with
#: the node arrays once they leave the caches).
EXPECTED_PART_ROWS = 16_384

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


def draw_count(ci: Implementation) -> int:
    """Uniform draws one run consumes: per step, one per party (inspection) and two per action
    (detection, mixed compliance)."""
    return ci.n_steps * (ci.n_parties + 2 * ci.n_actions)


def simulate(
    ci: Implementation,
    agreements: np.ndarray,
    worlds: np.ndarray,
    weights: np.ndarray,
    rng: np.random.Generator | None = None,
    beliefs: np.ndarray | None = None,
    draws: np.ndarray | None = None,
    runs: np.ndarray | None = None,
) -> Outcome:
    """Simulate the implementation of ``agreements[m]`` (outcome indices) in ``worlds[m]``, one run per row.

    ``weights[m, p, w]``: party p's probability of world w when deciding (its belief after the talks);
    ``beliefs[m, p, f]`` (optional) are updated by Bayes' rule from inspection results. The randomness is
    ``draws[m]`` (:func:`draw_count` uniforms per run, so a run's result does not depend on the other rows),
    or drawn from ``rng``. With a stacked implementation, ``runs[m]`` is the run whose numbers row m uses.
    """
    s, par = _resolve(ci)
    st = _initial(ci, np.asarray(agreements), worlds, weights, beliefs, runs)
    M, P, A = st.level.shape[0], s.n_parties, s.n_actions
    if draws is None:
        if rng is None:
            raise ValueError("simulate needs a generator or pre-drawn uniforms")
        draws = rng.random((M, draw_count(s)))
    u = np.asarray(draws, dtype=np.float64).reshape(M, s.n_steps, P + 2 * A)
    cache = s._cache()
    others_idx = cache["others_idx"]
    party_mask = cache["party_mask"]
    run = st.run
    detect = [_detect(par, run, m) for m in party_mask]
    e_cost = _rows(par.inspection_cost, run)
    h_cost = _rows(par.nuisance_cost, run)
    signals: list[list[tuple[int, int, int]]] = [[] for _ in range(P)]
    for i, (sender, observer, fact) in enumerate(s.inspection_signals()):
        signals[sender].append((i, observer, fact))
    p_true = _rows(par.signal_p_true, run)
    p_false = _rows(par.signal_p_false, run)
    for k in range(s.n_steps):
        cheat = _decide(s, st, k, u[:, k, P + A :], par)
        _deliver(s, st, k, cheat)
        rate = _rows(par.insp_rate[:, k], run)
        u_insp = u[:, k, :P]
        u_det = u[:, k, P : P + A]
        caught = np.zeros((M, P), dtype=bool)
        for p in range(P):
            insp = st.active & (u_insp[:, p] < rate[:, p])
            mask = party_mask[p]
            found = (st.open_[:, mask] & (u_det[:, mask] < detect[p])).any(axis=1) & insp
            legal = ~st.open_[:, mask].any(axis=1)
            for q in others_idx[p]:
                st.costs[insp, q] -= e_cost[insp]
            bear = insp & legal
            st.costs[bear, p] -= h_cost[bear]
            st.last_insp[insp, p] = k
            caught[:, p] = found
            if signals[p] and insp.any():
                # Bayes' rule on every inspection signal about p, as model.beliefs.update_on_inspection
                # does, with each row's own likelihoods
                sub = st.beliefs[insp]
                hit = found[insp]
                for i, observer, fact in signals[p]:
                    pt, pf = p_true[insp, i], p_false[insp, i]
                    lt = np.where(hit, pt, 1.0 - pt)
                    lf = np.where(hit, pf, 1.0 - pf)
                    sub[:, observer, fact] = bayes(sub[:, observer, fact], lt, lf)
                st.beliefs[insp] = sub
        _apply_detection(s, st, k, caught)
    return _finish(s, st, par)


# --------------------------------------------------------------------------------------------- exact


def expected(
    ci: Implementation,
    agreements: np.ndarray,
    worlds: np.ndarray,
    weights: np.ndarray,
    runs: np.ndarray | None = None,
) -> Outcome:
    """Exact expectation of :func:`simulate`'s metrics for each row (no random compliance strategies).

    ``caught_step`` is not an expectation (-1); ``caught``/``cheated``/``completed`` become probabilities.
    ``threat_reduction`` counts verification exactly as the simulation does. With a stacked implementation,
    ``runs[m]`` is the run whose numbers row m uses; the branching decisions of a node are taken per run (over
    that run's rows in the node), so each run's rows follow the same paths as in that run's own call, and
    :data:`MAX_NODES` bounds the nodes of each run.
    """
    s, par = _resolve(ci)
    check_exact(s.compliance, s.compliance_p, s.party_names, s.scenario.path)
    agreements = np.asarray(agreements)
    if par.n_runs > 1 and agreements.shape[0] > EXPECTED_PART_ROWS:
        run = _runs(par, runs, agreements.shape[0])
        parts = _parts(run, par.n_runs)
        if len(parts) > 1:
            wd, wts = np.asarray(worlds), np.asarray(weights)
            outs = [(rows, expected(ci, agreements[rows], wd[rows], wts[rows], run[rows])) for rows in parts]
            return _gather(outs, agreements.shape[0])
    root = _initial(ci, agreements, worlds, weights, None, runs, track_beliefs=False)
    M, P, R = root.level.shape[0], s.n_parties, par.n_runs
    acc = {
        "realised": np.zeros((M, P)),
        "completed": np.zeros(M),
        "steps": np.zeros(M),
        "cheated": np.zeros((M, P)),
        "caught": np.zeros((M, P)),
        "thr": np.zeros(M),
        "dis": np.zeros(M),
        "rel": np.zeros(M),
    }
    nodes = np.zeros(R, dtype=np.int64)
    cache = s._cache()
    others_idx = cache["others_idx"]
    party_mask = cache["party_mask"]
    t = s.threat_party
    tracks_inspection = t >= 0 and s.comp_share.shape[0] > 0

    def count(st: _State) -> None:
        if R == 1:
            nodes[0] += 1
        else:
            nodes[np.bincount(st.run, minlength=R) > 0] += 1
        if nodes.max() > MAX_NODES:
            which = "" if R == 1 else f" (run {int(np.argmax(nodes))})"
            raise ValueError(f"the schedule branches too much for the exact evaluator{which}; use simulation")

    owed = _relief_distance(s, root.agreed) if s.relief_party >= 0 else None

    def leaf(st: _State) -> None:
        # a state's rows are distinct (subsets of the root's), so += adds once per row, as np.add.at would
        out = _finish(s, st, par, None if owed is None else owed[st.row])
        m = st.mass
        acc["realised"][st.row] += out.realised * m[:, None]
        acc["completed"][st.row] += out.completed * m
        acc["steps"][st.row] += out.steps_completed * m
        acc["cheated"][st.row] += out.cheated * m[:, None]
        acc["caught"][st.row] += out.caught * m[:, None]
        acc["thr"][st.row] += _zero_nan(out.threat_reduction) * m
        acc["dis"][st.row] += _zero_nan(out.dismantled_share) * m
        acc["rel"][st.row] += _zero_nan(out.relief_delivered) * m

    def walk(st: _State, k: int) -> None:
        count(st)
        if k == s.n_steps or not st.active.any():
            leaf(st)
            return
        if not st.active.all():
            leaf(st.take(np.flatnonzero(~st.active)))
            st = st.take(np.flatnonzero(st.active))
        cheat = _decide(s, st, k, None, par)
        _deliver(s, st, k, cheat)
        run = st.run
        rate = _rows(par.insp_rate[:, k], run)
        e_cost = _rows(par.inspection_cost, run)
        h_cost = _rows(par.nuisance_cost, run)
        # every row of the node is active from here on (the others were leaves)
        probs = np.zeros((st.level.shape[0], P))
        survival = []
        for p in range(P):
            r = rate[:, p]
            mask = party_mask[p]
            legal = ~st.open_[:, mask].any(axis=1)
            cost = r * e_cost
            for q in others_idx[p]:
                st.costs[:, q] -= cost
            st.costs[legal, p] -= (r * h_cost)[legal]
            survival.append(_open_survival(s, st, p, par))
            probs[:, p] = r * (1.0 - survival[p])
        # parties detected with positive probability somewhere in the node; for a row where a party's
        # probability is 0 its extra branch has mass 0 (dropped) and its complement multiplies the mass by 1
        branch_parties = [p for p in range(P) if (probs[:, p] > 0).any()]
        # verification of dismantled components: a component counts if an inspection of the threat party
        # happens at or after its dismantlement; branch on that inspection only where it matters, decided per
        # run (as the run's own call decides it over its rows in the node)
        split_rows = None
        if tracks_inspection:
            pending = ((st.dismantle_step > -2) & (st.last_insp[:, t][:, None] < st.dismantle_step)).any(
                axis=1
            )
            if pending.any():
                if R == 1:
                    split_rows = rate[:, t] > 0
                else:
                    some = np.zeros(R, dtype=bool)
                    some[run[pending]] = True
                    split_rows = some[run] & (rate[:, t] > 0)
                if not split_rows.any():
                    split_rows = None
        # the children in walking order: (rows, mass, detections, t inspected); a row's children come in the
        # same order as in its run's own call, so its leaves add up in the same order
        children: list[tuple[np.ndarray, np.ndarray, np.ndarray, bool]] = []
        for sub in range(1 << len(branch_parties)):
            m = st.mass.copy()
            caught = np.zeros_like(probs, dtype=bool)
            for b, p in enumerate(branch_parties):
                if sub >> b & 1:
                    m = m * probs[:, p]
                    caught[:, p] = True
                else:
                    m = m * (1.0 - probs[:, p])
            keep = np.flatnonzero(m > 0)
            if keep.size == 0:
                continue
            if split_rows is None:
                plain, keep = keep, keep[:0]
            else:
                on = split_rows[keep]
                plain, keep = keep[~on], keep[on]
            if plain.size:
                children.append((plain, m[plain], caught[plain], False))
            if keep.size == 0:
                continue
            # split on "t was inspected" given the detection outcome of t
            r = rate[keep, t]
            pt = probs[keep, t]
            if caught[keep, t].all():
                p_insp = np.ones(keep.size)
            else:
                # P(inspected | not detected) = r·s / (1 − r(1 − s)) with s the survival of t's open violations
                sv = survival[t][keep]
                den = 1.0 - pt
                p_insp = np.where(den > 0, r * sv / np.where(den > 0, den, 1.0), 0.0)
            for inspected, w in ((True, p_insp), (False, 1.0 - p_insp)):
                mm = m[keep] * w
                sel = np.flatnonzero(mm > 0)
                if sel.size:
                    children.append((keep[sel], mm[sel], caught[keep[sel]], inspected))
        # a child with every row of the node (rows in order) takes over the node's arrays instead of a copy;
        # its siblings are copied first (the walk order stays), if together they are smaller than a copy
        M_node = st.level.shape[0]
        states: list[_State | None] = [None] * len(children)
        full = next((i for i, c in enumerate(children) if c[0].size == M_node), None)
        if full is not None and sum(c[0].size for c in children) - M_node <= M_node:
            for i, c in enumerate(children):
                if i != full:
                    states[i] = st.take(c[0])
            states[full] = st
        for i, (rows, mass, found, inspected) in enumerate(children):
            child = states[i] if states[i] is not None else st.take(rows)
            states[i] = None
            child.mass = mass
            if inspected:
                child.last_insp[child.active, t] = k
            _apply_detection(s, child, k, found)
            walk(child, k + 1)

    walk(root, 0)
    clip = lambda x: np.clip(x, 0.0, 1.0)  # noqa: E731  (sums of path probabilities may round past 1)
    return Outcome(
        realised=acc["realised"],
        completed=clip(acc["completed"]),
        steps_completed=acc["steps"],
        cheated=clip(acc["cheated"]),
        caught=clip(acc["caught"]),
        caught_step=np.full((M, P), -1),
        threat_reduction=acc["thr"] if s.comp_share.size else np.full(M, np.nan),
        dismantled_share=acc["dis"] if s.comp_share.size else np.full(M, np.nan),
        relief_delivered=acc["rel"] if s.relief_party >= 0 else np.full(M, np.nan),
    )


def _parts(run: np.ndarray, R: int) -> list[np.ndarray]:
    """The rows of consecutive runs grouped into parts of about :data:`EXPECTED_PART_ROWS` rows (a run is never
    split; rows keep their order within a run)."""
    order = np.argsort(run, kind="stable")
    ends = np.cumsum(np.bincount(run, minlength=R))
    parts, first = [], 0
    for r in range(R):
        if ends[r] - first >= EXPECTED_PART_ROWS or r == R - 1:
            if ends[r] > first:
                parts.append(order[first : ends[r]])
            first = int(ends[r])
    return parts


#: The per-row arrays of an :class:`Outcome` (``beliefs`` is optional: simulation only).
OUTCOME_ARRAYS = tuple(f.name for f in dataclasses.fields(Outcome) if f.name != "beliefs")


def _gather(outs: list[tuple[np.ndarray, Outcome]], M: int) -> Outcome:
    """One outcome from the outcomes of parts (rows given per part)."""
    fields = {}
    for name in OUTCOME_ARRAYS:
        first = getattr(outs[0][1], name)
        arr = np.empty((M, *first.shape[1:]), dtype=first.dtype)
        for rows, o in outs:
            arr[rows] = getattr(o, name)
        fields[name] = arr
    return Outcome(**fields)
