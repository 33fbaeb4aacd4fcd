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

import numpy as np

from accord.implementation.compliance import check_exact
from accord.implementation.steps import (
    TIE,
    Implementation,
    Outcome,
    _apply_detection,
    _decide,
    _deliver,
    _detect,
    _finish,
    _initial,
    _open_survival,
    _relief_distance,
    _resolve,
    _rows,
    _runs,
    _State,
    _zero_nan,
)
from accord.model.beliefs import bayes

__all__ = ["TIE", "MAX_NODES", "EXPECTED_PART_ROWS", "Outcome", "draw_count", "simulate", "expected"]

#: Guard on the exact evaluator's branching (nodes visited, counted per run).
MAX_NODES = 200_000
#: Rows per part of a stacked exact evaluation: a call on the rows of many runs is evaluated in parts of
#: whole runs, about this size (runs do not interact, so the results are the same; the cost per row grows with
#: the node arrays once they leave the caches).
EXPECTED_PART_ROWS = 16_384


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
