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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.implementation.compliance import CONDITIONAL, OPPORTUNIST, RANDOM
from accord.implementation.schedule import COLLAPSE, NONE, SNAPBACK, CompiledImplementation
from accord.model.beliefs import update_on_inspection

#: Tolerance of the opportunist's comparison (ties go to compliance, as in inspector leadership).
TIE = 1e-12
#: Guard on the exact evaluator's branching (nodes visited).
MAX_NODES = 200_000


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
    withheld: np.ndarray  # (M, A)
    blocked: np.ndarray  # (M, P, I)
    detected: np.ndarray  # (M, P)
    caught_step: np.ndarray  # (M, P)
    cheat_step: np.ndarray  # (M, P)
    steps_done: np.ndarray  # (M,)
    end_step: np.ndarray  # (M,)
    costs: np.ndarray  # (M, P)
    last_insp: np.ndarray  # (M, P)
    dismantle_step: np.ndarray  # (M, C)
    beliefs: np.ndarray  # (M, P, F)
    mass: np.ndarray  # (M,) probability of this row (exact evaluator); 1 in simulation
    row: np.ndarray  # (M,) index of the originating row

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
            withheld=self.withheld[rows],
            blocked=self.blocked[rows],
            detected=self.detected[rows],
            caught_step=self.caught_step[rows],
            cheat_step=self.cheat_step[rows],
            steps_done=self.steps_done[rows],
            end_step=self.end_step[rows],
            costs=self.costs[rows],
            last_insp=self.last_insp[rows],
            dismantle_step=self.dismantle_step[rows],
            beliefs=self.beliefs[rows],
            mass=self.mass[rows],
            row=self.row[rows],
        )


def _start(ci: CompiledImplementation, agreements: np.ndarray, worlds: np.ndarray) -> tuple:
    """Digits, levels at signature, targets and dismantlement marks of agreements in worlds: they depend only on
    the schedule's structure, so they are kept per structure (the caller copies them)."""
    ag = np.asarray(agreements, dtype=np.int64)
    wd = np.asarray(worlds, dtype=np.int64)
    memo = ci._cache().setdefault("start", {})
    key = (ag.shape, ag.tobytes(), wd.shape, wd.tobytes())
    hit = memo.get(key)
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
    if len(memo) >= 64:
        memo.clear()
    memo[key] = (g, lvl, targets, dis)
    return memo[key]


def _initial(
    ci: CompiledImplementation,
    agreements: np.ndarray,
    worlds: np.ndarray,
    weights: np.ndarray,
    beliefs: np.ndarray | None,
) -> _State:
    M = agreements.shape[0]
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
        withheld=np.zeros((M, A), dtype=bool),
        blocked=np.zeros((M, P, n_iss), dtype=bool),
        detected=np.zeros((M, P), dtype=bool),
        caught_step=np.full((M, P), -1, dtype=np.int64),
        cheat_step=np.full((M, P), -1, dtype=np.int64),
        steps_done=np.zeros(M, dtype=np.int64),
        end_step=np.full(M, -1, dtype=np.int64),
        costs=np.zeros((M, P), dtype=np.float64),
        last_insp=np.full((M, P), -2, dtype=np.int64),
        dismantle_step=dis,
        beliefs=np.zeros((M, P, len(ci.fact_names)))
        if beliefs is None
        else np.array(beliefs, dtype=np.float64),
        mass=np.ones(M, dtype=np.float64),
        row=np.arange(M),
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


def _value(ci: CompiledImplementation, st: _State, p: int, levels: np.ndarray) -> np.ndarray:
    """Party p's decision value (belief-weighted over worlds) of the final states ``levels`` (M, I)."""
    idx = ci.encode(levels)
    U = ci.worlds.utilities[p][:, idx]  # (W, M)
    return np.einsum("mw,wm->m", st.weights[:, p, :], U)


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


def _decide(ci: CompiledImplementation, st: _State, k: int, u_mix: np.ndarray | None) -> np.ndarray:
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
            q, expected_nuisance = ci.opportunist_terms(k, col)
            legal = ~st.open_[:, cache["party_mask"][p]].any(axis=1)
            nuis = np.where(legal, expected_nuisance, 0.0)
            undet = plan.copy()
            undet[:, j] = st.level[:, j]
            now = cur_step.copy()
            now[:, j] = st.level[:, j]
            det = _consequence(ci, now, p, int(ci.on_detection[p])) if ci.on_detection[p] != NONE else undet
            if p not in plan_value:  # the plan is the same for all of p's actions of the step
                plan_value[p] = _value(ci, st, p, plan)
            v_c = plan_value[p] - nuis
            v_x = (1.0 - q) * _value(ci, st, p, undet) + q * _value(ci, st, p, det)
            c = v_x > v_c + TIE
        elif code == CONDITIONAL:
            c = st.detected[:, cache["others"][p]].any(axis=1)
        elif code == RANDOM:
            if u_mix is None:
                raise ValueError("the exact evaluator needs deterministic compliance (no random strategy)")
            c = u_mix[:, a] < ci.compliance_p[p]
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
        st.withheld[:, a] |= c
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
        st.end_step[hit] = k
        st.active[hit] = False
        moved = True
    if moved:
        _mark_dismantled(ci, st, k)


def _open_survival(ci: CompiledImplementation, st: _State, p: int) -> np.ndarray:
    """(M,) probability that an inspection of p finds none of its open violations."""
    mask = ci._cache()["party_mask"][p]
    if not mask.any():
        return np.ones(st.level.shape[0])
    return np.prod(np.where(st.open_[:, mask], 1.0 - ci.act_detect[mask][None, :], 1.0), axis=1)


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


def _finish(ci: CompiledImplementation, st: _State) -> Outcome:
    M = st.level.shape[0]
    idx = ci.encode(st.level)
    realised = np.empty((M, ci.n_parties))
    for p in range(ci.n_parties):
        realised[:, p] = ci.worlds.utilities[p][st.world, idx] + st.costs[:, p]
    dis = np.full(M, np.nan)
    ver = np.full(M, np.nan)
    if ci.comp_share.size:
        exists = np.ones((M, ci.comp_share.size), dtype=bool)
        for c, f in enumerate(ci.comp_only_if):
            if f >= 0:
                exists[:, c] = ((st.world >> f) & 1) == 1
        total = (exists * ci.comp_share).sum(axis=1)
        reached = ci.reached_components(st.level) & exists
        seen = st.last_insp[:, ci.threat_party][:, None] >= st.dismantle_step
        safe = np.where(total > 0, total, 1.0)
        dis = np.where(total > 0, (reached * ci.comp_share).sum(axis=1) / safe, 0.0)
        ver = np.where(total > 0, (reached & seen & (st.dismantle_step > -2)) @ ci.comp_share / safe, 0.0)
    relief = np.full(M, np.nan)
    if ci.relief_party >= 0:
        own = ci.owner == ci.relief_party
        dist = lambda lv: np.where(ci.ordered, np.abs(lv - ci.sq), (lv != ci.sq).astype(np.int64))  # noqa: E731
        owed = (dist(st.agreed) * own).sum(axis=1)
        got = (dist(st.level) * own).sum(axis=1)
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
        beliefs=st.beliefs.copy(),
    )


def draw_count(ci: CompiledImplementation) -> int:
    """Uniform draws one run consumes: per step, one per party (inspection) and two per action
    (detection, mixed compliance)."""
    return ci.n_steps * (ci.n_parties + 2 * ci.n_actions)


def simulate(
    ci: CompiledImplementation,
    agreements: np.ndarray,
    worlds: np.ndarray,
    weights: np.ndarray,
    rng: np.random.Generator | None = None,
    beliefs: np.ndarray | None = None,
    draws: np.ndarray | None = None,
) -> Outcome:
    """Simulate the implementation of ``agreements[m]`` (outcome indices) in ``worlds[m]``, one run per row.

    ``weights[m, p, w]``: party p's probability of world w when deciding (its belief after the talks);
    ``beliefs[m, p, f]`` (optional) are updated by Bayes' rule from inspection results. The randomness is
    ``draws[m]`` (:func:`draw_count` uniforms per run, so a run's result does not depend on the other rows),
    or drawn from ``rng``.
    """
    st = _initial(ci, np.asarray(agreements), worlds, weights, beliefs)
    M, P, A = st.level.shape[0], ci.n_parties, ci.n_actions
    if draws is None:
        if rng is None:
            raise ValueError("simulate needs a generator or pre-drawn uniforms")
        draws = rng.random((M, draw_count(ci)))
    u = np.asarray(draws, dtype=np.float64).reshape(M, ci.n_steps, P + 2 * A)
    names = list(ci.party_names)
    others_idx = ci._cache()["others_idx"]
    party_mask = ci._cache()["party_mask"]
    detect = [ci.act_detect[m][None, :] for m in party_mask]
    private = ci.private
    for k in range(ci.n_steps):
        cheat = _decide(ci, st, k, u[:, k, P + A :])
        _deliver(ci, st, k, cheat)
        u_insp = u[:, k, :P]
        u_det = u[:, k, P : P + A]
        caught = np.zeros((M, P), dtype=bool)
        for p in range(P):
            insp = st.active & (u_insp[:, p] < ci.insp_rate[k, p])
            mask = party_mask[p]
            found = (st.open_[:, mask] & (u_det[:, mask] < detect[p])).any(axis=1) & insp
            legal = ~st.open_[:, mask].any(axis=1)
            for q in others_idx[p]:
                st.costs[insp, q] -= ci.inspection_cost
            st.costs[insp & legal, p] -= ci.nuisance_cost
            st.last_insp[insp, p] = k
            caught[:, p] = found
            if private is not None and insp.any():
                sub = st.beliefs[insp]
                update_on_inspection(private, sub, names[p], found[insp], names)
                st.beliefs[insp] = sub
        _apply_detection(ci, st, k, caught)
    return _finish(ci, st)


# --------------------------------------------------------------------------------------------- exact


def expected(
    ci: CompiledImplementation, agreements: np.ndarray, worlds: np.ndarray, weights: np.ndarray
) -> Outcome:
    """Exact expectation of :func:`simulate`'s metrics for each row (no random compliance strategies).

    ``caught_step`` is not an expectation (-1); ``caught``/``cheated``/``completed`` become probabilities.
    ``threat_reduction`` counts verification exactly as the simulation does.
    """
    root = _initial(ci, np.asarray(agreements), worlds, weights, None)
    M, P = root.level.shape[0], ci.n_parties
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
    nodes = [0]
    others_idx = ci._cache()["others_idx"]
    party_mask = ci._cache()["party_mask"]

    def leaf(st: _State) -> None:
        # a state's rows are distinct (subsets of the root's), so += adds once per row, as np.add.at would
        out = _finish(ci, st)
        m = st.mass
        acc["realised"][st.row] += out.realised * m[:, None]
        acc["completed"][st.row] += out.completed * m
        acc["steps"][st.row] += out.steps_completed * m
        acc["cheated"][st.row] += out.cheated * m[:, None]
        acc["caught"][st.row] += out.caught * m[:, None]
        acc["thr"][st.row] += np.nan_to_num(out.threat_reduction) * m
        acc["dis"][st.row] += np.nan_to_num(out.dismantled_share) * m
        acc["rel"][st.row] += np.nan_to_num(out.relief_delivered) * m

    def walk(st: _State, k: int) -> None:
        nodes[0] += 1
        if nodes[0] > MAX_NODES:
            raise ValueError("the schedule branches too much for the exact evaluator; use simulation")
        if k == ci.n_steps or not st.active.any():
            leaf(st)
            return
        if not st.active.all():
            leaf(st.take(np.flatnonzero(~st.active)))
            st = st.take(np.flatnonzero(st.active))
        cheat = _decide(ci, st, k, None)
        _deliver(ci, st, k, cheat)
        probs = np.zeros((st.level.shape[0], P))
        survival = []
        for p in range(P):
            r = ci.insp_rate[k, p]
            mask = party_mask[p]
            legal = ~st.open_[:, mask].any(axis=1)
            cost = r * ci.inspection_cost
            for q in others_idx[p]:
                st.costs[st.active, q] -= cost
            st.costs[st.active & legal, p] -= r * ci.nuisance_cost
            survival.append(_open_survival(ci, st, p))
            probs[:, p] = np.where(st.active, r * (1.0 - survival[p]), 0.0)
        # verification of dismantled components: a component counts if an inspection of the threat party
        # happens at or after its dismantlement; branch on that inspection only where it matters
        branch_parties = [p for p in range(P) if (probs[:, p] > 0).any()]
        t = ci.threat_party
        insp_matters = (
            t >= 0
            and ci.comp_share.size > 0
            and ci.insp_rate[k, t] > 0
            and bool(
                (
                    st.active
                    & ((st.dismantle_step > -2) & (st.last_insp[:, t][:, None] < st.dismantle_step)).any(
                        axis=1
                    )
                ).any()
            )
        )
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
            if not insp_matters:
                child = st.take(keep)
                child.mass = m[keep]
                _apply_detection(ci, child, k, caught[keep])
                walk(child, k + 1)
                continue
            # split on "t was inspected" given the detection outcome of t
            r = ci.insp_rate[k, t]
            pt = probs[keep, t]
            if caught[keep, t].all():
                p_insp = np.ones(keep.size)
            else:
                # P(inspected | not detected) = r·s / (1 − r(1 − s)) with s the survival of t's open violations
                s = survival[t][keep]
                den = 1.0 - pt
                p_insp = np.where(
                    st.active[keep], np.where(den > 0, r * s / np.where(den > 0, den, 1.0), 0.0), 0.0
                )
            for inspected, w in ((True, p_insp), (False, 1.0 - p_insp)):
                mm = m[keep] * w
                sel = np.flatnonzero(mm > 0)
                if sel.size == 0:
                    continue
                child = st.take(keep[sel])
                child.mass = mm[sel]
                if inspected:
                    child.last_insp[child.active, t] = k
                _apply_detection(ci, child, k, caught[keep[sel]])
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
        threat_reduction=acc["thr"] if ci.comp_share.size else np.full(M, np.nan),
        dismantled_share=acc["dis"] if ci.comp_share.size else np.full(M, np.nan),
        relief_delivered=acc["rel"] if ci.relief_party >= 0 else np.full(M, np.nan),
    )
